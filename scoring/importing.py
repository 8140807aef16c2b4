"""Import input files: read, validate every row (pydantic + the workspace's names), then write all or nothing.

Problems are reported as `FILE:ROW: column: reason`, with the row number a spreadsheet user
sees (the header is row 1), and the nearest known value suggested for unknown names.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from scoring.models import ROW_MODELS, Row
from scoring.periods import PeriodError, parse_period
from scoring.standard import Standard
from scoring.store import INPUT_TABLES, Store

# Column names users may write, in Chinese or English, for each kind (see design/interfaces.md).
HEADERS: dict[str, dict[str, str]] = {
    "units": {"单位编码": "code", "单位名称": "name", "单位类型": "type", "分组": "group", "上级单位": "parent"},
    "findings": {"编号": "id", "单位编码": "unit", "考核周期": "period", "检查日期": "date", "检查人": "inspector",
                 "问题代码": "code", "指标": "indicator", "数量": "count", "当场纠正": "corrected_on_spot",
                 "问题描述": "note", "佐证": "evidence"},
    "self-assessments": {"单位编码": "unit", "考核周期": "period", "指标": "indicator", "自评结论": "claim",
                         "说明": "note", "佐证": "evidence"},
    "survey": {"单位编码": "unit", "考核周期": "period", "答卷编号": "respondent", "题目": "question", "答案": "answer"},
    "survey-issued": {"单位编码": "unit", "考核周期": "period", "发放份数": "issued"},
    "metrics": {"单位编码": "unit", "考核周期": "period", "指标项": "metric", "数值": "value"},
}
SNIFF_BYTES = 1 << 16


class ImportFailed(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportResult:
    kind: str
    file: str
    rows: int
    written: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    rejected_file: str | None = None
    dry_run: bool = False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 (Excel/WPS on Chinese Windows)."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut by the sample's end
            return "utf-8"
        return "gb18030"


def read_records(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a spreadsheet shows it, raw record) for CSV, JSON (a list) and JSON Lines files."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.loads(path.read_text(encoding=encoding or "utf-8-sig"))
        if not isinstance(data, list):
            raise ImportFailed([f"{path.name}: a JSON input is a list of objects"])
        for index, item in enumerate(data, start=1):
            yield index, item if isinstance(item, dict) else {"": item}
        return
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding=encoding or "utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    yield number, json.loads(line)
        return
    with path.open(encoding=encoding or detect_encoding(path), newline="") as fh:
        reader = csv.DictReader(fh)
        for record in reader:
            yield reader.line_num, record


def normalise_header(kind: str, name: str) -> str:
    name = (name or "").strip().lstrip("\ufeff")
    return HEADERS[kind].get(name, name.lower())


def suggest(value: str, known: Any) -> str:
    close = difflib.get_close_matches(str(value), [str(k) for k in known], n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else ""


@dataclass
class Names:
    """What the workspace knows, to check references in rows."""

    standard: Standard
    units: set[str]
    periods: set[str]


def reference_problems(kind: str, row: Row, names: Names) -> list[tuple[str, str]]:
    """(column, reason) for every name in the row that the workspace does not know."""
    problems: list[tuple[str, str]] = []
    criteria = names.standard.criteria
    if kind == "units":
        if row.type not in criteria.unit_types:
            problems.append(("type", f"unknown unit type {row.type!r}{suggest(row.type, criteria.unit_types)} "
                                     f"(known: {', '.join(criteria.unit_types)})"))
        return problems
    if row.unit not in names.units:
        problems.append(("unit", f"unknown unit {row.unit!r}{suggest(row.unit, names.units)}; import it with "
                                 f"`scoring import units` first"))
    period = getattr(row, "period", None)
    try:
        if parse_period(period).code not in names.periods:
            problems.append(("period", f"unknown period {period!r}{suggest(period, names.periods)}; add it with "
                                       f"`scoring period add {period}`"))
    except PeriodError as exc:
        problems.append(("period", str(exc)))
    if kind == "findings":
        problems += _finding_problems(row, names)
    elif kind == "self-assessments" and row.indicator not in names.standard.indicators:
        problems.append(("indicator", f"unknown indicator {row.indicator!r}{suggest(row.indicator, names.standard.indicators)}"))
    elif kind == "metrics" and row.metric not in criteria.metrics:
        problems.append(("metric", f"unknown metric {row.metric!r}{suggest(row.metric, criteria.metrics)} "
                                   f"(known: {', '.join(criteria.metrics)})"))
    return problems


def _finding_problems(row: Row, names: Names) -> list[tuple[str, str]]:
    codes = names.standard.criteria.finding_codes
    if row.code not in codes:
        return [("code", f"unknown finding code {row.code!r}{suggest(row.code, codes)}")]
    code = codes[row.code]
    if code.indicator == "given":
        if not row.indicator:
            return [("indicator", f"code {row.code} needs the indicator it concerns (for example C3)")]
        if row.indicator not in names.standard.indicators:
            return [("indicator", f"unknown indicator {row.indicator!r}{suggest(row.indicator, names.standard.indicators)}")]
    elif row.indicator and row.indicator != code.indicator:
        fixed = code.indicator or "no indicator (it is an event)"
        return [("indicator", f"code {row.code} always concerns {fixed}; leave the column empty or write {code.indicator or ''}".rstrip())]
    try:
        period = parse_period(row.period)
    except PeriodError:
        return []
    if not period.contains(row.date):
        return [("date", f"{row.date} is outside period {period.code} ({period.start} to {period.end})")]
    return []


def to_record(kind: str, row: Row, standard: Standard) -> dict[str, Any]:
    """The row as the store keeps it."""
    data = row.model_dump()
    if "period" in data:
        data["period"] = parse_period(data["period"]).code
    if kind == "units":
        data["ranking_group"] = data.pop("group") or data["type"]
    elif kind == "findings":
        code = standard.criteria.finding_codes[row.code]
        data["indicator"] = row.indicator if code.indicator == "given" else code.indicator
        data["date"] = row.date.isoformat()
        data["corrected_on_spot"] = int(row.corrected_on_spot)
        if not data["id"]:
            content = json.dumps({k: v for k, v in data.items() if k != "id"}, sort_keys=True, ensure_ascii=False)
            data["id"] = "H-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    elif kind == "metrics":
        data["value"] = format(row.value.normalize(), "f")
    return data


def validate_file(kind: str, path: Path, names: Names, encoding: str | None = None):
    """Return (valid records with their row numbers, problems) for a whole file."""
    model = ROW_MODELS[kind]
    valid: list[tuple[int, dict[str, Any]]] = []
    problems: list[tuple[int, str, str]] = []
    seen: dict[tuple, int] = {}
    key = INPUT_TABLES[kind][1]
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    checked_header = False
    try:
        for number, record in read_records(path, encoding):
            raw = {normalise_header(kind, k): v for k, v in record.items() if k is not None}
            if not checked_header:
                checked_header = True
                missing = sorted(required - set(raw))
                if missing:
                    wanted = {v: k for k, v in HEADERS[kind].items()}
                    names_ = ", ".join(f"{m} [{wanted.get(m, m)}]" for m in missing)
                    raise ImportFailed([f"{path.name}:1: missing column(s): {names_}"])
            unknown = [k for k in raw if k not in model.model_fields]
            if unknown:
                problems.append((number, unknown[0], f"unknown column; expected one of {', '.join(model.model_fields)}"))
                continue
            try:
                row = model.model_validate({k: v for k, v in raw.items() if v is not None})
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    column = ".".join(str(p) for p in err["loc"]) or "row"
                    problems.append((number, column, err["msg"].removeprefix("Value error, ")))
                continue
            bad = reference_problems(kind, row, names)
            if bad:
                problems.extend((number, column, reason) for column, reason in bad)
                continue
            stored = to_record(kind, row, names.standard)
            identity = tuple(stored[k] for k in key)
            if identity in seen:
                problems.append((number, key[0] if len(key) == 1 else "+".join(key),
                                 f"duplicate of row {seen[identity]} ({', '.join(map(str, identity))})"))
                continue
            seen[identity] = number
            valid.append((number, stored))
    except UnicodeDecodeError as exc:
        raise ImportFailed([f"{path.name}: cannot decode the file ({exc.reason}); give --encoding (utf-8 or gb18030)"])
    except (json.JSONDecodeError, csv.Error) as exc:
        raise ImportFailed([f"{path.name}: not a readable {path.suffix.lstrip('.') or 'csv'} file: {exc}"])
    if not checked_header:
        raise ImportFailed([f"{path.name}: the file has no rows to import"])
    return valid, [f"{path.name}:{n}: {c}: {r}" for n, c, r in problems], {n for n, _, _ in problems}


def import_file(store: Store, standard: Standard, kind: str, path: Path, *, replace: bool = False,
                skip_invalid: bool = False, dry_run: bool = False, encoding: str | None = None) -> ImportResult:
    names = Names(standard, store.unit_codes(), set(store.period_codes()))
    valid, problems, bad_rows = validate_file(kind, path, names, encoding)
    result = ImportResult(kind, str(path), len(valid) + len(bad_rows), rejected=problems, dry_run=dry_run)
    if problems and not skip_invalid:
        raise ImportFailed(problems)
    if problems:
        result.rejected_file = str(write_rejected(path, problems))
    if dry_run:
        result.written = {"would_write": len(valid)}
        return result
    digest = sha256_of(path)
    with store.transaction():
        result.written = store.write_rows(kind, [r for _, r in valid], replace=replace)
        store.audit(f"import {kind}", target=path.name, sha256=digest, rows=len(valid), rejected=len(bad_rows),
                    replace=replace, **result.written)
    return result


def write_rejected(path: Path, problems: list[str]) -> Path:
    target = path.with_name(path.name + ".rejected.csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "row", "column", "reason"])
    for problem in problems:
        file_row, column, reason = problem.split(": ", 2)
        file_name, row = file_row.rsplit(":", 1)
        writer.writerow([file_name, row, column, reason])
    target.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return target
