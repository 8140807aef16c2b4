"""Which rules engine runs: CLIPS (clipspy, always installed) or durable_rules (the optional [durable] extra).

Both backends compile the same rule files and hand up the same Matches; `Engine` here is the one
interface everything above uses, so the tally, ranking and documents never know which ran.
Choice: an explicit name (the commands' --engine), else $SCORING_ENGINE, else `auto`: durable_rules
where it imports (the engine the product was first built and measured on), CLIPS everywhere else
(durable_rules ships no wheels, and does not import on Python 3.13+).

Backends are imported only here, and only when chosen: importing this module loads neither.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from scoring.engine.matches import Match
from scoring.standard import Standard
from scoring.i18n import _

CHOICES = ("auto", "clips", "durable")
ENVIRONMENT = "SCORING_ENGINE"
# What a run records as its engine: the backend's name as runs show it. Runs made before engines
# could be chosen were all made by durable_rules, and read as such (scoring.store).
RECORDED = {"clips": "clips", "durable": "durable_rules"}
_MODULES = {"clips": "scoring.engine.clips", "durable": "scoring.engine.durable"}
_PACKAGES = {"clips": "clipspy", "durable": "durable_rules"}


class EngineUnavailable(ValueError):
    """The engine asked for cannot run here (not installed, or does not import on this Python)."""


@dataclass(frozen=True)
class Backend:
    key: str  # clips | durable
    name: str  # as a run records it: clips | durable_rules
    version: str  # the Python package's version, e.g. 1.0.6

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def requested(name: str | None = None) -> str:
    """The choice in force: the name given, else $SCORING_ENGINE, else auto; refused when unknown."""
    choice = (name or os.environ.get(ENVIRONMENT) or "auto").strip().lower()
    if choice not in CHOICES:
        source = "--engine" if name else f"${ENVIRONMENT}"
        raise EngineUnavailable(_("unknown engine {value!r} from {source}: choose one of {choices}", value=choice,
                                  source=source, choices=", ".join(CHOICES)))
    return choice


def backend(name: str | None = None) -> Backend:
    """The backend that runs for a choice (see `requested`); auto prefers durable_rules where it imports."""
    choice = requested(name)
    if choice == "auto":
        choice = "durable" if installed("durable") else "clips"
    _module(choice)  # fail now, with a clear message, rather than inside a worker process
    return Backend(choice, RECORDED[choice], _version(choice))


def installed(key: str) -> bool:
    """Whether the engine `key` (clips, durable) imports here: durable_rules is an extra, and fails on 3.13+."""
    try:
        _module(key)
    except EngineUnavailable:
        return False
    return True


def _module(key: str) -> Any:
    try:
        return importlib.import_module(_MODULES[key])
    except ImportError as exc:  # not installed, or (durable_rules on 3.13+) a C extension that fails to load
        hint = (_("pip install 'gongkai-scoring[durable]' (needs a C compiler and Python 3.11/3.12)")
                if key == "durable" else "pip install clipspy")
        raise EngineUnavailable(_("the {engine} engine cannot run here ({problem}): {hint}; or use --engine auto",
                                  engine=RECORDED[key], problem=exc, hint=hint)) from exc


@cache
def _version(key: str) -> str:
    # Package metadata is read from disk (≈8 ms): once per process, the installed version does not change under it.
    try:
        return metadata.version(_PACKAGES[key])
    except metadata.PackageNotFoundError:  # pragma: no cover - importable yet not installed as a package
        return "unknown"


def unique(matches: list[Match], repeating: frozenset[str] | None = None) -> list[Match]:
    """Each (rule, facts) once, in first-seen order (only the `repeating` rules' matches checked, when named).

    durable_rules reports a fact that meets two `any:` alternatives once per alternative; CLIPS once.
    A match is one finding of the rule whatever the reason, so both backends hand up each once and
    the tally can never count it twice."""
    seen: set[tuple] = set()
    out = []
    for match in matches:
        if repeating is not None and match.rule not in repeating:
            out.append(match)  # a rule that never reports one match twice
            continue
        key = (match.rule, tuple(fact["id"] for fact in match.facts.values()))
        if key not in seen:
            seen.add(key)
            out.append(match)
    return out


class Engine:
    """One scoring job's rules engine, whichever backend: fire a unit's facts, forget the unit, close."""

    def __init__(self, standard: Standard, name: str | Backend | None = None):
        self.backend = name if isinstance(name, Backend) else backend(name)
        module = _module(self.backend.key)
        self._engine = module.ClipsEngine(standard) if self.backend.key == "clips" else module.Engine(standard)

    def fire(self, sid: str, facts: list[dict[str, Any]]) -> list[Match]:
        """Assert a unit's facts (a batch) and return the new matches, each (rule, facts) once."""
        matches = self._engine.fire(sid, facts)
        # Only a backend's `repeating` rules can report a match twice (see `unique`): the rest need no check.
        repeating = self._engine.repeating
        if repeating and any(match.rule in repeating for match in matches):
            return unique(matches, repeating)
        return matches

    def forget(self, sid: str) -> None:
        self._engine.forget(sid)

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
