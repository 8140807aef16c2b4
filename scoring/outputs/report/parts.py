"""A big run's documents read and scanned in two processes, a half of the units each.

Reading a province's 10,000 documents and turning them into the report's rows is most of the report's
time, and the rows are most of its memory: ≈1.2 million score lines and rectification items, which only
the CSV files list in full. So each half's scan lays its units' lines and items out as the CSV files have
them (csvfiles.render, a block of text a unit) and keeps as tuples only what the report reads besides
(Trim). It reads the documents a page of units at a time, with the rectification register's rows of the
items they list (their statuses now), not the whole register (≈650,000 rows, ≈360 MB as Python objects).

The second half is scanned in a forked child while this process scans the first. The child reads through
its own connection, in its own snapshot, which must be the report's: it says when it has fixed it, and
if anyone committed to the workspace from before the report's snapshot until then (Watch: SQLite's
data_version), the child is let go and this process scans both halves. The child also counts the period's
findings (findings.COUNTS, in a thread beside its scan, in the report's snapshot too), writes its units' CSV
text to an unlinked temporary file (spilled: the CSV writers copy it from there) and sends back its
records, the counts and the points its units' rules took (Part). Where forking is impossible or unsafe
(Windows, or a process with threads: the web server), inside a transaction, and for runs too small to
gain, the report scans in one process as it always did (scan.scan), the findings counted in a thread
beside it.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from scoring import fastjson
from scoring.outputs.limits import ITEMS_IN_DOCUMENT
from scoring.outputs.report import background
from scoring.outputs.report.columns import DETAIL_ROWS_IN_WORKBOOK, item_columns, item_row, line_columns
from scoring.outputs.report.csvfiles import Span, render
from scoring.outputs.report.findings import Counts, losses
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import ITEM, LINE_FIELDS, Record, Scan, Texts, collector_paused, record
from scoring.outputs.report.unitcsv import Layout, Status, laid_out
from scoring.outputs.results import document_pages, run_unit_codes
from scoring.rectify.items import DONE
from scoring.standard import Standard
from scoring.store import Store

# Fewer units than this are scanned in one process: a half of fewer than ≈1,000 units is often small
# enough for the workbook, so it keeps and sends back all its rows, and on a shared machine that cost more
# than the second core saved (1,000 units: +0.5 s CPU, no wall time saved).
SPLIT_UNITS = 2000
SPILL_AT_ONCE = 1 << 24  # bytes of a child's CSV text written to its file at once


class Watch:
    """Whether anyone has committed to the workspace since this was made (before the report's snapshot)."""

    def __init__(self, store: Store):
        self.store = Store(store.path)  # a connection outside any transaction sees others' commits
        self.version = self._version()

    def _version(self) -> int:
        return self.store.execute("pragma data_version").fetchone()[0]

    def changed(self) -> bool:
        return self._version() != self.version


@contextmanager
def watching(store: Store) -> Iterator[Watch | None]:
    """A Watch begun before the report's snapshot, where a scan in two processes is possible at all."""
    if store.conn.in_transaction or str(store.path) == ":memory:" or not background.can_fork():
        yield None  # a snapshot begun earlier, or writes not committed yet, which a child would not see
        return
    watch = Watch(store)
    try:
        yield watch
    finally:
        watch.store.close()


class Halves:
    """The two halves of a run's scan under way: `finish` scans the first here and joins the second.

    The child also counts the period's findings (`count`, findings.COUNTS: ≈1.2 s of a province's SQLite) in
    a thread beside its half, in a snapshot fixed before it says it has pinned its own (so the report's):
    this process has the HTML's charts to import (data.assemble's `meanwhile`) and the progress to show
    beside its half. (Counted after the child's half, this process waited ≈2.5 s for them.)"""

    def __init__(self, scan_half: Callable[..., Part], count: Callable[[Store], Counts], store: Store,
                 first: list[str], second: list[str], watch: Watch):
        self.scan_half, self.count, self.store, self.first, self.second = scan_half, count, store, first, second
        self.counts: Counts = []  # by `finish`
        self.spill: Any = tempfile.TemporaryFile()  # the child's CSV text (spilled): unlinked already
        self.receive, send = multiprocessing.Pipe(duplex=False)
        self.child: Any = multiprocessing.get_context("fork").Process(
            target=_child, args=(send, scan_half, count, str(store.path), second, self.spill.fileno()),
            name="report scan", daemon=True)
        self.child.start()
        send.close()  # the child's end: its exit without a word then reads as end of file here
        if self._message()[0] != "pinned" or watch.changed():  # its snapshot may not be the report's
            self._let_go()

    def finish(self, progress: Callable[[int], None] | None) -> Part:
        try:
            mine = self.scan_half(self.store, self.first, progress)
        except BaseException:  # the report stops: so does the child
            if self.child is not None:
                self._let_go()
            raise
        received = self._received()
        if received is None:  # no child, or it failed: its work here (an error in its documents is raised here then)
            self.spill.close()
            theirs, self.counts = self.scan_half(self.store, self.second, None), self.count(self.store)
        else:
            theirs, self.counts = received
            theirs.spill = self.spill
        if progress:
            progress(len(theirs.records))
        return joined(mine, theirs)

    def _message(self) -> tuple[str, Any]:
        try:
            return self.receive.recv()
        except (EOFError, OSError):
            return "failed", None

    def _let_go(self) -> None:
        self.spill.close()
        self.child.terminate()
        self.child.join()
        self.receive.close()
        self.child = None

    def _received(self) -> tuple[Part, Counts] | None:
        if self.child is None:
            return None
        status, found = self._message()
        self.receive.close()
        self.child.join()
        return found if status == "ok" else None


def _child(send: Any, scan_half: Callable[..., Part], count: Callable[[Store], Counts], path: str,
           units: list[str], spill: int) -> None:
    try:
        store = Store(path)
        try:
            with store.snapshot():
                counted = _counting(count, path)  # its snapshot fixed, as this one, before the parent checks
                send.send(("pinned", None))
                found = spilled(scan_half(store, units, None), spill), counted()
            send.send(("ok", found))
        finally:
            store.close()
    except BaseException:
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()


def _counting(count: Callable[[Store], Counts], path: str) -> Callable[[], Counts]:
    """`count` begun in a thread on its own connection (SQLite lets go of the interpreter: it runs beside the
    half's scan, the cores' time shared out by the system, not after it), its snapshot fixed before this
    returns; the function returned waits for the counts and raises what the count raised."""
    fixed = threading.Event()

    def work() -> Counts:
        try:
            other = Store(path)
            try:
                with other.snapshot():
                    fixed.set()
                    return count(other)
            finally:
                other.close()
        finally:
            fixed.set()  # failed before its snapshot: the waiting thread raises what it raised
    wait = background.in_thread(work, "finding counts")
    fixed.wait()
    return wait


def start(store: Store, run: dict[str, Any], standard: Standard, as_of: str, lang: str,
          keep: Callable[[dict[str, Any]], bool], full: bool, watch: Watch | None,
          count: Callable[[Store], Counts]) -> Halves | None:
    """The run's scan begun in two halves, the second in a child process; None where it is not worth it or
    forking is impossible (scan in one process then). Call before starting any thread (background.can_fork).
    `full`: the report lays out every item (data.rectification_groups), so the records must keep them all.
    `count`: the finding counts (findings.counts_now), made in the child after its half (Halves.counts)."""
    if watch is None or full or run["units"] < SPLIT_UNITS or not background.can_fork():
        return None
    codes = run_unit_codes(store, run["id"])
    if len(codes) < 2:
        return None
    middle = len(codes) // 2

    def scan_half(where: Store, units: list[str], progress: Callable[[int], None] | None = None) -> Part:
        return summed(scan_part(where, run["id"], units, as_of, lang, keep, standard, progress))
    return Halves(scan_half, count, store, codes[:middle], codes[middle:], watch)


def scan_part(store: Store, run_id: int, units: list[str], as_of: str, lang: str,
              keep: Callable[[dict[str, Any]], bool], standard: Standard,
              progress: Callable[[int], None] | None) -> Scan:
    """These units' records, their lines and items laid out as CSV text (Record.csv) and trimmed (Trim)."""
    texts, out = Texts(lang, share=str), Scan()  # rows laid out as text at once: nothing to share
    layout = Layout(texts, lang, standard.criteria.finding_codes)
    generic = Generic(texts, lang, standard, as_of)
    trim = Trim(out, lang)
    with collector_paused():
        for _, docs in document_pages(store, run_id, units):
            statuses, at = register_of(store, docs), 0
            for doc in docs:
                mine = statuses[at:at + len(doc["rectifications"])]
                at += len(mine)
                kept = keep(doc)
                rec = (laid_out(doc, mine, as_of, layout, kept or out.complete, trim.lists_open())
                       or generic.record(doc, mine))
                out.records.append(rec)
                out.criteria = out.criteria or doc["criteria"]
                if kept:
                    out.docs[doc["unit"]] = doc
                trim.add(rec)
                if progress:
                    progress(1)
    return out


class Generic:
    """A unit laid out the generic way (scan.record's tuples, csvfiles.render), where unitcsv.laid_out cannot:
    criteria with parts, or a row's own cell (facts, points, an item's number) that csv would quote."""

    def __init__(self, texts: Texts, lang: str, standard: Standard, as_of: str):
        self.texts, self.lang, self.as_of = texts, lang, as_of
        self.lines_columns, self.items_columns, self.item_as_row = line_columns(lang), item_columns(lang), item_row(lang)
        self.lost_in = losses(standard.criteria.finding_codes, lang)

    def record(self, doc: dict[str, Any], statuses: list[Status]) -> Record:
        register = {item["id"]: (item["id"], *now) for item, now in zip(doc["rectifications"], statuses)}
        rec = record(doc, register, self.as_of, self.texts)
        rec.csv = (render(self.lines_columns, rec.lines, self.lang),
                   render(self.items_columns, list(map(self.item_as_row, rec.items)), self.lang))
        rec.lost = self.lost_in(rec.lines)
        return rec


def register_of(store: Store, docs: list[dict[str, Any]]) -> list[Status]:
    """(status, note, rule) as the register has them now (data.register) of every item these documents list,
    in their order (documents, then items; (None, None, None) for an item not in the register): only the
    rows they name, by id, the register's key (a unit's rows of every period cost a third more)."""
    ids = [item["id"] for doc in docs for item in doc["rectifications"]]
    return store.execute("select r.status, r.note, r.rule from json_each(?) j left join rectifications r "
                         "on r.id = j.value order by j.key", [fastjson.dumps(ids).decode()]).fetchall()


class Trim:
    """Keeps of a half's lines and items only what the report reads beside the CSV files, unless the half is
    small enough for the workbook (then both halves of a run whose details go in the workbook keep every row):
    the lines the 通报 names (tongbao.veto_reason, gate_reason), the open items while the 通报 can list them
    (tongbao.items_table), a shown scorecard's items (cards.unit_card). Trimmed as the records come, so a
    half holds at most DETAIL_ROWS_IN_WORKBOOK rows' tuples at a time."""

    def __init__(self, part: Scan, lang: str):
        self.part, self.rows, self.open = part, 0, 0
        self.named = (label("kind_veto", lang), label("kind_gate_fail", lang))
        self.kind, self.status = LINE_FIELDS.index("lines_kind"), ITEM["status"]

    def lists_open(self) -> bool:
        """Whether a record trimmed now keeps its open items (the 通报 still lists them all)."""
        return self.open <= ITEMS_IN_DOCUMENT

    def add(self, rec: Record) -> None:
        self.rows += rec.line_count + rec.item_count
        listed = self.open <= ITEMS_IN_DOCUMENT
        self.open += rec.open
        if self.part.complete and self.rows > DETAIL_ROWS_IN_WORKBOOK:
            self.part.complete = False
            for earlier in self.part.records:
                self._cut(earlier)
        elif not self.part.complete:
            if listed and self.open > ITEMS_IN_DOCUMENT:  # too many open items to list: none kept any more
                for earlier in self.part.records:
                    if earlier.unit not in self.part.docs:
                        earlier.items = []
            self._cut(rec)

    def _cut(self, rec: Record) -> None:
        if rec.unit in self.part.docs:
            return
        rec.lines = [line for line in rec.lines if line[self.kind] in self.named]
        if self.open > ITEMS_IN_DOCUMENT:
            rec.items = []
        else:
            rec.items = [item for item in rec.items if item[self.status] not in DONE]


@dataclass
class Part(Scan):
    """A half's scan, with the points each rule's deductions took over its units (findings.points_lost) summed
    and its records' own sums (Record.lost) dropped: ≈20 exact Decimals a unit, which took the child longer to
    pickle than all the rest of its records (≈0.4 s of ≈0.7 s a province) and the parent as long to add up."""
    lost: Counter = field(default_factory=Counter)
    spill: Any = None  # the file its records' CSV text is in (Record.csv as csvfiles.Span) when a child scanned it


def spilled(part: Part, fd: int) -> Part:
    """The half's CSV text written to the file `fd` (Halves.spill) and each record's csv made its Spans there:
    the parent reads the text from that file when it writes the CSV files, not through the pipe (≈110 MB a
    province's half, pickled, sent and unpickled after the scans)."""
    at, pending, size = 0, [], 0
    for rec in part.records:
        spans = []
        for text in rec.csv:
            spans.append(Span(at + size, len(text)))
            pending.append(text)
            size += len(text)
        rec.csv = tuple(spans)  # type: ignore[assignment]  # Spans where the text was
        if size > SPILL_AT_ONCE:
            at = _write_at(fd, b"".join(pending), at)
            pending, size = [], 0
    _write_at(fd, b"".join(pending), at)
    return part


def _write_at(fd: int, text: bytes, at: int) -> int:
    with memoryview(text) as rest:
        while rest:
            done = os.pwrite(fd, rest, at)
            rest, at = rest[done:], at + done
    return at


def summed(scan: Scan) -> Part:
    lost: Counter = Counter()
    for rec in scan.records:
        lost.update(rec.lost)  # exact: Decimal sums in any order agree
        rec.lost = None
    return Part(scan.records, scan.docs, scan.criteria, scan.complete, lost=lost)


def joined(first: Part, second: Part) -> Part:
    lost = Counter(first.lost)
    lost.update(second.lost)  # not `+`, which would drop a rule's sum that is 0 or less
    return Part(first.records + second.records, {**first.docs, **second.docs}, first.criteria or second.criteria,
                first.complete and second.complete, lost=lost, spill=first.spill or second.spill)
