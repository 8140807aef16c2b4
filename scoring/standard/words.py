"""People's words for the standard's codes: a unit type, finding code, claim or status may be
written by its code, its Chinese name, its English name or a common synonym.

A `Words` maps every accepted spelling to one code, and suggests the nearest known word in the
language the person wrote in (Chinese names for Chinese text, codes for Latin text), so an
inspector who typed 市直单位 reads "did you mean 市直部门", not a list of English codes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from scoring.i18n import _

# Synonyms people write for the shipped names, keyed by the Chinese name they stand for (so they
# apply to any standard that uses that name). A synonym that would name two codes is dropped.
NAME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "市直部门": ("市直单位", "市级部门", "市直机关"),
    "县区政府": ("县（区）政府", "区县政府", "县区", "区县", "县（市、区）政府"),
    "乡镇（街道）": ("乡镇街道", "乡镇", "街道", "镇街"),
    "公共企事业单位": ("企事业单位", "公共企事业"),
}

_PARENS = re.compile(r"[（(][^）)]*[）)]")


def _key(text: str) -> str:
    """How spellings are compared: full-width folded to half-width, case and spacing ignored."""
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r"[\s_\-]+", "_", text)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def _variants(name: str) -> set[str]:
    """A Chinese name with its bracketed part dropped or kept bare: 乡镇（街道） → 乡镇, 乡镇街道."""
    found = {name}
    if _PARENS.search(name):
        found.add(_PARENS.sub("", name))
        found.add(re.sub(r"[（）()]", "", name))
    return {v for v in found if v}


@dataclass
class Words:
    """Every accepted spelling of a set of codes; built once per standard or vocabulary."""

    names: dict[str, str]  # code -> Chinese name (what suggestions offer for Chinese text)
    names_en: dict[str, str] = field(default_factory=dict)
    index: dict[str, str] = field(default_factory=dict)  # _key(spelling) -> code

    @classmethod
    def build(cls, names: Mapping[str, str], names_en: Mapping[str, str] | None = None,
              synonyms: Mapping[str, Iterable[str]] | None = None) -> "Words":
        """`synonyms` maps a code to further words for it; NAME_SYNONYMS add those of known names."""
        words = cls(dict(names), dict(names_en or {}))
        exact: dict[str, str] = {}
        loose: dict[str, set[str]] = {}
        for code, name in names.items():
            exact[_key(code)] = code
            exact[code] = code  # as written in the standard: found without normalising
            extra = set(_variants(name)) | set((synonyms or {}).get(code, ())) | set(NAME_SYNONYMS.get(name, ()))
            if words.names_en.get(code):
                extra.add(words.names_en[code])
            for spelling in extra:
                loose.setdefault(_key(spelling), set()).add(code)
        for spelling, codes in loose.items():  # codes win over names; ambiguous words are dropped
            if spelling not in exact and len(codes) == 1:
                exact[spelling] = next(iter(codes))
        for code, name in names.items():
            exact.setdefault(name, code)
        words.index = exact
        return words

    def code(self, text: Any) -> str | None:
        """The code `text` names, or None."""
        if text is None:
            return None
        found = self.index.get(text)  # most rows spell the word exactly: no normalising
        return found if found is not None else self.index.get(_key(text))

    def nearest(self, text: Any) -> str | None:
        """The known word closest to `text`, in its language: a Chinese name or a code."""
        text = str(text).strip()
        if has_chinese(text):
            pool = {self.names[c]: c for c in self.names}
            pool.update({s: c for s, c in self._chinese_spellings().items() if s not in pool})
            close = difflib.get_close_matches(text, list(pool), n=1, cutoff=0.4)
            return self.names[pool[close[0]]] if close else None
        close = difflib.get_close_matches(_key(text), [_key(c) for c in self.names], n=1, cutoff=0.5)
        if not close:
            return None
        return next(c for c in self.names if _key(c) == close[0])

    def known(self, chinese: bool) -> list[str]:
        """The words to list in an error: the Chinese names, or the codes."""
        return list(self.names.values()) if chinese else list(self.names)

    def hint(self, text: Any) -> str:
        """'; did you mean X?' in the language of `text`, or ''."""
        near = self.nearest(text)
        return _("; did you mean {value}?", value=near) if near else ""

    def _chinese_spellings(self) -> dict[str, str]:
        return {s: c for s, c in self.index.items() if has_chinese(s)}


def criteria_words(entries: Mapping[str, Any]) -> Words:
    """Words of a criteria table whose entries have `name` and `name_en` (unit types, finding codes,
    metrics, flags)."""
    return Words.build({c: e.name for c, e in entries.items()}, {c: e.name_en for c, e in entries.items()})
