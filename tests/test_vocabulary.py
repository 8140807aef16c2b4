"""The names of claims, survey answers, rectification statuses and period states come from the catalogs
(Chinese by default, English with --lang en), and the Chinese words people type are accepted as before:
the Chinese name shown for a code is the first word of its input table, so a name read is a name that
may be written back."""

from __future__ import annotations

import json

import pytest

from scoring.cli import cli
from scoring.i18n import STATUS_NAMES, label
from scoring.standard.vocabulary import (ANSWER_NAMES, ANSWER_WORDS, ANSWERS, CLAIM_NAMES, CLAIM_WORDS, CLAIMS,
                                         STATUS_CHOICES, STATUS_WORDS, STATUS_WORDS_INDEX)


@pytest.mark.parametrize("names, table", [(CLAIM_NAMES, CLAIMS), (ANSWER_NAMES, ANSWERS), (STATUS_NAMES, STATUS_WORDS)],
                         ids=["claims", "answers", "statuses"])
def test_the_chinese_name_of_every_code_is_the_first_word_people_type_for_it(names, table):
    first: dict[str, str] = {}
    for word, code in table.items():
        first.setdefault(code, word)
    assert {code: label(names, code, "zh") for code in first} == first


@pytest.mark.parametrize("words, spelling, code", [
    (CLAIM_WORDS, "达标", "compliant"), (CLAIM_WORDS, "部分达标", "partial"), (CLAIM_WORDS, "不达标", "noncompliant"),
    (CLAIM_WORDS, "无此项工作", "not_applicable"), (CLAIM_WORDS, "partially compliant", "partial"),
    (CLAIM_WORDS, "Not Applicable", "not_applicable"), (CLAIM_WORDS, "noncompliant", "noncompliant"),
    (ANSWER_WORDS, "基本满意", "basically_satisfied"), (ANSWER_WORDS, "不了解", "dont_know"),
    (ANSWER_WORDS, "don't know", "dont_know"), (ANSWER_WORDS, "basically satisfied", "basically_satisfied"),
    (STATUS_WORDS_INDEX, "已整改完毕", "rectified"), (STATUS_WORDS_INDEX, "销号", "verified"),
    (STATUS_WORDS_INDEX, "in progress", "in_progress"), (STATUS_WORDS_INDEX, "退回", "reopened"),
    (STATUS_CHOICES, "已撤销", "withdrawn"), (STATUS_CHOICES, "withdrawn", "withdrawn"),
])
def test_chinese_words_synonyms_codes_and_english_names_are_read_as_before(words, spelling, code):
    assert words.code(spelling) == code


def test_statuses_from_the_command_line_are_not_taken_for_withdrawn():
    assert STATUS_WORDS_INDEX.code("已撤销") is None


def _codes(runner, kind: str, *lang: str) -> list[dict]:
    result = runner.invoke(cli, [*lang, "codes", "--kind", kind, "--format", "json", "--db", "/nonexistent/x.db"])
    assert result.exit_code == 0, result.output
    return [{k: row[k] for k in ("code", "name", "name_en", "also")} for row in json.loads(result.stdout)]


def test_codes_lists_claims_with_both_names_and_every_other_accepted_word(runner):
    assert _codes(runner, "claims") == [
        {"code": "compliant", "name": "达标", "name_en": "compliant", "also": "已达标、合格、符合"},
        {"code": "partial", "name": "部分达标", "name_en": "partially compliant", "also": "基本达标、部分符合"},
        {"code": "noncompliant", "name": "未达标", "name_en": "noncompliant", "also": "不达标、未达到、不合格、不符合"},
        {"code": "not_applicable", "name": "不涉及", "name_en": "not applicable", "also": "不适用、无此项、无此项工作"}]
    assert _codes(runner, "statuses")[3] == {"code": "verified", "name": "已销号", "name_en": "verified",
                                             "also": "销号、已核销、核销、已验收"}
    assert _codes(runner, "answers")[3] == {"code": "dont_know", "name": "不了解", "name_en": "don't know", "also": ""}


def test_the_period_state_is_named_in_the_users_language(new_workspace):
    ws = new_workspace().init("2025")
    assert ws.invoke("period", "status", "2025").stdout == "2025: 未评分\n"
    assert ws.invoke("--lang", "en", "period", "status", "2025").stdout == "2025: open\n"
