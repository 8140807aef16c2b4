"""Staging: validated input rows held in SQLite's temporary database until a whole file is known to be good.

An import validates every row once, streaming, and stages the valid ones here instead of
holding them in memory or reading the file again; `Staged.write` then does in SQL what
Store.write_rows does a batch at a time in Python.
"""

from __future__ import annotations

import operator
from contextlib import contextmanager
from typing import Any, Iterator

from scoring.store import Store, StoreError
from scoring.store.tables import INPUT_TABLES


@contextmanager
def staging(store: Store, kind: str) -> Iterator["Staged"]:
    """A temporary table shaped like the kind's table (dropped afterwards)."""
    table, key = INPUT_TABLES[kind]
    columns = tuple(row[1] for row in store.execute(f"pragma main.table_info({table})"))
    name = f"temp.staged_{table}"
    store.execute(f"drop table if exists {name}")
    store.execute(f"create table {name} as select {', '.join(columns)} from main.{table} where 0")
    try:
        yield Staged(store, table, key, columns, name)
    finally:
        store.execute(f"drop table if exists {name}")


class Staged:
    """Rows staged for one table. `write` counts the rows that are new, changed and unchanged
    against the stored ones and inserts or replaces all but the unchanged, in staging order.
    """

    def __init__(self, store: Store, table: str, key: tuple[str, ...], columns: tuple[str, ...], name: str):
        self.store, self.table, self.key, self.columns, self.name = store, table, key, columns, name
        self._values = operator.itemgetter(*columns)

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows and set(rows[0]) != set(self.columns):
            raise StoreError(f"rows for {self.table} have columns {sorted(rows[0])}, the table {list(self.columns)}")
        conn = self.store.conn
        own = not conn.in_transaction  # one transaction a batch, not one a row (autocommit)
        if own:
            conn.execute("begin")  # deferred: it only ever writes the temporary database
        conn.executemany(f"insert into {self.name} values ({', '.join('?' * len(self.columns))})",
                         [self._values(row) for row in rows])
        if own:
            conn.execute("commit")

    def unit_periods(self) -> set[tuple[str, str | None]]:
        """The (unit, period) pairs the rows touch; (unit, None) for a list that is not per period (objects)."""
        if "period" not in self.columns:
            if "unit" not in self.columns or self.table == "units":
                return set()
            return {(unit, None) for (unit,) in self.store.execute(f"select distinct unit from {self.name}")}
        return set(self.store.execute(f"select distinct unit, period from {self.name}"))

    def write(self) -> dict[str, int]:
        same_key = " and ".join(f"t.[{k}] = s.[{k}]" for k in self.key)
        same_row = " and ".join(f"t.[{c}] is s.[{c}]" for c in self.columns)
        total, existing, unchanged = self.store.execute(
            f"select count(*), count(t.rowid), coalesce(sum({same_row}), 0) from {self.name} s "
            f"left join main.{self.table} t on {same_key}").fetchone()
        listed = ", ".join(f"[{c}]" for c in self.columns)
        self.store.execute(
            f"insert or replace into main.{self.table} ({listed}) select {listed} from {self.name} s "
            f"where not exists (select 1 from main.{self.table} t where {same_key} and {same_row}) order by s.rowid")
        return {"new": total - existing, "changed": existing - unchanged, "unchanged": unchanged, "replaced": 0}
