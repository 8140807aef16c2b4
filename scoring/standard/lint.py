"""Consistency checks of a standard beyond its schema: every name a rule uses must exist."""

from __future__ import annotations

import calendar
import re
from decimal import Decimal
from typing import Iterator

from scoring.i18n import N_, _
from scoring.standard.dates import NAME, PERIOD_DATES, parse_derived
from scoring.standard.lint_parts import parts_problems, stage_node_problems
from scoring.standard.vocabulary import CLAIM_CODES, STATUS_CODES
from scoring.standard.model import Standard, indicator_at, rule_at
from scoring.standard.schema import FACT_FIELDS, FIELD_TYPES, INDICATOR_FACTS, TOTAL, Lookup, Op, Product, Ratio, Rule
from scoring.standard.lint_tree import by_type_used, effect_problems, judged_problems, tree_problems



def consistency_problems(standard: Standard) -> list[str]:
    return list(_criteria_problems(standard)) + [
        f"{rule_at(src.file, src.rule.id)}: {problem}" for src in standard.rules for problem in _rule_problems(standard, src.rule)
    ] + list(_duplicate_rule_ids(standard))


def _criteria_problems(standard: Standard) -> Iterator[str]:
    c = standard.criteria
    where = "criteria.yml"
    seen: set[str] = set()
    for dim in c.dimensions:
        for ind in (n for top in dim.indicators for n in top.walk()):
            if ind.code in seen:
                yield f"{where}: {indicator_at(ind.code)}: " + _("code used twice")
            seen.add(ind.code)
            if ind.limit is not None and not ind.indicators and ind.overflow == "floor" and \
                    not isinstance(ind.limit, dict) and not isinstance(ind.max, dict) and ind.limit >= ind.max:
                yield f"{where}: {indicator_at(ind.code)}: " + _(
                    "limit {limit} is not below its max {max}: it can never bind (leave it out)", limit=ind.limit,
                    max=ind.max)
            for t in ind.types or ():
                if t not in c.unit_types:
                    yield f"{where}: {indicator_at(ind.code)}: types: " + _(
                        "unknown unit type {value!r} (known: {known})", value=t, known=", ".join(c.unit_types))
        yield from tree_problems(standard, dim)
    if len({d.code for d in c.dimensions}) != len(c.dimensions):
        yield f"{where}: dimensions: " + _("a dimension code is used twice")
    if c.parts:  # each score stage is checked against its own total
        yield from stage_node_problems(standard)
        yield from parts_problems(standard)
    elif not by_type_used(standard):
        total = standard.max_total
        if total != c.total:
            yield f"{where}: dimensions: " + _("indicator maxima add up to {total}, not {expected}",
                                               total=total, expected=c.total)
    else:
        for unit_type in c.unit_types:
            total = sum((d.max_for(unit_type) for d in c.dimensions), Decimal(0))
            if total != c.total:
                yield f"{where}: dimensions: " + _(
                    "for unit type {unit_type}, indicator maxima add up to {total}, not {expected} (criteria total)",
                    unit_type=unit_type, total=total, expected=c.total)
    for code, fc in c.finding_codes.items():
        if fc.kind == "defect" and fc.indicator is None:
            yield f"{where}: finding_codes.{code}: indicator: " + _("a defect needs an indicator (a code, or 'given')")
        if fc.indicator not in (None, "given", TOTAL) and fc.indicator not in standard.indicators:
            yield f"{where}: finding_codes.{code}: indicator: " + _("unknown indicator {value!r}", value=fc.indicator)
        earn_node = fc.kind == "bonus" and getattr(standard.indicators.get(fc.indicator or ""), "method", "") == "earn"
        if fc.kind != "defect" and fc.indicator is not None and not earn_node:  # a bonus code may name an earn node
            yield f"{where}: finding_codes.{code}: indicator: " + _(
                "a {kind} code is an event and takes no indicator; remove indicator", kind=fc.kind)
    yield from _date_problems(c)
    for key in c.object_kinds:
        if not re.match(NAME, key):
            yield f"{where}: object_kinds.{key}: " + _(
                "a kind's code is lower-case words joined by single underscores (website, weibo, service_window)")
    yield from judged_problems(standard)
    mins = [g.min for g in c.grades]
    if mins != sorted(mins, reverse=True):
        yield f"{where}: grades: " + _("list grades from the highest minimum to the lowest")
    if c.excellence_quota:
        grade_codes = {g.code for g in c.grades}
        for name in ("grade", "demote_to"):
            value = getattr(c.excellence_quota, name)
            if value not in grade_codes:
                yield f"{where}: excellence_quota.{name}: " + _("unknown grade {value!r} (grades: {known})", value=value,
                                                                    known=", ".join(g.code for g in c.grades))


