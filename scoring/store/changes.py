"""Which units' inputs changed since a run: a stamp per (unit, period), kept current by SQLite triggers.

An incremental run (scoring.engine.incremental) must know which units changed since the run it builds
on without reading every unit's inputs (reading them is what a run costs). Every write to a table that
feeds a unit's facts — findings, self-assessments, survey answers and issued counts, metrics, records,
rectification items and their statuses, appeals, withdrawals of findings, the unit rows and the
objects below a unit (websites, accounts, windows), assessors' judged points —
stamps the unit in `unit_changes` with the id of the latest run at the moment of the write.

Triggers, not Python: every write path (imports, web entry, `rectify update`, withdrawals, deletes, a
tool writing SQL by hand) passes through SQLite, and a write path added later cannot forget them. The
stamped tables are found from the schema (every table with a `unit` column but a run's own rows), so a
new input table is stamped without anyone remembering to.

Why the latest run's id is a sound clock: a run takes the write lock before it reads its inputs and
holds it until it commits (runner.run_period), and runs are never deleted. So a write committed before
run B read its inputs was stamped with an id below B (B's row did not exist yet), and any write after B
committed is stamped B or more. The units stamped B or more are exactly those that may differ from what
B saw (a write inside B's own transaction would be stamped B too: at worst re-scored, never missed).
"""

from __future__ import annotations

from typing import Any

from scoring.store.tables import TABLES

CHANGES_TABLE = "unit_changes"
_CLOCK = "(select coalesce(max(id), 0) from runs)"
_STAMP = (f"insert into {CHANGES_TABLE} (unit, period, seq) values ({{unit}}, {{period}}, {_CLOCK}) "
          "on conflict (unit, period) do update set seq = excluded.seq;")
# A withdrawal names a finding: its unit and period are the finding's.
_STAMP_WITHDRAWN = (f"insert into {CHANGES_TABLE} (unit, period, seq) select f.unit, f.period, {_CLOCK} "
                    "from findings f where f.id = {finding} "
                    "on conflict (unit, period) do update set seq = excluded.seq;")


# Tables with a unit column that are not a unit's inputs: a run's own rows (stamping them would mark every unit).
_NOT_INPUTS = frozenset({"run_units"})


def stamped_tables() -> dict[str, tuple[str, str]]:
    """Each stamped table: the SQL of its unit and of its period ('' for rows of no period: a unit's objects),
    over a row alias (`{row}`)."""
    tables = {name: ("{row}.unit", "{row}.period" if "period" in columns else "''")
              for name, (columns, _) in TABLES.items() if "unit" in columns and name not in _NOT_INPUTS}
    tables["units"] = ("{row}.code", "''")
    return tables


def trigger_sql() -> list[str]:
    """The CREATE TRIGGER statements (if not exists) that keep unit_changes current."""
    statements = []
    for table, (unit, period) in stamped_tables().items():
        for event, rows in (("insert", ("new",)), ("delete", ("old",)), ("update", ("old", "new"))):
            body = " ".join(_STAMP.format(unit=unit.format(row=row), period=period.format(row=row)) for row in rows)
            statements.append(f"create trigger if not exists stamp_{table}_{event} after {event} on {table} "
                              f"begin {body} end")
    for event, rows in (("insert", ("new",)), ("delete", ("old",)), ("update", ("old", "new"))):
        body = " ".join(_STAMP_WITHDRAWN.format(finding=f"{row}.finding") for row in rows)
        statements.append(f"create trigger if not exists stamp_finding_withdrawals_{event} after {event} "
                          f"on finding_withdrawals begin {body} end")
    return statements


def create_stamps(conn: Any) -> None:
    """The table and its triggers (a workspace made before them gains them at its upgrade)."""
    conn.execute(f"create table if not exists {CHANGES_TABLE} (unit text not null, period text not null, "
                 "seq integer not null, primary key (unit, period))")
    for sql in trigger_sql():
        conn.execute(sql)


def units_changed_since(conn: Any, run_id: int) -> set[str]:
    """Units with any input written (in any period) since run `run_id` read its inputs.

    Any period, not only the run's: a unit's facts read the previous period's findings and other
    periods' rectification items falling due in this one."""
    return {row[0] for row in conn.execute(f"select distinct unit from {CHANGES_TABLE} where seq >= ?", [run_id])}
