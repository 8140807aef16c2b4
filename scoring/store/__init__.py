"""The SQLite workspace: validated rows, periods, immutable runs and their documents, the audit.

`database.Store` is the only place that imports sqlite_utils; `tables` holds the schema as data,
`rundocs` the codec of a run's per-unit documents, `workspace` and `periods` set a workspace up,
`doctor` checks it.
"""

from scoring.store.database import DEFAULT_DB, Store, StoreError, current_user, now, resolve_path

__all__ = ["DEFAULT_DB", "Store", "StoreError", "current_user", "now", "resolve_path"]
