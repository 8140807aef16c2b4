"""Finding a unit the way an inspector types it: code, name, abbreviation, alias, pinyin or initials.

'卫健' finds 市卫生健康委员会 (its characters in order: how Chinese abbreviations are made),
'jiaoyu' and 'jyj' find 市教育局 (pinyin and initials), and an alias the admin recorded
(on the units page) finds its unit too. This is the only module that imports pypinyin: the
table of readings is large, and keeping it here means one place to change if it is replaced.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pypinyin import Style, lazy_pinyin

from scoring.store import Store

NOT_LETTERS = re.compile(r"[^a-z0-9]")
UNITS_IN_USE = "select code, name, type from units where code not in (select unit from web_units_retired) order by code"


@functools.lru_cache(maxsize=20_000)
def readings(name: str) -> tuple[str, str]:
    """The name's pinyin without tones or spaces, and its initials: 市教育局 → ('shijiaoyuju', 'sjyj')."""
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return NOT_LETTERS.sub("", full), NOT_LETTERS.sub("", initials)


def in_order(query: str, text: str) -> bool:
    """Every character of `query` appears in `text`, in the same order (卫健 in 卫生健康委员会)."""
    position = 0
    for char in query:
        position = text.find(char, position)
        if position < 0:
            return False
        position += 1
    return True


def aliases(store: Store) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in store.query("select unit, alias from web_unit_aliases order by unit, alias"):
        found.setdefault(row["unit"], []).append(row["alias"])
    return found


def set_aliases(store: Store, unit: str, names: list[str]) -> None:
    with store.transaction():
        store.execute("delete from web_unit_aliases where unit = ?", [unit])
        for alias in dict.fromkeys(n.strip() for n in names if n.strip()):
            store.execute("insert into web_unit_aliases (unit, alias) values (?, ?)", [unit, alias[:50]])


def match_rank(query: str, unit: dict[str, Any], unit_aliases: list[str]) -> int | None:
    """How well `query` matches the unit (0 best), or None when it does not."""
    q = query.strip().lower()
    if not q:
        return None
    code, name = unit["code"].lower(), unit["name"]
    if q == code:
        return 0
    if q in code or q in name.lower():
        return 1
    if any(q in a.lower() for a in unit_aliases):
        return 2
    letters = NOT_LETTERS.sub("", q)
    if letters and letters == q.replace(" ", ""):
        full, initials = readings(name)
        if letters in full:
            return 3
        if letters in initials:
            return 4
        if any(letters in readings(a)[0] or letters in readings(a)[1] for a in unit_aliases):
            return 5
    if len(q) >= 2 and (in_order(q, name) or any(in_order(q, a) for a in unit_aliases)):
        return 6
    return None


def search(store: Store, query: str, limit: int) -> list[dict[str, Any]]:
    """The units matching `query`, best first (then by code), at most `limit`."""
    unit_aliases = aliases(store)
    scored = []
    for unit in store.query(UNITS_IN_USE):
        rank = match_rank(query, unit, unit_aliases.get(unit["code"], []))
        if rank is not None:
            scored.append((rank, unit["code"], unit))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [unit for _, _, unit in scored[:limit]]


def index(store: Store) -> list[dict[str, Any]]:
    """Every unit with what the phone needs to search it offline (the same matches as `search`)."""
    unit_aliases = aliases(store)
    rows = []
    for unit in store.query(UNITS_IN_USE):
        full, initials = readings(unit["name"])
        names = unit_aliases.get(unit["code"], [])
        rows.append({"code": unit["code"], "name": unit["name"], "aliases": names, "pinyin": full,
                     "initials": initials, "alias_readings": [r for a in names for r in readings(a)]})
    return rows
