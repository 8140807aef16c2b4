"""The workspace: one SQLite file, reached only through this module (the one that imports sqlite_utils)."""

from __future__ import annotations

import getpass
import json
import os
import re
import sqlite3
import sys
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

from scoring.store.changes import create_stamps
from scoring.store.lifecycle import check_unlocked
from scoring.store.private import PRIVATE_MODE, create_private
from scoring.store.register import RectificationRegister
from scoring.store.runs import RunTables
from scoring.store.stamps import now  # noqa: F401 (also offered as scoring.store.now)
from scoring.store.tables import INDEXES, TABLES, INPUT_TABLES, SCHEMA_VERSION
from scoring.i18n import _


def _import_sqlite_utils():
    """sqlite_utils, imported without numpy and pandas when nothing has imported them yet.

    It imports them (when installed: matplotlib brings numpy) only to map their number types to column types for
    rows holding them; the store never writes one, and numpy alone cost ≈0.1 s of every command's startup.
    """
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(hidden))  # None: `import numpy` raises ImportError, as if not installed
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

DEFAULT_DB = "scoring.db"
BUSY_TIMEOUT_MS = 30_000  # SQLite waits this long for another writer at each attempt
BUSY_WAIT_SECONDS = 600.0  # a transaction keeps trying this long before the workspace is called busy


class StoreError(RuntimeError):
    pass


# Names the web app records its signed-in users under ("web:NAME", or "web" for nobody): the CLI may not claim them.
WEB_ACTOR = re.compile(r"^\s*web(:|\s*$)", re.IGNORECASE)


def os_user() -> str:
    """The operating-system account this process runs as (recorded beside every audit entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container): the uid itself
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def current_user() -> str:
    """$SCORING_USER, else the OS account; $SCORING_USER may not name a web user nor hold control characters."""
    given = os.environ.get("SCORING_USER")
    if not given:
        return os_user()
    if WEB_ACTOR.match(given):
        raise StoreError(_("SCORING_USER={value!r} claims a web user: names starting with 'web:' are the web app's "
                           "signed-in users; set SCORING_USER to your own name, or unset it", value=given))
    if has_control(given):
        raise StoreError(_("SCORING_USER={value!r} holds control characters (a line break?): give a plain name",
                           value=given))
    return given


def has_control(text: str) -> bool:
    """Control characters (C0, DEL, C1) or Unicode line/paragraph separators: they could forge output lines."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def resolve_path(db: str | os.PathLike | None) -> Path:
    return Path(db or os.environ.get("SCORING_DB") or DEFAULT_DB)


