"""Fuzzing (hypothesis), briefly: the row parsers, the file readers and the rule compiler take anything
and either accept it or refuse it with their own error, never anything else.

- Row models: any mapping of values to a row model validates or raises ValidationError; a valid
  row whose names the workspace knows becomes a record SQLite can store as it is.
- Readers: random bytes, CSV-like byte soup in mixed encodings, and damaged workbooks are read
  or refused with ReadError; whatever is read is bounded, storable text.
- Rules: random rule mappings, mostly well-formed, validate or raise ValidationError, pass the
  consistency checks or raise StandardError, and compile for both engines; the compiled rules then
  run in each engine in a separate process, so a crash in an engine's C core fails this test, not pytest.

A few seconds in all (max_examples is small); run with more examples by hand when touching these.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring.engine.clips import ClipsEngine
from scoring.inputs.importing import Names, reference_problems, to_record
from scoring.inputs.models import ROW_MODELS, RectificationUpdateRow
from scoring.inputs.readers import MAX_CELL, ReadError, read_records
from scoring.standard import load_default
from scoring.standard.loader import check_consistency
from scoring.standard.model import RuleSource, Standard, StandardError, rule_at
from scoring.standard.schema import FACT_FIELDS, FACT_KINDS, FIELD_TYPES, Rule

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STANDARD = load_default()
CODES = sorted(STANDARD.criteria.finding_codes)
INDICATORS = sorted(STANDARD.indicators)
NAMES = Names(STANDARD, {"D001", "T001"}, {"2024", "2025"})

# ---------------------------------------------------------------- values people type into cells

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "是", "否", "Y", "n", "满意", "不了解", "达标", "不涉及", "2025", "2025H1", "2025-03-05",
                     "2025/3/5", "2025年3月5日", "2025-02-30", "0000-01-01", "9999-12-31", "1e999999999", "-0", "NaN",
                     "inf", "1,234.5", "０１", "D001", "T001", "CONTENT_STALE", "c3", "=SUM(A1)", "9" * 30, "9" * 5000,
                     "\ufeffD001", "D001\x00", "\u202eD001", "x" * 200]),
    st.sampled_from(CODES + INDICATORS),
)
cells = st.one_of(
    texts, st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(min_value=dt.datetime(1, 1, 2)),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
MODELS = {**ROW_MODELS, "rectification-updates": RectificationUpdateRow}


@pytest.mark.parametrize("kind", sorted(MODELS))
@FUZZ
@given(data=st.data())
def test_a_row_model_takes_any_values_or_says_why(kind, data):
    model = MODELS[kind]
    fields = sorted(model.model_fields)
    keys = st.one_of(st.sampled_from(fields), st.text(max_size=8))
    raw = data.draw(st.dictionaries(keys, cells, max_size=len(fields) + 2))
    if data.draw(st.booleans()):  # mostly complete rows: past the "Field required" errors
        raw = {**{f: data.draw(cells) for f in fields}, **raw}
    try:
        row = model.model_validate(raw)
    except ValidationError as exc:
        assert exc.errors(include_url=False)  # each with a location and a message
        return
    if kind in ROW_MODELS and not reference_problems(kind, row, NAMES):
        record = to_record(kind, row, STANDARD)
        # Storable as it is: no overflowing integers, no unencodable text.
        conn = sqlite3.connect(":memory:")
        conn.execute(f"create table t ({', '.join(f'[{k}]' for k in record)})")
        conn.execute(f"insert into t values ({', '.join('?' * len(record))})",
                     [v.isoformat() if isinstance(v, dt.date) else v for v in record.values()])
        json.dumps(record, default=str, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- files


def _read(name: str, content: bytes) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            records = list(read_records(path))
        except ReadError as exc:
            assert exc.problems and all(line and "\n" not in line for line in exc.problems)
            return []
    for number, record in records:
        assert isinstance(number, int) and number >= 1
        for key, value in record.items():
            for text in (key, value):
                if isinstance(text, str):
                    assert len(text) <= MAX_CELL and "\x00" not in text
                    text.encode("utf-8")  # no undecodable bytes or lone surrogates get through
    return records


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".json", ".jsonl", ".xlsx", ".txt"]))
def test_a_reader_takes_any_bytes_or_refuses_them(content, suffix):
    _read("random" + suffix, content)


PIECES = [b'"', b'""', b",", b"\n", b"\r", b"\r\n", b"\x00", b" ", b"a", b"D001", b"2025", b"1",
          "中文".encode("utf-8"), "中文".encode("gb18030"), "满意".encode("utf-8"), b"\xef\xbb\xbf", b"\xff\xfe",
          b"\xe4\xb8", b"\x80", b"{", b"}", b"[", b"]", b":", b'"unit"', b"\\udc80", b"x" * 50]
HEADER = "编号,单位编码,考核周期,检查日期,问题代码,数量\n".encode("utf-8")


@FUZZ
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=200), header=st.booleans(),
       suffix=st.sampled_from([".csv", ".jsonl", ".json"]))
def test_a_reader_takes_text_like_soup_or_refuses_it(pieces, header, suffix):
    _read("soup" + suffix, (HEADER if header else b"") + b"".join(pieces))


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["编号", "单位编码", "考核周期", "检查日期", "问题代码"])
    wb.active.append(["F-1", "D001", "2025", dt.date(2025, 3, 1), "CONTENT_STALE"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


WORKBOOK = _workbook()


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.binary(min_size=1, max_size=8)), max_size=6),
       keep=st.integers(1, len(WORKBOOK)))
def test_a_damaged_workbook_is_read_or_refused(cuts, keep):
    data = bytearray(WORKBOOK[:keep])
    for at, junk in cuts:
        data[at:at + len(junk)] = junk
    _read("damaged.xlsx", bytes(data))


# ---------------------------------------------------------------- rules

ALIASES = ["f", "g", "u", "s", "m", "r", "p"]
# Mostly well-formed, so that some rules get past validation and the checks to the compiler; now
# and then something is wrong on purpose. (Drawing integers would not do: hypothesis favours 0.)
rarely = st.sampled_from([False] * 15 + [True])
FIELDS = {**{k: sorted(v) for k, v in FACT_FIELDS.items()}, "metrics": sorted(STANDARD.criteria.metrics)}
# Date comparisons are number fields derived from dates (scoring.standard.dates): fuzz those too.
FIELDS["record"] += ["formed__to__published__workdays", "date__to__replied__months__or__as_of", "published__minus__as_of"]
FIELDS["period"] += ["as_of__minus__period_end"]
scalars = st.one_of(st.sampled_from(CODES + INDICATORS + ["city_department", "compliant", "open", "2025-03-01"]),
                    st.integers(-5, 1000), st.decimals(min_value=-10, max_value=10, places=2), st.booleans(),
                    st.text(max_size=10))


TEXTS = st.sampled_from(CODES + INDICATORS + ["city_department", "compliant", "open", "defect", "2025-03-01"])
BY_TYPE = {"bool": st.booleans(), "number": st.one_of(st.integers(-5, 1000), st.decimals(-10, 10, places=2)),
           "text": TEXTS, "date": TEXTS}


def fitting(draw, kind: str, field: str):
    """A value of the field's own type, mostly (lint refuses conditions that can never hold)."""
    wanted = "number" if kind == "metrics" else FIELD_TYPES.get(kind, {}).get(field)
    return draw(scalars if draw(rarely) or wanted is None else BY_TYPE[wanted])


