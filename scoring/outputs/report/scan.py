"""One pass over a run's scorecard documents, keeping per unit only what the report lays out.

A province run holds 10,000 documents of ≈33 KB of JSON each: held all at once as Python objects
they take over 2 GB, and the cyclic garbage collector walks them again and again while they are
read. So the report reads each document once (through `store.run_documents`) and keeps a light
`Record`: the ranking row, the dimension and indicator scores, and the unit's score lines and
rectification items as flat tuples (LINE_FIELDS, ITEM_FIELDS) for the tables. Whole documents are
kept only for the units whose scorecards the HTML shows.
"""

from __future__ import annotations

import gc
from sys import intern
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, Iterator

from scoring.i18n import pick, status_name
from scoring.rectify.items import DONE
from scoring.outputs.notes import note_in
from scoring.outputs.report.labels import FACT_NAMES, fact_name, label
from scoring.engine.scorecard import all_nodes

# Field order of the tuples; tables.py lays them out as columns (same keys as its Column.key).
LINE_FIELDS = ("unit", "name", "dimension", "indicator", "indicator_name", "indicator_score", "max", "rule",
               "title", "lines_kind", "points", "facts", "note")
ITEM_FIELDS = ("id", "unit", "name", "type", "period", "indicator", "finding", "rule", "title", "note",
               "deadline", "status", "status_name", "overdue")
ITEM = {name: i for i, name in enumerate(ITEM_FIELDS)}


@dataclass(slots=True)
class Record:
    """One unit of the run: the document's scalars, its dimensions as (code, score, max, applicable),
    its indicators' scores by code (None when not applicable), its lines and items as tuples."""
    unit: str
    name: str
    group: str
    type: str
    rank: int
    score: str
    base: str
    bonus: str
    grade_code: str
    veto: bool
    feed_points: str
    dimensions: list[tuple[str, Any, str, bool]]
    indicators: dict[str, Any]
    lines: list[tuple]
    items: list[tuple]
    open: int = 0
    overdue: int = 0
    flags: tuple[str, ...] = ()
    # Parts scored per object (criteria with object parts only): (part code, kind, object name, score, outcome).
    objects: tuple[tuple[str, str, str, str, str], ...] = ()
    line_count: int = 0  # how many lines and items the unit has (a big run's records keep only some: parts.py)
    item_count: int = 0
    # A big run's (report/parts.py): the unit's lines and items as the CSV files have them, and the points
    # each rule's deductions took from it (findings.points_lost); then `lines` and `items` hold only the rows
    # the report reads beside the CSV files (Scan.complete says whether they hold all).
    csv: tuple[bytes, bytes] = (b"", b"")
    lost: dict[str, Any] | None = None

    def __reduce__(self) -> tuple[type, tuple]:
        """Pickled as its fields in order (a big run's child sends ≈5,000 records): read back in ≈40 % less
        time than the slots' default, which names every field of every record."""
        return Record, tuple(getattr(self, name) for name in RECORD_FIELDS)


RECORD_FIELDS = tuple(Record.__dataclass_fields__)


@dataclass
class Scan:
    records: list[Record] = field(default_factory=list)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)  # unit → document, for shown scorecards only
    criteria: str = ""  # the standard's label as the run's documents name it (the same in every one)
    complete: bool = True  # every record's lines and items hold all its rows (else: a big run's, see Record.csv)
    _by_unit: dict[str, Record] = field(default_factory=dict, repr=False, compare=False)

    def record_of(self, unit: str) -> Record | None:
        """The unit's record: the 通报 asks for each vetoed unit's, so they are looked up by code, not scanned."""
        if len(self._by_unit) != len(self.records):
            self._by_unit = {rec.unit: rec for rec in self.records}
        return self._by_unit.get(unit)


