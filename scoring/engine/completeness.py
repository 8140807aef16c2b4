"""Data completeness before scoring (数据完整性): what is missing, per kind and unit, for a period.

A run on missing data is not wrong by the standard's letter (no survey scores 0 on S1), but it
is silent: a district whose survey file was never imported loses 7 points on every unit. So
before a run (and in `scoring check`), list what the standard will treat as missing:

- no survey answers for a unit, no self-assessment rows, no value of a metric that a rule
  treats as missing when absent (the standard's own `unless` patterns on metrics, for units of
  a type its indicator applies to);
- a unit with no finding at all in the period while most units have some (inspection not yet
  entered?);
- a unit with no dated record in the period, when the standard's rules read records (an aggregate
  counts such a unit's every month as empty: 空白月), or with no judged points when rules read them
  (a judged indicator without them scores 0).
Only the kinds of data the standard's rules read are checked: a standard without a survey rule
never warns that surveys are missing.

Read-only: plain counts in SQL, so it can run before every run at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.engine.matches import fact_kinds_read
from scoring.standard import Standard
from scoring.standard.schema import Op
from scoring.store import Store
from scoring.i18n import NP_, _, label, label_table

KIND_LABELS = label_table(
    NP_("gap.survey", "no survey answers"),
    NP_("gap.self_assessment", "no self-assessment"),
    NP_("gap.metric", "metric missing"),
    NP_("gap.findings", "no finding at all (most other units have some)"),
    NP_("gap.records", "no dated records (scoring import records)"),
    NP_("gap.objects", "no object in use (websites, accounts …: scoring import objects)"),
    NP_("gap.judged", "no judged points (scoring import judged)"),
)
# A gap of a whole kind of input: (gap kind, the fact kind rules read, its table).
GAP_TABLES = (("survey", "survey", "survey_answers"), ("self_assessment", "self_assessment", "self_assessments"),
              ("records", "record", "records"), ("judged", "judged", "judged"))
SHOWN_UNITS = 10  # units named per warning; the count gives the rest


@dataclass(frozen=True)
class Gap:
    kind: str  # a KIND_LABELS key
    detail: str  # the metric, for kind "metric"; else ""
    units: tuple[str, ...]
    names: tuple[str, str] = field(default=("", ""), compare=False)  # the metric's name, Chinese and English

    def text(self, lang: str = "zh") -> str:
        name = self.names[1 if lang == "en" else 0] or self.names[0]
        detail = _("{name} ({code})", lang, name=name, code=self.detail) if name else self.detail
        space = "" if name and lang != "en" else " "  # 缺少统计数据「报送信息条数」
        named = label(KIND_LABELS, self.kind, lang) + (f"{space}{detail}" if detail else "")
        shown = "、".join(self.units[:SHOWN_UNITS]) + ("…" if len(self.units) > SHOWN_UNITS else "")
        return _("{label}: {count} units ({shown})", lang, label=named, count=len(self.units), shown=shown)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": label(KIND_LABELS, self.kind, "zh"), "detail": self.detail,
                "count": len(self.units), "units": list(self.units)}


@dataclass
class Completeness:
    period: str
    units: int
    gaps: list[Gap] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.gaps

    def lines(self, lang: str = "zh") -> list[str]:
        return [gap.text(lang) for gap in self.gaps]

    def as_dict(self) -> dict[str, Any]:
        return {"period": self.period, "units": self.units, "gaps": [g.as_dict() for g in self.gaps]}


def metric_names(standard: Standard, metric: str) -> tuple[str, str]:
    """A metric's Chinese and English names (empty where the standard does not name it)."""
    found = standard.criteria.metrics.get(metric)
    return (found.name, found.name_en or "") if found is not None else ("", "")


def needed_metrics(standard: Standard) -> dict[str, set[str]]:
    """metric -> the indicators whose rules treat its absence as missing data (an `unless` on metrics
    that asks for the field to exist, in a rule that does not just make the indicator not applicable)."""
    needed: dict[str, set[str]] = {}
    for src in standard.rules:
        rule = src.rule
        if rule.then.not_applicable or not rule.indicator:
            continue
        for pattern in rule.unless.values():
            if pattern.fact != "metrics":
                continue
            for name, cond in pattern.all_conditions():
                if isinstance(cond, Op) and cond.operator[0] == "exists" and cond.operator[1]:
                    needed.setdefault(name, set()).add(rule.indicator)
    return needed


def check_period(store: Store, standard: Standard, period: str) -> Completeness:
    units = store.query("select code, type from units order by code")
    result = Completeness(period, len(units))
    if not units:
        return result

    def present(table: str, metric: str | None = None) -> set[str]:
        # One index probe a unit (the tables are indexed by period and unit), not a scan of the period's
        # rows: a province's findings and survey answers are millions of rows, its units thousands.
        also = " and t.metric = ?" if metric is not None else ""
        return {row[0] for row in store.execute(
            f"select u.code from units u where exists (select 1 from {table} t where t.period = ? and t.unit = u.code{also})",
            [period] + ([metric] if metric is not None else []))}

    codes = [u["code"] for u in units]
    read = fact_kinds_read(standard)
    for gap, fact, table in GAP_TABLES:
        if fact not in read:
            continue
        have = present(table)
        result.gaps += [Gap(gap, "", tuple(missing))] if (missing := [c for c in codes if c not in have]) else []
    for metric, indicators in sorted(needed_metrics(standard).items()):
        have = present("metrics", metric)
        missing = [u["code"] for u in units if u["code"] not in have
                   and any(standard.applies(ind, u["type"]) for ind in indicators)]
        if missing:
            result.gaps.append(Gap("metric", metric, tuple(missing), metric_names(standard, metric)))
    if "object" in read:  # objects are the unit's, not the period's
        have = {row[0] for row in store.execute("select distinct unit from objects where active = 1")}
        result.gaps += [Gap("objects", "", tuple(missing))] if (missing := [c for c in codes if c not in have]) else []
    inspected = present("findings")
    # Most units found with something: those with nothing were probably not entered yet.
    if "finding" in read and len(inspected) * 2 > len(codes):
        missing = [c for c in codes if c not in inspected]
        if missing:
            result.gaps.append(Gap("findings", "", tuple(missing)))
    return result
