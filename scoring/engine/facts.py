"""Per-unit facts, built in SQL: what the rules see of one unit in one period.

Each query groups one kind of input by unit and returns a JSON array per unit, so Python
only parses and merges; findings, self-assessments and the register's items come as arrays of
rows, which Python groups (scoring.engine.finding_groups) or turns into facts and dicts. The
criteria (finding-code kinds, which indicators apply to which unit type) are looked up in Python,
or joined in from temporary tables. Every query is driven by the chunk's units
(`temp.chunk_units cu cross join ...`, which fixes the join order): left to itself, SQLite
scans the whole period for each chunk, and a province costs chunks × rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Iterator, NamedTuple

import orjson

from scoring.engine.finding_groups import finding_facts, group_findings, group_previous, previous_facts
from scoring.engine.matches import fact_kinds_read, findings_aggregable
from scoring.store.periods import Period
from scoring.standard import Standard
from scoring.store import Store

CHUNK = 500  # units per round trip; bounds memory for a province


@dataclass
class UnitFacts:
    unit: dict[str, Any]
    facts: list[dict[str, Any]]
    # Rectification items of this unit in the register (issued when the findings were recorded):
    # this period's, and other periods' whose deadline falls inside this one (they can be overdue
    # here, whether or not their own period was ever scored). Withdrawn items are left out.
    items: list[dict[str, Any]] = field(default_factory=list)
    carried_items: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # finding id -> its note, for rectification items
    # The items as read: [id, period, finding, ...] (facts._ITEM_COLUMNS without the unit), this period's and then
    # the carried, each in id order; the fingerprint hashes them instead of the dicts. None: hash the dicts.
    item_rows: list[list] | None = None


_BOOL = "json(CASE WHEN {} THEN 'true' ELSE 'false' END)"

_FINDING_FIELDS = """'ref', f.id, 'code', f.code, 'kind', c.kind, 'indicator', f.indicator, 'count', f.count,
    'date', f.date"""

_FINDING = f"""json_object('fact', 'finding', 'id', 'finding:' || f.id, {_FINDING_FIELDS},
    'inspector', f.inspector, 'corrected_on_spot', {_BOOL.format('f.corrected_on_spot')},
    'applicable', {_BOOL.format('a.indicator is not null')}, 'object', f.object)"""
_SURVEY = """json_object('fact', 'survey', 'id', 'survey', 'answers', count(*),
    'favourable', sum(a.answer = 'satisfied') + sum(a.answer = 'basically_satisfied'),
    'satisfied', sum(a.answer = 'satisfied'), 'basically_satisfied', sum(a.answer = 'basically_satisfied'),
    'unsatisfied', sum(a.answer = 'unsatisfied'), 'dont_know', sum(a.answer = 'dont_know'),
    'respondents', count(distinct a.respondent), 'issued', i.issued,
    'response_rate', case when i.issued > 0 then count(distinct a.respondent) * 1.0 / i.issued end)"""
_METRICS = """json_insert(json_group_object(m.metric, cast(m.value as numeric)),
    '$.fact', 'metrics', '$.id', 'metrics')"""

_RECORD = f"""json_object('fact', 'record', 'id', 'record:' || r.id, 'ref', r.id, 'kind', r.kind,
    'column', r.column_name, 'column_type', r.column_type, 'title', r.title, 'date', r.date, 'formed', r.formed,
    'published', r.published, 'replied', r.replied, 'value', cast(r.value as numeric),
    'ok', case when r.ok is null then null else {_BOOL.format('r.ok')} end, 'count', r.count, 'object', r.object)"""
# An object below the unit (a website, an account): one fact per object in use, cited by its code.
_OBJECT = f"""json_object('fact', 'object', 'id', 'object:' || o.code, 'ref', o.code, 'code', o.code, 'kind', o.kind,
    'name', o.name, 'serves_public', {_BOOL.format('o.serves_public')})"""

_JUDGED = """json_object('fact', 'judged', 'id', 'judged:' || j.indicator || ':' || j.object, 'ref', j.id,
    'indicator', j.indicator, 'object', j.object, 'points', cast(j.points as numeric), 'assessor', j.assessor)"""

def _finding_rows(period: str, columns: str) -> str:
    """Each unit's findings of a period (withdrawn ones left out) as one JSON array of rows of these columns."""
    return f"""
select cu.code, json_group_array(json_array({columns}))
from temp.chunk_units cu
cross join findings f on f.period = {period} and f.unit = cu.code
where not exists (select 1 from finding_withdrawals w where w.finding = f.id)
group by cu.rowid"""


