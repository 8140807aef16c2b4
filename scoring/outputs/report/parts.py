"""A big run's documents read and scanned in two processes, a half of the units each.

Reading a province's 10,000 documents and turning them into the report's rows is most of the report's
time, and the rows are most of its memory: ≈1.2 million score lines and rectification items, which only
the CSV files list in full. So each half's scan lays its units' lines and items out as the CSV files have
them (csvfiles.render, a block of text a unit) and keeps as tuples only what the report reads besides:
the lines the 通报 names (veto and stage-gate lines), the open items when the 通报 can list them, every row
of a half small enough for the workbook (DETAIL_ROWS_IN_WORKBOOK), and a shown scorecard's items.

The second half is scanned in a forked child while this process scans the first: the child has this
process's memory as it is at the fork (the register as read in the report's snapshot), reads the run's
documents (never changed once stored) through its own connection, and sends back its records, which are
small now. Where forking is impossible or unsafe (Windows, or a process with threads: the web server),
and for runs too small to gain, the report scans in one process as it always did (scan.scan).
"""

from __future__ import annotations

import multiprocessing
import traceback
from typing import Any, Callable

from scoring.outputs.limits import ITEMS_IN_DOCUMENT
from scoring.outputs.report import background
from scoring.outputs.report.columns import DETAIL_ROWS_IN_WORKBOOK, item_columns, item_row, line_columns
from scoring.outputs.report.csvfiles import render
from scoring.outputs.report.findings import losses
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import ITEM, LINE_FIELDS, Record, Scan, Texts, collector_paused, record
from scoring.outputs.results import documents_of, run_unit_codes
from scoring.rectify.items import DONE
from scoring.standard import Standard
from scoring.store import Store

# Fewer units than this are scanned in one process: forking and sending the records back would cost about
# what the second core saves (a run of 1,000 units: ≈0.6 s of scanning).
SPLIT_UNITS = 1000
Register = dict[str, tuple[str, str, str, str]]


class Halves:
    """The two halves of a run's scan under way: `finish` scans the first here and joins the second."""

    def __init__(self, scan_half: Callable[[Store, list[str]], Scan], store: Store, first: list[str],
                 second: list[str]):
        self.scan_half, self.store, self.first, self.second = scan_half, store, first, second
        self.receive, send = multiprocessing.Pipe(duplex=False)
        self.child = multiprocessing.get_context("fork").Process(
            target=_child, args=(send, scan_half, str(store.path), second), name="report scan", daemon=True)
        self.child.start()
        send.close()  # the child's end: its exit without a word then reads as end of file here

    def finish(self, progress: Callable[[int], None] | None) -> Scan:
        mine = self.scan_half(self.store, self.first, progress)
        theirs = self._received()
        if theirs is None:  # the child failed: its half here (an error in its documents is raised here then)
            theirs = self.scan_half(self.store, self.second, None)
        if progress:
            progress(len(theirs.records))
        return joined(mine, theirs)

    def _received(self) -> Scan | None:
        try:
            status, found = self.receive.recv()
        except (EOFError, OSError):
            status, found = "failed", None
        finally:
            self.receive.close()
            self.child.join()
        return found if status == "ok" else None


def _child(send: Any, scan_half: Callable[..., Scan], path: str, units: list[str]) -> None:
    try:
        store = Store(path)
        try:
            send.send(("ok", scan_half(store, units, None)))
        finally:
            store.close()
    except BaseException:
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()


def start(store: Store, run: dict[str, Any], standard: Standard, register: Register, as_of: str, lang: str,
          keep: Callable[[dict[str, Any]], bool], full: bool) -> Halves | None:
    """The run's scan begun in two halves, the second in a child process; None where it is not worth it or
    forking is impossible (scan in one process then). Call before starting any thread (background.can_fork).
    `full`: the report lays out every item (data.rectification_groups), so the records must keep them all."""
    if full or run["units"] < SPLIT_UNITS or str(store.path) == ":memory:" or not background.can_fork():
        return None
    codes = run_unit_codes(store, run["id"])
    if len(codes) < 2:
        return None
    middle = len(codes) // 2

    def scan_half(where: Store, units: list[str], progress: Callable[[int], None] | None = None) -> Scan:
        return scan_part(where, run["id"], units, register, as_of, lang, keep, standard, progress)
    return Halves(scan_half, store, codes[:middle], codes[middle:])


def scan_part(store: Store, run_id: int, units: list[str], register: Register, as_of: str, lang: str,
              keep: Callable[[dict[str, Any]], bool], standard: Standard,
              progress: Callable[[int], None] | None) -> Scan:
    """These units' records, their lines and items laid out as CSV text (Record.csv) and trimmed (Trim)."""
    texts, out = Texts(lang, share=str), Scan()  # rows laid out as text at once: nothing to share
    lines_columns, items_columns, item_as_row = line_columns(lang), item_columns(lang), item_row(lang)
    lost_in = losses(standard.criteria.finding_codes, lang)
    trim = Trim(out, lang)
    with collector_paused():
        for doc in documents_of(store, run_id, units):
            rec = record(doc, register, as_of, texts)
            rec.csv = (render(lines_columns, rec.lines, lang), render(items_columns, list(map(item_as_row, rec.items)),
                                                                     lang))
            rec.lost = lost_in(rec.lines)
            out.records.append(rec)
            out.criteria = out.criteria or doc["criteria"]
            if keep(doc):
                out.docs[doc["unit"]] = doc
            trim.add(rec)
            if progress:
                progress(1)
    return out


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


def joined(first: Scan, second: Scan) -> Scan:
    return Scan(first.records + second.records, {**first.docs, **second.docs}, first.criteria or second.criteria,
                first.complete and second.complete)
