"""pydantic's validation errors of a standard as lines its author reads: `FILE: rule ID: then.deduct.per: what is
wrong and how to fix it`, in the user's language.

pydantic speaks English only and reports a value that fits no alternative of a union once per alternative
(`count: {gtt: 1}` is not a boolean, not an integer, not a number, not text, and `gtt` is not a key of a
condition). The author needs the one complaint about the form they meant: `collapse` keeps the errors of
the alternative the value's shape chose, or says in one line which kinds of value are accepted. A
validator's own message (ValueError) is already in the user's language: it was translated where raised.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pydantic import ValidationError

from scoring.i18n import N_, _, current_lang
from scoring.standard.dates import NAME
from scoring.standard.strict import CODE

# pydantic error type → message id; placeholders come from the error's ctx.
SENTENCES: dict[str, str] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "model_type": N_("Input should be a valid dictionary"),
    "model_attributes_type": N_("Input should be a valid dictionary"),
    "dict_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "tuple_type": N_("Input should be a valid list"),
    "string_type": N_("Input should be a valid string"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "int_type": N_("must be a whole number (for example 3)"),
    "int_parsing": N_("must be a whole number (for example 3)"),
    "int_from_float": N_("must be a whole number (for example 3)"),
    "float_type": N_("must be a number (for example 2 or 0.5)"),
    "float_parsing": N_("must be a number (for example 2 or 0.5)"),
    "decimal_type": N_("must be a number (for example 2 or 0.5)"),
    "decimal_parsing": N_("must be a number (for example 2 or 0.5)"),
    "finite_number": N_("must be a number (for example 2 or 0.5)"),
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "literal_error": N_("must be one of {expected}"),
    "too_short": N_("must have at least {min_length} entries"),
    "string_too_short": N_("must not be empty"),
}
PATTERNS = {
    CODE: N_("must be a code: capital letters, digits and _, starting with a letter (for example CONTENT_STALE)"),
    NAME: N_("must be lower-case words joined by single underscores (for example report_deadline)"),
}
OTHER_PATTERN = N_("must match the pattern {pattern}")
OTHER_ERROR = N_("is not valid: {detail}")
# What each alternative of a union accepts, named for the one-line "none fits" message.
KINDS = {"bool": N_("true or false"), "int": N_("a whole number"), "float": N_("a number"),
         "decimal": N_("a number"), "str": N_("text"), "model": N_("key: value lines"), "list": N_("a list")}
NONE_FITS = N_("this kind of value is not accepted here; give {kinds}")
TYPE_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type", "list_type", "tuple_type", "string_type",
                         "bool_type", "bool_parsing", "int_type", "int_parsing", "int_from_float", "float_type",
                         "float_parsing", "decimal_type", "decimal_parsing", "literal_error", "is_instance_of"})
SCALAR_TAGS = frozenset({"bool", "int", "float", "decimal", "str", "none"})
_TAG = re.compile(r"^(function-\w+\[.*\]|(literal|list|tuple|dict|frozenset|set)\[.*\]|~.*)$")


def _model_names() -> frozenset[str]:
    from scoring.standard.strict import Strict

    names, todo = set(), [Strict]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            names.add(sub.__name__)
            todo.append(sub)
    return frozenset(names)


def _tag_at(loc: tuple, models: frozenset[str]) -> int | None:
    """Where in a location pydantic named a union's alternative (or a validator wrapping one), if anywhere."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and (part in SCALAR_TAGS or part in models or _TAG.match(part)):
            return i
    return None


def _kind_of(tag: str, models: frozenset[str]) -> str:
    if tag in models or tag.startswith("function-"):
        return "model"
    if tag.startswith(("list[", "tuple[", "frozenset[", "set[")):
        return "list"
    return tag if tag in KINDS else "str"


