"""`scoring criteria check`: schema and consistency (at load), then every rule's examples, run for real.

An example is scored through the whole pipeline (an in-memory workspace, SQL facts, the
engine, the tally, the ranking) for one unit, so what the administrator reads in a rule
file is what the product does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.inputs.importing import to_record
from scoring.inputs.models import JudgedRow, ObjectRow, RecordRow
from scoring.inputs.objects import object_kind_problem
from scoring.store.periods import parse_period
from scoring.engine.backends import Backend, backend
from scoring.engine.orders import issue_orders
from scoring.engine.runner import documents, score_all
from scoring.i18n import N_, _
from scoring.inputs.reasons import reason
from scoring.standard import Standard
from scoring.standard.model import rule_at
from scoring.standard.schema import Example
from pydantic import ValidationError
from scoring.store import Store

EXAMPLE_UNIT = "X001"
# `flags` and `not_applicable` list what must be among the unit's (an example is about one rule,
# and other rules may raise flags of their own); `no_flags` lists flags that must not be raised.
EXPECT_KEYS = {"rectifications", "flags", "no_flags", "veto", "bonus", "grade", "not_applicable", "score", "base",
               "adjust", "parts", "stages", "outcome", "objects"}


@dataclass(frozen=True)
class ExampleOutcome:
    file: str
    rule: str
    index: int
    problems: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{rule_at(self.file, self.rule)}: " + _("example {number} (examples[{index}])", number=self.index + 1,
                                                        index=self.index)


def example_workspace(standard: Standard, example: Example) -> Store:
    g = example.given
    period = parse_period(g.period)
    store = Store(":memory:", create=True)
    store.create_schema()
    for p in (period, period.previous):
        store.add_period(p.code, p.kind, p.start.isoformat(), p.end.isoformat(), p.months)
    unit_type = g.unit.get("type", "city_department")
    store.write_rows("units", [{"code": EXAMPLE_UNIT, "name": "示例单位", "type": unit_type,
                                "ranking_group": g.unit.get("group", unit_type), "parent": None}])
    rows = []
    objects = {o.get("code", f"O-{i}") for i, o in enumerate(g.objects, start=1)}
    for prefix, p, findings in (("F", period, g.findings), ("P", period.previous, g.previous_findings)):
        for i, f in enumerate(findings, start=1):
            if f.get("object") is not None and f["object"] not in objects:  # the join would silently match nothing
                raise ValueError(f"findings[{i - 1}].object: " + _(
                    "{value!r} is none of the example's objects ({known})", value=f["object"],
                    known=", ".join(sorted(objects)) or _("none given")))
            code = standard.criteria.finding_codes.get(f.get("code"))
            if code is None:
                raise ValueError(f"findings[{i - 1}].code: " + _("unknown finding code {value!r}; use one of "
                                                                 "finding_codes in criteria.yml", value=f.get("code")))
            rows.append({"id": f.get("id", f"{prefix}-{i}"), "unit": EXAMPLE_UNIT, "period": p.code,
                         "date": f.get("date", p.start.isoformat()), "inspector": None, "code": f["code"],
                         "indicator": f.get("indicator") if code.indicator == "given" else code.indicator,
                         "count": int(f.get("count", 1)), "corrected_on_spot": int(bool(f.get("corrected_on_spot"))),
                         "note": None, "evidence": None, "object": f.get("object")})
    store.write_rows("objects", [_object(standard, i, o) for i, o in enumerate(g.objects, start=1)])
    store.write_rows("findings", rows)
    store.write_rows("self-assessments", [{"unit": EXAMPLE_UNIT, "period": period.code, "indicator": s["indicator"],
                                           "claim": s["claim"], "note": None, "evidence": None}
                                          for s in g.self_assessments])
    if g.survey:
        answers, n = [], 0
        for answer in ("satisfied", "basically_satisfied", "unsatisfied", "dont_know"):
            for _answer in range(g.survey.get(answer, 0)):
                n += 1
                answers.append({"unit": EXAMPLE_UNIT, "period": period.code, "respondent": f"R{n}",
                                "question": "Q1", "answer": answer})
        store.write_rows("survey", answers)
        if "issued" in g.survey:
            store.write_rows("survey-issued", [{"unit": EXAMPLE_UNIT, "period": period.code,
                                                "issued": g.survey["issued"]}])
    store.write_rows("metrics", [{"unit": EXAMPLE_UNIT, "period": period.code, "metric": k,
                                  "value": format(v.normalize(), "f")} for k, v in g.metrics.items()])
    store.write_rows("records", [_record(standard, period.code, i, r) for i, r in enumerate(g.records, start=1)])
    if g.judged:  # validated as an imported row (the range check aside: an example may show the clamping)
        store.write_rows("judged", [to_record("judged", _validated(JudgedRow, f"judged[{i}]", {
            "unit": EXAMPLE_UNIT, "period": period.code, "assessor": "示例评定人", **j}), standard)
            for i, j in enumerate(g.judged)])
    # As an import does: the findings' rectification orders are issued once they are recorded.
    issue_orders(store, standard, [(EXAMPLE_UNIT, period.code), (EXAMPLE_UNIT, period.previous.code)])
    return store


def _record(standard: Standard, period: str, index: int, given: dict[str, Any]) -> dict[str, Any]:
    """An example's record, validated and stored as an imported row would be (id R-1, R-2 … unless given)."""
    fields = {"column_name" if k == "column" else k: v for k, v in given.items()}
    row = _validated(RecordRow, f"records[{index - 1}]", {"id": f"R-{index}", "unit": EXAMPLE_UNIT, "period": period,
                                                          **fields})
    return to_record("records", row, standard)


