"""What a person reads from the everyday commands is Chinese by default (issue 18): run on a workspace,
their table and text output holds no ASCII word of three letters or more outside what people type or look
up as it is (unit, indicator, finding and rule codes, ids, file names, commands and options, the
standard's id). JSON and CSV to stdout are for scripts and keep their keys; they are not read here."""

from __future__ import annotations

import re

import pytest

WORD = re.compile(r"(?<![\w./@-])[A-Za-z][A-Za-z_]{2,}(?![\w@-])")
# Codes and names that are written as they are in files, commands and the standard (scoring codes lists them).
ALLOWED = {
    "scoring", "min", "max", "sha256", "clips", "durable_rules", "auto", "Asia", "Shanghai",
}


def _codes(workspace) -> set[str]:
    """Every code of the workspace's standard and every word of its commands: allowed as written."""
    data = workspace.json("codes")
    return {row["code"] for row in data}


def _english_words(text: str, allowed: set[str]) -> list[str]:
    found = []
    for line in text.splitlines():
        if re.search(r"https?://|gongkai-default@|scoring \w", line):  # a link, the standard's id, a command
            line = re.sub(r"https?://\S+|gongkai-default@\w+|`?scoring [^`，。；）]*`?", "", line)
        found += [w for w in WORD.findall(line) if w not in allowed]
    return found


@pytest.mark.parametrize("args", [
    ("rank", "--period", "2025"),
    ("scorecard", "D001", "--period", "2025"),
    ("explain", "D001", "--period", "2025"),
    ("explain", "D002", "--period", "2025"),
    ("compare", "--period", "2025", "--with", "2024"),
    ("rectify", "list"),
    ("rectify", "list", "--overdue", "--as-of", "2025-12-31"),
    ("feed", "--period", "2025"),
    ("check", "--period", "2025"),
    ("period", "list"),
    ("period", "status", "2025"),
    ("doctor",),
    ("criteria", "list"),
    ("criteria", "check"),
    ("appeal", "list", "--period", "2025"),
    ("user", "list"),
], ids=lambda args: " ".join(args))
def test_everyday_output_in_chinese_has_no_english_words(workspace, args):
    workspace.invoke("run", "--period", "2024")
    allowed = ALLOWED | _codes(workspace)
    result = workspace.invoke(*args, db=args[:2] not in (("criteria", "list"), ("criteria", "check")),
                              code=1 if args[0] == "check" else 0)  # check: exit 1, the example lacks some data
    words = _english_words(result.stdout + result.stderr, allowed)
    assert not words, f"`scoring {' '.join(args)}` shows English: {sorted(set(words))}\n{result.stdout}{result.stderr}"


def test_the_check_finds_an_english_word_where_one_is_shown():
    assert _english_words("第 3 行 row: 缺少 unit", set()) == ["row", "unit"]
    assert _english_words("C3 F-0001 report-2025.html D001 `scoring rank --period 2025`", {"C3"}) == []
