"""The SQLite workspace: validated rows, periods, immutable runs and their documents, the audit.

`database.Store` is the only place that imports sqlite_utils; `tables` holds the schema as data,
`rundocs` the codec of a run's per-unit documents, `workspace` and `periods` set a workspace up,
`doctor` checks it.
"""

# What the package offers is loaded on first use (PEP 562), not when any module of it is imported: a command
# that needs one light module (lifecycle, periods) does not pay for sqlite_utils (issue 17: every command's
# startup).
from typing import TYPE_CHECKING

from scoring import loaded_on_first_use

if TYPE_CHECKING:
    from scoring.store.database import DEFAULT_DB, Store, StoreError, current_user, now, resolve_path

__all__ = ["DEFAULT_DB", "Store", "StoreError", "current_user", "now", "resolve_path"]

_HOMES = dict.fromkeys(__all__, "scoring.store.database")
__getattr__ = loaded_on_first_use(__name__, _HOMES)
