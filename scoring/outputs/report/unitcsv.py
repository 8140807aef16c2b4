"""A unit's score lines and rectification items laid out as the CSV files have them, straight from its
document: a big run's scan (report/parts.py) writes ≈1.2 million rows of text this way.

The bytes are csvfiles.render's over scan.record's tuples (tests/test_unit_csv.py compares them), made with
less work a row: a cell that repeats (the unit, an indicator's code and name, a rule with its title, a kind,
a status, a note) is made once as the file has it (formula-like text made text, as safe_cell does, and
quoted as the csv module quotes it) and kept with the comma after it, so a row is one f-string of a few
pieces. The cells each row has of its own (points, facts, an item's number and deadline) are made text
cell by cell where they look like a formula (render does it by column: safe_cell leaves every other cell
as it is), and checked all at once for anything csv would quote, which sends the unit the generic way.
Tuples are made only of the rows the report still reads besides the CSV text (`full`, or parts.Trim's).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from operator import itemgetter
from typing import Any

from scoring.exports import safe_cell
from scoring.engine.scorecard import all_nodes
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import Record, Texts, record_of
from scoring.rectify.items import DONE

FORMULA_START = ("=", "+", "-", "@")  # what safe_cell looks at (scoring.exports)
DEADLINE_ID = itemgetter("deadline", "id")  # the order of a unit's items (scan.items' BY_DEADLINE)
# A line's and an item's members read in one call each
LINE = itemgetter("rule", "points", "kind", "facts")
ITEM = itemgetter("id", "deadline", "finding", "status", "period", "indicator", "title")
Status = tuple[Any, Any, Any]  # an item's (status, note, rule) in the register now (parts.register_of); None: no row


def cell(value: str) -> str:
    """A text column's cell as the CSV file has it (csvfiles.render: safe_cell, then csv's quoting)."""
    value = safe_cell(value) if value.startswith(FORMULA_START) else value
    if "," in value or '"' in value or "\r" in value or "\n" in value:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([value])  # csv quotes each cell of a row on its own
        return out.getvalue()[:-1]
    return value


def _quotable(cells: list[str]) -> bool:
    """Whether any of these cells holds what csv would quote."""
    text = "\x1f".join(cells)
    return "," in text or '"' in text or "\r" in text or "\n" in text


class Layout:
    """The cells that repeat across units, each made once per scan (all documents come from one standard)."""

    def __init__(self, texts: Texts, lang: str, codes: Any):
        self.texts, self.codes = texts, codes  # codes: the rules whose points lost are counted (losses())
        deduct, adjust = label("kind_deduct", lang), label("kind_adjust", lang)
        # Whether a line of the kind shown counts as points lost (findings.losses): (on an indicator's line,
        # on the unit's own: bonus, veto and adjust lines have no indicator)
        self._taken = {deduct: (True, False)}
        self._taken[adjust] = (True, True)
        self.named = (label("kind_veto", lang), label("kind_gate_fail", lang))  # parts.Trim keeps these lines
        self.kinds: dict[str, tuple[str, str, bool, bool, bool]] = {}
        self.rules: dict[str, str] = {}
        self.pairs: dict[tuple[str, str], tuple[str, str, bool, bool]] = {}
        self.heads: dict[tuple[str, str], str] = {}
        self.minus: dict[str, Decimal] = {}
        self.statuses: dict[str, tuple[str, str]] = {}
        self.item_heads: dict[tuple[str, str, str, str], str] = {}
        self.notes: dict[str, str] = {}
        self.line_notes: dict[str, tuple[str, str]] = {}
        self.answer = {True: cell(label("yes", lang)), False: cell(label("no", lang))}

    def kind(self, kind: str) -> tuple[str, str, bool, bool, bool]:
        """A line kind's (label, its cell and comma, lost on an indicator's line, lost on the unit's, named)."""
        found = self.kinds.get(kind)
        if found is None:
            shown = self.texts.kind(kind)
            on_indicator, on_unit = self._taken.get(shown, (False, False))
            found = self.kinds[kind] = (shown, cell(shown) + ",", on_indicator, on_unit, shown in self.named)
        return found

    def rule(self, line: dict[str, Any]) -> str:
        """A rule's cell and its title's, each with its comma."""
        found = self.rules.get(line["rule"])
        if found is None:
            found = self.rules[line["rule"]] = f"{cell(line['rule'])},{cell(self.texts.title(line))},"
        return found

    def pair(self, line: dict[str, Any]) -> tuple[str, str, bool, bool]:
        """An indicator line's rule and kind: the rule's, title's and kind's cells with their commas, the kind
        shown, whether its points count as lost (findings.losses) and whether parts.Trim keeps the line."""
        key = (line["rule"], line["kind"])
        found = self.pairs.get(key)
        if found is None:
            shown, kind_cell, taken, _, named = self.kind(line["kind"])
            found = self.pairs[key] = (self.rule(line) + kind_cell, shown, taken and key[0] in self.codes, named)
        return found

    def head(self, dim: str, ind: dict[str, Any]) -> str:
        found = self.heads.get((dim, ind["code"]))
        if found is None:
            found = self.heads[(dim, ind["code"])] = f"{cell(dim)},{cell(ind['code'])},{cell(self.texts.name(ind))},"
        return found

    def lost(self, points: str) -> Decimal:
        found = self.minus.get(points)
        if found is None:
            found = self.minus[points] = -Decimal(points)
        return found

    def status(self, status: str) -> tuple[str, str]:
        """A status's name and its cell with the comma."""
        found = self.statuses.get(status)
        if found is None:
            shown = self.texts.status(status)
            found = self.statuses[status] = (shown, cell(shown) + ",")
        return found

    def item_head(self, key: tuple[str, str, str, str]) -> str:
        found = self.item_heads.get(key)
        if found is None:
            found = self.item_heads[key] = ",".join(map(cell, key)) + ","
        return found

    def note(self, note: str) -> str:
        """An item's note (the register's) as its cell with the comma."""
        found = self.notes.get(note)
        if found is None:
            found = self.notes[note] = cell(note) + ","
        return found

    def line_note(self, note: str) -> tuple[str, str]:
        """A line's note (the engine's: ≈1,600 distinct in 56,000 lines) in the report's language, and its cell."""
        found = self.line_notes.get(note)
        if found is None:
            shown = self.texts.note(note)
            found = self.line_notes[note] = (shown, cell(shown))
        return found


