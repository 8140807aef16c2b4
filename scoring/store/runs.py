"""A run's rows: the runs table, each unit's row of a run (its placement and packed document) and each ranking
group's standings. Part of Store (database.py), kept in a module of its own."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from scoring.store.rundocs import PLACEMENT_COLUMNS, RUN_UNITS, decode_document
from scoring.store.stamps import now
from scoring.store.standings import Columns, run_group, save_run_groups
from scoring.store.tables import STANDINGS_INDEX


class RunTables:
    """Store's methods on the runs, run_units and run_groups tables (needs its conn, db, query, execute, user)."""


    def create_run(self, period: str, as_of: str, standard_hash: str, standard_id: str,
                   standard_version: str, units: int, engine: str, engine_version: str,
                   completeness: str = "", inputs_key: str | None = None) -> int:
        table = self.db["runs"]
        table.insert({"period": period, "as_of": as_of, "standard_hash": standard_hash,
                      "standard_id": standard_id, "standard_version": standard_version,
                      "created_at": now(), "user": self.user, "units": units,
                      "engine": engine, "engine_version": engine_version, "completeness": completeness,
                      "inputs_key": inputs_key})
        return int(table.last_pk)

    def save_run_units(self, rows: list[dict[str, Any]]) -> None:
        """Rows with their placement and either `document` made by pack_document, or `document_run`: the
        earlier run whose row for the unit holds the same document (reused by an incremental run, not copied)."""
        columns = ("run", "unit", "ranking_group", "score", "veto", *PLACEMENT_COLUMNS, "document", "fingerprint",
                   "document_run")
        self.conn.executemany(f"insert into run_units ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
                              [tuple(row[c] for c in columns) for row in rows])

    def latest_run(self, period: str) -> dict[str, Any] | None:
        rows = self.query("select * from runs where period = ? order by id desc limit 1", [period])
        return _engine_known(rows[0]) if rows else None

    def run(self, run_id: int) -> dict[str, Any] | None:
        rows = self.query("select * from runs where id = ?", [run_id])
        return _engine_known(rows[0]) if rows else None

    def run_units(self, run_id: int, group: str | None = None) -> list[dict[str, Any]]:
        sql = RUN_UNITS + " where ru.run = ?"
        params: list[Any] = [run_id]
        if group:
            sql += " and ru.ranking_group = ?"
            params.append(group)
        return self.query(sql + " order by ru.veto, ru.rank, ru.unit", params)

    def ensure_standings_index(self) -> None:
        """The covering index run_standings reads (workspaces made before it gain it at their next run)."""
        table, columns = STANDINGS_INDEX
        self.db[table].create_index(columns, if_not_exists=True)

    def run_standings(self, run_id: int, group: str) -> list[tuple[str, int, str, str, int]]:
        """(unit, rank, score, grade, veto) of a group's rows of a run, from a covering index: rows each
        carrying a 33 KB document are scattered pages (a province's largest group: >100 ms cold)."""
        return self.execute("select unit, rank, score, grade, veto from run_units "
                            "where run = ? and ranking_group = ?", [run_id, group]).fetchall()

    def run_group(self, run_id: int, group: str) -> Columns:
        """(units, ranks, scores, grades, vetoes) of a group of a run as parallel lists, best first (store/standings.py)."""
        return run_group(self.conn, run_id, group, lambda: self.run_standings(run_id, group))

    def save_run_groups(self, run_id: int, rows: Iterable[tuple[str, str, int, str, str, int]]) -> None:
        """(group, unit, rank, score, grade, veto) of every unit of a run being stored: its run_groups rows."""
        save_run_groups(self.conn, run_id, rows)

    def run_unit(self, run_id: int, unit: str) -> dict[str, Any] | None:
        rows = self.query(RUN_UNITS + " where ru.run = ? and ru.unit = ?", [run_id, unit])
        return rows[0] if rows else None

    def run_document(self, run_id: int, unit: str) -> dict[str, Any] | None:
        """One unit's scorecard document as the run stored it."""
        row = self.run_unit(run_id, unit)
        return decode_document(row) if row else None

    def run_documents(self, run_id: int, group: str | None = None) -> Iterator[dict[str, Any]]:
        """The run's scorecard documents (of one ranking group), in the order of run_units."""
        for row in self.run_units(run_id, group):
            yield decode_document(row)


# Runs stored before the engine could be chosen (schema 3 and older) were all scored by durable_rules.
ENGINE_OF_OLD_RUNS = "durable_rules"


def _engine_known(run: dict[str, Any]) -> dict[str, Any]:
    """A runs row with its engine named: an old run's empty engine column reads as durable_rules."""
    if not run.get("engine"):
        return {**run, "engine": ENGINE_OF_OLD_RUNS, "engine_version": run.get("engine_version") or ""}
    return run
