"""Reproduce a stored run: score its period again with the standard texts it recorded and today's inputs.

`scoring run --period P --rerun RUN` either proves the run reproducible (every unit's scorecard
document the same, byte for byte) or says exactly what changed: which units, which indicators and
lines, old value and new. Nothing is stored: a rerun reads the workspace in one snapshot and
writes nothing, so it can run beside imports, or on a backup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterator

from scoring.engine.backends import Backend, backend
from scoring.engine.runner import RunError, documents, period_of, score_all
from scoring.standard.loader import load_from_files
from scoring.store import Store
from scoring.i18n import _

# Lists inside a scorecard document whose items carry a key: changes are named by it, not by position.
_ITEM_KEYS = ("code", "id", "rule")
# What a reader looks at first, listed first.
_FIRST = ("score", "grade", "rank", "veto", "base", "bonus", "feed_points")


@dataclass
class Rerun:
    run: dict[str, Any]  # the stored run
    criteria: str  # the standard's label, id@hash
    units: int  # units compared (stored and recomputed together)
    engine: Backend  # the rules engine that recomputed it (the run records the one that scored it)
    changed: dict[str, list[str]] = field(default_factory=dict)  # unit -> what changed, one line each

    @property
    def identical(self) -> bool:
        return not self.changed

    @property
    def same_engine(self) -> bool:
        return self.run["engine"] == self.engine.name

    def lines(self) -> list[str]:
        run = self.run
        head = _("run {run} ({period}, as of {as_of}, {standard}) recomputed from its recorded standard and the "
                 "current inputs: ", run=run["id"], period=run["period"], as_of=run["as_of"], standard=self.criteria)
        lines = [] if self.same_engine else [
            _("run {run} was scored by {recorded}; recomputed by {engine}, another engine", run=run["id"],
              recorded=_recorded(run), engine=self.engine.label)]
        if self.identical:
            return lines + [head + _("identical, {units} scorecards byte for byte", units=self.units)]
        lines += [head + _("{changed} of {units} units differ (old → new)", changed=len(self.changed), units=self.units)]
        for unit in sorted(self.changed):
            lines += [f"{unit}: {change}" for change in self.changed[unit]]
        return lines


def rerun(store: Store, period_code: str, run_id: int, progress: Callable[[int], None] | None = None,
          engine_name: str | None = None) -> Rerun:
    """Recompute run `run_id` and compare it with what it stored; raises RunError when it cannot be recomputed."""
    period = period_of(store, period_code)
    run = store.run(run_id)
    if run is None:
        raise RunError(_("no run {run} in this workspace", run=run_id))
    if run["period"] != period.code:
        raise RunError(_("run {run} scored period {scored}, not {period}", run=run_id, scored=run["period"],
                         period=period.code))
    files = store.standard_files(run["standard_hash"])
    if files is None:
        raise RunError(_("run {run}: the texts of its standard ({hash}) are not in this "
                         "workspace, so it cannot be recomputed; `scoring doctor` lists such runs", run=run_id,
                         hash=run["standard_hash"][:12]))
    standard = load_from_files(files)
    engine = backend(engine_name)
    if standard.content_hash != run["standard_hash"]:
        raise RunError(_("run {run}: its recorded standard texts hash to {found}, not to the "
                         "{named} the run names; the workspace has been altered", run=run_id,
                         found=standard.content_hash[:12], named=run["standard_hash"][:12]))
    with store.snapshot():  # the stored run and the inputs, as of one moment
        stored = {doc["unit"]: doc for doc in store.run_documents(run_id)}
        scores = score_all(store, standard, period, date.fromisoformat(run["as_of"]), progress, engine)
    fresh = {d["unit"]: d for d in documents(standard, period, scores)}
    result = Rerun(run, standard.label, len(set(stored) | set(fresh)), engine)
    for unit in sorted(set(stored) | set(fresh)):
        if unit not in fresh:
            result.changed[unit] = [_("scored in run {run}, not scored now (no longer a unit of this workspace)", run=run_id)]
        elif unit not in stored:
            result.changed[unit] = [_("not in run {run}, scored now (a unit added since)", run=run_id)]
        else:
            changes = compare(stored[unit], fresh[unit])
            if changes:
                result.changed[unit] = changes
    return result


def _recorded(run: dict[str, Any]) -> str:
    return f"{run['engine']} {run['engine_version']}".strip()


def canonical(document: dict[str, Any]) -> str:
    """A scorecard document as one text (sorted keys, UTF-8): equal texts, equal documents."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two scorecard documents, one line per value: `where: old → new`.

    No line means identical byte for byte, as canonical texts.
    """
    if "run" in old and "run" not in new:  # a document that names its own run: not an input
        new = {**new, "run": old["run"]}
    if canonical(old) == canonical(new):
        return []
    changes = [f"{where}: {old_value} → {new_value}" for where, old_value, new_value in _differences(old, new, "")]
    return changes or ["the documents differ in form only (same values, written differently)"]


def _differences(old: Any, new: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, old, new) for every value that differs; lists of coded items are matched by code, not position."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=lambda k: (_FIRST.index(k) if not where and k in _FIRST else 99, str(k))):
            inner = f"{where}.{key}" if where else str(key)
            if key not in new:
                yield inner, _show(old[key]), "(none)"
            elif key not in old:
                yield inner, "(none)", _show(new[key])
            else:
                yield from _differences(old[key], new[key], inner)
    elif isinstance(old, list) and isinstance(new, list) and (name := _key_of(old + new)):
        old_items, new_items = _by_key(old, name), _by_key(new, name)
        for key in list(old_items) + [k for k in new_items if k not in old_items]:
            # Dimension and indicator codes are unique in a standard: `T1.score` says enough.
            inner = key if where == "dimensions" or where.endswith(".indicators") else f"{where}[{key}]"
            if key not in new_items:
                yield inner, _show(old_items[key]), "(none)"
            elif key not in old_items:
                yield inner, "(none)", _show(new_items[key])
            else:
                yield from _differences(old_items[key], new_items[key], inner)
    elif old != new or type(old) is not type(new):
        yield where or "document", _show(old), _show(new)


def _key_of(items: list[Any]) -> str | None:
    """The key every item of a list of mappings has (code, id or rule), if any."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    return next((k for k in _ITEM_KEYS if all(k in i for i in items)), None)


def _by_key(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for item in items:
        key, n = str(item[name]), 1
        while key in keyed:  # the same rule on several lines: CONTENT_STALE, CONTENT_STALE#2 …
            n += 1
            key = f"{item[name]}#{n}"
        keyed[key] = item
    return keyed


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "…"