class Texts:
    """Names that repeat across units, looked up once per distinct value: a kind's or status's label, an
    indicator's name and a rule's title by code (every document of a run comes from the same standard)."""

    def __init__(self, lang: str, share: Callable[[str], str] = intern):
        self.lang = lang
        # How a value that repeats across rows is kept: interned, one string for all rows that hold it; `str`
        # (the string itself) where the rows live only until laid out as CSV text (report/parts.py).
        self.share = share
        self.kinds: dict[str, str] = {}
        self.statuses: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.facts_shown: dict[tuple[str, ...], str] = {}
        self.notes: dict[str, str] = {}

    def note(self, note: str) -> str:
        """A line's note in the report's language (the engine wrote it in Chinese); few distinct notes repeat."""
        if self.lang != "en" or not note:
            return note
        found = self.notes.get(note)
        if found is None:
            found = self.notes[note] = note_in(note, self.lang)
        return found

    def facts(self, facts: list[str]) -> str:
        """A line's facts by name, joined. Most lines cite findings, whose numbers are their names, each line
        its own list: joined as they are. A list naming a run-wide source or a self-assessment (a few
        distinct lists, repeated) is named through fact_name once."""
        if not facts:
            return ""
        if len(facts) == 1:  # most lines: one finding, shown by its number
            only = facts[0]
            if not only.startswith("SA-") and only not in FACT_NAMES:
                return only
        joined = "、".join(facts)
        if "SA-" not in joined and "survey" not in joined and "metrics" not in joined:
            return joined
        key = tuple(facts)
        found = self.facts_shown.get(key)
        if found is None:
            found = self.facts_shown[key] = "、".join(fact_name(f, self.lang) for f in facts)
        return found

    def kind(self, kind: str) -> str:
        found = self.kinds.get(kind)
        if found is None:
            found = self.kinds[kind] = label(f"kind_{kind}", self.lang)
        return found

    def status(self, status: str) -> str:
        found = self.statuses.get(status)
        if found is None:
            found = self.statuses[status] = status_name(status, self.lang)
        return found

    def name(self, ind: dict[str, Any]) -> str:
        found = self.names.get(ind["code"])
        if found is None:
            found = self.names[ind["code"]] = pick(ind, "name", self.lang)
        return found

    def title(self, line: dict[str, Any]) -> str:
        found = self.titles.get(line["rule"])
        if found is None:
            found = self.titles[line["rule"]] = pick(line, "title", self.lang)
        return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Millions of small objects are made here and all live until the files are written: the cyclic
    collector would walk them over and over and find nothing to free (it cost more than reading)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def scan(documents: Iterator[dict[str, Any]], register: dict[str, tuple[str, str, str, str]], as_of: str,
         lang: str, keep: Callable[[dict[str, Any]], bool], progress: Callable[[int], None] | None = None) -> Scan:
    """Every document once. `register`: item id → (id, status, note, rule) as the register has them now;
    `as_of`: ISO date deadlines are judged against; `keep(doc)`: whether to keep the whole document."""
    texts = Texts(lang)
    out = Scan()
    with collector_paused():
        for doc in documents:
            out.records.append(record(doc, register, as_of, texts))
            out.criteria = out.criteria or doc["criteria"]
            if keep(doc):
                out.docs[doc["unit"]] = doc
            if progress:
                progress(1)
    return out


def record(doc: dict[str, Any], register: dict[str, tuple[str, str, str, str]], as_of: str,
           texts: Texts) -> Record:
    rec = record_of(doc, lines(doc, texts), items(doc, register, as_of, texts))
    rec.line_count, rec.item_count = len(rec.lines), len(rec.items)
    status, overdue = ITEM["status"], ITEM["overdue"]
    for item in rec.items:
        if item[status] not in DONE:
            rec.open += 1
        rec.overdue += item[overdue]
    return rec