def _date_problems(c) -> Iterator[str]:
    """Named dates must be computable: from a period date or an earlier named date, landing on a real day."""
    known = list(PERIOD_DATES)
    for key, d in c.dates.items():
        if d.from_ not in known:
            yield f"criteria.yml: dates.{key}.from: " + _(
                "{value!r} is not a date known before it (known: {known})", value=d.from_, known=", ".join(known))
        elif d.next is not None and d.next.day > calendar.monthrange(2024, d.next.month)[1]:
            yield f"criteria.yml: dates.{key}.next: " + _("month {month} has no day {day}", month=d.next.month,
                                                          day=d.next.day)
        known.append(key)


def _duplicate_rule_ids(standard: Standard) -> Iterator[str]:
    seen: dict[str, str] = {}
    for src in standard.rules:
        if src.rule.id in seen:
            yield f"{rule_at(src.file, src.rule.id)}: " + _("id already used in {file}", file=seen[src.rule.id])
        seen.setdefault(src.rule.id, src.file)


def _fields_of(standard: Standard, fact: str) -> frozenset[str]:
    return frozenset(standard.criteria.metrics) if fact == "metrics" else FACT_FIELDS[fact]


def _derived_problem(standard: Standard, fact: str, name: str) -> str | None:
    """Why a derived date field (scoring.standard.dates) cannot be computed for this kind of fact, or None."""
    spec = parse_derived(name)
    date_fields = sorted(n for n, t in FIELD_TYPES.get(fact, {}).items() if t == "date")
    fields = (spec.field, spec.other) if spec.kind == "between" else (spec.field,)
    for field in fields:
        if field not in date_fields:
            return _("a {fact} fact has no date field {name!r} (date fields: {fields})", fact=fact, name=field,
                     fields=", ".join(date_fields) or _("none"))
    if spec.kind == "minus" and spec.other not in (*PERIOD_DATES, *standard.criteria.dates):
        return _("unknown date {value!r}: declare it under dates in criteria.yml (known: {known})", value=spec.other,
                 known=", ".join((*PERIOD_DATES, *standard.criteria.dates)))
    return None


