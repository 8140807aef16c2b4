"""The embedded example behind `scoring demo`: a realistic city, generated deterministically and scored end to end.

A seeded random.Random draws two years (2024, then 2025, so repeat findings 屡查屡犯 occur) of
findings, self-assessments, surveys and metrics for 67 city departments, 6 district governments,
12 townships and 10 public institutions. Each unit has a hidden quality that decides how much goes
wrong, so scores spread over all four grades. The inputs are written as CSV files with Chinese
headers and go through the real importer, so the demo takes the same path a user's files take.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

from scoring.demo import names
from scoring.demo.names import DEFAULT_SEED, PERIODS
from scoring.i18n import status_name
from scoring.inputs.importing import HEADERS, import_file
from scoring.standard.vocabulary import ANSWERS, CLAIMS
from scoring.rectify.register import UPDATE_HEADERS, import_updates
from scoring.engine.orders import after_import
from scoring.engine.runner import RunSummary, run_period
from scoring.standard import Standard, load_default
from scoring.store import Store
from scoring.store.workspace import add_periods, create_workspace

KINDS = ("findings", "self-assessments", "survey", "survey-issued", "metrics")
# Progress steps: the units file, every kind in every period, and two runs per period.
STEPS = 1 + len(KINDS) * len(PERIODS) + 2 * len(PERIODS)

# Only city departments and district governments handle on-request disclosure (A1 applies to them).
REQUEST_TYPES = frozenset({"city_department", "district_government"})
NOT_SELF_ASSESSED = frozenset({"M1", "M2"})  # self-inspection and rectification are judged, not claimed

CLAIM_WORDS = {code: word for word, code in CLAIMS.items()}
ANSWER_WORDS = {code: word for word, code in ANSWERS.items()}


@dataclass
class DemoUnit:
    code: str
    name: str
    type: str
    parent: str = ""
    quality: dict[str, float] = field(default_factory=dict)  # per period: 0 worst … 1 best


@dataclass
class DemoResult:
    out: Path
    inputs: Path
    db: Path
    files: list[Path]
    runs: list[RunSummary]


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


class City:
    """Draws the whole example from one seed; every draw goes through self.rng, in a fixed order."""

    def __init__(self, seed: int, standard: Standard):
        self.rng = random.Random(seed)
        self.standard = standard
        self.units = self._units()
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.defects: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (period, unit) → defect findings
        self.gaps: dict[str, set[str]] = {}  # this year's missing inputs, see _gaps
        self.events = self._events()

    # ------------------------------------------------------------ units and who gets what

    def _units(self) -> list[DemoUnit]:
        depts = [DemoUnit(f"D{i:03d}", n, "city_department") for i, n in enumerate(names.CITY_DEPARTMENTS, 1)]
        by_name = {u.name: u.code for u in depts}
        districts = [DemoUnit(f"G{i:03d}", n, "district_government") for i, n in enumerate(names.DISTRICTS, 1)]
        towns = [DemoUnit(f"T{i:03d}", n, "township", districts[d].code)
                 for i, (n, d) in enumerate(names.TOWNSHIPS, 1)]
        institutions = [DemoUnit(f"P{i:03d}", n, "public_institution", by_name[p])
                        for i, (n, p) in enumerate(names.INSTITUTIONS, 1)]
        for group in (depts, districts, towns, institutions):
            self._spread_quality(group)
        return depts + districts + towns + institutions

    def _spread_quality(self, group: list[DemoUnit]) -> None:
        # Stratified draws: one quality per equal slice of [0, 1], so every seed spreads every group.
        slices = [(i + self.rng.random()) / len(group) for i in range(len(group))]
        self.rng.shuffle(slices)
        for unit, q in zip(group, slices):
            unit.quality = {"2025": q, "2024": clamp(q + self.rng.gauss(0, 0.08))}

    def _ranked(self, unit_type: str, period: str) -> list[DemoUnit]:
        return sorted((u for u in self.units if u.type == unit_type), key=lambda u: -u.quality[period])

    def _events(self) -> dict[tuple[str, str], list[str]]:
        """(period, unit) → bonus and veto codes, drawn as names.EVENTS says; a unit gets one veto at most."""
        events: dict[tuple[str, str], list[str]] = {}
        for period, picks in names.EVENTS.items():
            vetoed: set[str] = set()
            for code, unit_type, (first, last), k in picks:
                veto = self.standard.criteria.finding_codes[code].kind == "veto"
                pool = [u for u in self._ranked(unit_type, period)[first:last] if not (veto and u.code in vetoed)]
                for unit in self.rng.sample(pool, k):
                    events.setdefault((period, unit.code), []).append(code)
                    vetoed |= {unit.code} if veto else set()
        return events

    # ------------------------------------------------------------ one year

    def generate(self) -> None:
        for period in PERIODS:
            self.gaps = self._gaps(period)
            for unit in self.units:
                self._unit_year(unit, period)
            self._number_findings(period)

    def _gaps(self, period: str) -> dict[str, set[str]]:
        """unit → what it leaves out this year: its survey, or some figures (MISSING_METRIC). Weak units do."""
        weak = self.rng.sample(self._ranked("city_department", period)[30:], 3)
        survey = self.rng.choice(self._ranked("public_institution", period)[5:])
        return {survey.code: {"survey"}, weak[0].code: {"contacts_received", "contacts_resolved"},
                weak[1].code: {"contacts_resolved"}, weak[2].code: {"info_submitted"}}

    def _add(self, period: str, kind: str, row: dict[str, Any]) -> None:
        self.rows.setdefault((period, kind), []).append({"period": period, **row})

    def _unit_year(self, unit: DemoUnit, period: str) -> None:
        q = unit.quality[period]
        visits = self._visits(int(period))
        defects = self._defects(unit, period, q, visits)
        self.defects[(period, unit.code)] = defects
        for row in defects + self._event_rows(unit, period, visits):
            self._add(period, "findings", row)
        self._self_assessments(unit, period, q, defects)
        self._survey(unit, period, q)
        self._metrics(unit, period, q)

    def _workday(self, year: int, start: tuple[int, int], end: tuple[int, int]) -> date:
        first, last = date(year, *start), date(year, *end)
        day = first + timedelta(days=self.rng.randrange((last - first).days + 1))
        while not is_workday(day):
            day += timedelta(days=1)
        return day

    def _visits(self, year: int) -> list[tuple[date, str]]:
        """Visits by pairs of inspectors: spring and autumn for all, a spot or year-end check for some."""
        windows = list(names.CHECK_ROUNDS) + ([names.SPOT_CHECK] if self.rng.random() < 0.5 else []) \
            + ([names.YEAR_END_CHECK] if self.rng.random() < 0.2 else [])
        return [(self._workday(year, *w), "、".join(self.rng.sample(names.INSPECTORS, 2))) for w in windows]

    def _defects(self, unit: DemoUnit, period: str, q: float, visits: list) -> list[dict[str, Any]]:
        # Worse units get a bigger budget of nominal deductions; findings are drawn until it is spent.
        budget = 0.5 + 25 * (1 - q) ** 2
        rows, spent = [], 0.0
        previous = self.defects.get((str(int(period) - 1), unit.code), [])
        for old in previous:  # 屡查屡犯: weak units let last year's problems come back
            if self.rng.random() < 0.3 * (1 - q) and spent < budget:
                rows.append(self._defect(unit, old["code"], old["indicator"], visits, repeat=True))
                spent += 2 * self._nominal(rows[-1])
        while spent < budget:
            code = self._pick_code(unit, q)
            given = self.rng.choice(names.GIVEN_INDICATORS[code]) if code in names.GIVEN_INDICATORS else ""
            rows.append(self._defect(unit, code, given, visits))
            spent += self._nominal(rows[-1])
        return rows

    def _pick_code(self, unit: DemoUnit, q: float) -> str:
        if q < 0.2 and self.rng.random() < 0.06:
            return self.rng.choice(sorted(names.SEVERE))
        # Hospitals, schools and utilities charge fees, so undisclosed fees are found there most.
        weights = {c: w * (3 if c == "FEE_UNDISCLOSED" and unit.type == "public_institution" else 1)
                   for c, (w, _) in names.DEFECTS.items() if c != "REQUEST_MISHANDLED" or unit.type in REQUEST_TYPES}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    @staticmethod
    def _nominal(row: dict[str, Any]) -> float:
        points = names.DEFECTS[row["code"]][1] if row["code"] in names.DEFECTS else names.SEVERE[row["code"]]
        return points * row["count"] * (0.5 if row["corrected_on_spot"] else 1)

    def _defect(self, unit: DemoUnit, code: str, given: str, visits: list, repeat: bool = False) -> dict[str, Any]:
        day, inspector = self.rng.choice(visits)
        count = self.rng.randint(1, 3) if code in names.COUNTED else \
            (2 if code in names.GIVEN_INDICATORS and self.rng.random() < 0.2 else 1)
        on_spot = code in names.ON_THE_SPOT and self.rng.random() < 0.3
        note = self.rng.choice(names.FINDING_NOTES[f"{code}:{given}" if given else code])
        note += "（上年检查已指出，屡查屡犯）" if repeat else ""
        note += "，已当场纠正" if on_spot else ""
        fixed = self.standard.criteria.finding_codes[code].indicator
        return {"unit": unit.code, "date": day.isoformat(), "inspector": inspector, "code": code,
                "indicator": given, "count": count, "corrected_on_spot": on_spot, "note": note,
                "evidence": self.rng.choice(names.EVIDENCE) if self.rng.random() < 0.6 else "",
                "_indicator": given or fixed}  # where it lands, for repeats and self-claims; not written out

    def _event_rows(self, unit: DemoUnit, period: str, visits: list) -> list[dict[str, Any]]:
        rows = []
        for code in self.events.get((period, unit.code), []):
            vetoed = self.standard.criteria.finding_codes[code].kind == "veto"
            day, inspector = self.rng.choice(visits) if vetoed else \
                (self._workday(int(period), *names.AWARDS), names.OFFICE)
            count = self.rng.randint(1, 2) if code == "PRACTICE_PROMOTED" else 1
            rows.append({"unit": unit.code, "date": day.isoformat(), "inspector": inspector, "code": code,
                         "indicator": "", "count": count, "corrected_on_spot": False,
                         "note": self.rng.choice(names.FINDING_NOTES[code]),
                         "evidence": "截图" if vetoed else "表彰文件"})
        return rows

    def _number_findings(self, period: str) -> None:
        # Numbered in the order an inspection log would have them: by date, then unit.
        rows = sorted(self.rows[(period, "findings")], key=lambda r: (r["date"], r["unit"]))
        for number, row in enumerate(rows, 1):
            row["id"] = f"F{period}-{number:04d}"
        self.rows[(period, "findings")] = rows

    def _self_assessments(self, unit: DemoUnit, period: str, q: float, defects: list[dict[str, Any]]) -> None:
        if self.rng.random() > (0.95 if q > 0.3 else 0.6):
            return  # 未开展自查: no self-assessment at all
        found: dict[str, int] = {}
        for row in defects:
            found[row["_indicator"]] = found.get(row["_indicator"], 0) + 1
        honest = 0.5 + 0.45 * q  # how likely a unit admits a problem the inspectors will also find
        for code, indicator in self.standard.indicators.items():
            if (indicator.method != "deduct" or code in NOT_SELF_ASSESSED
                    or not self.standard.applies(code, unit.type) or self.rng.random() < 0.12):
                continue
            claim = self._claim(code, found.get(code, 0), honest)
            self._add(period, "self-assessments", {"unit": unit.code, "indicator": code, "claim": CLAIM_WORDS[claim],
                                                   "note": self.rng.choice(names.SELF_NOTES[claim])})

    def _claim(self, indicator: str, found: int, honest: float) -> str:
        if found and self.rng.random() < honest:
            return "noncompliant" if found >= 3 else "partial"
        roll = self.rng.random()
        if indicator == "C4" and roll < 0.04:
            return "not_applicable"  # claimed 不涉及 on an indicator that applies: flagged, not believed
        return "partial" if roll > 0.97 else "compliant"

    def _survey(self, unit: DemoUnit, period: str, q: float) -> None:
        if "survey" in self.gaps.get(unit.code, ()):
            return
        if unit.name == names.SERVICE_CENTRE and period == "2025":
            seed = names.SEED_SURVEY
            issued, counts = seed["issued"], self._split(seed["favourable"], seed["unsatisfied"], seed["dont_know"])
        else:
            issued = self.rng.randint(*names.SURVEY_ISSUED[unit.type])
            returned = round(issued * self.rng.uniform(0.6, 0.92))
            rate = clamp(0.76 + 0.23 * q + self.rng.gauss(0, 0.02))
            favourable = round(returned * rate)
            unsatisfied = round((returned - favourable) * self.rng.uniform(0.5, 0.8))
            counts = self._split(favourable, unsatisfied, returned - favourable - unsatisfied)
        self._add(period, "survey-issued", {"unit": unit.code, "issued": issued})
        answers = [a for a, n in counts.items() for _ in range(n)]
        self.rng.shuffle(answers)
        for number, answer in enumerate(answers, 1):
            self._add(period, "survey", {"unit": unit.code, "respondent": f"{unit.code}-{number:03d}",
                                         "question": names.SURVEY_QUESTION, "answer": ANSWER_WORDS[answer]})

    def _split(self, favourable: int, unsatisfied: int, dont_know: int) -> dict[str, int]:
        satisfied = round(favourable * self.rng.uniform(0.55, 0.8))
        return {"satisfied": satisfied, "basically_satisfied": favourable - satisfied,
                "unsatisfied": unsatisfied, "dont_know": dont_know}

    def _metrics(self, unit: DemoUnit, period: str, q: float) -> None:
        values: dict[str, int] = {}
        received = self._received(unit)
        rate = clamp(0.9 + 0.1 * q + self.rng.gauss(0, 0.015))
        values["contacts_received"], values["contacts_resolved"] = received, round(received * rate)
        if unit.name == names.SERVICE_CENTRE:
            values["contacts_received"], values["contacts_resolved"] = names.SEED_CONTACTS
        quota = self.standard.criteria.tables.get("info_quota_per_month", {}).get(unit.type)
        if quota:
            values["info_submitted"] = max(0, round(int(quota) * 12 * (0.55 + 0.6 * q + self.rng.gauss(0, 0.08))))
        if unit.name not in names.NO_WINDOW:
            count = self.rng.randint(150, 1500)
            average = min(4.95, 3.5 + 1.4 * q + self.rng.gauss(0, 0.1))
            values["window_ratings_count"], values["window_ratings_sum"] = count, round(count * average)
        for metric, value in values.items():
            if metric not in self.gaps.get(unit.code, ()):
                self._add(period, "metrics", {"unit": unit.code, "metric": metric, "value": value})

    def _received(self, unit: DemoUnit) -> int:
        kind = "busy" if unit.name in names.BUSY else "no_window" if unit.name in names.NO_WINDOW else unit.type
        return self.rng.randint(*names.CONTACTS[kind])

    # ------------------------------------------------------------ rectification during the year

    def rectification_updates(self, store: Store, period: str) -> list[dict[str, Any]]:
        """The year's progress reports (整改情况汇总表): better units close more items, before the deadline."""
        quality = {u.code: u.quality[period] for u in self.units}
        rows = []
        for item in store.rectifications("period = ?", [period]):
            deadline = date.fromisoformat(item["deadline"])
            if self.rng.random() < 0.5 + 0.48 * quality[item["unit"]]:
                done = deadline - timedelta(days=self.rng.randint(0, 10))
                steps = [("in_progress", done - timedelta(days=self.rng.randint(1, 4))), ("rectified", done)]
                if self.rng.random() < 0.5:
                    steps.append(("verified", done + timedelta(days=self.rng.randint(5, 20))))
            else:
                steps = [("in_progress", deadline - timedelta(days=5))] if self.rng.random() < 0.5 else []
            rows += [{"id": item["id"], "status": status_name(status), "note": names.RECTIFY_NOTES[status],
                      "evidence": "整改报告及照片" if status == "rectified" else "", "date": day.isoformat()}
                     for status, day in steps]
        return rows


