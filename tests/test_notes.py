"""Line notes (扣完为止, 减分上限, 加分封顶 …) are said in the reader's language where they are shown
(explain, scorecard text, the HTML report), while the stored run and `--format json` keep the engine's
Chinese text byte for byte."""

from __future__ import annotations

import json
import re

import pytest

from scoring.engine.notes import CAPPED, MULTIPLIED, NOTES, note
from scoring.i18n import _, use_lang
from scoring.outputs.notes import _DEDUCT as MULTIPLIED_NOTE, _patterns, note_in

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# Each note as the engine writes it (scoring/engine/tally.py, tree.py, deductions.py, parts.py, expressions.py),
# and what an English reader is shown.
ENGINE_NOTES = [
    ("总分扣完为止（不低于0分）", "the total goes no lower than 0"),
    ("扣完为止（本项最多扣 5）", "nothing below 0 (this item loses at most 5)"),
    ("本项减分上限 3（原扣 4.5）", "deduction limit of this item 3 (lost 4.5)"),
    ("B1 扣完为止 20（原扣 23）", "B1 nothing below 0: 20 (lost 23)"),
    ("B1 减分上限 10（原扣 12）", "B1 deduction limit 10 (lost 12)"),
    ("C3 超出本项分值的扣分 2 计入上级指标", "C3: 2 lost beyond this item's points, taken from its parent"),
    ("最高不超过 10（原得 12）", "at most 10 (earned 12)"),
    ("没有规则给出得分", "no rule gave points"),
    ("加分封顶 5", "bonus capped at 5"),
    ("评定分值 12 超出 [0, 10]，按 10 计", "judged value 12 is outside [0, 10]; counted as 10"),
    ("×2（REPEAT_FINDING）", "×2 (REPEAT_FINDING)"),
    ("封顶 6（原扣 8）", "capped at 6 (lost 8)"),
    ("×2（REPEAT_FINDING、M2） 封顶 6（原扣 8）", "×2 (REPEAT_FINDING, M2) capped at 6 (lost 8)"),
    ("WEB 无适用对象，不参与评分", "WEB: no object of its kinds, not scored"),
    ("WEB、APP无适用对象，其余部分按权重折算：80 ÷ 0.6", "WEB、APP: no object of their kinds; the other parts by weight: 80 ÷ 0.6"),
    ("政府网站：以下数据未写明本部分的对象（或所写对象已停用、不属于本部分），未计分",
     "政府网站: data naming no object of this part (or one retired, or of another kind), not scored"),
    ("website W1、website W2 不合格，本部分不合格，得0分", "website W1、website W2 failed: this part fails and scores 0"),
    ("website W1 不合格，计0分", "website W1 failed: counted as 0"),
    ("÷3 取平均", "÷3, the mean"),
    ("取最低分", "the lowest score"),
    ("单项否决，不再对其他指标评分，本部分得0分", "veto: no other indicator is scored, this part scores 0"),
    ("折算：45 × 100 ÷ 50（适用指标满分 50）", "converted: 45 × 100 ÷ 50 (full marks of the applicable indicators 50)"),
    ("本环节封顶 40（原得 42）", "stage capped at 40 (earned 42)"),
    ("未进入本环节：单项否决，不再评分", "stage not reached: veto: not scored further"),
    ("0.9302 → 6", "0.9302 → 6"),  # no words: the same in every language
]


@pytest.mark.parametrize("chinese, english", ENGINE_NOTES, ids=[e for _, e in ENGINE_NOTES])
def test_every_note_the_engine_writes_is_said_in_english_and_kept_in_chinese(chinese, english):
    assert note_in(chinese, "en") == english
    assert note_in(chinese, "zh") == chinese