def _object(standard: Standard, index: int, given: dict[str, Any]) -> dict[str, Any]:
    """An example's object of the example unit, stored as an imported row would be (code O-1, O-2 … unless given)."""
    fields = {"code": f"O-{index}", "name": given.get("code", f"O-{index}"), **given}
    row = _validated(ObjectRow, f"objects[{index - 1}]", {"unit": EXAMPLE_UNIT, **fields})
    problem = object_kind_problem(row.kind, standard)
    if problem:
        raise ValueError(f"objects[{index - 1}].kind: {problem[1]}")
    return to_record("objects", row, standard)


def _validated(model, where: str, data: dict[str, Any]):
    """A row of `given` validated as an imported row is; what is wrong named as the import would name it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{where}: " + "; ".join(reason(e) for e in exc.errors(include_url=False))) from None


def score_example(standard: Standard, example: Example, engine: str | Backend | None = None) -> dict[str, Any]:
    store = example_workspace(standard, example)
    try:
        period = parse_period(example.given.period)
        as_of = date.fromisoformat(example.given.as_of) if example.given.as_of else period.end
        scores = score_all(store, standard, period, as_of, engine_name=engine)
        return documents(standard, period, scores)[0]
    finally:
        store.close()


def compare(standard: Standard, expect: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    indicators = {i["code"]: i for d in doc["dimensions"] for i in _walk(d["indicators"])}
    dimensions = {d["code"]: d for d in doc["dimensions"]}
    problems = []

    def differ(name: str, wanted: Any, got: Any) -> None:
        if wanted != got:
            problems.append(f"expect.{name}: " + _("expected {wanted!r}, scored {got!r}", wanted=wanted, got=got))

    for key, wanted in expect.items():
        if key in indicators:
            differ(key, str(wanted), indicators[key]["score"])
        elif key == "rectifications":
            differ(key, wanted, len([r for r in doc["rectifications"] if r["period"] == doc["period"]]))
        elif key == "flags":
            differ(key, sorted(wanted), sorted(set(wanted) & set(doc["flags"])))
        elif key == "no_flags":
            differ(key, [], sorted(set(wanted) & set(doc["flags"])))
        elif key == "not_applicable":
            got = {code for code, i in indicators.items() if not i["applicable"]}
            differ(key, sorted(wanted), sorted(set(wanted) & got))
        elif key in ("bonus", "score", "base"):
            differ(key, format(Decimal(str(wanted)), "f"), doc[key])
        elif key in dimensions:
            differ(key, str(wanted), dimensions[key]["score"])
        elif key == "adjust":
            differ(key, format(Decimal(str(wanted)), "f"), doc.get("adjust", "0.00"))
        elif key in ("veto", "grade"):
            differ(key, wanted, doc[key])
        elif key in ("parts", "stages", "outcome"):
            problems.extend(_compare_parts(key, wanted, doc))
        elif key == "objects":
            problems.extend(_compare_objects(wanted, doc))
        else:
            problems.append(f"expect.{key}: " + _("not something an example can check (indicator or dimension "
                                                  "codes, or {keys})", keys=", ".join(sorted(EXPECT_KEYS))))
    return problems


def _walk(nodes: list[dict[str, Any]]):
    """Every node of a scorecard's indicator tree, at any depth."""
    for node in nodes:
        yield node
        yield from _walk(node.get("indicators", ()))


