"""`scoring demo`: the embedded example runs, prints the ranking, is reproducible, and its scorecards add up."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scoring.cli import cli

# Settings from the developer's shell must not leak into what the test sees.
ENV = {"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": "pytest"}
GRADES = {"优秀", "良好", "合格", "不合格"}


def run_demo(out: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), *args], env=ENV)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Result]:
    """One demo run with the default seed; module-scoped because a run takes seconds."""
    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out)


def rank(out: Path) -> list[dict[str, Any]]:
    return json.loads((out / "rank.json").read_text(encoding="utf-8"))


def test_prints_the_ranked_table_and_says_where_things_went(demo):
    out, result = demo
    header = result.stdout.splitlines()[0].split()
    assert header == ["排名", "单位编码", "单位名称", "分组", "得分", "基础分", "加分", "等次", "否决", "未完成整改"]
    first = result.stdout.splitlines()[2].split()
    assert first[0] == "1" and first[3] == "市直部门"  # the group by name, not its code
    assert "市教育局" in result.stdout
    assert str(out / "inputs") in result.stderr and str(out / "demo.db") in result.stderr
    assert "rank.json" in result.stderr and "scorecards" in result.stderr


def test_writes_inputs_workspace_and_reports(demo):
    out, _ = demo
    inputs = sorted(p.name for p in (out / "inputs").glob("*.csv"))
    assert "units.csv" in inputs and "findings-2024.csv" in inputs and "findings-2025.csv" in inputs
    assert (out / "inputs" / "findings-2025.csv").read_text(encoding="utf-8-sig").startswith("编号,单位编码,考核周期")
    assert (out / "demo.db").is_file()
    # Files in the report folder are for people: Chinese headers, groups by name, 是/否 (rank.json keeps codes).
    rank_csv = (out / "rank.csv").read_bytes()
    assert rank_csv.startswith("\ufeff排名,单位编码,单位名称,分组,得分,基础分,加分,等次,否决,未完成整改\n".encode())
    assert ",市直部门," in rank_csv.decode("utf-8-sig") and "false" not in rank_csv.decode("utf-8-sig")
    assert (out / "feed.csv").read_text(encoding="utf-8-sig").startswith("单位编码,单位名称,分组,得分,等次,排名,目标考核得分")
    assert len(list((out / "scorecards").glob("*.json"))) == len(rank(out))


def test_has_67_city_departments_and_the_other_groups(demo):
    rows = rank(demo[0])
    depts = sorted(r["unit"] for r in rows if r["group"] == "city_department")
    assert depts == [f"D{i:03d}" for i in range(1, 68)]
    assert len({r["name"] for r in rows}) == len(rows)
    assert {r["group"] for r in rows} == {"city_department", "district_government", "township", "public_institution"}


def test_all_four_grades_occur_among_city_departments(demo):
    depts = [r for r in rank(demo[0]) if r["group"] == "city_department"]
    assert {r["grade"] for r in depts} == GRADES
    assert {r["grade"] for r in depts if not r["veto"]} == GRADES  # a veto is not the only way to fail
    assert sum(r["veto"] for r in depts) == 2
    assert any(Decimal(r["bonus"]) > 0 for r in depts)


def test_same_seed_gives_byte_identical_rank_json(demo, tmp_path):
    out, _ = demo
    run_demo(tmp_path, "--seed", "2025")
    assert (tmp_path / "rank.json").read_bytes() == (out / "rank.json").read_bytes()


def cents(value: Decimal) -> Decimal:
    """Rounded half up to 2 places, as scorecards show points (lines keep the exact amounts)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("unit", ["D001", "D031", "G001", "T001", "P001"])
def test_scorecard_lines_add_up(demo, unit):
    card = json.loads((demo[0] / "scorecards" / f"{unit}.json").read_text(encoding="utf-8"))
    assert card["unit"] == unit and card["period"] == "2025"
    total = maximum = Decimal(0)
    for dimension in card["dimensions"]:
        exact = Decimal(0)
        for indicator in (i for i in dimension["indicators"] if i["applicable"]):
            # Deducted indicators start at their maximum; ratio and quota ones start at 0 and are scored.
            start = Decimal(indicator["max"]) if indicator["method"] == "deduct" else Decimal(0)
            points = start + sum((Decimal(line["points"]) for line in indicator["lines"]), Decimal(0))
            assert cents(points) == Decimal(indicator["score"]), (unit, indicator["code"], indicator["lines"])
            exact += points
        if dimension["applicable"]:
            assert cents(exact) == Decimal(dimension["score"]), (unit, dimension["code"])
            total += exact
            maximum += Decimal(dimension["max"])
    assert cents(100 * total / maximum) == Decimal(card["base"])
    assert sum((Decimal(line["points"]) for line in card["bonus_lines"]), Decimal(0)) == Decimal(card["bonus"])
    assert Decimal(card["score"]) == Decimal(card["base"]) + Decimal(card["bonus"])
