"""What a standard's author reads from `scoring criteria check` (issue 18): each family of mistake in a
representative broken standard, the exact line in Chinese (the default) and in English (--lang en).

Families: pydantic's own checks of a rule and of criteria.yml (a key's value of the wrong kind, a
misspelt key inside a condition, a value that fits no form), the schema's validators (schema, patterns,
parts, nodes), the lint (names that do not exist, effects that do not fit their node, parts that do not
add up), the examples' failures, and YAML the parser cannot read.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.standard.loader import SHIPPED

DEFAULT = SHIPPED / "gongkai-default"
WANZHI = Path(__file__).resolve().parent / "standards" / "wanzhi-parts"
ENV = {"SCORING_LANG": None, "SCORING_DB": None}


def broken(tmp_path: Path, source: Path, *edits: tuple[str, str, str]) -> Path:
    """A copy of a standard with each (file, old, new) edit made once; a file not there is written as `new`."""
    folder = tmp_path / "standard"
    shutil.copytree(source, folder)
    for name, old, new in edits:
        path = folder / name
        if not path.exists():
            path.write_text(new, encoding="utf-8")
            continue
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def check(folder: Path, *lang: str) -> list[str]:
    """The lines `scoring criteria check FOLDER` writes on stderr (it must fail with exit code 2)."""
    result = CliRunner().invoke(cli, [*lang, "criteria", "check", str(folder)], env=ENV)
    assert result.exit_code == 2, result.output
    return result.stderr.splitlines()


def both(folder: Path) -> tuple[list[str], list[str]]:
    return check(folder), check(folder, "--lang", "en")


TIMELINESS = "rules/d5_timeliness.yml"
RULE = "rules/d5_timeliness.yml: 规则 "
EN_RULE = "rules/d5_timeliness.yml: rule "


def test_pydantic_checks_of_a_rule_read_as_sentences_naming_the_key(tmp_path):
    """A wrong word, a misspelt key inside a condition, a value that fits no form, an id not written as a code:
    one line each, with the key's location, never pydantic's "Value error, …" or one line per union member."""
    zh, en = both(broken(
        tmp_path, DEFAULT,
        (TIMELINESS, "deduct: {points: 1, per: count, on_the_spot: half}",
         "deduct: {points: 1, per: countt, on_the_spot: half}"),
        (TIMELINESS, "f: {fact: finding, code: CONTENT_STALE}", "f: {fact: finding, code: CONTENT_STALE, count: {gtt: 1}}"),
        (TIMELINESS, "value: {ratio: [m.info_submitted, {product: [{lookup: info_quota_per_month, key: u.type}, "
                     "u.period_months]}]}", "value: [m.info_submitted, 2]"),
        (TIMELINESS, "- id: INFO_SUBMISSIONS_MISSING", "- id: info_submissions_missing")))
    assert zh == [
        "错误：评分标准有以下问题：",
        RULE + "CONTENT_STALE: when.f.count.gtt: 不允许的字段（拼写错误？）；请删除或改为已知的字段名",
        RULE + "CONTENT_STALE: then.deduct.per: 须为以下之一：'count', 'match'",
        RULE + "INFO_SUBMISSIONS: then.score.value: 此处不接受这种值；应为：映射（键: 值）、数字、文字",
        RULE + "info_submissions_missing: id: 须为编码：由大写字母、数字和 _ 组成，以字母开头（如 CONTENT_STALE）"]
    assert en == [
        "Error: the standard has problems:",
        EN_RULE + "CONTENT_STALE: when.f.count.gtt: Extra inputs are not permitted",
        EN_RULE + "CONTENT_STALE: then.deduct.per: must be one of 'count', 'match'",
        EN_RULE + "INFO_SUBMISSIONS: then.score.value: this kind of value is not accepted here; give key: value lines, "
                  "a number, text",
        EN_RULE + "info_submissions_missing: id: must be a code: capital letters, digits and _, starting with a letter "
                  "(for example CONTENT_STALE)"]


def test_the_schemas_own_checks_of_a_rule_are_in_the_users_language(tmp_path):
    zh, en = both(broken(
        tmp_path, DEFAULT,
        (TIMELINESS, "rectify: {deadline_days: 15}", "rectify: {deadline_days: 15, deadline_workdays: 10}"),
        (TIMELINESS, "f: {fact: finding, code: CONTENT_STALE}",
         "f: {fact: finding, code: CONTENT_STALE, count: {gt: 1, lt: 3}}")))
    assert zh[1:] == [
        RULE + "CONTENT_STALE: when.f.count: 一个条件须写且只写 eq、ne、lt、lte、gt、gte、in、same、exists 中的一个",
        RULE + "CONTENT_STALE: then.rectify: rectify 须写且只写 deadline_days 或 deadline_workdays 中的一个"]
    assert en[1:] == [
        EN_RULE + "CONTENT_STALE: when.f.count: a condition takes exactly one of eq, ne, lt, lte, gt, gte, in, same, exists",
        EN_RULE + "CONTENT_STALE: then.rectify: rectify takes exactly one of deadline_days or deadline_workdays"]


def test_the_schemas_own_checks_of_criteria_are_in_the_users_language(tmp_path):
    zh, en = both(broken(
        tmp_path, DEFAULT,
        ("criteria.yml", "{code: L1, name: 领导小组与工作机构, name_en: Leading group and office, max: 3, method: deduct}",
         "{code: L1, name: 领导小组与工作机构, name_en: Leading group and office, max: 3}"),
        ("criteria.yml", 'kind: bands\n    bands: [{min: "4.5"', 'kind: proportional\n    bands: [{min: "4.5"')))
    assert zh[1:] == [
        "criteria.yml: dimensions.D1.indicators.L1: 指标 L1：method：末级指标须写计分方式（deduct, ratio, quota, earn, "
        "judged, veto）",
        "criteria.yml: scales.window_rating: proportional 类计分尺度不分档；请删除 bands，或改为 kind: bands"]
    assert en[1:] == [
        "criteria.yml: dimensions.D1.indicators.L1: indicator L1: method: a leaf indicator needs a method (deduct, ratio, "
        "quota, earn, judged, veto)",
        "criteria.yml: scales.window_rating: a scale of kind proportional takes no bands; remove bands or make it "
        "kind: bands"]


def test_the_lint_names_what_does_not_exist_or_fit_in_the_users_language(tmp_path):
    zh, en = both(broken(
        tmp_path, DEFAULT,
        (TIMELINESS, "scale: share_of_max", "scale: share_of_maxx"),
        (TIMELINESS, "    score: {points: 0}\n    flag: {code: MISSING_METRIC}",
         "    score: {points: 0}\n    flag: {code: MISSING_METRIC}\n    rectify: {deadline_days: 5}"),
        (TIMELINESS, "deduct: {points: 1, per: count, on_the_spot: half}", "earn: {points: 1, per: count}")))
    assert zh[1:] == [
        RULE + "CONTENT_STALE: then.earn: 指标 T1 的计分方式为 deduct；earn 只用于得分类指标（method: earn）",
        RULE + "INFO_SUBMISSIONS: then.score.scale: 未知的计分尺度「share_of_maxx」（已有：satisfaction_rate, "
               "window_rating, completion_rate, share_of_max）",
        RULE + "INFO_SUBMISSIONS_MISSING: then.rectify: 整改事项来自检查发现的问题：when 中的第一个事实须为 finding"]
    assert en[1:] == [
        EN_RULE + "CONTENT_STALE: then.earn: indicator T1 is scored by deduct; earn effects are for earn indicators "
                  "(method: earn)",
        EN_RULE + "INFO_SUBMISSIONS: then.score.scale: unknown scale 'share_of_maxx' (known: satisfaction_rate, "
                  "window_rating, completion_rate, share_of_max)",
        EN_RULE + "INFO_SUBMISSIONS_MISSING: then.rectify: a rectification item comes from a finding; the first fact "
                  "must be a finding"]


def test_parts_that_do_not_add_up_and_a_gate_without_an_effect(tmp_path):
    zh, en = both(broken(tmp_path, WANZHI, ("criteria.yml", 'weight: "0.7"', 'weight: "0.6"')))
    assert (zh[1:], en[1:]) == (["criteria.yml: parts: 各部分权重合计为 0.9，而不是 1"],
                                ["criteria.yml: parts: weights add up to 0.9, not 1"])
    zh, en = both(broken(tmp_path / "gate", WANZHI, ("criteria.yml", "- {lt: 60, fail: true, note: 低于60分，判定为不合格}",
                                                     "- {lt: 60, note: 低于60分，判定为不合格}")))
    assert zh[1:] == ["criteria.yml: parts.WEB.stages.W_DEDUCT.gates[0]: 门槛成立时须有结果：请写 fail: true、stop: true 或两者都写"]
    assert en[1:] == ["criteria.yml: parts.WEB.stages.W_DEDUCT.gates[0]: a gate does something when it holds: give fail: true, "
                      "stop: true or both"]


def test_a_failing_example_says_what_was_expected_and_what_was_scored(tmp_path):
    zh, en = both(broken(
        tmp_path, DEFAULT,
        (TIMELINESS, 'expect: {T1: "1.50", rectifications: 1}', 'expect: {T1: "1.00", rectifications: 1, T9: "1.00"}'),
        (TIMELINESS, "- given: {unit: {type: city_department}, metrics: {info_submitted: 12}}",
         "- given: {unit: {type: city_department}, metrics: {info_submitted: 12}, findings: [{code: CONTENT_STAEL}]}")))
    keys = "adjust, base, bonus, flags, grade, no_flags, not_applicable, objects, outcome, parts, rectifications, " \
           "score, stages, veto"
    assert zh == [
        RULE + "CONTENT_STALE: 第 1 个示例（examples[0]）: expect.T1: 预期「1.00」，实际计算为「1.50」",
        RULE + f"CONTENT_STALE: 第 1 个示例（examples[0]）: expect.T9: 示例无法检查这一项（可写指标或维度编码，或 {keys}）",
        RULE + "INFO_SUBMISSIONS: 第 1 个示例（examples[0]）: given: 无法计分：findings[0].code: 未知的问题代码"
               "「CONTENT_STAEL」；请使用 criteria.yml 的 finding_codes 中的代码",
        "错误：53 个规则示例中有 2 个未通过"]
    assert en == [
        EN_RULE + "CONTENT_STALE: example 1 (examples[0]): expect.T1: expected '1.00', scored '1.50'",
        EN_RULE + f"CONTENT_STALE: example 1 (examples[0]): expect.T9: not something an example can check (indicator "
                  f"or dimension codes, or {keys})",
        EN_RULE + "INFO_SUBMISSIONS: example 1 (examples[0]): given: cannot be scored: findings[0].code: unknown "
                  "finding code 'CONTENT_STAEL'; use one of finding_codes in criteria.yml",
        "Error: 2 of 53 rule examples fail"]


def test_an_expression_that_cannot_be_computed_fails_its_example_in_the_users_language(tmp_path):
    zh, en = both(broken(tmp_path, DEFAULT, ("criteria.yml", "info_quota_per_month: {district_government: 3, "
                                                             "city_department: 2}",
                                             "info_quota_per_month: {district_government: 3, city_department: 0}")))
    assert zh[0] == RULE + "INFO_SUBMISSIONS: 第 1 个示例（examples[0]）: given: 无法计分：比例（ratio）的除数为 0：其第二个值为 0"
    assert en[0] == EN_RULE + ("INFO_SUBMISSIONS: example 1 (examples[0]): given: cannot be scored: ratio divides by "
                               "zero: its second value is 0")


def test_an_example_record_that_is_not_valid_is_named_like_an_imported_row(tmp_path):
    zh, en = both(broken(tmp_path, DEFAULT, (TIMELINESS, "- given: {unit: {type: city_department}, metrics: "
                                                         "{info_submitted: 12}}",
                                             "- given: {unit: {type: city_department}, metrics: {info_submitted: 12}, "
                                             "records: [{kind: x, date: '2025-13-01'}]}")))
    assert zh[0].startswith(RULE + "INFO_SUBMISSIONS: 第 1 个示例（examples[0]）: given: 无法计分：records[0]: ")
    assert en[0].startswith(EN_RULE + "INFO_SUBMISSIONS: example 1 (examples[0]): given: cannot be scored: records[0]: ")
    assert "Input should be" not in zh[0] + en[0]


@pytest.mark.parametrize("text, chinese, english", [
    ("- id: X\n\ttitle: 测试\n",
     "字符 '\\t' 不能出现在这里（是制表符吗？请用空格缩进） （第 2 行，第 1 列）",
     "the character '\\t' cannot start a value (a tab? indent with spaces) (line 2, column 1)"),
    ("- id: X\n  title: 内容: 陈旧\n  x: 1\n",
     "此处不能出现“键: 值”（缩进多了，或含有“: ”的文字需要加引号） （第 2 行，第 12 列）",
     "a colon here starts a key: value where none can be (indented too far, or text containing ': ' that needs "
     "quotes) (line 2, column 12)"),
    ("- id: X\n  title: \"测试\n", "文件在一个值的中间结束：有引号或括号没有闭合 （第 3 行，第 1 列）",
     "the file ends inside a value: a quote or a bracket is not closed (line 3, column 1)"),
    ("- id: X\n  when: {f: {fact: finding}\n  x: 1\n",
     "此处应为逗号或 }：括号没有闭合，或含有“: ”的文字需要加引号 （第 3 行，第 3 列）",
     "expected a comma or } here: a bracket is not closed, or text containing ': ' needs quotes (line 3, column 3)"),
])
def test_yaml_the_parser_cannot_read_is_explained_with_line_and_column(tmp_path, text, chinese, english):
    zh, en = both(broken(tmp_path, DEFAULT, ("rules/zz.yml", "", text)))
    assert zh == ["错误：评分标准有以下问题：", "rules/zz.yml: YAML 格式错误：" + chinese]
    assert en == ["Error: the standard has problems:", "rules/zz.yml: not valid YAML: " + english]


def test_a_date_no_calendar_has_is_refused_with_its_line_not_a_crash(tmp_path):
    zh, en = both(broken(tmp_path, DEFAULT, ("rules/zz.yml", "", "- id: X\n  examples:\n    - given: {as_of: 2025-13-01}\n")))
    assert zh == ["错误：评分标准有以下问题：",
                  "rules/zz.yml: 第 3 行的 2025-13-01 不是真实存在的日期；请写正确的日期（YYYY-MM-DD），或给这个值加引号"]
    assert en == ["Error: the standard has problems:",
                  "rules/zz.yml: 2025-13-01 on line 3 is not a date that exists; write a real date (YYYY-MM-DD), or "
                  "put the value in quotes"]


def test_a_grade_may_not_take_the_code_of_a_unit_with_nothing_scored(tmp_path):
    # no_grade is what the ranking gives a unit with no object of any part's kinds (数据不全): a standard's own
    # grade with that code would read as one in every ranking, report and 通报.
    zh, en = both(broken(tmp_path, DEFAULT, ("criteria.yml", "{code: fail, name: 不合格", "{code: no_grade, name: 不合格")))
    assert any("等次代码「no_grade」留给没有任何可评分内容的单位（数据不全）：请给这个等次另取一个代码" in line for line in zh), zh
    assert any("the grade code 'no_grade' is kept for units with nothing scored" in line for line in en), en
