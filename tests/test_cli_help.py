"""The CLI's help and click's own words in the user's language (issue 18): Chinese by default, English
with --lang en or SCORING_LANG=en; every command's help has a Chinese text."""

from __future__ import annotations

from click.testing import CliRunner

from scoring.cli import cli
from scoring.cli.speak import commands, help_texts
from scoring.i18n import _

ZH = {"SCORING_LANG": None}


def run(*args, env=ZH):
    return CliRunner().invoke(cli, list(args), env=env, prog_name="scoring")


def test_every_help_text_of_every_command_has_a_chinese_text():
    untranslated = sorted(text for text in set(help_texts(cli)) if _(text, lang="zh") == text)
    assert not untranslated, ("help without a Chinese text; run the commands in scoring/locale/README.md: "
                              f"{untranslated}")


def test_every_command_shows_chinese_help_by_default_and_english_on_request():
    for path, _command in commands(cli):
        chinese = run(*path, "--help")
        assert chinese.exit_code == 0, (path, chinese.output)
        assert chinese.output.startswith("用法: scoring") and "显示本帮助并退出。" in chinese.output, path
        english = run("--lang", "en", *path, "--help")
        assert english.output.startswith("Usage: scoring") and "Show this message" in english.output, path
        assert "显示本帮助" not in english.output


def test_an_english_command_leaves_the_next_invocation_in_the_same_process_chinese():
    # `--help` is handled before `--lang`'s callback: the top-level help once stayed in the previous command's language.
    assert run("--lang", "en", "rank", "--help").output.startswith("Usage: scoring")
    assert run("--help").output.startswith("用法: scoring")
    assert run("--help", env={"SCORING_LANG": "en"}).output.startswith("Usage: scoring")


def test_top_level_help_in_chinese_names_each_command_by_its_first_sentence():
    shown = run("--lang", "zh", "--help")
    assert shown.exit_code == 0
    assert "  政务公开、办事公开考核评分。\n" in shown.output
    assert "  period     考核周期：年度、半年、季度、月度\n" in shown.output
    assert "选项:\n" in shown.output and "命令:\n" in shown.output


def test_a_subcommands_help_follows_the_top_level_lang_and_the_environment():
    assert "被考核单位：单位编码、名称、类型、分组、上级单位。" in run("import", "units", "--help").output
    english = run("--lang", "en", "import", "units", "--help")
    assert "Units being assessed (被考核单位): code, name, type, group, parent." in english.output
    by_env = run("import", "units", "--help", env={"SCORING_LANG": "en"})
    assert "--dry-run             Check the file and say what would be written; write\n" in by_env.output


def test_option_help_and_its_extras_are_chinese():
    shown = run("rank", "--help").output
    assert "考核周期，例如 2025 或 2025H1。  [必填]" in shown
    assert "表头和说明的语言。  [默认：(zh)]" in shown


def test_examples_in_chinese_help_are_the_runnable_commands():
    shown = run("import", "units", "--help").output
    assert "  示例：\n\n      scoring import units inputs/example/units.csv\n" in shown


def test_usage_errors_are_chinese_by_default_and_english_on_request():
    bad = run("rank", "--bogus")
    assert bad.exit_code == 2
    assert bad.output == ("用法: scoring rank [选项]\n输入「scoring rank --help」查看帮助。\n\n"
                          "错误：没有「--bogus」这个选项。\n")
    assert run("--help").output.startswith("用法: scoring [选项] 命令 [参数]...\n")
    english = run("--lang", "en", "rank", "--bogus")
    assert english.output.startswith("Usage: scoring rank [OPTIONS]\n")
    assert run("--lang", "en", "--help").output.startswith("Usage: scoring [OPTIONS] COMMAND [ARGS]...\n")
    assert "Error: No such option: --bogus" in english.output or "No such option '--bogus'" in english.output
    choice = run("rank", "--period", "2025", "--format", "x")
    assert "错误：'--format' 的值无效：「x」不是以下之一：'table', 'json', 'csv'。" in choice.output
    missing = run("rank")
    assert "错误：缺少选项 '-p' / '--period'。" in missing.output or "缺少选项" in missing.output
    assert run("nosuch").output.endswith("错误：没有「nosuch」这个命令。\n")


def test_a_mistyped_status_is_answered_in_chinese():
    shown = run("rectify", "list", "--status", "已整该", "--db", "/nonexistent/x.db")
    assert shown.exit_code == 2
    assert "不是 open, in_progress, rectified, verified, reopened, withdrawn 之一，也不是它们的中文名称" in shown.output


def test_examples_keep_one_command_a_line_and_chinese_wraps_by_width():
    shown = run("run", "--help").output
    assert ("      scoring run --period 2025 --as-of 2025-12-31\n"
            "      scoring run --period 2025 --full    # 全部单位重新评分\n") in shown
    english = run("--lang", "en", "run", "--help").output
    assert "      scoring run --period 2025 --full    # every unit scored afresh\n" in english
    import unicodedata

    described = run("report", "--help").output.split("选项:")[0]
    width = lambda line: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)  # noqa: E731
    assert "  排名报告：一个带图表的 HTML 文件" in described
    assert max(width(line) for line in described.splitlines() if not line.startswith("      scoring")) <= 84  # closing punctuation may hang
