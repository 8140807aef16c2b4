"""The notes of score lines (扣完为止, 减分上限, 加分封顶 …) in the reader's language.

The engine writes each note in Chinese into the run's documents, which are immutable: a stored run and
`--format json` keep that text byte for byte. A note is translated where it is shown (explain, the
scorecard, the HTML report, the web): the Chinese text of each note's catalog entry is the engine's own
wording with the values as {placeholders} (scoring/engine/notes.py fills
them in), so a note is read back into its values by that pattern and
said again in the reader's language. A note no pattern knows (a standard's own gate note) is shown as
written. tests/test_notes.py holds every note the engine makes to one of these patterns.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from scoring.engine.notes import CAPPED, MULTIPLIED, NOTES
from scoring.i18n import _

_DEDUCT = re.compile(r"(?:×(?P<factor>[0-9.]+)（(?P<rules>[^（）]*)）)?(?: ?封顶 (?P<cap>[0-9.]+)（原扣 (?P<lost>[0-9.]+)）)?")


@functools.cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """Each note's Chinese wording as a pattern whose groups are its placeholders."""
    patterns = []
    for message in NOTES:
        parts = re.split(r"\{(\w+)\}", _(message, "zh"))
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        patterns.append((re.compile(regex), message))
    return patterns


def note_in(note: str, lang: str, title: Callable[[str], str] | None = None) -> str:
    """The engine's note in `lang`; `title` names a multiplying rule by its title (else by its id)."""
    if not note or lang != "en":
        return note
    for pattern, message in _patterns():
        found = pattern.fullmatch(note)
        if found:
            values = found.groupdict()
            if "why" in values:
                values["why"] = note_in(values["why"], lang, title)
            return _(message, lang, **values)
    deduct = _DEDUCT.fullmatch(note)
    if deduct and note:
        said = []
        if deduct["factor"]:
            rules = [title(r) if title else r for r in deduct["rules"].split("、")]
            said.append(_(MULTIPLIED, lang, factor=deduct["factor"], rules=", ".join(rules)))
        if deduct["cap"]:
            said.append(_(CAPPED, lang, cap=deduct["cap"], lost=deduct["lost"]))
        return " ".join(said)
    return note
