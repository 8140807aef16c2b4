"""`scoring codes`: the words a person may write in a file or form, with their Chinese names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scoring.cli.common import criteria_option, db_option, lang_option, translate_errors, workspace
from scoring.cli.output import emit, format_option
from scoring.i18n import N_, NP_, STATUS_NAMES, _, label as _label, label_table
from scoring.standard.vocabulary import (ANSWER_NAMES, ANSWERS, CLAIM_NAMES, CLAIM_SYNONYMS, CLAIMS, STATUS_SYNONYMS,
                                         STATUS_WORDS)
from scoring.standard.words import NAME_SYNONYMS

if TYPE_CHECKING:  # the library is imported where a command uses it (common.py says why)
    from scoring.standard import Standard

KINDS = ("unit-types", "finding-codes", "indicators", "metrics", "flags", "object-kinds", "claims", "answers", "statuses")
COLUMNS = ("kind", "code", "name", "name_en", "also", "detail")
HEADERS = (N_("Kind"), N_("Code"), N_("Name"), N_("English name"), N_("Also accepted"), N_("Detail"))
KIND_NAMES = label_table(
    NP_("codes.unit-types", "unit type"), NP_("codes.finding-codes", "finding code"), NP_("codes.indicators", "indicator"),
    NP_("codes.metrics", "metric"), NP_("codes.flags", "flag"), NP_("codes.object-kinds", "object kind"),
    NP_("codes.claims", "self-assessment claim"),
    NP_("codes.answers", "survey answer"), NP_("codes.statuses", "rectification status"),
)
FINDING_KINDS = label_table(NP_("finding.defect", "deduction"), NP_("finding.bonus", "bonus"), NP_("finding.veto", "veto"))


@click.command("codes")
@click.option("--kind", "-k", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only these lists (repeatable); default all.")
@criteria_option
@format_option
@lang_option
@db_option
@translate_errors
def codes(kinds: tuple[str, ...], criteria_dir: str | None, fmt: str, lang: str, db: str | None) -> None:
    """List the codes and names files and forms accept: unit types, finding codes, indicators,
    metrics, flags, self-assessment claims, survey answers and rectification statuses.

    Any of them may be written by its code or its Chinese name (or a listed synonym). The
    standard is the one given with --criteria, else the workspace's, else the shipped default.
    JSON and CSV keep the codes, for scripts.

    Example:

        scoring codes --kind finding-codes
    """
    rows = code_rows(_standard(criteria_dir, db), kinds or KINDS, lang, fmt != "table")
    emit(rows, COLUMNS, fmt, [_(h, lang) for h in HEADERS] if fmt == "table" else None)


def _standard(criteria_dir: str | None, db: str | None) -> Standard:
    from scoring.standard import load_default
    from scoring.standard.loader import load_standard_dir
    from scoring.store import resolve_path
    from scoring.store.workspace import standard_for

    if criteria_dir:
        return load_standard_dir(Path(criteria_dir))
    if resolve_path(db).exists():
        with workspace(db) as store:
            return standard_for(store)
    return load_default()


def code_rows(standard: Standard, kinds: tuple[str, ...], lang: str, for_programs: bool) -> list[dict[str, Any]]:
    """One row per code; `kind` is the list's key for programs, its name for people."""
    en = lang == "en"
    rows: list[dict[str, Any]] = []
    for kind in kinds:
        label = kind if for_programs else _label(KIND_NAMES, kind, lang)
        rows += [{"kind": label, **row} for row in _entries(standard, kind, en)]
    return rows


def _entries(standard: Standard, kind: str, en: bool) -> list[dict[str, Any]]:
    criteria = standard.criteria
    if kind == "unit-types":
        return [_row(code, e.name, e.name_en, NAME_SYNONYMS.get(e.name, ())) for code, e in criteria.unit_types.items()]
    if kind == "finding-codes":
        return [_row(code, e.name, e.name_en, (), _finding_detail(e, en)) for code, e in criteria.finding_codes.items()]
    if kind == "indicators":
        return [_row(i.code, i.name, i.name_en, (), f"{i.max}") for d in criteria.dimensions for i in d.indicators]
    if kind in ("metrics", "flags", "object-kinds"):
        return [_row(code, e.name, e.name_en) for code, e in getattr(criteria, kind.replace("-", "_")).items()]
    names, table, synonyms = {"claims": (CLAIM_NAMES, CLAIMS, CLAIM_SYNONYMS), "answers": (ANSWER_NAMES, ANSWERS, {}),
                              "statuses": (STATUS_NAMES, STATUS_WORDS, STATUS_SYNONYMS)}[kind]
    rows = []
    for code in dict.fromkeys(table.values()):
        name = _label(names, code, "zh")
        also = (*(word for word, given in table.items() if given == code and word != name), *synonyms.get(code, ()))
        rows.append(_row(code, name, _label(names, code, "en"), also))
    return rows


def _row(code: str, name: str, name_en: str, also: tuple[str, ...] = (), detail: str = "") -> dict[str, Any]:
    return {"code": code, "name": name, "name_en": name_en, "also": "、".join(also), "detail": detail}


def _finding_detail(code: Any, en: bool) -> str:
    kind = _label(FINDING_KINDS, code.kind, "en" if en else "zh")
    if code.indicator == "given":
        return _("{kind}; indicator given on the row", "en" if en else "zh", kind=kind)
    if code.indicator:
        return _("{kind}; indicator {indicator}", "en" if en else "zh", kind=kind, indicator=code.indicator)
    return kind


def register(cli: click.Group) -> None:
    cli.add_command(codes)