@st.composite
def conditions(draw, kind: str, earlier: list[tuple[str, str]]):
    field = draw(st.text(max_size=6) if draw(rarely) else st.sampled_from(FIELDS[kind] or ["value"]))
    op = draw(st.sampled_from(["value", "eq", "ne", "lt", "lte", "gt", "gte", "in", "exists", "same"] * 3
                              + ["two", "junk"]))
    if op == "value":
        value = fitting(draw, kind, field)
    elif op in ("lt", "lte", "gt", "gte"):
        value = {op: draw(scalars if draw(rarely) else st.one_of(st.integers(-5, 100), st.decimals(0, 10, places=2)))}
    elif op == "in":
        value = {"in": [fitting(draw, kind, field) for _ in range(draw(st.integers(0, 4)))]}
    elif op == "exists":
        value = {"exists": draw(st.booleans())}
    elif op == "same" and earlier:
        alias, other = draw(st.sampled_from(earlier))
        value = {"same": f"{alias}.{draw(st.sampled_from(FIELDS[other] or ['value']))}"}
    elif op == "two":
        value = {"eq": draw(scalars), "ne": draw(scalars)}
    elif op == "junk":
        value = draw(st.one_of(st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=4), scalars, max_size=2),
                               st.none()))
    else:
        value = {op if op != "same" else "eq": fitting(draw, kind, field)}
    return field, value


