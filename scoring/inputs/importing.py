"""Import input files: read, validate every row (pydantic + the workspace's names), then write all or nothing.

Problems are reported as `FILE:ROW: column: reason`, with the row number a spreadsheet user
sees (the header is row 1), and the nearest known value suggested for unknown names.
"""

from __future__ import annotations

import csv
import hashlib
import json
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from scoring.exports import safe_cell
from scoring.i18n import NP_, _, current_lang, label, label_table
from scoring.inputs.models import ROW_MODELS, Row
from scoring.inputs.objects import workspace_objects
from scoring.inputs.canonical import CanonicalFindings
from scoring.inputs.judged import judged_record
from scoring.inputs.questionnaires import classify, is_wide, long_rows
from scoring.inputs.cells import column_label, column_letter, where
from scoring.inputs.reasons import reason
# Names and reference_problems are imported from here by the web's forms and the tests.
from scoring.inputs.references import Names, _period, raw_name_problems, reference_problems  # noqa: F401
from scoring.inputs.readers import ReadError, read_records
from scoring.standard import Standard
from scoring.inputs.staging import staging
from scoring.store import Store
from scoring.store.lifecycle import check_unlocked
from scoring.store.tables import INPUT_TABLES

# Column names users may write, in Chinese or English, for each kind (see design/interfaces.md).
HEADERS: dict[str, dict[str, str]] = {
    "units": {"单位编码": "code", "单位名称": "name", "单位类型": "type", "分组": "group", "上级单位": "parent"},
    "findings": {"编号": "id", "单位编码": "unit", "考核周期": "period", "检查日期": "date", "检查人": "inspector",
                 "问题代码": "code", "指标": "indicator", "数量": "count", "当场纠正": "corrected_on_spot",
                 "问题描述": "note", "佐证": "evidence", "对象编码": "object"},
    "self-assessments": {"单位编码": "unit", "考核周期": "period", "指标": "indicator", "自评结论": "claim",
                         "说明": "note", "佐证": "evidence"},
    "survey": {"单位编码": "unit", "考核周期": "period", "答卷编号": "respondent", "题目": "question", "答案": "answer"},
    "survey-issued": {"单位编码": "unit", "考核周期": "period", "发放份数": "issued"},
    "metrics": {"单位编码": "unit", "考核周期": "period", "指标项": "metric", "数值": "value"},
    "records": {"编号": "id", "单位编码": "unit", "考核周期": "period", "记录类型": "kind", "栏目": "column_name",
                "column": "column_name", "栏目类型": "column_type", "标题": "title", "日期": "date",
                "形成日期": "formed", "公开日期": "published", "答复日期": "replied", "数值": "value",
                "是否正常": "ok", "数量": "count", "说明": "note", "佐证": "evidence", "对象编码": "object"},
    "objects": {"对象编码": "code", "单位编码": "unit", "对象类型": "kind", "对象名称": "name", "网址或账号": "address",
                "具有对外服务职能": "serves_public", "在用": "active"},
    "judged": {"编号": "id", "单位编码": "unit", "考核周期": "period", "指标": "indicator", "对象编码": "object",
               "评定分值": "points", "评定单位或评定人": "assessor", "评定单位": "assessor", "评定人": "assessor",
               "评定说明": "note", "佐证": "evidence"},
}


# The columns a file of rejected rows adds: the row number and why the row was refused.
REJECTED = label_table(NP_("rejected.row", "row"), NP_("rejected.reason", "reason"))


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
    ignored_columns: list[str] = field(default_factory=list)
    orders: dict[str, int] = field(default_factory=dict)  # rectification items issued/withdrawn (findings)


