"""pydantic's validation errors as sentences a person reads, in their language, naming the column
by the header they know (数量, not count). The error's type picks the sentence; a validator's own
message (already translated where it was raised) is kept; an unforeseen type says which column in the user's
language, with pydantic's own (English) text as the detail."""

from __future__ import annotations

from typing import Any, Mapping

from scoring.i18n import N_, _, current_lang

# pydantic error type → message id; {field} is the column, the others come from the error's ctx.
SENTENCES: dict[str, str] = {
    "missing": N_("{field} is required; fill it in"),
    "int_parsing": N_("{field} must be a whole number (for example 3)"),
    "int_type": N_("{field} must be a whole number (for example 3)"),
    "int_from_float": N_("{field} must be a whole number (for example 3)"),
    "float_parsing": N_("{field} must be a number"),
    "float_type": N_("{field} must be a number"),
    "decimal_parsing": N_("{field} must be a number"),
    "decimal_type": N_("{field} must be a number"),
    "greater_than_equal": N_("{field} must be at least {ge}"),
    "greater_than": N_("{field} must be more than {gt}"),
    "less_than_equal": N_("{field} must be at most {le}"),
    "less_than": N_("{field} must be less than {lt}"),
    "date_parsing": N_("{field} must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("{field} must be a date written YYYY-MM-DD"),
    "date_type": N_("{field} must be a date written YYYY-MM-DD"),
    "bool_parsing": N_("{field} must be 是 or 否"),
    "bool_type": N_("{field} must be 是 or 否"),
    "string_type": N_("{field} must be text"),
    "string_too_short": N_("{field} must not be empty"),
    "string_too_long": N_("{field} is too long: at most {max_length} characters"),
    "literal_error": N_("{field} must be one of {expected}"),
    "enum": N_("{field} must be one of {expected}"),
    "extra_forbidden": N_("{field} is not a column of this file"),
    "string_pattern_mismatch": N_("{field} is not written as expected (the pattern {pattern})"),
    "too_short": N_("{field} must have at least {min_length} entries"),
    "model_type": N_("{field} must be key: value lines"),
    "dict_type": N_("{field} must be key: value lines"),
    "list_type": N_("{field} must be a list"),
    "tuple_type": N_("{field} must be a list"),
}
OTHER = N_("{field} is not valid: {detail}")
CONTEXT_KEYS = ("ge", "gt", "le", "lt", "max_length", "expected", "pattern", "min_length")


def field_label(field: str, headers: Mapping[str, str] | None = None) -> str:
    """The column as the user knows it: its Chinese header (from a kind's header table, Chinese → field)
    in Chinese, the field's name in English."""
    if current_lang() == "zh" and headers:
        for header, name in headers.items():
            if name == field:
                return header
    return field


def reason(err: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> str:
    """One pydantic error (from `ValidationError.errors()`) as a sentence in the current language."""
    if err["type"] == "value_error":  # a validator's own message, translated where it was raised
        return str(err["msg"]).removeprefix("Value error, ")
    field = str(err["loc"][-1]) if err.get("loc") else "row"
    sentence = SENTENCES.get(err["type"])
    if sentence is None:
        return _(OTHER, field=field_label(field, headers), detail=str(err["msg"]))
    context = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    return _(sentence, field=field_label(field, headers), **{k: context.get(k, "") for k in CONTEXT_KEYS})
