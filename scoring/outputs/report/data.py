"""The report's data: one JSON-ready dict built from a stored run, which the HTML, XLSX and CSV render.

Everything a reader sees comes from here (tested as a golden file); the templates and writers only
lay it out. Numbers stay decimal strings as in the scorecard documents; sums and averages are exact
Decimals rounded half up once, for display.

A small run (a district, a city) reads as one 通报 with every unit's scorecard and every
rectification item. A big one (a province) is a summary: rankings, distributions, averages and
counts per group, with scorecards only for the units a reader selects; the workbook, the CSV files
and `scoring scorecard UNIT` hold every unit's details.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Iterable

from scoring.engine.completeness import Gap, metric_names
from scoring.outputs.compare import movement, previous_period, signed
from scoring.outputs.explain import grade_name
from scoring.engine.ranking import NO_GRADE
from scoring.i18n import pick
from scoring.outputs.report.cards import item_dicts, percent, two, type_name, unit_card
from scoring.outputs.report.findings import count_findings, counts_now, frequent_findings
from scoring.outputs.report.clock import local_time, office_zone
from scoring.outputs.report.labels import label, period_text
from scoring.outputs.report import background, parts
from scoring.outputs.report.scan import Record, Scan, scan
from scoring.outputs.results import run_for
from scoring.standard import Standard, load_default
from scoring.standard.loader import load_from_files
from scoring.store import Store
from scoring.store.lifecycle import state_name, state_of
from scoring.outputs.limits import FULL_REPORT_UNITS

# A big run's ranking shows each large group's best and worst units (先进 and 后进); the full
# ranking is the workbook's first sheet. Groups of up to HEAD + TAIL + SLACK units are shown whole.
RANKING_HEAD = RANKING_TAIL = 20
RANKING_SLACK = 10
TOP_OVERDUE_UNITS = 20  # the units with most overdue items, named in a big run's rectification summary
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Selection:
    """Units whose scorecards the HTML shows whatever the run's size: by code, or every unit of a group."""
    units: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.units or self.groups)

    def wants(self, doc: dict[str, Any]) -> bool:
        return doc["unit"] in self.units or doc["group"] in self.groups


@dataclass
class Report:
    data: dict[str, Any]
    scan: Scan
    standard: Standard


def standard_of_run(store: Store, run: dict[str, Any]) -> Standard:
    """The standard a run used, rebuilt from the texts it recorded, so names and rationales match the run."""
    files = store.standard_files(run["standard_hash"])
    return load_from_files(files) if files else load_default()


def defect_codes(standard: Standard) -> set[str]:
    return {code for code, c in standard.criteria.finding_codes.items() if c.kind == "defect"}


def is_full(units: int) -> bool:
    return units <= FULL_REPORT_UNITS


def build(store: Store, period: str, lang: str = "zh", previous: str | None = None, as_of: date | None = None,
          run_id: int | None = None, progress: Progress | None = None,
          selection: Selection = Selection(), summary: bool = False) -> dict[str, Any]:
    """The whole report as data. `previous` defaults to the scored period before `period`;
    `as_of` (default: the run's scoring date) is the date rectification deadlines are judged against."""
    return assemble(store, period, lang, previous, as_of, run_id, progress, selection, summary).data


def assemble(store: Store, period: str, lang: str = "zh", previous: str | None = None, as_of: date | None = None,
             run_id: int | None = None, progress: Progress | None = None,
             selection: Selection = Selection(), summary: bool = False,
             meanwhile: Callable[[], Any] | None = None) -> Report:
    """The report's data and the per-unit records the tables are made of, from one pass over the run.

    All read in one snapshot: an import or a status change committed meanwhile is either all in or out.
    `summary`: lay out a small run as a big one's summary (the edition leaders print: ≈20 A4 pages).
    `meanwhile`: work done in a thread while the documents are read (once the scan has forked, if it does)."""
    with parts.watching(store) as watch, store.snapshot():
        return _assemble(store, period, lang, previous, as_of, run_id, progress, selection, summary, watch,
                         meanwhile)


