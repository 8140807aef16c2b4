"""Each run's ranking groups, one row a group (run_groups): what re-scoring one unit reads to place it.

A run stores every unit's rank, score, grade and veto in run_units. Re-scoring one unit (engine.runner)
needs its whole group best first, and a province's largest group is 5,013 townships: reading their rows
from run_units' covering index costs ≈ 10 ms of CPU (≈ 35 ms under load), one row of JSON ≈ 1 ms. The row
is written with the run, in the same transaction, from the same placement, and never changed after (runs
are immutable). A run made before schema 12 has no such rows: its groups are read from run_units.
"""

from __future__ import annotations

import sqlite3
from operator import itemgetter
from typing import Any, Iterable

from scoring import fastjson

# units, ranks, scores (as stored: "95" and "95.00" are the same), grade names, vetoes (0/1): parallel lists
Columns = tuple[list[str], list[int], list[str], list[str], list[int]]


def save_run_groups(conn: sqlite3.Connection, run_id: int,
                    rows: Iterable[tuple[str, str, int, str, str, int]]) -> None:
    """(group, unit, rank, score, grade, veto) of every unit of the run: one row a group, best first (by rank)."""
    groups: dict[str, list[tuple[str, int, str, str, int]]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row[1:])
    conn.executemany("insert into run_groups (run, ranking_group, standings) values (?, ?, ?)",
                     [(run_id, group, fastjson.dumps(_columns(members))) for group, members in groups.items()])


def run_group(conn: sqlite3.Connection, run_id: int, group: str,
              stored: Any) -> Columns:
    """A group's standings in a run, best first; `stored()` gives its run_units rows for a run without run_groups."""
    row = conn.execute("select standings from run_groups where run = ? and ranking_group = ?",
                       [run_id, group]).fetchone()
    if row is not None:
        units, ranks, scores, grades, vetoes = fastjson.loads(row[0])
        return units, ranks, scores, grades, vetoes
    return _columns(stored())


def _columns(rows: list[tuple[str, int, str, str, int]]) -> Columns:
    """(unit, rank, score, grade, veto) rows as parallel lists, best first (ties in the order given: it does not
    matter, they share their rank and grade)."""
    ordered = sorted(rows, key=itemgetter(1))
    if not ordered:
        return [], [], [], [], []
    units, ranks, scores, grades, vetoes = (list(column) for column in zip(*ordered))
    return units, ranks, scores, grades, vetoes
