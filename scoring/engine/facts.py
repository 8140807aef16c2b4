"""Per-unit facts, built in SQL: what the rules see of one unit in one period.

Each query groups one kind of input by unit and returns a JSON array per unit, so Python
only parses and merges; the criteria (finding-code kinds, which indicators apply to which
unit type) are joined in from temporary tables. Every query is driven by the chunk's units
(`temp.chunk_units cu cross join ...`, which fixes the join order): left to itself, SQLite
scans the whole period for each chunk, and a province costs chunks × rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import orjson

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


_BOOL = "json(CASE WHEN {} THEN 'true' ELSE 'false' END)"

_FINDING_FIELDS = """'ref', f.id, 'code', f.code, 'kind', c.kind, 'indicator', f.indicator, 'count', f.count,
    'date', f.date"""

_FINDING = f"""json_object('fact', 'finding', 'id', 'finding:' || f.id, {_FINDING_FIELDS},
    'inspector', f.inspector, 'corrected_on_spot', {_BOOL.format('f.corrected_on_spot')},
    'applicable', {_BOOL.format('a.indicator is not null')}, 'object', f.object)"""
_PREVIOUS = """json_object('fact', 'previous_finding', 'id', 'previous:' || code || ':' || indicator,
    'ref', refs, 'code', code, 'kind', 'defect', 'indicator', indicator, 'count', total, 'date', last_date)"""
_SELF = f"""json_object('fact', 'self_assessment', 'id', 'self:' || s.indicator,
    'ref', 'SA-' || s.indicator, 'indicator', s.indicator, 'claim', s.claim,
    'applicable', {_BOOL.format('a.indicator is not null')})"""
_SURVEY = """json_object('fact', 'survey', 'id', 'survey', 'answers', count(*),
    'favourable', sum(a.answer in ('satisfied', 'basically_satisfied')),
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

# One fact per group of findings alike in every field a rule compares (matches.FINDING_GROUP): the
# engine sees ≈37 finding facts a unit instead of ≈100. It carries the summed count, how many findings
# (members, which the tally multiplies per-match amounts by) and every finding's id (refs, which
# explanations cite); its id is its first finding's, so matches sort as the findings' would. The rows
# are grouped in Python (_grouped_findings): ≈2x cheaper than grouping them and writing JSON in SQL.
_GROUPED_ROWS = """
select f.unit, u.type, f.id, f.code, f.indicator, f.corrected_on_spot, f.count
from temp.chunk_units cu
cross join units u on u.code = cu.code
cross join findings f on f.period = :period and f.unit = cu.code
where not exists (select 1 from finding_withdrawals w where w.finding = f.id)"""

_QUERIES: dict[str, str] = {
    "finding": f"""
select f.unit, json_group_array({_FINDING})
from temp.chunk_units cu
cross join units u on u.code = cu.code
cross join findings f on f.period = :period and f.unit = cu.code
join temp.finding_codes c on c.code = f.code
left join temp.applicable a on a.indicator = f.indicator and a.type = u.type
where not exists (select 1 from finding_withdrawals w where w.finding = f.id)
group by f.unit""",
    "grouped_finding": _GROUPED_ROWS,
    # One fact per (code, indicator) found last period: the rules ask whether it was found, and a
    # fact per finding would make a repeat join fire once per pair of findings.
    "previous_finding": f"""
select unit, json_group_array({_PREVIOUS})
from (select f.unit, f.code, coalesce(f.indicator, '') as indicator, group_concat(f.id, '、') as refs,
        sum(f.count) as total, max(f.date) as last_date
      from (select f.* from temp.chunk_units cu
            cross join findings f on f.period = :previous and f.unit = cu.code
            where not exists (select 1 from finding_withdrawals w where w.finding = f.id) order by f.id) f
      join temp.finding_codes c on c.code = f.code and c.kind = 'defect'
      group by f.unit, f.code, f.indicator)
group by unit""",
    "self_assessment": f"""
select s.unit, json_group_array({_SELF})
from temp.chunk_units cu
cross join units u on u.code = cu.code
cross join self_assessments s on s.period = :period and s.unit = cu.code
left join temp.applicable a on a.indicator = s.indicator and a.type = u.type
group by s.unit""",
    "survey": f"""
select a.unit, json_array({_SURVEY})
from temp.chunk_units cu
cross join survey_answers a on a.period = :period and a.unit = cu.code
left join survey_issued i on i.unit = a.unit and i.period = a.period
group by a.unit""",
    "metrics": f"""
select m.unit, json_array({_METRICS})
from temp.chunk_units cu
cross join metrics m on m.period = :period and m.unit = cu.code
group by m.unit""",
    "record": f"""
select r.unit, json_group_array({_RECORD})
from temp.chunk_units cu
cross join records r on r.period = :period and r.unit = cu.code
group by r.unit""",
    "object": f"""
select o.unit, json_group_array({_OBJECT})
from (select o.* from temp.chunk_units cu
      cross join objects o on o.unit = cu.code and o.active = 1 order by o.code) o
group by o.unit""",
    "judged": f"""
select j.unit, json_group_array({_JUDGED})
from temp.chunk_units cu
cross join judged j on j.period = :period and j.unit = cu.code
group by j.unit""",
}
# Kinds of facts built only for a standard whose rules read them (older workspaces and standards never do).
_ON_DEMAND = frozenset({"record", "object", "judged"})

# What scoring reads of a rectification item (scoring.rectify.items: the facts, the listed items, days late).
_ITEM_COLUMNS = ("id", "unit", "period", "finding", "rule", "indicator", "title", "deadline", "status", "rectified_on")


def _items_by_unit(store: Store, params: dict[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], ...]:
    """The chunk's items in the register (withdrawn ones left out), per unit, in id order: this period's, and
    other periods' falling due in it. One query for both: each unit's items are read once (≈ −10 %)."""
    items: dict[str, list[dict[str, Any]]] = {}
    carried: dict[str, list[dict[str, Any]]] = {}
    columns = ", ".join(f"r.{c}" for c in _ITEM_COLUMNS)
    period = params["period"]
    for row in store.execute(f"""select {columns} from temp.chunk_units cu cross join rectifications r
            on r.unit = cu.code where (r.period = :period or (r.period is not null and r.deadline between :start and :end))
            and r.status != 'withdrawn' order by r.id""", params):
        (items if row[2] == period else carried).setdefault(row[1], []).append(dict(zip(_ITEM_COLUMNS, row)))
    return items, carried


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


def _without_nulls(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The C engine is only ever handed JSON we shaped: an absent field, never a null. Few facts
    # hold one (an event's indicator), so only those are rebuilt.
    return [{k: v for k, v in f.items() if v is not None} if None in f.values() else f for f in facts]


_criteria_of: dict[str, tuple[dict[str, str], frozenset[tuple[str, str]]]] = {}


def _criteria(standard: Standard) -> tuple[dict[str, str], frozenset[tuple[str, str]]]:
    """Finding code -> kind, and the (indicator, unit type) pairs that apply: the criteria temp tables, in Python."""
    if standard.content_hash not in _criteria_of:
        kinds = {code: fc.kind for code, fc in standard.criteria.finding_codes.items()}
        applicable = frozenset((code, unit_type) for code in standard.indicators
                               for unit_type in standard.criteria.unit_types if standard.applies(code, unit_type))
        _criteria_of[standard.content_hash] = (kinds, applicable)
    return _criteria_of[standard.content_hash]


def _grouped_findings(rows: Iterable[tuple], kinds: dict[str, str],
                      applicable: frozenset[tuple[str, str]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each unit's findings as one fact per group alike in code, indicator, corrected_on_spot and applicability.

    As the SQL that grouped them did: findings of a code the criteria do not know are left out; groups in
    (code, indicator, corrected_on_spot, applicable) order, NULL first; a group's refs in id order, its id
    its first finding's; a count only where some finding has one."""
    groups: dict[str, dict[tuple, list]] = {}
    for unit, unit_type, ident, code, indicator, on_spot, count in rows:
        kind = kinds.get(code)
        if kind is None:
            continue
        key = (code, indicator, on_spot, (indicator, unit_type) in applicable)
        group = groups.setdefault(unit, {}).get(key)
        if group is None:
            groups[unit][key] = group = [[], None, kind]
        group[0].append(ident)
        if count is not None:
            group[1] = count if group[1] is None else group[1] + count
    for unit, by_key in groups.items():
        facts = []
        for key in sorted(by_key, key=_group_order):
            (code, indicator, on_spot, is_applicable), (refs, total, kind) = key, by_key[key]
            refs.sort()
            fact = {"fact": "finding", "id": "finding:" + refs[0], "ref": refs[0], "refs": refs, "members": len(refs),
                    "code": code, "kind": kind}
            if indicator is not None:
                fact["indicator"] = indicator
            if total is not None:
                fact["count"] = total
            fact["corrected_on_spot"] = _sql_true(on_spot)
            fact["applicable"] = is_applicable
            facts.append(fact)
        yield unit, facts


def _group_order(key: tuple) -> tuple:
    # SQLite's order: NULL before numbers before text.
    code, indicator, on_spot, is_applicable = key
    return (code, indicator is not None, indicator or "", _sql_rank(on_spot), is_applicable)


def _sql_rank(value: Any) -> tuple:
    if value is None:
        return (0, 0)
    return (1, value) if isinstance(value, (int, float)) else (2, str(value))


def _sql_true(value: Any) -> bool:
    """SQLite's truth of a value (CASE WHEN value): a non-zero number, or text that reads as one."""
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    try:
        return float(str(value).strip()) != 0
    except ValueError:
        return False


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
    per_unit: dict[str, list[dict[str, Any]]] = {}
    for sql in queries:
        if sql is _GROUPED_ROWS:
            for unit, facts in _grouped_findings(store.execute(sql, params), *_criteria(standard)):
                per_unit.setdefault(unit, []).extend(facts)
            continue
        for unit, array in store.execute(sql, params):
            per_unit.setdefault(unit, []).extend(_without_nulls(orjson.loads(array)))
    items, carried = _items_by_unit(store, params) if with_items else ({}, {})
    if carried and any(part.objects for part in standard.criteria.parts):
        _name_objects(store, carried)
    notes: dict[str, dict[str, str]] = {}
    for unit, finding, note in store.execute("""select f.unit, f.id, f.note from temp.chunk_units cu
            cross join findings f on f.period = :period and f.unit = cu.code where f.note != ''""",
                                             params) if with_notes else ():
        notes.setdefault(unit, {})[finding] = note
    for unit in store.query(_UNITS, params):
        fact = {"fact": "unit", "id": "unit", "code": unit["code"], "type": unit["type"], "group": unit["group"],
                "period_months": period.months, "self_assessment_rows": unit["self_rows"]}
        yield UnitFacts(unit=unit, facts=[fact, *per_unit.get(unit["code"], [])],
                        items=items.get(unit["code"], []), carried_items=carried.get(unit["code"], []),
                        notes=notes.get(unit["code"], {}))

