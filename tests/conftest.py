"""Shared fixtures: a CliRunner, a scoring workspace built the way a user builds one, and `invoke`.

`workspace` is the example workspace of the README: `scoring init`, periods 2024 and 2025,
every file of inputs/example imported, and one run for 2025. Everything goes through the
`scoring` command itself (in process, via click's CliRunner).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scoring.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inputs" / "example"
# In the order a workspace needs them: units before anything that names a unit.
KINDS = ("units", "findings", "self-assessments", "survey", "survey-issued", "metrics")
# Settings from the developer's shell must not leak into what the tests see.
CLEAN_ENV = {"SCORING_DB": None, "SCORING_LANG": None, "SCORING_USER": "pytest"}


@dataclass
class Workspace:
    """A workspace database and a way to run `scoring … --db DB` against it."""

    runner: CliRunner
    db: Path

    def invoke(self, *args: Any, code: int = 0, db: bool = True, input: str | None = None) -> Result:
        """Run `scoring ARGS --db DB` and assert the exit code (0 unless `code` says otherwise).

        `db=False` leaves --db out, for commands that take none (criteria check, criteria export).
        """
        argv = [str(a) for a in args] + (["--db", str(self.db)] if db else [])
        result = self.runner.invoke(cli, argv, input=input, env=CLEAN_ENV)
        if result.exit_code != code:
            trace = ""
            if result.exc_info and not isinstance(result.exception, SystemExit):
                import traceback

                trace = "".join(traceback.format_exception(*result.exc_info))
            raise AssertionError(
                f"`scoring {' '.join(argv)}` exited {result.exit_code}, expected {code}\n"
                f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}\n{trace}")
        return result

    def json(self, *args: Any) -> Any:
        """The parsed stdout of a read command run with --format json."""
        return json.loads(self.invoke(*args, "--format", "json").stdout)

    def init(self, *periods: str) -> "Workspace":
        self.invoke("init")
        if periods:
            self.invoke("period", "add", *periods)
        return self

    def import_example(self) -> "Workspace":
        for kind in KINDS:
            self.invoke("import", kind, EXAMPLE / f"{kind}.csv")
        return self

    def store(self):
        from scoring.store import Store

        return Store(self.db)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def new_workspace(runner, tmp_path):
    """A factory of workspaces that do not exist yet: `new_workspace()` or `new_workspace("other.db")`."""

    def make(name: str = "scoring.db") -> Workspace:
        return Workspace(runner, tmp_path / name)

    return make


@pytest.fixture
def workspace(new_workspace) -> Workspace:
    """The inputs/example workspace, scored for 2025 (run 1)."""
    ws = new_workspace().init("2024", "2025").import_example()
    ws.invoke("run", "--period", "2025")
    return ws


@pytest.fixture
def invoke(workspace):
    """`invoke(*args)` runs `scoring ARGS --db <the example workspace>` and asserts the exit code."""
    return workspace.invoke


@pytest.fixture(autouse=True)
def chinese_by_default(monkeypatch):
    """Every test starts as a user does: Chinese, in the CLI. A command run with `--lang en` (or a web
    request) leaves its language set in this process, and a test must not depend on which ran before it
    (in parallel runs, which test ran before it varies)."""
    from scoring.i18n import use_lang, use_surface

    monkeypatch.delenv("SCORING_LANG", raising=False)
    use_lang(None)
    use_surface("cli")


@pytest.fixture
def english():
    """Library messages in English for one test that asserts the English texts (as `--lang en` gives them)."""
    from scoring.i18n import use_lang

    use_lang("en")
    yield
    use_lang(None)
