"""The SQLite workspace: validated rows, periods, immutable runs and their documents, the audit.

`database.Store` is the only place that imports sqlite_utils; `tables` holds the schema as data,
`rundocs` the codec of a run's per-unit documents, `workspace` and `periods` set a workspace up,
`doctor` checks it.
"""

# What the package offers is loaded on first use (PEP 562), not when any module of it is imported: a command
# that needs one light module (lifecycle, periods) does not pay for sqlite_utils (issue 17: every command's
# startup).
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.store.database import DEFAULT_DB, Store, StoreError, current_user, now, resolve_path

__all__ = ["DEFAULT_DB", "Store", "StoreError", "current_user", "now", "resolve_path"]

_HOMES = dict.fromkeys(__all__, "scoring.store.database")


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
