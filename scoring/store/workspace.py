"""Setting up a workspace: the schema, the standard it scores with, its periods. One place for each."""

from __future__ import annotations

import os
from pathlib import Path

from scoring.store.periods import Period, parse_period
from scoring.standard import Standard, load_default
from scoring.standard.loader import load_standard_dir, shipped_dir
from scoring.store import Store

CRITERIA_SETTING = "criteria_dir"
# The setting's value for a standard shipped with the package (`scoring init --standard ID`): by id, not by
# the package's folder, so the workspace keeps working when the package is installed elsewhere.
SHIPPED_PREFIX = "shipped:"


def create_workspace(path: str | os.PathLike, standard: Standard | None = None, fresh: bool = False,
                     shipped: str | None = None) -> Store:
    """Open (creating if needed) a workspace with its schema and standard; `fresh` deletes an old one first.

    `shipped`: the id of the shipped standard `standard` is, when it is not the default."""
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    standard = standard or load_default()
    store = Store(path, create=True)
    store.create_schema()
    with store.transaction():
        record_standard(store, standard)
        if shipped:
            store.set_setting(CRITERIA_SETTING, SHIPPED_PREFIX + shipped)
        store.audit("init", target=str(path), sha256=standard.content_hash, **({"standard": shipped} if shipped else {}))
    return store


def record_standard(store: Store, standard: Standard) -> None:
    """Keep the standard's exact texts, so every run made with it can be explained and re-run later."""
    store.save_standard(standard.content_hash, standard.criteria.id, standard.criteria.version,
                        standard.label, standard.files)


def use_standard(store: Store, standard: Standard, directory: str | None) -> None:
    """Score this workspace with the standard in `directory` from now on (None: the default)."""
    with store.transaction():
        store.set_setting(CRITERIA_SETTING, directory or "")
        record_standard(store, standard)
        store.audit("criteria use", target=directory or "default", sha256=standard.content_hash)


def add_periods(store: Store, codes: list[str]) -> list[tuple[Period, bool]]:
    """Add periods by name, all or none: every name is checked before any is added."""
    periods = [parse_period(code) for code in codes]
    added = []
    with store.transaction():
        for p in periods:
            new = store.add_period(p.code, p.kind, p.start.isoformat(), p.end.isoformat(), p.months)
            if new:
                store.audit("period add", target=p.code)
            added.append((p, new))
    return added


def standard_for(store: Store, criteria_dir: str | None = None) -> Standard:
    """The standard named on the command line, else the one the workspace uses, else the default."""
    chosen = criteria_dir or store.get_setting(CRITERIA_SETTING)
    if chosen and chosen.startswith(SHIPPED_PREFIX):
        return load_standard_dir(shipped_dir(chosen.removeprefix(SHIPPED_PREFIX)))
    return load_standard_dir(Path(chosen)) if chosen else load_default()
