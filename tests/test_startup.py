"""Every `scoring` command's fixed cost (issue 17): what starting the CLI imports, and the standard's YAML.

`scoring --help` and every command used to import the whole library first (pydantic's models, sqlite_utils
and numpy, python-docx, XlsxWriter, Jinja, tabulate): ≈0.6 s of CPU before anything ran. The command modules
now import the library where a command runs; these tests fail if a heavy module comes back into the path.
The standard's YAML goes through libyaml when PyYAML has it, with the pure-Python loader as the definition.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scoring.standard import loader

HEAVY = ("matplotlib", "docx", "docxtpl", "flask", "xlsxwriter", "openpyxl", "jinja2", "numpy", "sqlite_utils",
         "pydantic", "yaml", "tabulate", "waitress", "clips", "durable_rules_engine", "scoring.web.app",
         "scoring.engine.runner", "scoring.inputs.models", "scoring.outputs.report.charts")


def _loaded_after(code: str) -> dict[str, bool]:
    """Which HEAVY modules a fresh interpreter has imported after running `code`."""
    script = code + f"\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.splitlines()[-1])


def test_the_cli_with_every_command_and_its_help_imports_nothing_heavy():
    # Every command listed and every command's own help formatted: what `scoring --help` and
    # `scoring CMD --help` do, in both languages.
    loaded = _loaded_after(
        "import click\n"
        "from scoring.cli import cli\n"
        "from scoring.i18n import use_lang\n"
        "def walk(group, ctx):\n"
        "    for name in group.list_commands(ctx):\n"
        "        command = group.get_command(ctx, name)\n"
        "        sub = click.Context(command, info_name=name, parent=ctx)\n"
        "        command.get_help(sub)\n"
        "        if isinstance(command, click.Group):\n"
        "            walk(command, sub)\n"
        "for lang in ('zh', 'en'):\n"
        "    use_lang(lang)\n"
        "    top = click.Context(cli, info_name='scoring')\n"
        "    cli.get_help(top)\n"
        "    walk(cli, top)\n")
    assert [name for name, yes in loaded.items() if yes] == []


def test_scoring_help_in_a_subprocess_lists_every_command_and_imports_nothing_heavy():
    loaded = _loaded_after(
        "import sys\nfrom scoring.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='scoring')\nexcept SystemExit as exit:\n    assert exit.code == 0\n")
    assert [name for name, yes in loaded.items() if yes] == []
    shown = subprocess.run([sys.executable, "-m", "scoring", "--lang", "en", "--help"], capture_output=True, text=True,
                           check=True).stdout
    from scoring.cli import cli
    for name in cli.commands:
        assert f"  {name} " in shown


def test_the_cli_keeps_the_engine_choices_and_import_kinds_of_the_library():
    # Copies kept in the CLI so that defining its options imports neither the engine nor the row models.
    from scoring.cli.common import ENGINE_CHOICES
    from scoring.cli.imports import KIND_HELP
    from scoring.engine.backends import CHOICES
    from scoring.inputs.models import ROW_MODELS

    assert ENGINE_CHOICES == CHOICES
    assert list(KIND_HELP) == list(ROW_MODELS)


def test_a_library_error_still_exits_2_with_its_message(tmp_path):
    from click.testing import CliRunner

    from scoring.cli import cli

    result = CliRunner().invoke(cli, ["rank", "--period", "2025", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "scoring init" in result.output


def _standard_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return sorted([*(root / "scoring" / "standard" / "shipped").rglob("*.yml"), *(root / "tests").rglob("*.yml")])


needs_libyaml = pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")


@needs_libyaml
@pytest.mark.parametrize("path", _standard_files(), ids=lambda p: p.name)
def test_libyaml_reads_every_standard_file_as_the_pure_loader_does(path):
    try:
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as _read_yaml does
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before YAML is read")
    try:
        expected = yaml.load(text, Loader=loader._BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError):
        assert loader._fast_load(text) is loader._UNSURE
        return
    fast = loader._fast_load(text)
    assert fast is not loader._UNSURE
    assert json.dumps(fast, sort_keys=True, default=repr) == json.dumps(expected, sort_keys=True, default=repr)
    assert fast == expected


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a: 1\n\tb: 2\n",  # a tab
    "title: a: b\n",  # a colon in unquoted text
    "a: [1, 2\n",  # a bracket not closed
    "a: &x 1\nb: &x 2\n",  # an anchor defined twice
    "a: *nothing\n",
    "a: !!python/object:os.system ls\n",
    "day: 2025-13-01\n",
    "a: 1\n---\nb: 2\n",
])
def test_a_file_libyaml_complains_of_is_read_by_the_pure_loader(text):
    assert loader._fast_load(text) is loader._UNSURE


@needs_libyaml
def test_an_alias_bomb_is_left_to_the_pure_loader_which_refuses_it(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 8)]
    text = "\n".join(lines) + "\n"
    assert loader._fast_load(text) is loader._UNSURE
    path = tmp_path / "criteria.yml"
    path.write_text(text, encoding="utf-8")
    problems: list[str] = []
    loader._read_yaml(path, "criteria.yml", problems)
    assert len(problems) == 1 and "100000" in problems[0].replace(",", "")


@needs_libyaml
def test_nesting_past_the_bound_is_left_to_the_pure_loader():
    text = "a: " + "[" * (loader.MAX_YAML_DEPTH + 5) + "]" * (loader.MAX_YAML_DEPTH + 5) + "\n"
    assert loader._fast_load(text) is loader._UNSURE


def test_without_libyaml_the_pure_loader_reads_the_standard(monkeypatch):
    from scoring.standard.loader import DEFAULT_CRITERIA, DEFAULT_RULES, load_standard

    with_c = load_standard(DEFAULT_CRITERIA, DEFAULT_RULES)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    pure = load_standard(DEFAULT_CRITERIA, DEFAULT_RULES)
    assert pure.content_hash == with_c.content_hash
    assert pure.criteria == with_c.criteria and pure.rules == with_c.rules


def test_the_store_opens_without_numpy_and_numpy_still_imports_afterwards(tmp_path):
    loaded = _loaded_after(
        "from scoring.store import Store\n"
        f"store = Store({str(tmp_path / 'w.db')!r}, create=True)\n"
        "store.create_schema()\n"
        "assert store.db['settings'].exists()\n"
        "store.close()\n")
    assert not loaded["numpy"]
    assert loaded["sqlite_utils"]
    code = "from scoring.store import Store\nimport numpy\nprint(numpy.int64(3) + 1)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "4\n"


def test_reading_a_run_imports_no_report_writer_and_scoring_one_imports_no_importer(workspace):
    # `scoring rank` (a table, groups and grades by name) and `scoring run` in fresh processes: neither draws,
    # writes a 通报 or a workbook, serves the web or reads input files.
    for argv, unused in ((["rank", "--period", "2025"], ("matplotlib", "docx", "docxtpl", "jinja2", "xlsxwriter",
                                                          "flask", "numpy", "scoring.inputs.models")),
                         (["run", "--period", "2025", "--full"], ("matplotlib", "docx", "xlsxwriter", "flask", "numpy",
                                                                  "tabulate", "scoring.inputs.models"))):
        code = (f"import sys\nfrom scoring.cli import cli\n"
                f"try:\n    cli({[*argv, '--db', str(workspace.db)]!r}, prog_name='scoring')\n"
                f"except SystemExit as exit:\n    assert exit.code == 0, exit.code\n")
        loaded = _loaded_after(code)
        assert [name for name in unused if loaded[name]] == [], argv