def test_the_english_of_every_note_has_no_chinese_and_its_chinese_is_the_engines_wording():
    for message in NOTES:
        assert not CJK.search(message), message
        assert CJK.search(_(message, "zh")) or message.startswith("÷"), message
    # every catalog wording of a note is one the engine writes: none is left without an example above
    shown = {note_in(chinese, "en") for chinese, _ in ENGINE_NOTES}
    for message in NOTES:
        pattern = re.sub(r"\\\{\w+\\\}", ".+", re.escape(message))
        assert any(re.search(pattern, text) for text in shown), message


@pytest.mark.parametrize("chinese, english", ENGINE_NOTES[:-1], ids=[e for _, e in ENGINE_NOTES[:-1]])
def test_the_engine_fills_in_the_catalogs_chinese_whatever_the_readers_language(chinese, english, monkeypatch):
    # A run started by an English-speaking admin stores the same documents: the engine's notes are Chinese.
    monkeypatch.setenv("SCORING_LANG", "en")
    use_lang("en")
    for pattern, message in _patterns():
        found = pattern.fullmatch(chinese)
        if found:
            assert note(message, **found.groupdict()) == chinese
            return
    multiplied = MULTIPLIED_NOTE.fullmatch(chinese)
    pieces = []
    if multiplied["factor"]:
        pieces.append(note(MULTIPLIED, factor=multiplied["factor"], rules=multiplied["rules"]))
    if multiplied["cap"]:
        pieces.append(note(CAPPED, cap=multiplied["cap"], lost=multiplied["lost"]))
    assert " ".join(pieces) == chinese


def test_a_run_in_english_stores_its_notes_in_chinese(new_workspace):
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("--lang", "en", "run", "--period", "2025")
    stored = ws.invoke("scorecard", "D001", "--period", "2025", "--format", "json").stdout
    assert "扣完为止（本项最多扣 5）" in stored and "nothing below 0" not in stored


def test_a_note_no_pattern_knows_is_shown_as_written():
    assert note_in("网站首页栏目设置不合理（WEB 55 < 60）", "en") == "网站首页栏目设置不合理（WEB 55 < 60）"


def test_explain_says_the_notes_in_english_and_keeps_the_stored_document(workspace):
    chinese = workspace.invoke("explain", "D001", "--period", "2025").stdout
    english = workspace.invoke("--lang", "en", "explain", "D001", "--period", "2025").stdout
    assert "[扣完为止（本项最多扣 5）]" in chinese and "[×2（屡查屡犯）]" in chinese
    assert "[nothing below 0 (this item loses at most 5)]" in english
    assert re.search(r"\[×2 \([A-Za-z ,]+\)\]", english), english
    assert "扣完为止" not in english and "原扣" not in english
    card = workspace.invoke("--lang", "en", "scorecard", "D001", "--period", "2025").stdout
    assert "[nothing below 0 (this item loses at most 5)]" in card
    zh_json = workspace.invoke("scorecard", "D001", "--period", "2025", "--format", "json").stdout
    en_json = workspace.invoke("--lang", "en", "scorecard", "D001", "--period", "2025", "--format", "json").stdout
    assert zh_json == en_json
    notes = [line.get("note") for dim in json.loads(zh_json)["dimensions"] for ind in dim["indicators"]
             for line in ind["lines"]]
    assert "扣完为止（本项最多扣 5）" in notes


def test_the_html_report_says_the_notes_in_its_language(workspace, tmp_path):
    workspace.invoke("--lang", "en", "report", "--period", "2025", "--out", tmp_path / "en")
    workspace.invoke("report", "--period", "2025", "--out", tmp_path / "zh")
    english = (tmp_path / "en" / "report-2025.html").read_text(encoding="utf-8")
    chinese = (tmp_path / "zh" / "report-2025.html").read_text(encoding="utf-8")
    assert "nothing below 0 (this item loses at most 5)" in english and "本项最多扣" not in english
    assert "扣完为止（本项最多扣 5）" in chinese
    lines = (tmp_path / "en" / "report-2025-lines.csv").read_text(encoding="utf-8-sig")
    assert "nothing below 0 (this item loses at most 5)" in lines and "本项最多扣" not in lines