def is_workday(day: date) -> bool:
    """A mainland-China working day (holidays and 调休 included) when the calendar knows the year."""
    import chinese_calendar  # kept local like scoring.rectify.items does: only dates need it

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


# ---------------------------------------------------------------- files and the workspace


def write_csv(path: Path, headers: dict[str, str], rows: list[dict[str, Any]]) -> Path:
    """A CSV with the importer's Chinese headers (headers: Chinese → field), UTF-8 with BOM as Excel saves it."""
    chinese = {field_: name for name, field_ in headers.items()}  # the last Chinese name of each field
    columns = [c for c in chinese if any(c in r for r in rows)]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([chinese[c] for c in columns])
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def write_inputs(city: City, directory: Path) -> list[tuple[str, Path]]:
    """(kind, file) in import order: units first, then each period's files."""
    directory.mkdir(parents=True, exist_ok=True)
    units = [{"code": u.code, "name": u.name, "type": u.type, "parent": u.parent} for u in city.units]
    files = [("units", write_csv(directory / "units.csv", HEADERS["units"], units))]
    for period in PERIODS:
        for kind in KINDS:
            rows = city.rows[(period, kind)]
            files.append((kind, write_csv(directory / f"{kind}-{period}.csv", HEADERS[kind], rows)))
    return files