def _compare_parts(key: str, wanted: Any, doc: dict[str, Any]) -> list[str]:
    """`parts: {WEB: "85.50"}`, `stages: {W_DEDUCT: "75.00"}`, `outcome: pass|fail` (standards with parts only)."""
    if "parts" not in doc:
        return [f"expect.{key}: " + _("the standard has no parts (criteria.yml parts:)")]
    if key == "outcome":
        return [] if wanted == doc["outcome"] else [
            "expect.outcome: " + _("expected {wanted!r}, scored {got!r}", wanted=wanted, got=doc["outcome"])]
    if not isinstance(wanted, dict):
        return [f"expect.{key}: " + _("give codes and scores, like {key}: {{CODE: \"85.50\"}}", key=key)]
    scores = ({p["code"]: p["score"] for p in doc["parts"]} if key == "parts" else
              {s["code"]: s["score"] for p in doc["parts"] for s in p["stages"]})
    problems = []
    for code, score in wanted.items():
        if code not in scores:
            problems.append(f"expect.{key}.{code}: " + _(NO_SUCH[key], known=", ".join(scores)))
        elif format(Decimal(str(score)), "f") != scores[code]:
            problems.append(f"expect.{key}.{code}: " + _("expected {wanted!r}, scored {got!r}", wanted=str(score),
                                                         got=scores[code]))
    return problems


def _compare_objects(wanted: Any, doc: dict[str, Any]) -> list[str]:
    """`objects: {WEB-1: {score: "85.00", outcome: pass}}`: each object of a part scored per object."""
    got = {o["code"]: o for p in doc.get("parts", ()) for o in p.get("objects", ())}
    if not isinstance(wanted, dict):
        return ["expect.objects: " + _('give object codes, like objects: {WEB-1: {score: "85.00", outcome: pass}}')]
    problems = []
    for code, expected in wanted.items():
        if code not in got:
            problems.append(f"expect.objects.{code}: " + _("no such object scored (scored: {known})",
                                                           known=", ".join(got) or _("none")))
            continue
        if not isinstance(expected, dict) or not set(expected) <= {"score", "outcome"}:
            problems.append(f"expect.objects.{code}: " + _("give score and/or outcome"))
            continue
        if "score" in expected and format(Decimal(str(expected["score"])), "f") != got[code]["score"]:
            problems.append(f"expect.objects.{code}.score: " + _("expected {wanted!r}, scored {got!r}",
                                                                 wanted=str(expected["score"]), got=got[code]["score"]))
        if "outcome" in expected and expected["outcome"] != got[code]["outcome"]:
            problems.append(f"expect.objects.{code}.outcome: " + _("expected {wanted!r}, scored {got!r}",
                                                                   wanted=expected["outcome"], got=got[code]["outcome"]))
    return problems


NO_SUCH = {"parts": N_("no such part (known: {known})"), "stages": N_("no such stage (known: {known})")}


def _given_problem(exc: Exception) -> str:
    """Why an example's `given` cannot be scored, as the author reads it (pydantic's errors as sentences)."""
    if isinstance(exc, ValidationError):
        return "; ".join(reason(e) for e in exc.errors(include_url=False))
    if isinstance(exc, KeyError):
        return _("{value!r} is missing", value=exc.args[0] if exc.args else "")
    return str(exc)


def run_examples(standard: Standard, engine: str | None = None) -> list[ExampleOutcome]:
    """Every rule example scored with one engine (`engine`: auto, clips or durable; see engine.backends)."""
    chosen = backend(engine)
    outcomes = []
    for src in standard.rules:
        for index, example in enumerate(src.rule.examples):
            try:
                problems = compare(standard, example.expect, score_example(standard, example, chosen))
            except (KeyError, ValueError, ValidationError) as exc:
                problems = ["given: " + _("cannot be scored: {error}", error=_given_problem(exc))]
            outcomes.append(ExampleOutcome(src.file, src.rule.id, index, tuple(problems)))
    return outcomes