@st.composite
def patterns(draw, earlier: list[tuple[str, str]]):
    kind = draw(st.text(max_size=8)) if draw(rarely) else draw(st.sampled_from(FACT_KINDS))
    pattern = {"fact": kind}
    for _ in range(draw(st.integers(0, 3))):
        if kind in FIELDS:
            name, value = draw(conditions(kind, earlier))
            pattern[name] = value
    if kind in FIELDS and draw(rarely):
        pattern["any"] = [dict([draw(conditions(kind, earlier))]) for _ in range(draw(st.integers(1, 2)))]
    return kind, pattern


@st.composite
def effects(draw):
    effect = draw(st.sampled_from(["deduct", "deduct_share", "bonus", "flag", "rectify", "score", "veto", "na"] * 2
                                  + ["junk", "none"]))
    amount = draw(st.one_of(st.decimals(min_value=Decimal("0.5"), max_value=5, places=1), st.integers(-1, 5)))
    if effect == "deduct":
        then = {"deduct": {"points": amount, "per": draw(st.sampled_from(["count", "match", "each"])),
                           **({"cap": amount} if draw(st.booleans()) else {}),
                           **({"on_the_spot": "half"} if draw(st.booleans()) else {})}}
    elif effect == "deduct_share":
        then = {"deduct": {"share_of_max": draw(st.decimals(min_value=0, max_value=2, places=2))}}
    elif effect == "bonus":
        then = {"bonus": {"points": amount}}
    elif effect == "flag":
        then = {"flag": {"code": draw(st.sampled_from(["SELF_REPORT_MISMATCH", "NEW_FLAG", "bad flag"]))}}
    elif effect == "rectify":
        then = {"rectify": {"deadline_days": draw(st.integers(-1, 60))}}
    elif effect == "score":
        then = {"score": {"points": amount}}
    elif effect == "veto":
        then = {"veto": True}
    elif effect == "na":
        then = {"not_applicable": True}
    elif effect == "junk":
        then = {draw(st.text(max_size=6)): draw(scalars)}
    else:
        then = {}
    if draw(rarely):
        then["rectify"] = {"deadline_workdays": draw(st.integers(0, 20))}
    return then


@st.composite
def rules(draw):
    when: dict = {}
    earlier: list[tuple[str, str]] = []
    for _ in range(0 if draw(rarely) else draw(st.sampled_from([1, 1, 1, 2, 2, 3]))):
        alias = draw(st.text(max_size=3)) if draw(rarely) else draw(st.sampled_from(ALIASES))
        kind, pattern = draw(patterns(earlier))
        when[alias] = pattern
        if kind in FIELDS:
            earlier.append((alias, kind))
    rule = {
        "id": draw(st.text(max_size=5)) if draw(rarely) else draw(st.from_regex(r"[A-Z][A-Z0-9_]{0,12}", fullmatch=True)),
        "title": "模糊测试", "title_en": "Fuzz", "rationale": "随机生成的规则",
        "when": when, "then": draw(effects()),
        "examples": [{"given": {"findings": [{"code": "CONTENT_STALE"}]}, "expect": {"T1": "4.00"}}],
    }
    if not draw(rarely):
        rule["indicator"] = draw(st.text(max_size=3)) if draw(rarely) else draw(st.sampled_from(INDICATORS))
    if draw(rarely):
        rule["unless"] = dict([(draw(st.sampled_from(["n", "q"])), draw(patterns(earlier))[1])])
    if draw(rarely):
        rule[draw(st.text(max_size=6))] = draw(scalars)  # a typo'd key
    if draw(rarely):
        del rule[draw(st.sampled_from(sorted(rule)))]
    return rule


