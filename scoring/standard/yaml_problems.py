"""PyYAML's complaints about a standard's file as lines its author reads, in their language.

PyYAML speaks English and names the parser's state ("expected <block end>, but found '?'  while
parsing a block collection"). The mistakes an administrator makes in a YAML file are few (a tab, a
colon in unquoted text, an indentation that does not line up, an unclosed quote or bracket): each
known complaint is said as what to fix; an unforeseen one keeps PyYAML's words.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from scoring.i18n import N_, _

# (pattern on PyYAML's problem text, or on its context for an anchor defined twice; message id)
PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), message) for pattern, message in (
    (r"^found character (?P<char>.+) that cannot start any token$",
     N_("the character {char} cannot start a value (a tab? indent with spaces)")),
    (r"^mapping values are not allowed here$",
     N_("a colon here starts a key: value where none can be (indented too far, or text containing ': ' "
        "that needs quotes)")),
    (r"^but found another document$", N_("a file holds one YAML document: remove the extra ---")),
    (r"^found undefined alias '(?P<alias>.*)'$", N_("the alias *{alias} has no anchor &{alias} above it")),
    (r"^found unexpected end of stream$",
     N_("the file ends inside a value: a quote or a bracket is not closed")),
    (r"^expected ',' or '(?P<close>[\]}])', but got '(?P<got>.*)'$",
     N_("expected a comma or {close} here: a bracket is not closed, or text containing ': ' needs quotes")),
    (r"^expected <block end>, but found '.*'$",
     N_("the indentation does not line up: a line is indented differently from the lines beside it")),
    (r"^could not find expected ':'$", N_("a key without a colon: write key: value (or quote the text)")),
    (r"^found unknown escape character '(?P<char>.*)'$",
     N_("unknown escape \\{char} in double quotes; use single quotes instead")),
    (r"^found duplicate anchor '(?P<anchor>.*)'; first occurrence$",
     N_("the anchor &{anchor} is defined twice; rename one of them")),
))


def _said(problem: str, context: str | None) -> str | None:
    """The known complaint as a sentence in the user's language, or None for one not foreseen."""
    for pattern, message in PROBLEMS:
        for text in (problem, context or ""):
            found = pattern.match(text)
            if found:
                return _(message, **found.groupdict()) if found.groupdict() else _(message)
    return None


def yaml_problem(label: str, exc: yaml.YAMLError) -> str:
    """One line, `file: not valid YAML: what (line L, column C)`, without PyYAML's multi-line snippet."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if isinstance(exc, yaml.constructor.ConstructorError) and "could not determine a constructor" in problem:
        tag = problem.rsplit("tag ", 1)[-1]
        problem = _("the tag {tag} is not allowed: a standard is plain data (no !! tags that build objects)", tag=tag)
    elif (said := _said(problem, context)) is not None:
        problem, context = said, None
    text = f"{label}: " + _("not valid YAML: {problem}", problem=problem) + (f" ({context})" if context else "")
    if mark is not None:
        text += " " + _("(line {line}, column {column})", line=mark.line + 1, column=mark.column + 1)
    return " ".join(text.split())


_DATE_LIKE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.-])")


def impossible_date(label: str, text: str, exc: ValueError) -> str:
    """An unquoted value YAML reads as a date but no calendar has (2025-13-01, 2025-02-30), with its line."""
    for number, line in enumerate(text.splitlines(), start=1):
        for found in _DATE_LIKE.finditer(line.split("#", 1)[0]):
            try:
                date(*(int(part) for part in found.groups()))
            except ValueError:
                return f"{label}: " + _("{value} on line {line} is not a date that exists; write a real date "
                                        "(YYYY-MM-DD), or put the value in quotes", value=found.group(0), line=number)
    return f"{label}: " + _("not valid YAML: {problem}", problem=exc)