# One fact per group of findings alike in every field a rule compares (scoring.engine.finding_groups): the
# engine sees ≈37 finding facts a unit instead of ≈100. The findings come as each unit's JSON array of narrow
# rows, grouped in Python: one string a unit costs ≈ a third of reading the same values a row at a time
# through sqlite3, and grouping them in SQL sorts every row first.
_GROUPED_ROWS = _finding_rows(":period", "f.id, f.code, f.indicator, f.corrected_on_spot, f.count")
_PREVIOUS_ROWS = _finding_rows(":previous", "f.id, f.code, f.indicator, f.count, f.date")
_SELF_ROWS = """
select cu.code, json_group_array(json_array(s.indicator, s.claim))
from temp.chunk_units cu
cross join self_assessments s on s.period = :period and s.unit = cu.code
group by cu.rowid"""

# Each query groups by the chunk's row (cu.rowid), the order SQLite reads the chunk's units in: grouped by
# the unit's code, it sorted every row first (≈ a third of the survey's and the self-assessments' cost).
_QUERIES: dict[str, str] = {
    "finding": f"""
select cu.code, json_group_array({_FINDING})
from temp.chunk_units cu
cross join units u on u.code = cu.code
cross join findings f on f.period = :period and f.unit = cu.code
join temp.finding_codes c on c.code = f.code
left join temp.applicable a on a.indicator = f.indicator and a.type = u.type
where not exists (select 1 from finding_withdrawals w where w.finding = f.id)
group by cu.rowid""",
    "grouped_finding": _GROUPED_ROWS,
    # One fact per (code, indicator) found last period (finding_groups.previous_facts): the rules ask whether it
    # was found, and a fact per finding would make a repeat join fire once per pair of findings.
    "previous_finding": _PREVIOUS_ROWS,
    "self_assessment": _SELF_ROWS,
    # The number issued looked up once a unit, not once an answer; `favourable` adds up two sums SQLite works
    # out anyway (the same rows are NULL in both), one aggregate less an answer.
    "survey": f"""
select cu.code, json_array({_SURVEY})
from temp.chunk_units cu
left join survey_issued i on i.unit = cu.code and i.period = :period
cross join survey_answers a on a.period = :period and a.unit = cu.code
group by cu.rowid""",
    "metrics": f"""
select cu.code, json_array({_METRICS})
from temp.chunk_units cu
cross join metrics m on m.period = :period and m.unit = cu.code
group by cu.rowid""",
    "record": f"""
select cu.code, json_group_array({_RECORD})
from temp.chunk_units cu
cross join records r on r.period = :period and r.unit = cu.code
group by cu.rowid""",
    "object": f"""
select o.unit, json_group_array({_OBJECT})
from (select o.* from temp.chunk_units cu
      cross join objects o on o.unit = cu.code and o.active = 1 order by o.code) o
group by o.unit""",
    "judged": f"""
select cu.code, json_group_array({_JUDGED})
from temp.chunk_units cu
cross join judged j on j.period = :period and j.unit = cu.code
group by cu.rowid""",
}
# Kinds of facts built only for a standard whose rules read them (older workspaces and standards never do).
_ON_DEMAND = frozenset({"record", "object", "judged"})

# What scoring reads of a rectification item (scoring.rectify.items: the facts, the listed items, days late).
_ITEM_COLUMNS = ("id", "unit", "period", "finding", "rule", "indicator", "title", "deadline", "status", "rectified_on")
# Each unit's items as one JSON array of rows, each without the unit (the same for all): see _GROUPED_ROWS.
_ITEMS = f"""select cu.code, json_group_array(json_array({", ".join(f"r.{c}" for c in _ITEM_COLUMNS if c != "unit")}))
    from temp.chunk_units cu cross join rectifications r on r.unit = cu.code
    where (r.period = :period or (r.period is not null and r.deadline between :start and :end))
    and r.status != 'withdrawn'
    group by cu.rowid"""


class _Items(NamedTuple):
    """A unit's items in the register, in id order: this period's, other periods' falling due in it, and both
    as rows ([id, period, finding, ...]: _ITEM_COLUMNS without the unit), which the fingerprint hashes."""

    items: list[dict[str, Any]]
    carried: list[dict[str, Any]]
    rows: list[list]


def _items_by_unit(store: Store, params: dict[str, Any]) -> dict[str, _Items]:
    """The chunk's items in the register (withdrawn ones left out), per unit: this period's, and other periods'
    falling due in it. One query for both: each unit's items are read once (≈ −10 %)."""
    period = params["period"]
    out = {}
    for unit, array in store.execute(_ITEMS, params):
        rows = _by_id(orjson.loads(array))
        own = [row for row in rows if row[1] == period]
        carried = [row for row in rows if row[1] != period] if len(own) < len(rows) else []
        out[unit] = _Items(_item_dicts(unit, own), _item_dicts(unit, carried), own + carried)
    return out