def _assemble(store: Store, period: str, lang: str, previous: str | None, as_of: date | None, run_id: int | None,
              progress: Progress | None, selection: Selection, summary_chosen: bool,
              watch: parts.Watch | None, meanwhile: Callable[[], Any] | None) -> Report:
    run = run_for(store, period, run_id)
    standard = standard_of_run(store, run)
    full = is_full(run["units"]) and not summary_chosen
    as_of = as_of or date.fromisoformat(run["as_of"])
    keep = selection.wants if selection else (lambda doc: full)
    halves = parts.start(store, run, standard, as_of.isoformat(), lang, keep, full, watch,  # forks: before any thread
                         lambda where: counts_now(where, period, run["id"]))
    # SQLite counts while the documents are read: in a thread here, or in the child after its half.
    counted = None if halves else count_findings(store, period, run["id"])
    done_meanwhile = background.in_thread(meanwhile, "meanwhile") if meanwhile else None
    scanned = (halves.finish(progress) if halves
               else scan(documents(store, run, standard), register(store), as_of.isoformat(), lang, keep, progress))
    if done_meanwhile:
        done_meanwhile()
    records = scanned.records
    order = {group: group_order(standard, group) for group in {r.group for r in records}}
    records.sort(key=lambda r: (order[r.group], r.veto, r.rank, r.unit))
    previous = previous if previous is not None else previous_period(store, period)
    title_key = "report_title" if period.isdigit() else "report_title_period"
    sums_by_group = dimension_sums_by_group(records)  # once, for the groups' rates and the whole run's averages
    group_rates = group_dimension_rates(sums_by_group)
    data = {
        "meta": {"period": period, "previous": previous, "run": run["id"], "as_of": as_of.isoformat(),
                 "scored_as_of": run["as_of"], "criteria": scanned.criteria or standard.label,
                 "standard_title": pick(standard.criteria.model_dump(), "title", lang), "lang": lang,
                 "title": label(title_key, lang, period=period), "period_text": period_text(period, lang),
                 "scored_at": local_time(run["created_at"], office_zone(store)),
                 "standard_version": run.get("standard_version") or ""},
        "layout": {"full": full, "summary_chosen": summary_chosen,
                   "scorecards": "selected" if selection else ("all" if full else "none"),
                   "full_report_units": FULL_REPORT_UNITS, "head": RANKING_HEAD, "tail": RANKING_TAIL},
        "summary": summary(standard, records, lang, sums_by_group),
        "groups": groups(standard, records, moves(store, standard, period, previous, records) if previous else {},
                         lang, full),
        "group_summary": group_summary(standard, records, group_rates, lang),
        "findings": frequent_findings(standard, records, counted() if counted else halves.counts, lang,
                                      scanned.lost if isinstance(scanned, parts.Part) else None),
        "units": [unit_card(standard, scanned.docs[r.unit], group_rates[r.group], r.items, lang)
                  for r in records if r.unit in scanned.docs],
        "rectification_groups": rectification_groups(standard, records, lang, full),
        "overdue_units": overdue_units(standard, records, lang),
        "completeness": completeness_of(run, lang, standard),
        "cycle": cycle_of(store, period, run, lang),
    }
    return Report(data, scanned, standard)