def checked(data: dict) -> Rule | None:
    """The rule when it validates and passes the consistency checks, else None; nothing else may happen."""
    try:
        rule = Rule.model_validate(data)
    except ValidationError:
        return None
    try:
        check_consistency(Standard(criteria=STANDARD.criteria, rules=(RuleSource(rule, "rules/fuzz.yml"),), files={}))
    except StandardError as exc:
        assert exc.problems and all(p.startswith(rule_at("rules/fuzz.yml", "")) or p.startswith("criteria.yml")
                                    for p in exc.problems), exc.problems
        return None
    return rule


@FUZZ
@given(data=rules())
def test_a_random_rule_is_refused_cleanly_or_compiles(data):
    rule = checked(data)
    if rule is not None:
        one = Standard(criteria=STANDARD.criteria, rules=(RuleSource(rule, "rules/fuzz.yml"),), files={})
        with ClipsEngine(one) as engine:  # CLIPS builds every construct, or this raises
            assert any(construct.startswith("(defrule r0 ") for construct in engine.constructs)
        if DURABLE:
            from scoring.engine.durable import compile_rule

            compiled = compile_rule(rule)
            assert rule.id in compiled
            json.dumps(compiled, ensure_ascii=False, default=str)


def _durable_imports() -> bool:
    try:
        import scoring.engine.durable  # noqa: F401
    except ImportError:
        return False
    return True


DURABLE = _durable_imports()
ENGINES = ["clips", pytest.param("durable", marks=pytest.mark.skipif(not DURABLE, reason="durable_rules is not installed"))]


# The compiled rules run in each engine in a child process: one rule per engine (beside a rule
# that matches every unit, see below), a few facts of every kind fired at it, twice. The rule is
# written to stderr before it runs, so a crash names it.
ENGINE_CHILD = """
import json, sys
from scoring.engine.backends import Engine
from scoring.standard import load_default
from scoring.standard.model import RuleSource, Standard
from scoring.standard.schema import Rule

standard = load_default()
facts = json.loads(sys.argv[1])
guard = [RuleSource(Rule.model_validate(json.loads(sys.argv[2])), "rules/guard.yml")] if sys.argv[2] else []
for line in sys.stdin:
    print(line, end="", file=sys.stderr, flush=True)
    rule = Rule.model_validate(json.loads(line))
    one = Standard(criteria=standard.criteria, rules=(RuleSource(rule, "rules/fuzz.yml"), *guard), files={})
    with Engine(one, sys.argv[3]) as engine:
        for unit in ("U1", "U2"):
            engine.fire(unit, facts)
            engine.forget(unit)
print("done", flush=True)
"""
# durable_rules 2.0.28 crashes (SIGSEGV in delete_state, i.e. Engine.forget) when nothing in a
# unit's session matched any rule; the engine now keeps an internal anchor rule on the unit fact
# (see test_no_engine_crash_when_no_rule_matches). The fuzzed rules still run beside a rule on
# the unit fact, as real standards have.
GUARD = {"id": "GUARD_UNIT", "title": "单位", "title_en": "Unit", "rationale": "每个单位都匹配", "indicator": "L1",
         "when": {"u": {"fact": "unit"}}, "then": {"flag": {"code": "MISSING_METRIC"}},
         "examples": [{"given": {}, "expect": {"L1": "3.00"}}]}