def laid_out(doc: dict[str, Any], statuses: list[Status], as_of: str, layout: Layout, full: bool,
             open_items: bool) -> Record | None:
    """The unit's record with its lines and items as CSV text (Record.csv) and the points each rule's
    deductions took (Record.lost); its tuples: every row if `full`, else the lines parts.Trim keeps (a veto
    or a failed gate) and, if `open_items`, the open items. None where the generic way must lay it out
    (criteria with parts, or a row's own cell that csv would quote)."""
    if doc.get("parts"):
        return None
    own: list[str] = []  # the cells of the rows' own, checked together for anything to quote
    head = f"{cell(doc['unit'])},{cell(doc['name'])},"
    lines, line_rows, lost = _lines(doc, head, layout, full, own)
    items, item_rows, open_count, overdue = _items(doc, head, statuses, as_of, layout, full, open_items, own)
    if _quotable(own):
        return None
    rec = record_of(doc, line_rows, item_rows)
    rec.line_count, rec.item_count, rec.open, rec.overdue = len(lines), len(items), open_count, overdue
    rec.csv = (_text(lines), _text(items))
    rec.lost = lost
    return rec


def _text(rows: list[str]) -> bytes:
    """The rows as UTF-8 text, each ended by a line break (csvfiles._write_rows)."""
    return ("\n".join(rows) + "\n").encode("utf-8") if rows else b""