class Store(RectificationRegister, RunTables):
    def __init__(self, path: str | os.PathLike, create: bool = False, user: str | None = None):
        self.path = Path(path)
        # Who the writes through this store are recorded as (audit.user, runs.user,
        # rectification_history.user): the person acting, set by the caller that knows it (the web
        # app: its signed-in user, per request); None is whoever runs the process (current_user()).
        self.acting_user = user
        if not create and str(path) != ":memory:" and not self.path.exists():
            raise StoreError(_("no workspace at {path}: run `scoring init` first, or point --db at one", path=self.path))
        if create and str(path) != ":memory:":
            create_private(self.path)  # SQLite gives the WAL and SHM files the database file's mode
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self.db = sqlite_utils.Database(conn, execute_plugins=False)  # no scan of installed packages' entry points
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        self.conn = conn
        if not create and self.db["settings"].exists() and self.get_setting("schema_version") != str(SCHEMA_VERSION):
            with self.transaction():
                self._add_missing_columns()
                self.set_setting("schema_version", str(SCHEMA_VERSION))

    @property
    def user(self) -> str:
        """The user this store's writes are stamped with: the acting user, else the OS user or $SCORING_USER."""
        return self.acting_user or current_user()

    def close(self) -> None:
        self.conn.close()

    def backup(self, target: str | os.PathLike) -> None:
        """A consistent copy through SQLite's online backup API: safe while others read and write.

        The copy is readable by its owner only, like the workspace (private.py says why)."""
        if not create_private(target):
            os.chmod(target, PRIVATE_MODE)
        destination = sqlite3.connect(str(target))
        try:
            self.conn.backup(destination)
        finally:
            destination.close()

    # ------------------------------------------------------------ schema and transactions

    def create_schema(self) -> None:
        with self.transaction():
            for name, (columns, pk) in TABLES.items():
                self.db[name].create(columns, pk=pk[0] if len(pk) == 1 else pk, if_not_exists=True)
            self._add_missing_columns()
            for table, cols in INDEXES:
                self.db[table].create_index(cols, if_not_exists=True)
            self.set_setting("schema_version", str(SCHEMA_VERSION))

    def _add_missing_columns(self) -> None:
        """A workspace made by an older version gains the tables and columns added since."""
        for name, (columns, pk) in TABLES.items():
            if not self.db[name].exists():
                if self.db["settings"].exists():  # an upgrade (create_schema makes every table itself)
                    self.db[name].create(columns, pk=pk[0] if len(pk) == 1 else pk)
                    for table, cols in INDEXES:  # with its index
                        if table == name:
                            self.db[table].create_index(cols, if_not_exists=True)
                continue
            present = self.db[name].columns_dict
            for column, kind in columns.items():
                if column not in present:
                    self.db[name].add_column(column, kind)
        create_stamps(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One all-or-nothing unit of work; nested calls join the outer transaction.

        BEGIN IMMEDIATE takes the write lock up front, waiting for another writer (busy_timeout),
        so a transaction never has to upgrade a read and fail on a snapshot another process
        changed. A big import can hold the lock longer than busy_timeout, so the wait is retried
        up to BUSY_WAIT_SECONDS before the workspace is called busy.
        """
        if self.conn.in_transaction:
            yield
            return
        self._begin_immediate()
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # some errors (disk full) have already rolled it back
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _begin_immediate(self) -> None:
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise StoreError(_("the workspace {path} is busy: another command has been writing to it "
                                       "for over {seconds} s; try again when it is done", path=self.path,
                                       seconds=f"{BUSY_WAIT_SECONDS:.0f}")) from None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that all see one state of the database, however others write meanwhile (WAL).

        For work that reads much and writes nothing (a rerun, re-scoring one unit, doctor): without
        it each query sees the latest commit, so an import committing halfway through would leave
        some units read before it and some after. (A run reads under its write lock instead, which
        also holds its worker processes' reads to the same moment: runner.run_period.)
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("select count(*) from sqlite_master").fetchone()  # fixes the snapshot now
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] | dict = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def execute(self, sql: str, params: Iterable[Any] | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    # ------------------------------------------------------------ settings, standards, audit

    def get_setting(self, key: str) -> str | None:
        rows = self.query("select value from settings where key = ?", [key])
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str) -> None:
        self.db["settings"].upsert({"key": key, "value": value}, pk="key")

    def save_standard(self, hash_: str, id_: str, version: str, label: str, files: dict[str, str]) -> None:
        if not self.db["standards"].count_where("hash = ?", [hash_]):
            self.db["standards"].insert({"hash": hash_, "id": id_, "version": version, "label": label,
                                         "files": json.dumps(files, ensure_ascii=False, sort_keys=True),
                                         "loaded_at": now()})

    def standard_files(self, hash_: str) -> dict[str, str] | None:
        rows = self.query("select files from standards where hash = ?", [hash_])
        return json.loads(rows[0]["files"]) if rows else None

    def audit(self, action: str, target: str = "", sha256: str = "", **detail: Any) -> None:
        self.db["audit"].insert({"at": now(), "user": self.user, "action": action, "target": target,
                                 "sha256": sha256, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
                                 "os_user": os_user()})

    def audit_entries(self, since: str | None = None) -> list[dict[str, Any]]:
        if since:
            return self.query("select * from audit where at >= ? order by id", [since])
        return self.query("select * from audit order by id")

    # ------------------------------------------------------------ periods and units

    def add_period(self, code: str, kind: str, start: str, end: str, months: int) -> bool:
        if self.db["periods"].count_where("code = ?", [code]):
            return False
        self.db["periods"].insert({"code": code, "kind": kind, "start": start, "end": end, "months": months})
        return True

    def period(self, code: str) -> dict[str, Any] | None:
        rows = self.query("select * from periods where code = ?", [code])
        return rows[0] if rows else None

    def period_codes(self) -> list[str]:
        return [r["code"] for r in self.query("select code from periods order by start, months desc")]

    def units(self) -> list[dict[str, Any]]:
        return self.query("select * from units order by code")

    def unit_codes(self) -> set[str]:
        return {r["code"] for r in self.query("select code from units")}

    # ------------------------------------------------------------ input rows

    def clear_unit_periods(self, kind: str, unit_periods: set[tuple[str, str]]) -> int:
        """Delete the rows of one input kind for these (unit, period) pairs (an import with --replace)."""
        table = INPUT_TABLES[kind][0]
        if kind in ("units", "objects"):  # lists of the workspace, not of a period
            return 0
        check_unlocked(self, {period for _, period in unit_periods})
        with self.transaction():
            return sum(self.execute(f"delete from {table} where unit = ? and period = ?", pair).rowcount
                       for pair in sorted(unit_periods))

    def write_rows(self, kind: str, rows: list[dict[str, Any]], replace: bool = False) -> dict[str, int]:
        """Upsert rows of one input kind (with replace, first drop the unit-periods the rows cover).

        Returns counts of rows that were new, changed and unchanged, so a second import of the
        same file can say it changed nothing.
        """
        table, key = INPUT_TABLES[kind]
        counts = {"new": 0, "changed": 0, "unchanged": 0, "replaced": 0}
        check_unlocked(self, {r["period"] for r in rows if r.get("period")})
        with self.transaction():
            if replace:
                counts["replaced"] = self.clear_unit_periods(kind, {(r["unit"], r["period"]) for r in rows})
            existing = self._existing(table, key, rows)
            changed = []
            for row in rows:
                before = existing.get(tuple(row[k] for k in key))
                if before is None:
                    counts["new"] += 1
                elif before == row or before == {**dict.fromkeys(before), **row}:  # a column left out is stored null
                    counts["unchanged"] += 1
                    continue
                else:
                    counts["changed"] += 1
                changed.append(row)
            if changed:
                self.db[table].insert_all(changed, pk=key[0] if len(key) == 1 else key, replace=True,
                                          batch_size=1000)
        return counts

    def _existing(self, table: str, key: tuple[str, ...], rows: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
        """The stored rows with the same identity as the given rows (row values, 300 at a time)."""
        found: list[dict[str, Any]] = []
        columns = ", ".join(f"[{k}]" for k in key)
        one = "(" + ", ".join("?" * len(key)) + ")"
        for i in range(0, len(rows), 300):
            chunk = rows[i:i + 300]
            params = [row[k] for row in chunk for k in key]
            found += self.query(f"select * from {table} where ({columns}) in (values {', '.join([one] * len(chunk))})",
                                params)
        return {tuple(r[k] for k in key): r for r in found}
