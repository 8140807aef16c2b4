"""Survey exports of the common questionnaire platforms, turned into one answer row per respondent and question.

问卷星 (wjx) "按文本导出" and KoboToolbox/ODK exports are wide: one row per respondent, one
column per question. The satisfaction questions are the columns whose answers are all
satisfaction options; every other column (metadata, occupation, free text) is ignored and
reported, so the user can see what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from scoring.standard.vocabulary import ANSWER_CODES, ANSWERS

# Columns that name a respondent, by platform, in order of preference.
RESPONDENT_COLUMNS = ("序号", "答卷编号", "_uuid", "meta/instanceID", "instanceID", "KEY", "_index", "_id")
SATISFACTION_WORDS = frozenset(ANSWERS) | frozenset(ANSWER_CODES) | {
    "satisfied", "basically satisfied", "unsatisfied", "dissatisfied", "don't know", "dont know", "not sure"}
ENGLISH = {"basically satisfied": "basically_satisfied", "dissatisfied": "unsatisfied", "don't know": "dont_know",
           "dont know": "dont_know", "not sure": "dont_know"}


@dataclass
class WideSurvey:
    questions: list[str]
    ignored: list[str]
    respondent_column: str | None
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def is_wide(columns: Iterable[str]) -> bool:
    """A platform export has no answer column: its questions are the columns."""
    lowered = {c.strip().lower() for c in columns}
    return not ({"answer", "答案"} & lowered)


def _answer(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    return text if text in SATISFACTION_WORDS or text.lower() in SATISFACTION_WORDS else ""


def classify(records: list[tuple[int, dict[str, Any]]]) -> WideSurvey:
    columns = list(records[0][1]) if records else []
    respondent = next((c for c in RESPONDENT_COLUMNS if c in columns), None)
    questions, ignored = [], []
    for column in columns:
        answers = [_answer(r.get(column)) for _, r in records]
        given = [a for a in answers if a is not None]
        if column != respondent and given and all(a for a in given):
            questions.append(column)
        else:
            ignored.append(column)
    return WideSurvey(questions, ignored, respondent, records)


def normalise_answer(value: Any) -> str:
    text = str(value).strip()
    return ENGLISH.get(text.lower(), text)


def long_rows(survey: WideSurvey, unit: str, period: str) -> list[tuple[int, dict[str, Any]]]:
    """One record per respondent and satisfaction question, keeping the export's row numbers."""
    out = []
    for number, record in survey.rows:
        respondent = str(record.get(survey.respondent_column) or "").strip() if survey.respondent_column else ""
        for question in survey.questions:
            answer = record.get(question)
            if answer is None or str(answer).strip() == "":
                continue
            out.append((number, {"unit": unit, "period": period, "respondent": respondent or f"row-{number}",
                                 "question": question, "answer": normalise_answer(answer)}))
    return out
