"""Options shared by the commands, and the one place library errors become exit codes."""

from __future__ import annotations

import functools
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

import click

from scoring.i18n import LANGS, _, current_lang, use_lang

if TYPE_CHECKING:
    from scoring.store import Store

# Every command module imports this one: the library is imported by the commands' bodies, when a command runs,
# not here (issue 17: `scoring --help` and every command paid ≈1 s of imports they did not use).
ENGINE_CHOICES = ("auto", "clips", "durable")  # scoring.engine.backends.CHOICES (a test keeps them equal)


def bad_input_kinds() -> tuple[type[Exception], ...]:
    """The library's errors that are the user's to fix (exit 2 with the message), imported when one is raised."""
    from scoring.inputs.importing import ImportFailed
    from scoring.store.lifecycle import PeriodLocked
    from scoring.store.periods import PeriodError
    from scoring.store.clock import ZoneProblem
    from scoring.rectify.items import DeadlineError
    from scoring.outputs.results import NoRunError
    from scoring.engine.backends import EngineUnavailable
    from scoring.engine.runner import RunError
    from scoring.standard import StandardError
    from scoring.store import StoreError
    return (ZoneProblem, ImportFailed, StandardError, RunError, NoRunError, PeriodError, StoreError, DeadlineError,
            EngineUnavailable, PeriodLocked)


class BadInput(click.ClickException):
    exit_code = 2


@contextmanager
def as_bad_input(*kinds: type[Exception]) -> Iterator[None]:
    """Errors of these kinds are the user's to fix (a period not open, an unknown setting): exit 2 with the message."""
    try:
        yield
    except kinds as exc:
        raise BadInput(str(exc)) from None


def db_option(function):
    return click.option("--db", "db", type=click.Path(dir_okay=False), envvar="SCORING_DB",
                        help="The workspace database (else $SCORING_DB, else ./scoring.db).")(function)


def choose_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """--lang (top level or per command) speaks for everything the command prints, library errors included."""
    use_lang(value)
    return current_lang()


def lang_option(function):
    # The default is what `scoring --lang` or $SCORING_LANG chose (the group's option is handled first).
    return click.option("--lang", type=click.Choice(LANGS), default=lambda: current_lang(), callback=choose_lang,
                        show_default="zh", help="Language of labels and explanations.")(function)


def criteria_option(function):
    return click.option("--criteria", "criteria_dir", type=click.Path(file_okay=False, exists=True),
                        help="Use the standard in this folder (criteria.yml + rules/) instead of the workspace's.")(function)


def engine_option(function):
    return click.option("--engine", "engine", type=click.Choice(ENGINE_CHOICES, case_sensitive=False),
                        help="The rules engine: clips, durable (durable_rules, the [durable] extra) or auto "
                             "(durable_rules where it imports, else CLIPS); default $SCORING_ENGINE, else auto. "
                             "Both give identical scores.")(function)


def run_id_option(function):
    return click.option("--run", "run_id", type=int,
                        help="A stored run (default: the latest of the period).")(function)


def translate_errors(function):
    """Library errors are the user's to fix: print them plainly and exit 2."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except bad_input_kinds() as exc:  # evaluated only when something was raised
            raise BadInput(str(exc)) from None

    return wrapper


def open_store(db: str | None) -> Store:
    from scoring.store import Store, current_user, resolve_path

    current_user()  # a $SCORING_USER that claims a web user is refused before anything is read or written
    return Store(resolve_path(db))


@contextmanager
def workspace(db: str | None) -> Iterator[Store]:
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def info(message: str) -> None:
    click.echo(message, err=True)


def progress_bar(length: int, label: str):
    """A progress bar on a terminal, nothing when stderr is piped."""
    if sys.stderr.isatty():
        return click.progressbar(length=length, label=label, file=sys.stderr)
    return _Silent()


class _Silent:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


class WordChoice(click.ParamType):
    """A choice of codes that also takes their Chinese words and synonyms (已整改完毕 for rectified),
    and answers a typo with the nearest word in the language it was typed in."""

    name = "word"

    def __init__(self, words, codes: tuple[str, ...]):
        self.words, self.codes = words, codes

    def get_metavar(self, param, ctx=None) -> str:
        return "[" + "|".join(self.codes) + "]"

    def convert(self, value, param, ctx):
        code = value if value in self.codes else self.words.code(value)
        if code in self.codes:
            return code
        self.fail(_("{value!r} is not one of {codes} or their Chinese words{hint}", value=value,
                    codes=", ".join(self.codes), hint=self.words.hint(value)), param, ctx)
