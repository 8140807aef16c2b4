"""The CLI's help in the user's language (issue 18): Chinese by default, English with --lang en.

The English help written in the code (docstrings, `help=`) is the message id; it is looked up in the
catalogs when help is shown, not when commands are defined, so the top-level `--lang` (parsed before
a subcommand's help) applies. `speak(cli)` gives every command and option of the tree this behaviour
in one place, so a command added anywhere is translated without its author doing anything; the
catalogs test fails when its help has no translation. `extract` is the Babel extractor that puts the
help into scoring.pot (scoring/locale/babel.cfg), beside the `_()` messages.

click prints its own words ("Usage:", "No such option", …) through the standard gettext functions;
`speak` routes them through the same catalogs (the ids are listed in scoring/cli/clickwords.py).
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from typing import Any, Iterator

import click

from scoring.cli.clickwords import USAGE_WORDS
from scoring.cli.widths import WidthContext, display_width, wrap_line
from scoring.i18n import _, current_lang


def help_id(text: str | None) -> str:
    """The message id of a help text: as click shows it (cleaned, up to a form feed)."""
    return inspect.cleandoc(text or "").partition("\f")[0]


def translate(text: str | None) -> str | None:
    return _(help_id(text)) if text else text


@contextmanager
def _translated(thing: Any, *attrs: str) -> Iterator[None]:
    saved = {attr: getattr(thing, attr) for attr in attrs}
    try:
        for attr, value in saved.items():
            setattr(thing, attr, translate(value))
        yield
    finally:
        for attr, value in saved.items():
            setattr(thing, attr, value)


def short_chinese(text: str, limit: int) -> str:
    """The first sentence of a Chinese help text, cut to `limit` columns (a Chinese character is two)."""
    sentence = text.partition("\n\n")[0].replace("\n", "").split("。")[0]
    if display_width(sentence) <= limit:
        return sentence
    while display_width(sentence) > limit - 1:
        sentence = sentence[:-1]
    return sentence + "…"


def keep_examples(text: str) -> str:
    """Indented paragraphs of several lines (the commands under Example:) marked \b: one command a line,
    as written, not run together by click's rewrapping."""
    out = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.strip("\n").split("\n")
        indented = len(lines) > 1 and all(line.startswith(" ") for line in lines)
        out.append("\b\n" + paragraph.strip("\n") if indented else paragraph)
    return "\n\n".join(out)


def wrap_chinese(text: str, width: int) -> str:
    """Paragraphs of Chinese text broken into lines of at most `width` columns, each marked \b (kept as is
    by click); indented paragraphs (examples) are left alone."""
    out = []
    for paragraph in text.split("\n\n"):
        if paragraph.lstrip("\n").startswith((" ", "\b")) or display_width(paragraph) <= width:
            out.append(paragraph)
            continue
        out.append("\b\n" + "\n".join(wrap_line(paragraph, width)))
    return "\n\n".join(out)


def _up(thing: Any) -> Any:
    """The translated class's base: each spoken class is its base plus the methods below, never subclassed."""
    return super(type(thing), thing)


def _format_help_text(self, ctx, formatter):
    if not self.help:
        return _up(self).format_help_text(ctx, formatter)
    saved = self.help
    text = keep_examples(translate(saved))
    if current_lang() == "zh":
        # click wraps at spaces and counts a Chinese character as one column: wrap by display width here and
        # mark each paragraph \b so click keeps the lines as they are.
        text = wrap_chinese(text, max(formatter.width - formatter.current_indent - 2, 20))
    self.help = text
    try:
        _up(self).format_help_text(ctx, formatter)
    finally:
        self.help = saved


def _format_epilog(self, ctx, formatter):
    with _translated(self, "epilog"):
        _up(self).format_epilog(ctx, formatter)


def _get_short_help_str(self, limit: int = 45) -> str:
    if current_lang() == "zh" and not self.short_help and self.help:
        return short_chinese(translate(self.help), limit)
    with _translated(self, "short_help", "help"):
        return _up(self).get_short_help_str(limit)


def _get_help_record(self, ctx):
    with _translated(self, "help"):
        return _up(self).get_help_record(ctx)


def _get_help_option(self, ctx):
    # click makes the help option on first use, its text already through gettext in that moment's
    # language; give it the English id back so it is translated when shown, like every other option.
    option = _up(self).get_help_option(ctx)
    if option is not None and not getattr(type(option), "_spoken", False):
        option.help = "Show this message and exit."
        option.__class__ = _spoken(type(option), PARAMETER_METHODS)
    return option


def _collect_usage_pieces(self, ctx):
    # click writes its usage metavars as plain strings, not through gettext: say the two fixed ones here.
    return [_(piece) if piece in USAGE_WORDS else piece for piece in _up(self).collect_usage_pieces(ctx)]


COMMAND_METHODS = {"format_help_text": _format_help_text, "format_epilog": _format_epilog,
                   "get_short_help_str": _get_short_help_str, "get_help_option": _get_help_option,
                   "collect_usage_pieces": _collect_usage_pieces}
PARAMETER_METHODS = {"get_help_record": _get_help_record}


def _spoken(base: type, methods: dict[str, Any], cache: dict[type, type] = {}) -> type:
    """`base` with help in the current language; a direct subclass, so an object's class can be swapped."""
    if getattr(base, "_spoken", False):
        return base
    if base not in cache:
        cache[base] = type(base)(f"Spoken{base.__name__}", (base,), {**methods, "_spoken": True})
    return cache[base]


def commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree with its path of names, the root first."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from commands(sub, path + (name,))


def help_texts(root: click.Command) -> Iterator[str]:
    """Every help text of the tree a person may read, as message ids."""
    for _path, command in commands(root):
        for text in (command.help, command.short_help, command.epilog):
            if text and help_id(text):
                yield help_id(text)
        for param in command.params:
            if getattr(param, "help", None):
                yield help_id(param.help)


def speak(root: click.Command) -> None:
    """Translate the tree's help at render time, and click's own words, through the catalogs."""
    for _path, command in commands(root):
        command.__class__ = _spoken(type(command), COMMAND_METHODS)
        command.context_class = WidthContext  # options and commands wrapped by display width
        for param in command.params:
            param.__class__ = _spoken(type(param), PARAMETER_METHODS)
    _route_clicks_words()


def _click_gettext(message: str) -> str:
    return _(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def _route_clicks_words() -> None:
    # click binds `from gettext import gettext as _` in each of its modules; giving those names our
    # lookup is the one way to have its messages follow --lang, which is chosen per command, not per process.
    import click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types, click.termui

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types,
                   click.termui):
        if hasattr(module, "_"):
            module._ = _click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor for scoring/cli/__init__.py: its `_()` messages and every help text of the tree."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    from scoring.cli import cli

    for text in sorted(set(help_texts(cli))):
        yield 0, None, text, []