def _item_dicts(unit: str, rows: list[list]) -> list[dict[str, Any]]:
    return [{"id": ident, "unit": unit, "period": period, "finding": finding, "rule": rule, "indicator": indicator,
             "title": title, "deadline": deadline, "status": status, "rectified_on": rectified_on}
            for ident, period, finding, rule, indicator, title, deadline, status, rectified_on in rows]


def _by_id(rows: list[list]) -> list[list]:
    try:
        rows.sort(key=_FIRST)  # ids are unique
    except TypeError:  # a NULL id (never written by scoring): SQLite's order, NULL first
        rows.sort(key=lambda row: (row[0] is not None, row[0] or ""))
    return rows


_FIRST = itemgetter(0)


def _name_objects(store: Store, items: dict[str, list[dict[str, Any]]]) -> None:
    """Each item of another period's finding (not among the unit's facts) takes the object its finding names:
    parts scored per object route it to that object's session (scoring.engine.objects)."""
    findings = orjson.dumps([item["finding"] for unit_items in items.values() for item in unit_items]).decode()
    named = dict(store.execute("""select id, object from findings where id in (select value from json_each(?))
            and object is not null and object != ''""", [findings]))
    for unit_items in items.values():
        for item in unit_items:
            if item["finding"] in named:
                item["object"] = named[item["finding"]]


# Driven by the chunk's units, as every query above: joined the other way, SQLite scans every unit of the
# workspace for each chunk (chunks × units: the one part of a run that grew faster than the units).
_UNITS = """
select u.code, u.name, u.type, coalesce(u.ranking_group, u.type) as "group", u.parent,
    (select count(*) from self_assessments s where s.unit = u.code and s.period = :period) as self_rows
from temp.chunk_units cu cross join units u on u.code = cu.code
order by u.code"""


def _self_facts(rows: list[list], applies: frozenset[str]) -> list[dict[str, Any]]:
    """A unit's self-assessment ([indicator, claim] a row) as facts: as the SQL that once wrote them did, a field
    without a value (no claim; no indicator, and so no id or ref) is left out."""
    facts = []
    for indicator, claim in rows:
        if indicator is None or claim is None:
            named = indicator is not None
            fact = {"fact": "self_assessment", "id": f"self:{indicator}" if named else None,
                    "ref": f"SA-{indicator}" if named else None, "indicator": indicator, "claim": claim}
            facts.append({**{k: v for k, v in fact.items() if v is not None}, "applicable": indicator in applies})
            continue
        facts.append({"fact": "self_assessment", "id": f"self:{indicator}", "ref": f"SA-{indicator}",
                      "indicator": indicator, "claim": claim, "applicable": indicator in applies})
    return facts


