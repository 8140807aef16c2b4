"""Text measured as a terminal shows it: a Chinese character (East Asian wide or full-width) takes two
columns, so help wrapped by character count runs past the edge. The one place that measures display
width: speak.py wraps help paragraphs with it, and `WidthFormatter` wraps the options' and commands'
descriptions (click's definition lists) with it."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

import click
from click.formatting import iter_rows, wrap_text

CLOSING = set("，。；：、）」』》！？”’")
OPENING = set("（「『《“‘")
_TOKENS = re.compile(r"[!-~]+|\s|.")
_BREAK = re.compile(r"(.)\n(?=(.))")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def is_wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def wrap_line(text: str, width: int) -> list[str]:
    """`text` broken into lines of at most `width` columns: between Chinese characters or at a space,
    never inside a Latin word or option; closing punctuation (，。）) never starts a line, so the word or
    character it closes moves down with it, and an opening bracket （ never ends one."""
    lines: list[str] = []
    line: list[str] = []
    for token in _TOKENS.findall(_unbroken(text)):
        if token.isspace():
            if line:
                line.append(token)
            continue
        if line and display_width("".join(line) + token) > width:
            carry: list[str] = []
            if token in CLOSING:
                while len(line) > 1 and line[-1] in CLOSING:
                    carry.insert(0, line.pop())
                if len(line) > 1 and not line[-1].isspace():
                    carry.insert(0, line.pop())
            while len(line) > 1 and line[-1] in OPENING:  # an opening bracket never ends a line
                carry.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = carry
        line.append(token)
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _unbroken(text: str) -> str:
    """A paragraph's lines joined as one: Chinese runs on without a space, but a Latin word next to a
    Chinese character keeps the space the text would have there (工作区 OUT/demo.db), unless punctuation
    (、（) stands between them."""
    if not is_wide(text):
        return text.replace("\n", " ")

    def joint(found: re.Match) -> str:
        before, after = found[1], found[2]
        latin = (before.isascii() and not before.isspace(), after.isascii() and not after.isspace())
        spaced = latin[0] != latin[1] and not ({before, after} & (CLOSING | OPENING))
        return before + (" " if spaced else "")

    return _BREAK.sub(joint, text)


class WidthFormatter(click.HelpFormatter):
    """click's help formatter with the definition lists (options, commands) measured by display width."""

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not any(is_wide(first) or is_wide(second) for first, second in rows):
            return super().write_dl(rows, col_max, col_spacing)  # English help: click's own, unchanged
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in iter_rows(rows, 2):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_line(second, text_width) if is_wide(second) else \
                wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class WidthContext(click.Context):
    formatter_class = WidthFormatter