# Called inside an import's transaction with the kind and the (unit, period) pairs the file wrote:
# the engine layer passes one that issues the findings' rectification orders (scoring.engine.orders).
AfterWrite = Callable[[str, set[tuple[str, str]]], "dict[str, int] | None"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_header(kind: str, name: str) -> str:
    name = (name or "").strip().lstrip("\ufeff")
    return HEADERS[kind].get(name, name.lower())


def to_record(kind: str, row: Row, standard: Standard) -> dict[str, Any]:
    """The row as the store keeps it."""
    data = dict(row.__dict__)  # the fields as validated: what model_dump() gives for these flat rows, faster
    if "period" in data:
        data["period"] = _period(data["period"]).code
    if kind == "units":
        data["type"] = standard.unit_type_words.code(row.type)  # 市直部门 is stored as city_department
        data["ranking_group"] = data.pop("group") or data["type"]
    elif kind == "findings":
        data["code"] = standard.finding_code_words.code(row.code)  # 内容陈旧、更新不及时 as CONTENT_STALE
        code = standard.criteria.finding_codes[data["code"]]
        data["indicator"] = standard.indicator_words.code(row.indicator) if code.indicator == "given" else code.indicator
        data["date"] = row.date.isoformat()
        data["corrected_on_spot"] = int(row.corrected_on_spot)
        if not data["id"]:
            data["id"] = _content_id(data)
    elif kind == "self-assessments":
        data["indicator"] = standard.indicator_words.code(row.indicator)  # by code or by its Chinese name
    elif kind == "metrics":
        data["value"] = format(row.value.normalize(), "f")
    elif kind == "records":
        for name in ("date", "formed", "published", "replied"):
            data[name] = data[name].isoformat() if data[name] else None
        data["value"] = None if row.value is None else format(row.value.normalize(), "f")
        data["ok"] = None if row.ok is None else int(row.ok)
        if not data["id"]:
            data["id"] = _content_id(data)
    elif kind == "objects":
        data["kind"] = standard.object_kind_words.code(row.kind)  # 政府网站 is stored as website
        data["serves_public"] = int(row.serves_public)
        data["active"] = int(row.active)
    elif kind == "judged":
        data.update(judged_record(row))
    return data


def _content_id(data: dict[str, Any]) -> str:
    """An id from a row's content, for rows given without one. A row naming no object hashes as it did
    before rows could name one, so re-importing an older file stays idempotent."""
    content = json.dumps({k: v for k, v in data.items() if k != "id" and not (k == "object" and v is None)},
                         sort_keys=True, ensure_ascii=False)
    return "H-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


@dataclass
class Checked:
    kind: str = ""
    valid: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # field -> its header as the file writes it
    rejected: dict[int, dict[str, Any]] = field(default_factory=dict)  # row number -> the row as read
    ignored_columns: list[str] = field(default_factory=list)


def source_records(kind: str, path: Path, encoding: str | None, sheet: str | None, unit: str | None,
                   period: str | None, checked: Checked):
    """Records in the kind's columns; a questionnaire platform's wide export becomes long rows first."""
    records = read_records(path, encoding, sheet)
    if kind != "survey" or not (unit and period):
        return records
    rows = list(records)
    if not rows or not is_wide(rows[0][1]):
        return iter(rows)
    wide = classify(rows)
    checked.ignored_columns = wide.ignored
    if not wide.questions:
        raise ImportFailed([f"{path.name}: " + _("no column holds satisfaction answers (满意/基本满意/不满意/不了解)")])
    return iter(long_rows(wide, unit, period))


def checked_rows(kind: str, path: Path, names: Names, checked: Checked, **source: Any):
    """Yield (row number, raw record, stored record or None, problems) for every row, streaming.

    Each row is validated once: the model that `_row_problems` built is the one stored.
    """
    model = ROW_MODELS[kind]
    fields = frozenset(model.model_fields)
    seen: dict[tuple, int] = {}
    key = INPUT_TABLES[kind][1]
    identify = operator.itemgetter(*key)  # a row's key: the value itself when it is one column
    required = {n for n, f in model.model_fields.items() if f.is_required()}
    header: tuple = ()  # the record's keys as written, and the columns they name: the same on every row
    named: tuple[str, ...] = ()
    header_checked = False
    canonical = CanonicalFindings(names, _period, _content_id) if kind == "findings" else None
    fast = None  # the fast path, for a header naming only the model's fields
    as_named = False
    try:
        for number, record in source_records(kind, path, checked=checked, **source):
            keys = tuple(record)
            if keys != header:
                header = keys
                named = tuple(normalise_header(kind, k) if k is not None else None for k in keys)
                checked.written = {n: str(k).strip().lstrip("\ufeff") for n, k in zip(named, keys) if n is not None}
                _check_aliases(kind, path, keys, named)
                fast = canonical if canonical is not None and set(named) - {None} <= fields else None
                as_named = named == keys and None not in keys
            if as_named:  # columns under their fields' own names, as in most files: the record is the row
                raw = record  # (neither is ever changed)
            else:
                raw = dict(zip(named, record.values()))
                if None in raw:
                    del raw[None]
            if not header_checked:
                header_checked = True
                _check_header(kind, path, required, raw)
            stored = fast.record(raw) if fast is not None else None
            problems: list | tuple = ()
            if stored is None:
                problems, row = _row_problems(kind, model, fields, raw, names)
                if not problems:
                    stored = to_record(kind, row, names.standard)
            if stored is not None:
                identity = identify(stored)
                first = seen.setdefault(identity, number)
                if first != number:
                    problems = [(key[0] if len(key) == 1 else "+".join(key),
                                 _("duplicate of row {row} ({key})", row=first,
                                   key=", ".join(map(str, identity if len(key) > 1 else (identity,)))))]
                    stored = None
            yield number, record, stored, problems
    except ReadError as exc:
        raise ImportFailed(exc.problems) from None
    if not header_checked:
        raise ImportFailed([f"{path.name}: " + _("the file has a header but no rows to import")])


def validate_file(kind: str, path: Path, names: Names, keep: Callable[[list[dict[str, Any]]], None] | None = None,
                  progress: Callable[[int], None] | None = None, **source: Any) -> Checked:
    """Check every row of a file, holding only the problems; valid records go to `keep`, in batches, if given."""
    checked = Checked(kind)
    batch: list[dict[str, Any]] = []
    valid = 0
    for seen, (number, record, stored, problems) in enumerate(checked_rows(kind, path, names, checked, **source), 1):
        if progress is not None and seen % BATCH == 0:
            progress(seen)
        if stored is not None:
            valid += 1
            if keep is not None:
                batch.append(stored)
                if len(batch) >= BATCH:
                    keep(batch)
                    batch = []
        else:
            checked.problems.extend((number, column, reason) for column, reason in problems)
            checked.rejected[number] = record
    if keep is not None and batch:
        keep(batch)
    checked.valid = valid
    return checked


def _present(raw: dict[str, Any]) -> dict[str, Any]:
    # Most records have a value in every cell: checked at C speed before copying.
    return {k: v for k, v in raw.items() if v is not None} if None in raw.values() else raw


def _check_aliases(kind: str, path: Path, keys: tuple, named: tuple) -> None:
    """A Chinese and an English header for one field (单位编码 and unit) are one column given twice:
    the row would silently keep only the last one's value, perhaps another unit's."""
    first: dict[str, int] = {}
    for index, given in enumerate(named):
        if given is None:
            continue
        if given in first:
            earlier = first[given]
            raise ImportFailed([where(path.name, 1, header=True) + _(
                "columns {first!r} ({first_letter}) and {second!r} ({second_letter}) both give {field!r}; keep one of them",
                first=keys[earlier], first_letter=column_letter(earlier), second=keys[index],
                second_letter=column_letter(index), field=column_label(given, None, HEADERS[kind]))])
        first[given] = index


def _check_header(kind: str, path: Path, required: set[str], raw: dict[str, Any]) -> None:
    missing = sorted(required - set(raw))
    if missing:
        if current_lang() == "zh":
            listed = "、".join(f"「{column_label(m, None, HEADERS[kind])}」" for m in missing)
        else:
            wanted = {v: k for k, v in HEADERS[kind].items()}
            listed = ", ".join(f"{m} [{wanted.get(m, m)}]" for m in missing)
        raise ImportFailed([where(path.name, 1, header=True) + _("missing column(s) {columns}", columns=listed)])


def _known_columns(kind: str, model: type[Row]) -> str:
    """The columns a kind's file may have: by their Chinese headers in Chinese, their field names in English."""
    if current_lang() != "zh":
        return ", ".join(model.model_fields)
    return "、".join(column_label(name, None, HEADERS[kind]) for name in model.model_fields)


def _row_problems(kind: str, model: type[Row], fields: frozenset[str], raw: dict[str, Any],
                  names: Names) -> tuple[list[tuple[str, str]], Row | None]:
    """(problems, the validated row): the row is None when it does not validate."""
    unknown = [k for k in raw if k not in fields]
    if unknown:
        return [(unknown[0], _("unknown column; expected one of {columns}", columns=_known_columns(kind, model)))], None
    try:
        row = model.model_validate(_present(raw))
    except ValidationError as exc:
        problems = [(".".join(str(p) for p in err["loc"]) or "row", reason(err, HEADERS.get(kind)))
                    for err in exc.errors(include_url=False)]
        return problems + raw_name_problems(kind, raw, names, {column for column, _ in problems}), None
    return reference_problems(kind, row, names), row


BATCH = 5000


def import_file(store: Store, standard: Standard, kind: str, path: Path, *, replace: bool = False,
                skip_invalid: bool = False, dry_run: bool = False, encoding: str | None = None,
                sheet: str | None = None, unit: str | None = None, period: str | None = None,
                progress: Callable[[int], None] | None = None, after_write: AfterWrite | None = None) -> ImportResult:
    """Validate the whole file, then (if allowed) write it in one transaction; `progress` hears rows checked.

    One streaming pass reads and validates every row once, holding only the problems; the
    valid records go to a staging table in SQLite's temporary database, not into memory, and
    nothing reaches the workspace until the whole file is known to be good. The write is then
    done by SQLite from the staging table (compare, count, insert or replace), in file order.
    """
    names = Names(standard, store.unit_codes(), set(store.period_codes()), workspace_objects(store),
                  {r["code"]: r["type"] for r in store.query("select code, type from units")} if kind == "judged" else {})
    source = {"encoding": encoding, "sheet": sheet, "unit": unit, "period": period}
    with staging(store, kind) as staged:
        checked = validate_file(kind, path, names, None if dry_run else staged.add, progress, **source)
        problems = [where(path.name, n, column_label(c, checked.written, HEADERS[kind])) + r
                    for n, c, r in checked.problems]
        result = ImportResult(kind, str(path), checked.valid + len(checked.rejected), rejected=problems,
                              dry_run=dry_run, ignored_columns=checked.ignored_columns)
        if problems and not skip_invalid:
            raise ImportFailed(problems)
        if problems and not dry_run:
            result.rejected_file = str(write_rejected(path, checked))
        if dry_run:
            result.written = {"would_write": checked.valid}
            return result
        digest = sha256_of(path)
        totals = {"new": 0, "changed": 0, "unchanged": 0, "replaced": 0}
        with store.transaction():
            pairs = staged.unit_periods()
            check_unlocked(store, {period for _, period in pairs if period})  # 公示 and final periods take no input
            if replace:
                totals["replaced"] = store.clear_unit_periods(kind, pairs)
            _add(totals, staged.write())
            result.written = totals
            if after_write is not None:
                result.orders = after_write(kind, pairs) or {}
            store.audit(f"import {kind}", target=path.name, sha256=digest, rows=checked.valid,
                        rejected=len(checked.rejected), replace=replace, **totals,
                        **{f"rectify_{k}": v for k, v in result.orders.items()})
    return result


def _add(totals: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        totals[k] += v


def write_rejected(path: Path, checked: Checked) -> Path:
    """The rejected rows as they were read, each with its row number and every reason, for fixing and re-import."""
    target = path.with_name(path.name + ".rejected.csv")
    reasons: dict[int, list[str]] = {}
    for number, column, why in checked.problems:
        reasons.setdefault(number, []).append(_("{column}: {reason}", column=column_label(
            column, checked.written, HEADERS[checked.kind]), reason=why))
    columns: list[str] = []
    for record in checked.rejected.values():
        columns.extend(c for c in record if c not in columns)
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([label(REJECTED, "row"), *(safe_cell(str(c)) for c in columns), label(REJECTED, "reason")])
        for number, record in sorted(checked.rejected.items()):
            cells = [safe_cell("" if record.get(c) is None else str(record.get(c))) for c in columns]
            writer.writerow([number, *cells, safe_cell("; ".join(reasons[number]))])
    return target
