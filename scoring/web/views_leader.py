"""Leaders (and admins): the ranking per group with charts, any unit's scorecard, the rectification overview."""

from __future__ import annotations

import importlib.util
import shutil
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request, send_file

from scoring.rectify.register import list_items
from scoring.i18n import pick
from scoring.outputs.compare import previous_period
from scoring.outputs.results import rank_rows
from scoring.web.context import current_period, standard
from scoring.web.security import require

blueprint = Blueprint("leader", __name__)
OVERVIEW_LIMIT = 300
REPORT_LOCK = threading.Lock()  # one report written at a time


def _previous_run_ranks(period: str, latest: int, group: str) -> dict[str, int] | None:
    """Ranks in the period's run before the latest one: what the last re-scoring changed."""
    before = g.store.query("select id from runs where period = ? and id < ? order by id desc limit 1", [period, latest])
    if not before:
        return None
    return {r["unit"]: r["rank"] for r in g.store.run_units(before[0]["id"], group)}


def _previous_period_ranks(period: str, group: str) -> tuple[str | None, dict[str, int] | None]:
    """The previous period of the same kind and its ranks in this group: the movement the report shows
    (scoring.outputs.compare.movement counts a move only within the same ranking group)."""
    other = previous_period(g.store, period)
    if other is None:
        return None, None
    return other, {r["unit"]: r["rank"] for r in rank_rows(g.store, other, group)}


def veto_reasons(run_id: int, rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Why each vetoed unit was vetoed, in words: the titles of its veto lines."""
    reasons = {}
    for r in rows:
        if r["veto"]:
            doc = g.store.run_document(run_id, r["unit"]) or {}
            reasons[r["unit"]] = [pick(line, "title", g.lang) for line in doc.get("veto_lines", [])]
    return reasons


def group_name(code: str) -> str:
    types = standard().criteria.unit_types
    if code in types:
        return types[code].name_en if g.lang == "en" else types[code].name
    return code


def dimension_shares(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per dimension, the group's average share of the points it could get (a bar chart of weak aspects).

    A unit's maximum counts only the indicators that apply to its type, as its scorecard does.
    """
    std = standard()
    types = {u["code"]: u["type"] for u in g.store.units()}
    shares = []
    for dim in std.criteria.dimensions:
        parts = []
        for r in rows:
            got = r["dimensions"].get(dim.code)
            most = sum((i.max for i in dim.indicators if std.applies(i.code, types.get(r["unit"], ""))), Decimal(0))
            if got is not None and most:
                parts.append(Decimal(got) / most)
        if parts:
            shares.append({"code": dim.code, "name": dim.name_en if g.lang == "en" else dim.name,
                           "percent": float(round(sum(parts, Decimal(0)) / len(parts) * 100, 1))})
    return shares


@blueprint.route("/ranking")
@require("leader", "admin")
def ranking():
    period = current_period(request.args.get("period"))
    run = g.store.latest_run(period) if period else None
    groups: list[str] = []
    if run:
        types = list(standard().criteria.unit_types)
        found = [r["ranking_group"] for r in g.store.query(
            "select distinct ranking_group from run_units where run = ?", [run["id"]])]
        groups = sorted(found, key=lambda gr: (types.index(gr) if gr in types else len(types), gr))
    group = request.args.get("group")
    if group not in groups:
        group = groups[0] if groups else None
    shown = rank_rows(g.store, period, group) if group else []  # only the group shown is read
    earlier, previous = _previous_period_ranks(period, group) if run and group else (None, None)
    rerun = _previous_run_ranks(period, run["id"], group) if run and group else None
    grade_of = {gr.name: gr.code for gr in standard().criteria.grades}
    reasons = veto_reasons(run["id"], shown) if run else {}
    for r in shown:
        r["grade_code"] = grade_of.get(r["grade"], "")
        r["change"] = (previous[r["unit"]] - r["rank"]) if previous and r["unit"] in previous else None
        r["change_run"] = (rerun[r["unit"]] - r["rank"]) if rerun and r["unit"] in rerun else None
        r["veto_reasons"] = reasons.get(r["unit"], [])
    counts = Counter(r["grade"] for r in shown)
    dims = [d.code for d in standard().criteria.dimensions]
    dim_names = {d.code: (d.name_en if g.lang == "en" else d.name) for d in standard().criteria.dimensions}
    return render_template("ranking.html", period=period, periods=g.store.period_codes(), run=run, rows=shown,
                           groups=[(gr, group_name(gr)) for gr in groups], group=group,
                           shares=dimension_shares(shown),
                           grades=[(gr.code, gr.name_en if g.lang == "en" else gr.name, counts.get(gr.name, 0))
                                   for gr in standard().criteria.grades],
                           dims=dims, dim_names=dim_names, earlier=earlier, rerun=rerun is not None,
                           report=report_available())


@blueprint.route("/rectifications")
@require("leader", "admin")
def overview():
    period = request.args.get("period") or None
    if period not in g.store.period_codes():
        period = None
    items = list_items(g.store, period=period)
    items.sort(key=lambda r: (not r["overdue"], r["status"] in ("rectified", "verified"), r["deadline"], r["unit"], r["id"]))
    units = {u["code"]: u["name"] for u in g.store.units()}
    summary: dict[str, Counter] = {}
    for r in items:
        c = summary.setdefault(r["unit"], Counter())
        c["total"] += 1
        c["overdue"] += r["overdue"]
        c["open"] += r["status"] not in ("rectified", "verified")
    by_unit = sorted(summary.items(), key=lambda kv: (-kv[1]["overdue"], -kv[1]["open"], kv[0]))
    totals = {"items": len(items), "overdue": sum(r["overdue"] for r in items),
              "open": sum(r["status"] not in ("rectified", "verified") for r in items)}
    return render_template("overview.html", period=period, periods=g.store.period_codes(), items=items[:OVERVIEW_LIMIT],
                           more=max(0, len(items) - OVERVIEW_LIMIT), by_unit=by_unit, units=units, totals=totals)


def report_available() -> bool:
    """The HTML/XLSX report is offered where the scoring.outputs.report package is installed."""
    return importlib.util.find_spec("scoring.outputs.report") is not None


@blueprint.route("/report/<period>.<fmt>")
@require("leader", "admin")
def report(period: str, fmt: str):
    """The ranked report of the period's latest run (scoring.outputs.report.write_report), made once per run and language."""
    if fmt not in ("html", "xlsx") or period not in g.store.period_codes() or not report_available():
        abort(404)
    run = g.store.latest_run(period)
    if run is None:
        abort(404)
    from scoring.outputs.report import write_report

    folder = current_app.config["REPORT_DIR"] / f"run-{run['id']}-{g.lang}"
    target = folder / f"report-{period}.{fmt}"
    with REPORT_LOCK:
        if not target.exists():
            partial = folder.with_name(folder.name + ".part")
            shutil.rmtree(partial, ignore_errors=True)
            write_report(g.store, period, partial, g.lang, run_id=run["id"])
            shutil.rmtree(folder, ignore_errors=True)
            partial.rename(folder)
    g.store.audit("web report download", target=target.name, run=run["id"])
    return send_file(target, as_attachment=True, download_name=target.name, max_age=0)