def _choose(branches: dict[str, list[dict]], models: frozenset[str]) -> list[dict]:
    """The errors of the alternative the value was meant for, or one line naming what is accepted."""
    if len(branches) == 1:  # a validator's wrapper or a shape-chosen alternative: its errors are the errors
        return next(iter(branches.values()))
    fitting = {tag: errs for tag, errs in branches.items()
               if not all(e["type"] in TYPE_ERRORS and len(e["loc"]) == e["_at"] + 1 for e in errs)}
    if not fitting:
        first = next(iter(branches.values()))[0]
        kinds = list(dict.fromkeys(_kind_of(tag, models) for tag in branches))
        if "decimal" in kinds or "float" in kinds:  # a whole number is a number: name the wider kind only
            kinds = [k for k in kinds if k != "int"]
        return [{"type": "none_fits", "loc": first["loc"][:first["_at"]], "kinds": kinds, "msg": "", "_i": first["_i"]}]

    def misfit(tag: str) -> tuple[int, int]:  # keys the alternative does not know, or needs and misses
        errs = fitting[tag]
        top = sum(e["type"] in ("extra_forbidden", "missing") and len(e["loc"]) == e["_at"] + 2 for e in errs)
        return top, len(errs)

    return fitting[min(fitting, key=misfit)]


def collapse(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each union's errors reduced to those of one alternative (outermost union first), tags left out of locations."""
    models = _model_names()
    pending = [dict(e, loc=tuple(e["loc"]), _i=i) for i, e in enumerate(errors)]
    while True:
        tagged: dict[tuple, dict[str, list[dict]]] = {}
        done = []
        for err in pending:
            at = _tag_at(err["loc"], models)
            if at is None:
                done.append(err)
            else:
                tagged.setdefault(err["loc"][:at], {}).setdefault(err["loc"][at], []).append(dict(err, _at=at))
        if not tagged:
            return [{k: v for k, v in e.items() if k != "_i"} for e in sorted(done, key=lambda e: e["_i"])]
        for branches in tagged.values():
            for err in _choose(branches, models):
                at = err.pop("_at", None)
                done.append(dict(err, loc=err["loc"][:at] + err["loc"][at + 1:]) if at is not None else err)
        pending = done


def _location(loc: tuple, data: Any = None) -> str:
    """Where the problem is, as the author wrote it: `dimensions.D1.indicators.L1.max` (a list's entry by its code,
    else `examples[0]`); the keys the schema moves (aggregates, a pattern's conditions) where they were written."""
    text, node = "", data
    for index, part in enumerate(loc):
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            code = item.get("code") if isinstance(item, dict) else None
            text += f".{code}" if isinstance(code, str) and code else f"[{part}]"
            node = item
            continue
        if index == 2 and part == "conditions" and loc[0] in ("when", "unless"):
            continue  # gathered by Pattern from the keys the author wrote beside `fact`
        if index == 0 and part == "aggregates":
            part = "when"  # an aggregate is written in when; the schema moves it (patterns._lower_aggregates)
        text += ("." if text else "") + str(part)
        node = node.get(part) if isinstance(node, dict) else None
    return text


def sentence(err: dict[str, Any]) -> str:
    """One (collapsed) error as a sentence in the current language."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":  # a validator's own message, translated where it was raised
        return str(err["msg"]).removeprefix("Value error, ")
    if kind == "none_fits":
        joiner = "、" if current_lang() == "zh" else ", "
        return _(NONE_FITS, kinds=joiner.join(dict.fromkeys(_(KINDS[k]) for k in err["kinds"])))
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return _(PATTERNS[pattern]) if pattern in PATTERNS else _(OTHER_PATTERN, pattern=pattern)
    if kind == "too_short" and ctx.get("min_length") == 1:
        return _(SENTENCES["string_too_short"])
    known = SENTENCES.get(kind)
    if known is None:  # unforeseen: said in the user's language, pydantic's own (English) text as the detail
        return _(OTHER_ERROR, detail=str(err["msg"]))
    values = {k: v for k, v in ctx.items() if isinstance(v, (str, int, float))}
    if "expected" in values:
        values["expected"] = str(values["expected"]).replace("' or '", "', '")
    return _(known, **values)


def format_validation_error(prefix: str, exc: ValidationError, data: Any = None) -> list[str]:
    """One line per problem, `prefix: location: message`, without pydantic's URLs or repeated lines;
    `data`, the validated input, lets a location name a list's entry by its code."""
    lines = []
    for err in collapse(exc.errors(include_url=False)):
        location = _location(err["loc"], data)
        message = sentence(err)
        lines.append(f"{prefix}: {location}: {message}" if location else f"{prefix}: {message}")
    return list(dict.fromkeys(lines))
