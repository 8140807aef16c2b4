"""The findings fast path (scoring.inputs.canonical) against the full path it stands in for.

The fast path may only ever accept a row the full path (pydantic, then the workspace's names)
accepts, storing the very same record; every other row goes to the full path, so a bad row's
message is the one it always was.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.inputs import importing
from scoring.inputs.canonical import CanonicalFindings
from scoring.inputs.importing import Names, import_file
from scoring.inputs.models import FindingRow
from scoring.standard import load_default
from scoring.store import Store

STANDARD = load_default()
NAMES = Names(STANDARD, {"D001", "D002", "U" * 65}, {"2024", "2025", "2025Q1"},
              {"W1": ("D001", True), "W2": ("D002", True), "W3": ("D001", False)})
FIELDS = frozenset(FindingRow.model_fields)

# Cells as files hold them: canonical, and every way of being almost canonical or wrong that the
# full path treats differently (whitespace pydantic keeps, \x1f that Python's strip() drops, numbers
# and dates from workbooks, lengths at the limits, codes by Chinese name, indicators a code refuses).
POOLS = {
    "id": [None, "", " ", "F-1", " F-2 ", "F-1\x1f", 5, 0],
    "unit": [None, "", " ", "D001", " D001 ", "D001\x1f", "\x1fD001", "d001", "D009", "D002\u3000", "U" * 65, 1001, ["D001"]],
    "period": [None, "", "2025", " 2025 ", "2024", "2023", "2025Q1", "2025q1", "2025-Q1", "abc", "2025\x1f", 2025],
    "date": [None, "", "2025-03-05", "2025/3/5", "2025年3月5日", " 2025-03-05 ", "2024-12-31", "2025-02-30",
             "20250305", "2025-3-5", "2025-04-01", "2025-03-05\x1f", 45000, datetime.date(2025, 3, 5), {"d": 1}],
    "inspector": [None, "", "张明", " 张明 ", "a\x1f", 7, 0, False, ["x"]],
    "code": [None, "", "CONTENT_STALE", "content_stale", " CONTENT_STALE ", "内容陈旧、更新不及时", "NOT_DISCLOSED",
             "not_disclosed", "DEMO_SITE_CITY", "NOPE", "CONTENT_STALE\x1f", "ß" * 64, "X" * 65, 12],
    "indicator": [None, "", " ", "C3", "c3", " C3 ", "T1", "t1", "F1", "ZZ", "机构职能与联系方式", "C3\x1f", 3],
    "count": [None, "", " ", "1", "3", "007", " 3", "3 ", "3.0", "0", "100000", "100001", "+3", "٣", "1_000", 3,
              2.0, "abc"],
    "corrected_on_spot": [None, "", "0", "1", "是", "否", "TRUE", " yes ", "maybe", 1, True, 2],
    "note": [None, "", "栏目陈旧", " x "],
    "evidence": [None, "", "照片"],
    "object": [None, "", "W1", " W1 ", "W2", "W3", "W9", "w1", 1],
}
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=70)


def full_path(raw: dict) -> dict | None:
    """What the importer stores for a row without the fast path, or None if it refuses the row."""
    problems, row = importing._row_problems("findings", FindingRow, FIELDS, raw, NAMES)
    return None if problems else importing.to_record("findings", row, STANDARD)


def fast_path(raw: dict) -> dict | None:
    return CanonicalFindings(NAMES, importing._period, importing._content_id).record(raw)


CANONICAL = [
    {"id": "F-1", "unit": "D001", "period": "2025", "date": "2025-03-05", "inspector": "张明", "code": "CONTENT_STALE",
     "indicator": "T1", "count": "2", "corrected_on_spot": "0", "note": "栏目陈旧", "evidence": None},
    {"id": "", "unit": "D002", "period": "2025", "date": "2025-12-31", "inspector": "", "code": "NOT_DISCLOSED",
     "indicator": "C3", "count": "1", "corrected_on_spot": "1", "note": "", "evidence": "", "object": "W2"},
    {"unit": "D001", "period": "2025Q1", "date": "2025/3/5", "code": "内容陈旧、更新不及时", "corrected_on_spot": "是"},
    {"id": "F-4", "unit": "D001", "period": "2025", "date": "2025-06-01", "code": "DEMO_SITE_CITY", "count": "007"},
]


@st.composite
def rows(draw) -> dict:
    """A canonical row with one to three cells changed (or removed): mostly rows that are nearly valid,
    where the two paths could part; sometimes any text at all."""
    row = dict(draw(st.sampled_from(CANONICAL)))
    for name in draw(st.lists(st.sampled_from(sorted(POOLS)), min_size=1, max_size=3)):
        cell = draw(st.one_of(st.sampled_from(POOLS[name]), TEXT, st.just(KeyError)))
        if cell is KeyError:
            row.pop(name, None)
        else:
            row[name] = cell
    return row


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_the_fast_path_accepts_only_what_the_full_path_accepts_and_stores_the_same(raw):
    fast = fast_path(raw)
    if fast is not None:
        assert full_path(raw) == fast


@pytest.mark.parametrize("raw", CANONICAL)
def test_canonical_rows_take_the_fast_path(raw):
    fast = fast_path(raw)
    assert fast is not None  # without this the property test above would pass with no fast path at all
    assert fast == full_path(raw)


def test_an_id_made_from_the_content_is_the_full_paths():
    assert fast_path(CANONICAL[1])["id"] == full_path(CANONICAL[1])["id"]
    assert fast_path(CANONICAL[1])["id"].startswith("H-")


# ---------------------------------------------------------------- through import_file


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "w.db", create=True)
    s.create_schema()
    s.add_period("2025", "year", "2025-01-01", "2025-12-31", 12)
    import_file(s, STANDARD, "units", Path(__file__).resolve().parent.parent / "inputs" / "example" / "units.csv")
    yield s
    s.close()


MIXED = [
    ["id", "unit", "period", "date", "inspector", "code", "indicator", "count", "corrected_on_spot", "note"],
    ["F-1", "D001", "2025", "2025-03-05", "张明", "CONTENT_STALE", "", "2", "0", "栏目陈旧"],
    ["F-2", "D009", "2025", "2025-03-05", "张明", "CONTENT_STALE", "", "1", "0", ""],  # unknown unit
    ["F-3", "D001", "2025", "2024-12-31", "张明", "CONTENT_STALE", "", "1", "0", ""],  # outside the period
    ["F-4", "D001", "2025", "2025-03-05", "张明", "NOT_DISCLOSED", "", "1", "0", ""],  # needs an indicator
    ["F-5", "D001", "2025", "2025-03-05", "张明", "CONTENT_STALE", "C3", "1", "0", ""],  # always T1
    ["F-6", "D001", "2025", "2025-03-05", "张明", "CONTENT_STAL", "", "0", "maybe", ""],  # three problems
    ["F-1", "D001", "2025", "2025-03-06", "张明", "CONTENT_STALE", "", "1", "0", ""],  # duplicate id
    ["", "D002", "2025", "2025-03-07", "", "NOT_DISCLOSED", "c3", "", "1", ""],
    ["F-9", "D002\x1f", "2025", "2025-03-07", "", "NOT_DISCLOSED", "C3", "1", "0", ""],  # \x1f is kept: unknown
]


def imported(store, path: Path) -> tuple[list[str], dict, list[dict]]:
    result = import_file(store, STANDARD, "findings", path, skip_invalid=True)
    return result.rejected, result.written, store.query("select * from findings order by id")


def test_a_mixed_file_imports_the_same_with_and_without_the_fast_path(store, tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(MIXED)
    taken = []
    record = CanonicalFindings.record
    monkeypatch.setattr(CanonicalFindings, "record", lambda self, raw: taken.append(record(self, raw)) or taken[-1])
    fast = imported(store, path)
    assert [r is not None for r in taken] == [True, False, False, False, False, False, True, True, False]
    store.execute("delete from findings")
    monkeypatch.setattr(CanonicalFindings, "record", lambda self, raw: None)
    full = imported(store, path)
    assert fast == full
    rejected = fast[0]
    assert rejected[0] == "f.csv 第 3 行、「unit」列：单位「D009」不在单位名单中；是否应为「D004」？；请先在单位名单中导入该单位"
    assert [line.split("、")[0].split("：")[0] for line in rejected] == [
        f"f.csv 第 {row} 行" for row in (3, 4, 5, 6, 7, 7, 7, 8, 10)]
    assert [row["id"] for row in fast[2]] == ["F-1", importing._content_id({
        "unit": "D002", "period": "2025", "date": "2025-03-07", "inspector": None, "code": "NOT_DISCLOSED",
        "indicator": "C3", "count": 1, "corrected_on_spot": 1, "note": None, "evidence": None})]
