"""Facts built in Python from each unit's rows (scoring.engine.finding_groups, facts._self_facts) are exactly
the facts SQL built.

The facts SQL once grouped a unit's findings itself; now it hands each unit's rows to Python. Here random
rows, with the values a workspace written by hand could hold (no indicator, an empty one, a code the
criteria do not know, corrected_on_spot missing or written as text), are grouped both ways and compared
whole: which groups, in which order, their counts, members, ids and dates. SQLite is the reference.
"""

from __future__ import annotations

import sqlite3

import orjson

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine.finding_groups import finding_facts, group_findings, group_previous, previous_facts

KINDS = {"A": "defect", "B": "defect", "C": "bonus"}  # "Z" is not a code of the criteria
APPLICABLE = frozenset({"T1", ""})

ROWS = st.lists(st.tuples(st.sampled_from(["A", "B", "C", "Z"]), st.sampled_from([None, "T1", "T2", ""]),
                          st.sampled_from([None, 0, 1, "1", "no"]), st.sampled_from([None, 1, 2, 5]),
                          st.sampled_from([None, "2025-03-01", "2025-11-30"])), max_size=30)


def _table(rows: list[tuple]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("create table f (id, code, indicator, on_spot, count, date)")  # no affinity: values kept as given
    conn.executemany("insert into f values (?, ?, ?, ?, ?, ?)", [(f"F{n:03d}", *row) for n, row in enumerate(rows)])
    conn.execute("create table kinds (code, kind)")
    conn.executemany("insert into kinds values (?, ?)", KINDS.items())
    return conn


def _rows(conn: sqlite3.Connection, columns: str) -> list[list]:
    return [list(row) for row in conn.execute(f"select {columns} from f order by rowid desc")]  # any order


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(rows=ROWS)
def test_findings_group_as_sql_groups_them(rows):
    conn = _table(rows)
    expected = []
    for code, kind, indicator, on_spot, ids, total, members in conn.execute("""
            select f.code, k.kind, f.indicator, f.on_spot, group_concat(f.id), sum(f.count), count(*)
            from f join kinds k on k.code = f.code
            group by f.code, f.indicator, f.on_spot order by f.code, f.indicator, f.on_spot"""):
        refs = sorted(ids.split(","))
        fact = {"fact": "finding", "id": f"finding:{refs[0]}", "ref": refs[0], "refs": refs, "members": members,
                "code": code, "kind": kind}
        if indicator is not None:
            fact["indicator"] = indicator
        if total is not None:
            fact["count"] = total
        truth = conn.execute("select case when ? then 1 else 0 end", [on_spot]).fetchone()[0]
        expected.append({**fact, "corrected_on_spot": bool(truth), "applicable": indicator in APPLICABLE})
    grouped = group_findings(_rows(conn, "id, code, indicator, on_spot, count"))
    assert finding_facts(grouped, KINDS, APPLICABLE) == expected


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(rows=ROWS)
def test_last_period_s_findings_group_as_sql_groups_them(rows):
    conn = _table(rows)
    expected = []
    for code, indicator, ids, total, last in conn.execute("""
            select f.code, coalesce(f.indicator, ''), group_concat(f.id), sum(f.count), max(f.date)
            from f join kinds k on k.code = f.code and k.kind = 'defect'
            group by f.code, f.indicator order by f.code, f.indicator"""):
        fact = {"fact": "previous_finding", "id": f"previous:{code}:{indicator}",
                "ref": "、".join(sorted(ids.split(","))), "code": code, "kind": "defect", "indicator": indicator}
        if total is not None:
            fact["count"] = total
        if last is not None:
            fact["date"] = last
        expected.append(fact)
    grouped = group_previous(_rows(conn, "id, code, indicator, count, date"))
    assert previous_facts(grouped, KINDS) == expected


def test_self_assessment_facts_are_the_ones_sql_wrote():
    """Rows without an indicator or a claim (a workspace edited by hand) lose those fields, as in SQL's JSON."""
    from scoring.engine.facts import _self_facts

    rows = [["T1", "compliant"], ["T2", None], [None, "partial"], [None, None], ["T3", "noncompliant"]]
    conn = sqlite3.connect(":memory:")
    conn.execute("create table s (indicator text, claim text)")
    conn.executemany("insert into s values (?, ?)", rows)
    written = conn.execute("""select json_object('fact', 'self_assessment', 'id', 'self:' || indicator,
        'ref', 'SA-' || indicator, 'indicator', indicator, 'claim', claim,
        'applicable', json(case when indicator in ('T1', 'T2') then 'true' else 'false' end)) from s order by rowid""")
    expected = [{k: v for k, v in orjson.loads(text).items() if v is not None} for (text,) in written]
    assert _self_facts(rows, frozenset({"T1", "T2"})) == expected
    assert [list(fact) for fact in _self_facts(rows, frozenset())] == [list(fact) for fact in expected]  # key order
