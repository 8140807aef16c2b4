"""The workspace settings an office may set once (`scoring settings`): what each means, its default,
and the check a value must pass. Other keys in the settings table are the program's own (the web's
current period, the standard's folder, …) and are neither listed nor settable here."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring.i18n import N_, _
from scoring.store.clock import DEFAULT_ZONE, ZONE_SETTING
from scoring.store.database import Store, has_control

DEFAULT_ISSUER = "市政务公开工作领导小组办公室"
ISSUER_SETTING = "report.issuer"
NUMBER_PREFIX_SETTING = "report.number_prefix"


class SettingError(ValueError):
    """An unknown setting, or a value it does not take."""


def _text(value: str) -> str:
    value = value.strip()
    if not value or has_control(value):
        raise SettingError(_("write the value as one line of text"))
    return value


def _zone(value: str) -> str:
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(_("{value!r} is not a time zone; write one like {example}", value=value,
                             example=DEFAULT_ZONE)) from None
    return value


@dataclass(frozen=True)
class Setting:
    key: str
    meaning: str  # a message id
    default: str
    check: Callable[[str], str]


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting(ISSUER_SETTING, N_("The 通报's issuing body (发文机关), printed as its head and signature."),
            DEFAULT_ISSUER, _text),
    Setting(NUMBER_PREFIX_SETTING, N_("The 通报's 文号 prefix, e.g. 市政公开: with it and no --doc-number, the 通报 is "
                                      "numbered 市政公开〔YEAR〕 with the number left to write in."), "", _text),
    Setting(ZONE_SETTING, N_("The office's time zone: dates and times in reports and lists are shown in it."),
            DEFAULT_ZONE, _zone),
)}


def setting(key: str) -> Setting:
    found = SETTINGS.get(key.strip())
    if found is None:
        close = difflib.get_close_matches(key.strip(), list(SETTINGS), n=1, cutoff=0.5)
        near = _("; did you mean {value}?", value=close[0]) if close else ""
        raise SettingError(_("unknown setting {value!r}{hint}; the settings are {keys}", value=key, hint=near,
                             keys=", ".join(SETTINGS)))
    return found


def get(store: Store, key: str) -> str:
    """The setting's value in this workspace, else its default."""
    found = setting(key)
    return store.get_setting(found.key) or found.default


def put(store: Store, key: str, value: str) -> str:
    """Check and store a value (audited); returns the value as stored."""
    found = setting(key)
    checked = found.check(value)
    with store.transaction():
        store.set_setting(found.key, checked)
        store.audit("settings set", target=found.key, value=checked)
    return checked


def rows(store: Store) -> list[dict[str, str]]:
    return [{"key": s.key, "value": store.get_setting(s.key) or "", "default": s.default, "meaning": _(s.meaning)}
            for s in SETTINGS.values()]