def _without_nulls(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The C engine is only ever handed JSON we shaped: an absent field, never a null. Few facts
    # hold one (an event's indicator), so only those are rebuilt.
    return [{k: v for k, v in f.items() if v is not None} if None in f.values() else f for f in facts]


_criteria_of: dict[str, tuple[dict[str, str], dict[str, frozenset[str]]]] = {}
_NONE_APPLY: frozenset[str] = frozenset()  # a unit type the criteria do not know


def _criteria(standard: Standard) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Finding code -> kind, and unit type -> the indicators that apply to it: the criteria temp tables, in Python."""
    if standard.content_hash not in _criteria_of:
        kinds = {code: fc.kind for code, fc in standard.criteria.finding_codes.items()}
        applicable = {unit_type: frozenset(code for code in standard.indicators if standard.applies(code, unit_type))
                      for unit_type in standard.criteria.unit_types}
        _criteria_of[standard.content_hash] = (kinds, applicable)
    return _criteria_of[standard.content_hash]


def _load_criteria_tables(store: Store, standard: Standard) -> None:
    store.execute("create temp table if not exists finding_codes (code text primary key, kind text)")
    store.execute("create temp table if not exists applicable (indicator text, type text, primary key (indicator, type))")
    store.execute("create temp table if not exists chunk_units (code text primary key)")
    store.execute("create temp table if not exists criteria_loaded (standard text)")
    # Loaded once per connection and standard: re-scoring one unit would otherwise reload them every time.
    if store.execute("select standard from temp.criteria_loaded").fetchall() == [(standard.content_hash,)]:
        return
    for table in ("finding_codes", "applicable", "chunk_units", "criteria_loaded"):
        store.execute(f"delete from temp.{table}")
    store.execute("insert into temp.criteria_loaded values (?)", [standard.content_hash])
    store.conn.executemany("insert into temp.finding_codes values (?, ?)",
                           [(code, fc.kind) for code, fc in standard.criteria.finding_codes.items()])
    store.conn.executemany("insert into temp.applicable values (?, ?)", [
        (code, unit_type) for code in standard.indicators for unit_type in standard.criteria.unit_types
        if standard.applies(code, unit_type)])


def build_facts(store: Store, standard: Standard, period: Period, units: list[str] | None = None,
                grouped: bool = False, notes: bool = True, kinds: frozenset[str] | None = None) -> Iterator[UnitFacts]:
    """Yield the facts of every unit (or the given ones), in unit-code order, a chunk at a time.

    `grouped`: findings alike in every field a rule compares as one fact (scoring; see _GROUPED_ROWS),
    where the standard allows it (matches.findings_aggregable); else one fact a finding (rectification
    orders name each finding's match). `notes`: the findings' notes, which only rectification orders
    copy into the items they issue (a run never reads them: a province's run would read a million).
    `kinds`: only these kinds of facts (and the register's items only with "rectification"); rectification
    orders fire a standard cut to the rules that order items, and build only what those rules read."""
    _load_criteria_tables(store, standard)
    codes = units if units is not None else [r["code"] for r in store.query("select code from units order by code")]
    queries = _queries(standard, grouped, kinds)
    params = {"period": period.code, "previous": period.previous.code, "start": period.start.isoformat(),
              "end": period.end.isoformat()}
    for offset in range(0, len(codes), CHUNK):
        chunk = codes[offset:offset + CHUNK]
        store.execute("delete from temp.chunk_units")
        store.conn.executemany("insert into temp.chunk_units values (?)", [(c,) for c in chunk])
        yield from _chunk_facts(store, standard, period, params, queries, notes,
                                kinds is None or "rectification" in kinds)


def _queries(standard: Standard, grouped: bool, kinds: frozenset[str] | None = None) -> list[str]:
    """Findings one way or the other (grouped or one a finding), and on-demand kinds only where a rule reads them."""
    read = fact_kinds_read(standard)
    skipped = "finding" if grouped and findings_aggregable(standard) else "grouped_finding"
    return [sql for kind, sql in _QUERIES.items() if kind != skipped and (kind not in _ON_DEMAND or kind in read)
            and (kinds is None or kind.removeprefix("grouped_") in kinds)]


def _chunk_facts(store: Store, standard: Standard, period: Period, params: dict[str, Any], queries: list[str],
                 with_notes: bool, with_items: bool = True) -> Iterator[UnitFacts]:
    units = store.query(_UNITS, params)
    kinds, applicable = _criteria(standard)
    per_unit: dict[str, list[dict[str, Any]]] = {}
    types = {unit["code"]: unit["type"] for unit in units}
    for sql in queries:
        if sql is _GROUPED_ROWS:
            for code, array in store.execute(sql, params):
                facts = finding_facts(group_findings(orjson.loads(array)), kinds,
                                      applicable.get(types.get(code), _NONE_APPLY))
                per_unit.setdefault(code, []).extend(facts)
        elif sql is _SELF_ROWS:
            for code, array in store.execute(sql, params):
                facts = _self_facts(orjson.loads(array), applicable.get(types.get(code), _NONE_APPLY))
                per_unit.setdefault(code, []).extend(facts)
        elif sql is _PREVIOUS_ROWS:
            for code, array in store.execute(sql, params):
                per_unit.setdefault(code, []).extend(previous_facts(group_previous(orjson.loads(array)), kinds))
        else:
            for unit, array in store.execute(sql, params):
                per_unit.setdefault(unit, []).extend(_without_nulls(orjson.loads(array)))
    items = _items_by_unit(store, params) if with_items else {}
    objects = any(part.objects for part in standard.criteria.parts)
    carried = {unit: own.carried for unit, own in items.items() if own.carried}
    if carried and objects:
        _name_objects(store, carried)
    notes: dict[str, dict[str, str]] = {}
    for unit, finding, note in store.execute("""select f.unit, f.id, f.note from temp.chunk_units cu
            cross join findings f on f.period = :period and f.unit = cu.code where f.note != ''""",
                                             params) if with_notes else ():
        notes.setdefault(unit, {})[finding] = note
    for unit in units:
        code = unit["code"]
        fact = {"fact": "unit", "id": "unit", "code": code, "type": unit["type"], "group": unit["group"],
                "period_months": period.months, "self_assessment_rows": unit["self_rows"]}
        own = items.get(code) or _Items([], [], [])
        # The rows as read, unless the items may have been given their objects since (then their dicts are hashed).
        yield UnitFacts(unit=unit, facts=[fact, *per_unit.get(code, [])], items=own.items, carried_items=own.carried,
                        notes=notes.get(code, {}), item_rows=None if objects else own.rows)

