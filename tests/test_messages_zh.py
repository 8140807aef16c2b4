"""Every message a person reads is Chinese by default and English with --lang en (issue 18): library
errors, progress lines, import summaries, validation reasons; the web names pages, not commands."""

from __future__ import annotations

from click.testing import CliRunner

from scoring.cli import cli
from scoring.i18n import use_lang, use_surface
from scoring.inputs.models import FindingRow
from scoring.inputs.importing import HEADERS
from scoring.inputs.reasons import reason
from scoring.standard.validation import sentence

ZH = {"SCORING_LANG": None, "SCORING_DB": None, "SCORING_USER": "pytest"}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], env=ZH, prog_name="scoring")


def test_workspace_errors_and_progress_are_chinese_and_english_on_request(tmp_path):
    db = tmp_path / "w.db"
    missing = run("rank", "--period", "2025", "--db", tmp_path / "none.db")
    assert missing.exit_code == 2
    assert missing.stderr == f"错误：{tmp_path / 'none.db'} 没有工作区：请先运行 `scoring init`，或用 --db 指定已有的工作区\n"
    english = run("--lang", "en", "rank", "--period", "2025", "--db", tmp_path / "none.db")
    assert english.stderr == (f"Error: no workspace at {tmp_path / 'none.db'}: run `scoring init` first, "
                              "or point --db at one\n")
    assert run("init", "--db", db).stderr.startswith(f"工作区已就绪：{db}（评分标准 gongkai-default@")
    assert run("period", "add", "2025", "--db", db).stderr == "2025：2025-01-01 至 2025-12-31\n"
    no_units = run("run", "--period", "2025", "--db", db)
    assert no_units.stderr.endswith("错误：本工作区还没有单位：请用 `scoring import units FILE` 导入\n")
    no_run = run("rank", "--period", "2025", "--db", db)
    assert no_run.stderr == "错误：2025 尚未评分：请用 `scoring run --period 2025` 评分\n"
    assert run("rectify", "show", "R-X", "--db", db).stderr == "错误：没有编号为「R-X」的整改事项；见 `scoring rectify list`\n"
    assert run("--lang", "en", "rectify", "show", "R-X", "--db", db).stderr == \
        "Error: no rectification item 'R-X'; see `scoring rectify list`\n"
    assert run("period", "publish", "2025", "--db", db).stderr == \
        "错误：2025 未评分，不能公示：请先评分：scoring run --period 2025\n"
    assert run("appeal", "decide", "9", "--accept", "--reason", "x", "--db", db).stderr == \
        "错误：没有编号为 9 的申诉；见 scoring appeal list\n"


def test_an_import_summary_is_chinese(tmp_path):
    db = tmp_path / "w.db"
    run("init", "--db", db)
    units = tmp_path / "units.csv"
    units.write_text("单位编码,单位名称,单位类型\nD001,市教育局,city_department\n", encoding="utf-8")
    assert run("import", "units", units, "--db", db).stderr == "units.csv: 单位: 新增 1\n"
    again = CliRunner().invoke(cli, ["--lang", "en", "import", "units", str(units), "--db", str(db)], env=ZH)
    assert again.stderr == "units.csv: units: 0 new, 1 unchanged\n"


def test_validation_reasons_name_the_column_by_its_chinese_header():
    try:
        FindingRow.model_validate({"unit": "D001", "period": "2025", "date": "2025-03-01", "code": "X", "count": "0"})
    except Exception as exc:  # noqa: BLE001 — the pydantic error is what is read
        errors = exc.errors(include_url=False)
    try:
        use_lang("zh")
        assert [reason(e, HEADERS["findings"]) for e in errors] == ["数量不能小于 1"]
        use_lang("en")
        assert [reason(e, HEADERS["findings"]) for e in errors] == ["count must be at least 1"]
    finally:
        use_lang(None)


def test_the_web_names_the_page_to_use_not_a_command(tmp_path):
    from scoring.engine.runner import RunError, run_period
    from scoring.standard import load_default
    from scoring.store import Store

    db = tmp_path / "w.db"
    run("init", "--db", db)
    run("period", "add", "2025", "--db", db)
    store = Store(db)
    try:
        use_surface("web")
        try:
            run_period(store, load_default(), "2025")
        except RunError as exc:
            said = str(exc)
    finally:
        use_surface("cli")
        store.close()
    assert said == "本工作区还没有单位：请在“导入数据”页面导入被考核单位名单"
    assert "scoring" not in said


def test_an_error_of_a_kind_no_sentence_covers_still_names_the_column_in_chinese():
    # A pydantic error type the catalog has no sentence for (a future model's URL field, say): the user still
    # reads which column and that it is wrong in their language, with pydantic's text as the detail.
    error = {"type": "url_parsing", "loc": ("count",), "msg": "Input should be a valid URL"}
    try:
        use_lang("zh")
        assert reason(error, HEADERS["findings"]) == "数量填写有误：Input should be a valid URL"
        assert sentence(error) == "填写有误：Input should be a valid URL"
        use_lang("en")
        assert reason(error, HEADERS["findings"]) == "count is not valid: Input should be a valid URL"
    finally:
        use_lang(None)
