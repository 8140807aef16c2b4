"""Objects below a unit (政府网站、政务新媒体账号、服务窗口): the importer's checks of an object row's kind,
and of the object a finding or record names (one of the row's unit's objects, still in use)."""

from __future__ import annotations

import difflib

from scoring.i18n import _
from scoring.standard import Standard
from scoring.standard.words import has_chinese
from scoring.store import Store

Objects = dict[str, tuple[str, bool]]  # object code -> (its unit, in use)


def workspace_objects(store: Store) -> Objects:
    """Every object the workspace knows."""
    return {code: (unit, bool(active)) for code, unit, active in store.execute("select code, unit, active from objects")}


def unit_objects(store: Store, unit: str) -> list[dict]:
    """A unit's objects in use, by code: what a finding or record of the unit may name."""
    return store.query("select code, kind, name from objects where unit = ? and active = 1 order by code", [unit])


def object_kind_problem(kind: str, standard: Standard) -> tuple[str, str] | None:
    """An object's kind must be one the standard declares (object_kinds), by code or by name."""
    words = standard.object_kind_words
    if words.code(kind) is not None:
        return None
    if not words.names:
        return ("kind", _("the standard declares no object kinds; its administrator lists them under object_kinds "
                          "in criteria.yml"))
    known = "、".join(words.known(True)) if has_chinese(kind) else ", ".join(words.known(False))
    return ("kind", _("unknown object kind {value!r}{hint} (known: {known})", value=kind, hint=words.hint(kind),
                      known=known))


def object_problem(code: str, unit: str, objects: Objects) -> tuple[str, str] | None:
    """Why a row of `unit` may not name object `code`, or None."""
    if code not in objects:
        own = [c for c, (owner, _active) in objects.items() if owner == unit]
        close = difflib.get_close_matches(code, own, n=1, cutoff=0.5)
        hint = _("; did you mean {value}?", value=close[0]) if close else ""
        return ("object", _("unknown object {value!r}{hint}; import it in the object list first", value=code,
                            hint=hint))
    owner, active = objects[code]
    if owner != unit:
        return ("object", _("object {value!r} belongs to unit {owner}, not {unit}; correct the unit or the object",
                            value=code, owner=owner, unit=unit))
    if not active:
        return ("object", _("object {value!r} is no longer in use; name an object in use, or mark it in use "
                            "(在用: 是) in the object list", value=code))
    return None