FACTS = [
    {"fact": "unit", "id": "unit", "code": "U1", "type": "city_department", "group": "city_department",
     "period_months": 12, "self_assessment_rows": 3},
    {"fact": "finding", "id": "finding:F1", "ref": "F1", "code": "CONTENT_STALE", "kind": "defect", "indicator": "T1",
     "count": 2, "corrected_on_spot": False, "date": "2025-03-01", "applicable": True, "inspector": "张明"},
    {"fact": "finding", "id": "finding:F2", "ref": "F2", "code": "NOT_DISCLOSED", "kind": "defect", "indicator": "C3",
     "count": 1, "corrected_on_spot": True, "date": "2025-04-01", "applicable": True, "inspector": "李"},
    {"fact": "previous_finding", "id": "previous:P1", "ref": "P1", "code": "CONTENT_STALE", "kind": "defect",
     "indicator": "T1", "count": 1, "date": "2024-05-01"},
    {"fact": "self_assessment", "id": "self:T1", "ref": "SA-T1", "indicator": "T1", "claim": "compliant",
     "applicable": True},
    {"fact": "survey", "id": "survey", "answers": 100, "favourable": 90, "satisfied": 60, "basically_satisfied": 30,
     "unsatisfied": 5, "dont_know": 5, "respondents": 20, "issued": 30, "response_rate": 0.67},
    {"fact": "metrics", "id": "metrics", "contacts_received": 100, "contacts_resolved": 98, "info_submitted": 12,
     "window_ratings_count": 10, "window_ratings_sum": 45},
    {"fact": "rectification", "id": "rect:R1", "ref": "R-F1", "indicator": "T1", "finding": "F1",
     "rule": "CONTENT_STALE", "deadline": "2025-03-16", "status": "open", "overdue": True, "period": "2025"},
]


@pytest.mark.parametrize("engine", ENGINES)
def test_compiled_random_rules_run_in_the_engine_without_crashing(tmp_path, engine):
    found: list[str] = []

    @settings(FUZZ, max_examples=250, derandomize=True)  # the same rules every time: a stable test
    @given(data=rules())
    def collect(data):
        rule = checked(data)
        if rule is not None:
            found.append(json.dumps(rule.model_dump(mode="json", by_alias=True, exclude_defaults=True),
                                    ensure_ascii=False))

    collect()
    assert len(found) >= 5, "the rule strategy should make some valid rules"
    found += [json.dumps(src.rule.model_dump(mode="json", by_alias=True, exclude_defaults=True), ensure_ascii=False)
              for src in STANDARD.rules]  # and the real ones, as a baseline, "the rule strategy should make some valid rules"
    # Freed memory filled with junk (glibc), so a use after free in the engine shows every time.
    env = {**{k: v for k, v in os.environ.items() if k != "SCORING_DB"}, "MALLOC_PERTURB_": "165"}
    done = subprocess.run([sys.executable, "-c", ENGINE_CHILD, json.dumps(FACTS, ensure_ascii=False), json.dumps(GUARD),
                           engine],
                          input="\n".join(found) + "\n", capture_output=True, text=True, timeout=120, env=env)
    last = done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else []
    assert done.returncode == 0 and done.stdout.strip() == "done", (
        f"the engine process ended with {done.returncode} on the rule\n{last}\n--- stderr\n{done.stderr[-3000:]}")


@pytest.mark.parametrize("engine", ENGINES)
def test_no_engine_crash_when_no_rule_matches(engine):
    """A one-rule standard whose rule matches none of a unit's facts: durable_rules 2.0.28 crashed in
    delete_state (Engine.forget) until every ruleset got an internal rule on the unit fact."""
    rule = {"id": "ONLY_SECRET_LEAK", "title": "x", "title_en": "Leak", "rationale": "x", "indicator": "P3",
            "when": {"f": {"fact": "finding", "code": "SECRET_LEAK"}}, "then": {"not_applicable": True},
            "examples": [{"given": {}, "expect": {"A1": "0"}}]}
    # Freed memory filled with junk (glibc), so a use after free shows every time, not by chance.
    env = {**{k: v for k, v in os.environ.items() if k != "SCORING_DB"}, "MALLOC_PERTURB_": "165"}
    done = subprocess.run([sys.executable, "-c", ENGINE_CHILD, json.dumps(FACTS, ensure_ascii=False), "", engine],
                          input=(json.dumps(rule) + "\n") * 10, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, f"the engine process ended with {done.returncode}"