def cycle_of(store: Store, period: str, run: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """Where the period stands (a draft unless this is its final run) and its appeals with their outcomes."""
    state = state_of(store, period)
    appeals = store.query("select id, unit, finding, rule, reason, status, answer from appeals where period = ? "
                          "order by id", [period])
    return {"state": state["state"], "state_names": (state_name(state["state"], "zh"), state_name(state["state"], "en")),
            "draft": not (state["state"] == "final" and state["run"] == run["id"]),
            "review_ends": state["review_ends"],
            "appeals": [{**a, "outcome": label(f"appeal_{a['status']}", lang)} for a in appeals]}


def completeness_of(run: dict[str, Any], lang: str, standard: Standard | None = None) -> dict[str, Any] | None:
    """What data was missing when the run was made (recorded by the run), as lines to read; None for older runs."""
    if not run.get("completeness"):
        return None
    recorded = json.loads(run["completeness"])
    gaps = [Gap(g["kind"], g["detail"], tuple(g["units"]),
                metric_names(standard, g["detail"]) if standard is not None and g["kind"] == "metric" else ("", ""))
            for g in recorded["gaps"]]
    return {"units": recorded["units"], "lines": [gap.text(lang) for gap in gaps]}


def documents(store: Store, run: dict[str, Any], standard: Standard) -> Iterable[dict[str, Any]]:
    """The run's documents, a ranking group at a time when every unit's group is known (the standard's unit
    types and the groups units have now cover all the run's units): store.run_documents holds a query's
    rows in memory, a province's ≈0.5 GB of JSON text for runs stored before schema 3, so per group only
    the largest group's."""
    now = (unit["ranking_group"] or unit["type"] for unit in store.units())
    groups = dict.fromkeys([*standard.criteria.unit_types, *now])
    sizes = {group: len(store.run_standings(run["id"], group)) for group in groups}
    if sum(sizes.values()) != run["units"]:
        return store.run_documents(run["id"])
    return chain.from_iterable(store.run_documents(run["id"], group) for group in groups if sizes[group])


def register(store: Store) -> dict[str, tuple[str, str, str, str]]:
    """Item id → (id, status, note, rule) as the rectification register has them now (statuses move after a
    run). The rows themselves, keyed in C: a province has ≈650,000."""
    rows = store.execute("select id, status, note, rule from rectifications").fetchall()
    return dict(zip(map(itemgetter(0), rows), rows))


def group_order(standard: Standard, group: str) -> tuple[int, str]:
    """Groups in the order the standard lists unit types; other groups after them, by name."""
    types = list(standard.criteria.unit_types)
    return (types.index(group), "") if group in types else (len(types), group)


def _dimension_sums(records: list[Record]) -> dict[str, list]:
    """dimension → [points, maximum, units] over the applicable dimensions of these records."""
    sums: dict[str, list] = {}
    number: dict[Any, Decimal] = {}  # each distinct score and maximum read once (they repeat: "6.00", "10")
    for rec in records:
        for code, score, top, applicable in rec.dimensions:
            if applicable:
                found = sums.setdefault(code, [Decimal(0), Decimal(0), 0])
                found[0] += number[score] if score in number else number.setdefault(score, Decimal(score))
                found[1] += number[top] if top in number else number.setdefault(top, Decimal(top))
                found[2] += 1
    return sums


def dimension_sums_by_group(records: list[Record]) -> dict[str, dict[str, list]]:
    """group → _dimension_sums of its records; the whole run's are their sums (exact: Decimals)."""
    return {group: _dimension_sums(members) for group, members in _by_group(records).items()}


def _all_groups(by_group: dict[str, dict[str, list]]) -> dict[str, list]:
    sums: dict[str, list] = {}
    for group_sums in by_group.values():
        for code, (got, top, units) in group_sums.items():
            found = sums.setdefault(code, [Decimal(0), Decimal(0), 0])
            found[0] += got
            found[1] += top
            found[2] += units
    return sums


def average_score(records: list[Record]) -> str:
    """The units' average score, leaving out units with nothing scored (数据不全): their 0 reflects no work."""
    scored = [Decimal(r.score) for r in records if r.grade_code != NO_GRADE.code]
    return two(sum(scored, Decimal(0)) / len(scored)) if scored else "0.00"


def summary(standard: Standard, records: list[Record], lang: str,
            by_group: dict[str, dict[str, list]]) -> dict[str, Any]:
    """`by_group`: the records' dimension_sums_by_group."""
    grades = Counter(r.grade_code for r in records)
    n = Decimal(len(records))
    sums = _all_groups(by_group)
    dims = []
    for dim in standard.criteria.dimensions:
        got, top, units = sums.get(dim.code, (Decimal(0), Decimal(0), 0))
        k = Decimal(units or 1)
        dims.append({"code": dim.code, "name": pick(dim.model_dump(), "name", lang), "units": units,
                     "average": two(got / k), "average_max": two(top / k), "rate": percent(got, top) if top else None,
                     "average_lost": two((top - got) / k)})
    out = {
        "units": len(records), "average_score": average_score(records),
        "vetoed": sum(1 for r in records if r.veto),
        "grades": [{"code": g.code, "name": grade_name(standard, g.code, lang), "count": grades[g.code],
                    "share": percent(Decimal(grades[g.code]), n)} for g in standard.criteria.grades],
        "dimensions": dims,
    }
    if grades[NO_GRADE.code]:  # only then: units with nothing scored (数据不全), graded by none of the grades
        out["ungraded"] = grades[NO_GRADE.code]
    return out


def _by_group(records: list[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for rec in records:
        out.setdefault(rec.group, []).append(rec)
    return out


def groups(standard: Standard, records: list[Record], moved: dict[str, dict[str, Any]], lang: str,
           full: bool) -> list[dict[str, Any]]:
    """Each group's whole ranking; `omitted`: how many rows between its head and tail a big run's HTML skips."""
    out = []
    for group, members in _by_group(records).items():
        rows = [ranking_row(standard, rec, moved.get(rec.unit, {}), lang) for rec in members]
        whole = full or len(rows) <= RANKING_HEAD + RANKING_TAIL + RANKING_SLACK
        out.append({"group": group, "name": type_name(standard, group, lang), "rows": rows,
                    "omitted": 0 if whole else len(rows) - RANKING_HEAD - RANKING_TAIL})
    return out


def ranking_row(standard: Standard, rec: Record, move: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "rank": rec.rank, "unit": rec.unit, "name": rec.name, "score": rec.score, "base": rec.base,
        "bonus": rec.bonus, "grade": grade_name(standard, rec.grade_code, lang), "grade_code": rec.grade_code,
        "veto": rec.veto, "feed_points": rec.feed_points,
        "dimensions": {code: score for code, score, _, _ in rec.dimensions}, "open_rectifications": rec.open,
        "previous_rank": move.get("previous_rank"), "rank_change": move.get("rank_change"),
        "previous_score": move.get("previous_score"), "score_change": move.get("score_change"),
    }


def moves(store: Store, standard: Standard, period: str, previous: str,
          records: list[Record]) -> dict[str, dict[str, Any]]:
    """unit → rank and score in the previous period's latest run, and the change (as `scoring compare`).

    Read from the run's standings (a covering index, no document decoded); when some of that run's
    units are in none of the groups asked for, from its whole documents by scoring.outputs.compare."""
    before = run_for(store, previous)
    earlier: dict[str, tuple[str, int, str]] = {}
    for group in dict.fromkeys([r.group for r in records] + list(standard.criteria.unit_types)):
        for unit, rank, score, _grade, _veto in store.run_standings(before["id"], group):
            earlier[unit] = (group, rank, score)
    if len(earlier) < before["units"]:
        return {m["unit"]: m for m in movement(store, period, previous, set())}
    out = {}
    for rec in records:
        if rec.unit in earlier:
            group, rank, score = earlier[rec.unit]
            out[rec.unit] = {"previous_rank": rank, "rank_change": rank - rec.rank if group == rec.group else None,
                             "previous_score": score, "score_change": signed(Decimal(rec.score) - Decimal(score))}
    return out


def group_dimension_rates(by_group: dict[str, dict[str, list]]) -> dict[str, dict[str, str]]:
    """group → dimension → the group's share of maximum (percent), for the radar's comparison line; none for a
    dimension with no maximum (a veto dimension). `by_group`: the records' dimension_sums_by_group."""
    return {group: {code: percent(got, top) for code, (got, top, _) in sums.items() if top}
            for group, sums in by_group.items()}


def group_summary(standard: Standard, records: list[Record], rates: dict[str, dict[str, str]],
                  lang: str) -> list[dict[str, Any]]:
    """Per ranking group: units, average score, grades, vetoes, rates by dimension, rectification counts
    (`count`, not `items`: a template would read that as the dict's method)."""
    out = []
    for group, members in _by_group(records).items():
        grades = Counter(r.grade_code for r in members)
        out.append({"group": group, "name": type_name(standard, group, lang), "units": len(members),
                    "average_score": average_score(members), "vetoed": sum(1 for r in members if r.veto),
                    "grades": {g.code: grades[g.code] for g in standard.criteria.grades},
                    "rates": rates[group], "count": sum(r.item_count for r in members),
                    "open": sum(r.open for r in members), "overdue": sum(r.overdue for r in members),
                    "units_overdue": sum(1 for r in members if r.overdue)})
    return out


def rectification_groups(standard: Standard, records: list[Record], lang: str, full: bool) -> list[dict[str, Any]]:
    """Items per unit type (the workbook's sheets), by unit, then deadline; the items themselves only in a
    full report (a province has ≈650,000: they are in the CSV files)."""
    out: dict[str, dict[str, Any]] = {}
    for rec in sorted(records, key=lambda r: (group_order(standard, r.type), r.unit)):
        if not rec.item_count:
            continue
        group = out.setdefault(rec.type, {"type": rec.type, "name": type_name(standard, rec.type, lang),
                                          "items": [], "count": 0, "open": 0, "overdue": 0, "units": 0,
                                          "units_overdue": 0})
        if full:
            group["items"].extend(item_dicts(rec.items))
        group["count"] += rec.item_count
        group["open"] += rec.open
        group["overdue"] += rec.overdue
        group["units"] += 1
        group["units_overdue"] += rec.overdue > 0
    return list(out.values())


def overdue_units(standard: Standard, records: list[Record], lang: str) -> list[dict[str, Any]]:
    """The units with most overdue items (then most open), for 督办: who is behind on rectification."""
    behind = sorted((r for r in records if r.overdue), key=lambda r: (-r.overdue, -r.open, r.unit))
    return [{"unit": r.unit, "name": r.name, "group_name": type_name(standard, r.group, lang), "rank": r.rank,
             "count": r.item_count, "open": r.open, "overdue": r.overdue} for r in behind[:TOP_OVERDUE_UNITS]]