def fresh_workspace(db: Path, standard: Standard, seed: int) -> Store:
    """A new workspace at db (an old one is deleted first) with the standard and the demo's periods."""
    store = create_workspace(db, standard, fresh=True)
    store.audit("demo", target=str(db), sha256=standard.content_hash, seed=seed)
    add_periods(store, list(PERIODS))
    return store


def run_demo(out: Path, seed: int = DEFAULT_SEED, progress: Callable[[int], None] | None = None) -> DemoResult:
    """Generate the city, write its inputs to out/inputs, import them into out/demo.db and score both years.

    The findings' rectification items are issued as they are imported; the units' progress reports
    (inputs/rectifications-YEAR.csv) then go through the rectification importer, and each year is
    scored once, in which only the items still open past their deadline cost points.
    """
    step = progress or (lambda n: None)
    standard = load_default()
    city = City(seed, standard)
    city.generate()
    inputs, db = out / "inputs", out / "demo.db"
    files = write_inputs(city, inputs)
    store = fresh_workspace(db, standard, seed)
    runs: list[RunSummary] = []
    try:
        for kind, path in files:
            import_file(store, standard, kind, path, after_write=after_import(store, standard))
            step(1)
        for period in PERIODS:
            updates = inputs / f"rectifications-{period}.csv"
            import_updates(store, write_csv(updates, UPDATE_HEADERS, city.rectification_updates(store, period)))
            files.append(("rectifications", updates))
            step(1)
            runs.append(run_period(store, standard, period))
            step(1)
    finally:
        store.close()
    return DemoResult(out, inputs, db, [path for _, path in files], runs)