def _rule_problems(standard: Standard, rule: Rule) -> Iterator[str]:
    c = standard.criteria
    aliases = {**rule.when, **rule.unless}
    if rule.indicator is not None and rule.indicator not in standard.indicators:
        yield "indicator: " + _("unknown indicator {value!r}", value=rule.indicator)
    earlier: dict[str, str] = {}  # alias -> fact kind, of the `when` facts listed so far
    selections = {f"when.{alias}.of": agg.of for alias, agg in rule.aggregates.items()}
    for section, patterns in (("when", rule.when), ("unless", rule.unless), ("", selections)):
        for alias, pattern in patterns.items():
            fields = _fields_of(standard, pattern.fact)
            if pattern.fact == "object" and not c.object_kinds:
                where = f"{section}.{alias}" if section else alias
                yield f"{where}: " + _("object facts come from scoring import objects, which needs the object kinds "
                                       "declared under object_kinds in criteria.yml (none are)")
            if pattern.fact == "aggregate":
                if alias not in rule.aggregates or section != "when":
                    yield f"{section}.{alias}: " + _("aggregate facts come from an aggregate in when "
                                                     "(aggregate: count, of: {fact: record, ...})")
                    continue
                fields = fields | {p.field for p in rule.aggregates[alias].per if p.field}
            for name, cond in pattern.all_conditions():
                where = f"{section}.{alias}.{name}" if section else f"{alias}.{name}"
                if parse_derived(name) is not None:
                    problem = _derived_problem(standard, pattern.fact, name)
                    if problem:
                        yield f"{where}: {problem}"
                    else:
                        yield from _condition_problems(standard, where, pattern.fact, name, cond, {})
                    continue
                if name not in fields:
                    yield f"{where}: " + _("a {fact} fact has no field {name!r} (fields: {fields})", fact=pattern.fact,
                                           name=name, fields=", ".join(sorted(fields)))
                    continue
                joinable = earlier if section == "when" else {a: p.fact for a, p in rule.when.items()}
                yield from _condition_problems(standard, where, pattern.fact, name, cond, joinable)
            for group in pattern.any:
                for name, cond in group.items():
                    if isinstance(cond, Op) and cond.operator[0] == "same":
                        # durable_rules refuses a unit's whole batch (its error 311) when such a join
                        # meets a fact without the field; the two engines must accept the same rules.
                        yield f"{section}.{alias}.any.{name}: " + _(
                            "a same: join cannot be one of any:'s alternatives; write a rule per alternative instead")
            if section == "when":
                earlier[alias] = pattern.fact

    for alias, agg in rule.aggregates.items():
        yield from _aggregate_problems(standard, f"when.{alias}", agg)

    def ref_problems(where: str, ref: str | None) -> Iterator[str]:
        if ref is None or "." not in ref:
            return
        alias, name = ref.split(".", 1)
        if alias not in rule.when:
            yield f"{where}: " + _("{value!r} names no fact in when ({aliases})", value=ref,
                                   aliases=", ".join(rule.when))
        elif name not in _fields_of(standard, rule.when[alias].fact):
            yield f"{where}: " + _("a {fact} fact has no field {name!r}", fact=rule.when[alias].fact, name=name)

    then = rule.then
    primary = rule.when[rule.primary].fact
    if then.deduct:
        d = then.deduct
        yield from ref_problems("then.deduct.once_per", d.once_per)
        yield from _target_problems(standard, rule, "then.deduct.indicator", d.indicator, primary)
        if d.per == "count" and primary not in ("finding",):
            yield "then.deduct.per: " + _("'count' counts the first fact's count; a {fact} fact has none "
                                          "(use per: match)", fact=primary)
        if d.on_the_spot == "half" and primary != "finding":
            yield "then.deduct.on_the_spot: " + _("only a finding can be corrected on the spot; the first fact is "
                                                  "a {fact}", fact=primary)
    if then.bonus:
        yield from ref_problems("then.bonus.once_per", then.bonus.once_per)
        if then.bonus.per == "count" and primary != "finding":
            yield "then.bonus.per: " + _("'count' needs a finding as the first fact (or use per: match)")
    for effect_name in ("flag", "escalate"):
        effect = getattr(then, effect_name)
        if effect and effect.flag if effect_name == "escalate" else effect:
            code = effect.flag if effect_name == "escalate" else effect.code
            if code not in c.flags:
                yield f"then.{effect_name}: " + _("unknown flag {value!r}; declare it under flags in criteria.yml",
                                                  value=code)
    if then.flag and then.flag.indicator:
        if "." in then.flag.indicator:
            yield from ref_problems("then.flag.indicator", then.flag.indicator)
        elif then.flag.indicator not in standard.indicators:
            yield "then.flag.indicator: " + _("unknown indicator {value!r}", value=then.flag.indicator)
    if then.rectify and primary != "finding":
        yield "then.rectify: " + _("a rectification item comes from a finding; the first fact must be a finding")
    if then.multiply and then.multiply.fact not in rule.when:
        yield "then.multiply.fact: " + _("{value!r} names no fact in when ({aliases})", value=then.multiply.fact,
                                         aliases=", ".join(rule.when))
    if then.score or then.not_applicable:
        target = rule.indicator
        name = "score" if then.score else "not_applicable"
        if target is None:
            yield f"then.{name}: " + _("give the rule an indicator to score (indicator: ...)")
        elif then.score and standard.indicators.get(target) and standard.indicators[target].method == "deduct":
            yield "then.score: " + _("indicator {code} is scored by deduction; score effects are for ratio and quota "
                                     "indicators", code=target)
    yield from effect_problems(standard, rule)
    if then.score:
        s = then.score
        if s.scale is not None and s.scale not in c.scales:
            yield "then.score.scale: " + _("unknown scale {value!r} (known: {known})", value=s.scale,
                                           known=", ".join(c.scales))
        top = standard.indicators.get(rule.indicator or "")
        if s.points is not None and top is not None and s.points > max(_values(top.max)):
            yield "then.score.points: " + _("{points} is more than the maximum of indicator {code}", points=s.points,
                                            code=rule.indicator)
        if s.value is not None:
            for where, ref in _expression_refs(s.value, "then.score.value"):
                if isinstance(ref, Lookup):
                    if ref.lookup not in c.tables:
                        yield f"{where}: " + _("unknown table {value!r} (known: {known})", value=ref.lookup,
                                               known=", ".join(c.tables))
                else:
                    yield from ref_problems(where, ref)
    for alias, pattern in aliases.items():
        if pattern.fact == "rectification" and alias in rule.unless:
            yield f"unless.{alias}: " + _("absence of rectification items cannot be tested")


def _values(amount) -> list[Decimal]:
    return list(amount.values()) if isinstance(amount, dict) else [amount]


