"""Reading XLSX workbooks for import, bounded: the zip directory is checked before openpyxl opens it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

from scoring.i18n import _
from scoring.inputs.cells import ReadError, cell_problem, check_header, column_letter, where

MAX_XLSX_ENTRIES = 10_000
MAX_XLSX_UNCOMPRESSED = 2 * 1024 ** 3  # the whole workbook, as its zip directory declares it
MAX_XLSX_SHARED_STRINGS = 256 * 1024 ** 2  # openpyxl holds the shared strings in memory
MAX_XLSX_RATIO = 200  # real sheets compress 5-20 times; deflate's limit is about 1000
XLSX_RATIO_FROM = 16 * 1024 ** 2  # ratios are judged only for members larger than this


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.0f} {unit}"
        n /= 1024
    raise AssertionError


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose zip directory promises too much: checked before openpyxl opens it.

    The declared sizes are binding: Python's zip reader stops a member at its declared size and
    fails its CRC, so a directory that lies about sizes cannot expand further than it says.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError([f"{path.name}: " + _("not a readable XLSX workbook ({error}); save it again from Excel or WPS",
                                             error=exc)]) from None
    if len(members) > MAX_XLSX_ENTRIES:
        raise ReadError([f"{path.name}: " + _(
            "a zip of {count} files is not a workbook (at most {most}); save the data again from Excel or WPS, or as CSV",
            count=len(members), most=MAX_XLSX_ENTRIES)])
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError([f"{path.name}: " + _(
            "the workbook would expand to {size} (at most {most}); refused: save the data as CSV, or split it",
            size=_size(total), most=_size(MAX_XLSX_UNCOMPRESSED))])
    for m in members:
        if m.file_size > XLSX_RATIO_FROM and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            raise ReadError([f"{path.name}: " + _(
                "{member} would expand from {packed} to {size} (more than {ratio} times): refused as a likely zip bomb; "
                "save the data again from Excel or WPS, or as CSV",
                member=m.filename, packed=_size(m.compress_size), size=_size(m.file_size), ratio=MAX_XLSX_RATIO)])
        if m.filename.lower().endswith("sharedstrings.xml") and m.file_size > MAX_XLSX_SHARED_STRINGS:
            raise ReadError([f"{path.name}: " + _(
                "its shared strings would take {size} of memory (at most {most}); save the data as CSV",
                size=_size(m.file_size), most=_size(MAX_XLSX_SHARED_STRINGS))])


def read_xlsx(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    """The first sheet, or --sheet. A hidden first sheet is refused: it is not what the user sees first."""
    _check_zip(path)
    from openpyxl import load_workbook  # only XLSX input needs it

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file; all mean the same
        raise ReadError([f"{path.name}: " + _("not a readable XLSX workbook ({error}); save it again from Excel or WPS",
                                             error=f"{type(exc).__name__}: {exc}")]) from None
    number = 1
    saved: SavedValues | None = None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ReadError([f"{path.name}: " + _("no sheet {sheet!r}; give --sheet one of: {sheets}",
                                                 sheet=sheet, sheets=", ".join(book.sheetnames))])
        if not book.worksheets:
            raise ReadError([f"{path.name}: " + _("the workbook has no worksheet; put the data on a sheet "
                                                 "and save it again")])
        ws = book[sheet] if sheet else book.worksheets[0]
        if sheet is None and getattr(ws, "sheet_state", "visible") != "visible":
            visible = [w.title for w in book.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
            raise ReadError([f"{path.name}: " + _(
                "refused: the first sheet {sheet!r} is hidden, so it is not what Excel shows; give --sheet NAME "
                "to choose a sheet (visible: {visible})", sheet=ws.title, visible=", ".join(visible) or "-")])
        # Read-only mode trusts the sheet's declared dimension; some programs write a wrong one, and
        # rows past it would be dropped without a word. Read to the last row actually there.
        ws.reset_dimensions()
        saved = SavedValues(path, ws.title)
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        names = [str(h).strip() if h is not None else "" for h in header]
        for name in names:
            reason = cell_problem(name)
            if reason:
                raise ReadError([where(path.name, 1, header=True) + reason])
        check_header(path, names)
        last = max((i for i, n in enumerate(names) if n), default=-1)
        if any(not n for n in names[:last]):
            raise ReadError([where(path.name, 1, header=True) + _(
                "an empty header cell between columns (merged header cells?); give every column one name in row 1")])
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or v == "" for v in values):
                continue
            record = {}
            for index, value in enumerate(values):
                name = names[index] if index < len(names) else ""
                if not name:
                    if value is None or value == "":
                        continue
                    raise ReadError([where(path.name, number, letter=column_letter(index)) + _(
                        "a value under a column without a header (merged header cells? a title above the "
                        "header?); row 1 must give every column one name")])
                if isinstance(value, str):
                    if value.startswith("="):
                        value = saved.value(number, index, name, value)
                if isinstance(value, str):
                    reason = cell_problem(value)
                    if reason:
                        raise ReadError([where(path.name, number, name) + reason])
                record[name] = _cell(value)
            yield number, record
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken sheet inside a well-formed zip (bad XML, bad cell)
        raise ReadError([where(path.name, number) + _(
            "not readable ({error}); save the workbook again from Excel or WPS",
            error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}")]) from None
    finally:
        book.close()
        if saved is not None:
            saved.close()


# Columns of free text (a note, evidence, a person's or a unit's name): a formula with no saved value
# is kept as its text there (exports neutralise it); any other column's value must be known.
FREE_TEXT = frozenset({"note", "evidence", "inspector", "name", "问题描述", "说明", "佐证", "检查人", "单位名称",
                       "整改情况"})


class SavedValues:
    """The values Excel or WPS saved with a sheet's formulas (openpyxl data_only=True), read only when a
    formula is met: a second read-only pass over the same sheet, kept in step with the first."""

    def __init__(self, path: Path, title: str):
        self.path, self.title = path, title
        self._book = None
        self._rows: Iterator[tuple] | None = None
        self._at, self._row = 0, ()

    def value(self, number: int, index: int, name: str, formula: str) -> Any:
        row = self._row_at(number)
        saved = row[index] if index < len(row) else None
        if saved is not None and saved != "":
            return saved
        if name.strip().lower() in FREE_TEXT or name.strip() in FREE_TEXT:
            return formula
        raise ReadError([where(self.path.name, number, name) + _(
            "the formula {formula} has no saved value (the file was not saved by Excel or WPS); open the file "
            "in Excel or WPS, save it and import it again", formula=formula[:30])])

    def _row_at(self, number: int) -> tuple:
        if self._rows is None:
            from openpyxl import load_workbook

            self._book = load_workbook(self.path, read_only=True, data_only=True)
            sheet = self._book[self.title]
            sheet.reset_dimensions()
            self._rows = sheet.iter_rows(min_row=number, values_only=True)
            self._at = number - 1
        while self._at < number:
            self._row = next(self._rows, None) or ()
            self._at += 1
        return self._row

    def close(self) -> None:
        if self._book is not None:
            self._book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (date, int, float, str)) or value is None:
        return value
    return str(value)
