"""Help fits the terminal as it is shown: a Chinese character takes two columns, so the 选项 column and
the descriptions are wrapped by display width (scoring/cli/widths.py), not by character count."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.cli.speak import commands
from scoring.i18n import use_lang
from scoring.cli.widths import display_width, is_wide, wrap_line

PATHS = [path for path, _command in commands(cli)]


def _help(*args: str, width: int = 80) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=width, env={"SCORING_LANG": None})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "scoring" for p in PATHS])
def test_no_line_of_any_commands_chinese_help_is_wider_than_80_columns(path):
    text = _help(*path)
    # A choice list too long for any terminal is click's, in every language: only lines with Chinese count;
    # an example command under 示例 is kept whole, to be copied as it is.
    wide = [line for line in text.splitlines()
            if display_width(line) > 80 and is_wide(line) and not line.startswith("      scoring ")]
    assert not wide, "\n".join(wide)


def test_import_findings_help_at_80_columns_has_no_line_wider_than_80():
    assert max(display_width(line) for line in _help("import", "findings").splitlines()) <= 80


def test_import_findings_options_wrap_by_display_width_under_their_column():
    text = _help("import", "findings")
    assert ("  --criteria DIRECTORY  使用此文件夹中的评分标准（criteria.yml + rules/），而不\n"
            "                        是工作区的标准。\n") in text
    assert ("  --db FILE             工作区数据库（否则取 $SCORING_DB，再否则为\n"
            "                        ./scoring.db）。\n") in text


def test_english_option_help_is_wrapped_as_click_wraps_it():
    try:
        text = CliRunner().invoke(cli, ["--lang", "en", "import", "findings", "--help"], terminal_width=80).output
    finally:
        use_lang(None)  # `scoring --help` (eager) is shown before any --lang: leave no language to the next test
    assert ("  --criteria DIRECTORY  Use the standard in this folder (criteria.yml + rules/)\n"
            "                        instead of the workspace's.\n") in text


def test_a_line_breaks_between_chinese_characters_never_inside_a_word_nor_before_closing_punctuation():
    assert wrap_line("工作区数据库（否则取 $SCORING_DB，再否则为 ./scoring.db）。", 20) == [
        "工作区数据库（否则取", "$SCORING_DB，再否则", "为 ./scoring.db）。"]
    assert wrap_line("（否则为 ./scoring.db）。", 16) == ["（否则为", "./scoring.db）。"]
    assert all(display_width(line) <= 20 for line in wrap_line("一二三四五六七八九十" * 5, 20))


def test_a_paragraph_written_over_several_lines_keeps_the_space_between_chinese_and_a_latin_word():
    # The translation breaks its lines anywhere; joined again, 工作区 OUT/demo.db keeps its space,
    # Chinese runs on without one, and punctuation (、（) needs none.
    assert wrap_line("导入新建的工作区\nOUT/demo.db，写入 rank.csv、feed.csv\n和评分表\n（scorecards）", 80) == [
        "导入新建的工作区 OUT/demo.db，写入 rank.csv、feed.csv 和评分表（scorecards）"]
    demo = _help("demo")
    assert "工作区 OUT/demo.db" in demo and "feed.csv 和" in demo


def test_an_opening_bracket_never_ends_a_line():
    assert wrap_line("生成的报告（report-2025.html）", 24) == ["生成的报告", "（report-2025.html）"]
    assert not any(line.rstrip().endswith("（") for path in PATHS for line in _help(*path).splitlines())