def record_of(doc: dict[str, Any], lines: list[tuple], items: list[tuple]) -> Record:
    """The unit's record with these line and item tuples (its counts are the caller's)."""
    dims, indicators = [], {}
    for dim in doc["dimensions"]:
        dims.append((dim["code"], dim["score"], dim["max"], dim["applicable"]))
        for ind in dim["indicators"]:
            indicators[ind["code"]] = ind["score"] if ind["applicable"] else None
    return Record(doc["unit"], doc["name"], doc["group"], doc["type"], doc["rank"], doc["score"], doc["base"],
                  doc["bonus"], doc["grade_code"], doc["veto"], doc["feed_points"], dims, indicators, lines, items,
                  flags=tuple(doc["flags"]),
                  objects=tuple((p["code"], o["kind"], o["name"] or o["code"], o["score"], o["outcome"])
                                for p in doc.get("parts", ()) for o in p.get("objects", ())))


def lines(doc: dict[str, Any], texts: Texts) -> list[tuple]:
    """Every line that lost or gained points, indicator by indicator, then the unit's bonus and veto lines."""
    unit, name, kind, title = doc["unit"], doc["name"], texts.kind, texts.title
    kinds, titles, facts, note = texts.kinds, texts.titles, texts.facts, texts.note  # read inline: ≈560,000 lines in a province
    # A line's rule and points repeat across lines: interned (see items)
    share, rows = texts.share, []
    for dim in doc["dimensions"]:
        for ind in all_nodes(dim["indicators"]):
            if not ind["lines"]:
                continue
            head = (unit, name, dim["code"], ind["code"], texts.name(ind), ind["score"], ind["max"])
            for line in ind["lines"]:
                rows.append(head + (share(line["rule"]), titles.get(line["rule"]) or title(line),
                                    kinds.get(line["kind"]) or kind(line["kind"]), share(line["points"]),
                                    facts(line["facts"]), note(line.get("note", ""))))
    # No indicator: its score and maximum are empty text, not None, so the row stays all text (fast CSV).
    for line in doc["bonus_lines"] + doc["veto_lines"] + doc.get("adjust_lines", []):
        rows.append((unit, name, "", "", kind(line["kind"]), "", "", line["rule"], title(line), kind(line["kind"]),
                     line["points"], facts(line["facts"]), note(line.get("note", ""))))
    # Criteria with parts: each stage's lines (its vetoes, bonus events, gates) under part and stage codes.
    for part in doc.get("parts", ()):
        for line in part.get("lines", ()):  # a part scored per object: its objects, their combining, data left out
            rows.append((unit, name, part["code"], "", texts.name(part), part["score"], "", line["rule"], title(line),
                         kind(line["kind"]), line["points"], facts(line["facts"]), note(line.get("note", ""))))
        for stage in part["stages"]:
            for line in stage["lines"]:
                rows.append((unit, name, part["code"], stage["code"], texts.name(stage), stage["score"], "",
                             line["rule"], title(line), kind(line["kind"]), line["points"], facts(line["facts"]),
                             note(line.get("note", ""))))
    return rows


def items(doc: dict[str, Any], register: dict[str, tuple[str, str, str, str]], as_of: str,
          texts: Texts) -> list[tuple]:
    """The unit's items the run counted, with the register's note and current status, by deadline.

    Overdue as scoring.rectify.register.is_past_due has it (deadline on or before the date, not done); ISO
    dates compare as text, which spares parsing 650,000 of them for a province. Values that repeat
    across items (period, indicator, rule, title, deadline, status) are interned: one string each
    instead of one per item, ≈0.3 GB less for a province."""
    unit, name, kind, names, unknown = doc["unit"], doc["name"], doc["type"], texts.statuses, ("", "", "", "")
    rows, share = [], texts.share
    for item in doc["rectifications"]:
        _, live_status, note, rule = register.get(item["id"], unknown)
        status = live_status or item["status"]
        deadline = share(item["deadline"])
        rows.append((item["id"], unit, name, kind, share(item["period"]), share(item["indicator"]), item["finding"],
                     share(item.get("rule") or rule or ""), share(item["title"]), note or "", deadline,
                     share(status), names.get(status) or texts.status(status),
                     deadline <= as_of and status not in DONE))
    rows.sort(key=BY_DEADLINE)
    return rows


BY_DEADLINE = itemgetter(ITEM["deadline"], ITEM["id"])  # an item's (deadline, id), taken in C
