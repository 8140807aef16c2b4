"""Every example in the help is true: a file it names under inputs/example/ is there to import."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from scoring.cli import cli
from scoring.cli.speak import commands, help_texts

ROOT = Path(__file__).resolve().parent.parent


def test_every_example_file_under_inputs_example_exists():
    named = {path for text in help_texts(cli) for path in re.findall(r"inputs/example/[^\s`'\"]+", text)}
    assert named, "no command's help names an example file any more: is this test still needed?"
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, missing


def test_the_import_commands_without_example_files_name_a_file_of_the_office(runner: CliRunner):
    for kind, file in (("records", "records-2025.xlsx"), ("objects", "objects.xlsx"), ("judged", "judged-2025.xlsx")):
        for lang in ("zh", "en"):
            shown = runner.invoke(cli, ["--lang", lang, "import", kind, "--help"]).output
            assert f"\n      scoring import {kind} {file}\n" in shown, shown
            assert "inputs/example" not in shown


def test_every_import_command_example_runs_from_the_repository(new_workspace):
    ws = new_workspace().init("2024", "2025")
    for path, command in commands(cli):
        if path[:1] == ("import",) and len(path) == 2:
            for line in (command.help or "").splitlines():
                if "inputs/example/" in line:
                    args = line.split()[1:]
                    ws.invoke(*args[:-1], ROOT / args[-1])