def _lines(doc: dict[str, Any], head: str, layout: Layout, full: bool,
           own: list[str]) -> tuple[list[str], list[tuple], dict]:
    """Rows as scan.lines has them (indicator by indicator, then the unit's bonus, veto and adjust lines)."""
    texts, pairs, notes, minus, codes = layout.texts, layout.pairs, layout.line_notes, layout.minus, layout.codes
    facts_of, titles = texts.facts, texts.titles
    unit, name = doc["unit"], doc["name"]
    out: list[str] = []
    rows: list[tuple] = []
    lost: dict[str, Decimal] = {}
    for dim in doc["dimensions"]:
        code = dim["code"]
        for ind in all_nodes(dim["indicators"]):
            if not ind["lines"]:
                continue
            score, most = ind["score"], ind["max"]
            own += (score, most)
            start = f"{head}{layout.head(code, ind)}{score},{most},"
            for line in ind["lines"]:
                rule, points, kind, facts = LINE(line)
                cells, shown, counted, named = pairs.get((rule, kind)) or layout.pair(line)
                facts = facts_of(facts)
                note = line.get("note", "")
                note, note_cell = notes.get(note) or layout.line_note(note)
                own += (points, facts)
                out.append(f"{start}{cells}{points},"
                           f"{safe_cell(facts) if facts.startswith(FORMULA_START) else facts},{note_cell}")
                if counted:
                    lost[rule] = lost.get(rule, 0) + (minus.get(points) or layout.lost(points))
                if full or named:
                    rows.append((unit, name, code, ind["code"], texts.name(ind), score, most, rule, titles[rule],
                                 shown, points, facts, note))
    for line in doc["bonus_lines"] + doc["veto_lines"] + doc.get("adjust_lines", []):
        rule, points = line["rule"], line["points"]
        shown, kind_cell, _, taken, named = layout.kind(line["kind"])
        facts, note = facts_of(line["facts"]), texts.note(line.get("note", ""))
        own.append(points)
        out.append(f"{head},,{kind_cell},,{layout.rule(line)}{kind_cell}{points},{cell(facts)},{cell(note)}")
        if taken and rule in codes:
            lost[rule] = lost.get(rule, 0) + layout.lost(points)
        if full or named:
            rows.append((unit, name, "", "", shown, "", "", rule, texts.title(line), shown, points, facts, note))
    return out, rows, lost


def _items(doc: dict[str, Any], head: str, statuses: list[Status], as_of: str, layout: Layout, full: bool,
           open_items: bool, own: list[str]) -> tuple[list[str], list[tuple], int, int]:
    """Rows as scan.items has them (by deadline, then number), with the register's note and status now."""
    unit, name, kind = doc["unit"], doc["name"], doc["type"]
    found = doc["rectifications"]
    # (deadline, id) pairs sorted in C; the position only breaks a tie of the same id, as a stable sort would
    order = [at for _, at in sorted(zip(map(DEADLINE_ID, found), range(len(found))))]
    out: list[str] = []
    rows: list[tuple] = []
    open_count = overdue = 0
    names, item_heads, notes, answer = layout.statuses, layout.item_heads, layout.notes, layout.answer
    for at in order:
        item = found[at]
        live, note, rule = statuses[at]
        number, deadline, finding, status, period, indicator, title = ITEM(item)
        status = live or status
        shown, status_cell = names.get(status) or layout.status(status)
        is_open = status not in DONE
        late = deadline <= as_of and is_open
        key = (period, indicator, item.get("rule") or rule or "", title)
        note = note or ""
        own += (number, deadline, finding)
        out.append(f"{head}{safe_cell(number) if number.startswith(FORMULA_START) else number},"
                   f"{item_heads.get(key) or layout.item_head(key)}{notes.get(note) or layout.note(note)}"
                   f"{deadline},{status_cell}{answer[late]},"
                   f"{safe_cell(finding) if finding.startswith(FORMULA_START) else finding}")
        open_count += is_open
        overdue += late
        if full or (open_items and is_open):
            rows.append((number, unit, name, kind, period, indicator, finding, key[2], title, note, deadline, status,
                         shown, late))
    return out, rows, open_count, overdue
