"""A big run's scan lays each unit's score lines and items out as CSV text straight from its document
(scoring/outputs/report/unitcsv.py): the same bytes, points lost, counts and kept rows as the generic way
(scan.record's tuples through csvfiles.render and findings.losses), on the demo's documents and on cells a
spreadsheet would run as formulas; a cell that needs quoting sends the unit the generic way."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from scoring.outputs.report import parts
from scoring.outputs.report.columns import item_columns, item_row, line_columns
from scoring.outputs.report.csvfiles import render
from scoring.outputs.report.data import standard_of_run
from scoring.outputs.report.findings import losses
from scoring.outputs.report.labels import label
from scoring.outputs.report.scan import ITEM, LINE_FIELDS, Texts, record
from scoring.outputs.report.unitcsv import Layout, laid_out
from scoring.outputs.results import document_pages, run_for, run_unit_codes
from scoring.rectify.items import DONE
from scoring.store import Store
from test_report import demo  # noqa: F401  (the session's demo workspace, built once)

AS_OF = "2025-09-30"  # some items past their deadline, some not


def documents(db: Path) -> tuple[list[dict], list[list[tuple]], object]:
    """The demo's 2025 documents, each with its items' (status, note, rule) from the register now."""
    store = Store(db)
    try:
        run = run_for(store, "2025")
        docs = [doc for _, page in document_pages(store, run["id"], run_unit_codes(store, run["id"])) for doc in page]
        statuses = parts.register_of(store, docs)
        standard = standard_of_run(store, run)
    finally:
        store.close()
    out, at = [], 0
    for doc in docs:
        out.append(statuses[at:at + len(doc["rectifications"])])
        at += len(doc["rectifications"])
    return docs, out, standard


def generic(doc: dict, statuses: list[tuple], lang: str, standard) -> tuple:
    """What the generic way makes of the unit: its tuples, CSV text, points lost and counts."""
    register = {item["id"]: (item["id"], *now) for item, now in zip(doc["rectifications"], statuses)}
    rec = record(doc, register, AS_OF, Texts(lang, share=str))
    csv = (render(line_columns(lang), rec.lines, lang),
           render(item_columns(lang), list(map(item_row(lang), rec.items)), lang))
    return rec, csv, losses(standard.criteria.finding_codes, lang)(rec.lines)


def check(doc: dict, statuses: list[tuple], lang: str, standard) -> None:
    want, csv, lost = generic(doc, statuses, lang, standard)
    named = (label("kind_veto", lang), label("kind_gate_fail", lang))
    for full, open_items in [(True, True), (False, True), (False, False)]:
        layout = Layout(Texts(lang, share=str), lang, standard.criteria.finding_codes)
        got = laid_out(doc, statuses, AS_OF, layout, full, open_items)
        if got is None:  # only where a cell needs quoting (English titles and notes have commas)
            assert b'"' in csv[0] + csv[1]
            return
        assert got.csv == csv and got.lost == lost
        assert (got.line_count, got.item_count, got.open, got.overdue) == (
            len(want.lines), len(want.items), want.open, want.overdue)
        assert (got.unit, got.score, got.dimensions, got.indicators, got.flags) == (
            want.unit, want.score, want.dimensions, want.indicators, want.flags)
        kind, status = LINE_FIELDS.index("lines_kind"), ITEM["status"]
        assert got.lines == (want.lines if full else [line for line in want.lines if line[kind] in named])
        assert got.items == (want.items if full else
                             [item for item in want.items if item[status] not in DONE] if open_items else [])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_demo_unit_is_laid_out_as_the_generic_way_does(demo, lang):
    out, _ = demo
    docs, statuses, standard = documents(out / "demo.db")
    assert any(doc["bonus_lines"] or doc["veto_lines"] for doc in docs)
    for doc, now in zip(docs, statuses):
        check(doc, now, lang, standard)
    layout = Layout(Texts(lang, share=str), lang, standard.criteria.finding_codes)
    laid = [laid_out(doc, now, AS_OF, layout, True, True) is not None for doc, now in zip(docs, statuses)]
    assert all(laid)


def test_formula_like_cells_are_made_text_as_the_csv_files_do(demo):
    """A finding number, a note, a unit's name or a title that a spreadsheet would run: made text there and
    here alike; numbers (-2, +1.5) stay as they are."""
    out, _ = demo
    docs, statuses, standard = documents(out / "demo.db")
    doc = copy.deepcopy(next(d for d in docs if d["rectifications"] and d["bonus_lines"] + d["veto_lines"]))
    doc["name"] = "=HYPERLINK(1)"
    lines = [line for dim in doc["dimensions"] for ind in dim["indicators"] for line in ind["lines"]]
    lines[0]["facts"], lines[0]["note"] = ["=1+1"], "-2"
    lines[-1]["facts"], lines[-1]["note"] = ["@cmd", "x"], "+SUM(A1)"
    lines[-1]["title"] = "-dash title"
    (doc["bonus_lines"] + doc["veto_lines"])[0]["facts"] = ["+1.5"]
    item = doc["rectifications"][0]
    item["id"], item["finding"], item["title"] = "=R1", "-F1", "@title"
    now = list(statuses[docs.index(next(d for d in docs if d["unit"] == doc["unit"]))])
    now[0] = ("verified", "=note", None)
    check(doc, now, "zh", standard)
    _, csv, _ = generic(doc, now, "zh", standard)
    assert b"'=HYPERLINK(1)" in csv[0] and b"'=1+1" in csv[0] and b",-2\n" in csv[0] and b"'=note" in csv[1]


def _unit_with_items(demo):
    """A copy of the first demo unit with rectification items, its items' register rows, the standard, and the
    copy's first indicator line (for a test to edit)."""
    out, _ = demo
    docs, statuses, standard = documents(out / "demo.db")
    at = next(i for i, d in enumerate(docs) if d["rectifications"])
    doc, now = copy.deepcopy(docs[at]), list(statuses[at])
    line = next(line for dim in doc["dimensions"] for ind in dim["indicators"] for line in ind["lines"])
    return doc, now, standard, line


@pytest.mark.parametrize("where", ["note", "title", "register note", "name"])
def test_cells_to_quote_are_quoted_as_csv_does(demo, where):
    """English titles and notes have commas: a repeated cell is quoted once, as the csv module quotes it."""
    doc, now, standard, line = _unit_with_items(demo)
    if where == "note":
        line["note"] = "a, b"
    elif where == "title":
        line["title"] = 'say "hi"'
    elif where == "register note":
        now[0] = ("open", "two\nlines,\r", None)
    else:
        doc["name"] = "=A, B"
    for lang in ("zh", "en"):
        check(doc, now, lang, standard)
    assert b'"' in generic(doc, now, "zh", standard)[1][0 if where in ("note", "title") else 1]


@pytest.mark.parametrize("where", ["facts", "finding", "points"])
def test_a_rows_own_cell_to_quote_leaves_the_unit_to_the_generic_way(demo, where):
    doc, now, standard, line = _unit_with_items(demo)
    if where == "facts":
        line["facts"] = ["F,1", "x"]
    elif where == "finding":
        doc["rectifications"][0]["finding"] = 'F"1'
    else:
        line["points"] = "-1\n"
    layout = Layout(Texts("zh", share=str), "zh", standard.criteria.finding_codes)
    assert laid_out(doc, now, AS_OF, layout, True, True) is None
    rec = parts.Generic(Texts("zh", share=str), "zh", standard, AS_OF).record(doc, now)
    assert rec.csv == generic(doc, now, "zh", standard)[1] and b'"' in rec.csv[0] + rec.csv[1]