def _aggregate_problems(standard: Standard, where: str, agg) -> Iterator[str]:
    """An aggregate over a field its facts do not have, or by a date that is not one, can only give nothing."""
    kind = agg.of.fact
    types = {"metrics": dict.fromkeys(standard.criteria.metrics, "number")}.get(kind, FIELD_TYPES.get(kind, {}))
    if kind in ("aggregate", "rectification"):
        yield f"{where}.of: " + _("an aggregate counts inputs; it cannot count {fact} facts", fact=kind)
    if agg.field is not None and types.get(agg.field) != "number":
        numbers = sorted(n for n, t in types.items() if t == "number")
        yield f"{where}.field: " + _("a {fact} fact has no number field {name!r} (number fields: {fields})",
                                     fact=kind, name=agg.field, fields=", ".join(numbers) or _("none"))
    for name in agg.where:
        if name not in types and parse_derived(name) is None:
            yield f"{where}.where.{name}: " + _("a {fact} fact has no field {name!r}", fact=kind, name=name)
    for i, per in enumerate(agg.per):
        if per.field is not None and per.field not in types:
            yield f"{where}.per[{i}].field: " + _("a {fact} fact has no field {name!r}", fact=kind, name=per.field)
        if per.date is not None and types.get(per.date) != "date":
            dates = sorted(n for n, t in types.items() if t == "date")
            yield f"{where}.per[{i}].date: " + _("a {fact} fact has no date field {name!r} (date fields: {fields})",
                                                 fact=kind, name=per.date, fields=", ".join(dates) or _("none"))


def _target_problems(standard: Standard, rule: Rule, where: str, target: str | None, primary: str) -> Iterator[str]:
    if target is not None and "." not in target and target not in standard.indicators and target != TOTAL:
        yield f"{where}: " + _("unknown indicator {value!r}", value=target)
    if target is None and rule.indicator is None and primary not in INDICATOR_FACTS:
        yield f"{where}: " + _("say which indicator loses points (rule indicator, or a first fact that has one)")


def _field_type(standard: Standard, fact: str, name: str) -> str:
    if fact == "metrics" or parse_derived(name) is not None:
        return "number"
    return FIELD_TYPES[fact].get(name, "")


TYPE_NAMES = {"number": N_("a number"), "text": N_("text"), "bool": N_("true or false"), "date": N_("a date")}


def _type_name(kind: str) -> str:
    """A field's type as the author reads it: 数字, 文字, true 或 false, 日期."""
    return _(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    return "text" if isinstance(value, str) else "number"


def _condition_problems(standard: Standard, where: str, fact: str, name: str, cond, earlier: dict[str, str]) -> Iterator[str]:
    """A condition that can never hold is a rule that silently does nothing: say so."""
    wanted = _field_type(standard, fact, name)
    if wanted == "date" and not (isinstance(cond, Op) and cond.operator[0] == "exists"):
        yield f"{where}: " + _("a date is compared with a named date ({name}: {{gt: {{date: report_deadline}}}}), "
                               "a duration (between) or exists", name=name)
        return
    if isinstance(cond, Op):
        op, value = cond.operator
        if op == "same":
            alias, other = value.split(".", 1)
            if alias not in earlier:
                yield f"{where}: same: " + _("{value!r} must name a fact listed before this one ({aliases})",
                                             value=value, aliases=", ".join(earlier) or _("none"))
            elif _field_type(standard, earlier[alias], other) not in ("", wanted):
                yield f"{where}: same: " + _("{value!r} is {other_type}, {name} is {wanted}", value=value, name=name,
                                             other_type=_type_name(_field_type(standard, earlier[alias], other)),
                                             wanted=_type_name(wanted))
            return
        if op in ("lt", "lte", "gt", "gte") and wanted != "number":
            yield f"{where}: " + _("{op} compares numbers; {name} is {wanted}", op=op, name=name,
                                   wanted=_type_name(wanted))
            return
        values = value if op == "in" else (value,) if op in ("eq", "ne") else ()
    else:
        values = (cond,)
    for v in values:
        if wanted and _type_of(v) != wanted:
            yield f"{where}: " + _("{value!r} is not {wanted}; {name} holds {wanted}", value=v, name=name,
                                   wanted=_type_name(wanted))
    known = {"code": standard.criteria.finding_codes, "indicator": standard.indicators, "claim": CLAIM_CODES,
             "kind": ("defect", "bonus", "veto"), "status": STATUS_CODES, "type": standard.criteria.unit_types,
             "column_type": standard.criteria.column_types}.get(name)
    if fact == "record" and name == "kind":
        known = standard.criteria.record_kinds
    elif fact == "object":  # an object's code is the workspace's, not a finding code
        known = standard.criteria.object_kinds if name == "kind" else None
    for v in values:
        if known is not None and isinstance(v, str) and v not in known:
            yield f"{where}: " + _("unknown {name} {value!r}", name=name, value=v)


def _expression_refs(expr, where: str):
    if isinstance(expr, Ratio):
        for i, part in enumerate(expr.ratio):
            yield from _expression_refs(part, f"{where}.ratio[{i}]")
    elif isinstance(expr, Product):
        for i, part in enumerate(expr.product):
            yield from _expression_refs(part, f"{where}.product[{i}]")
    elif isinstance(expr, Lookup):
        yield where, expr
        yield from _expression_refs(expr.key, f"{where}.key")
    elif isinstance(expr, str):
        yield where, expr
