"""The office's time zone: dates and times people read are local (Asia/Shanghai unless the workspace
says otherwise, setting `timezone`); the store keeps UTC. Kept with the store so every stage (the
rectification register, the CLI, the web) shows times the same way."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring.store.database import Store
from scoring.i18n import _

DEFAULT_ZONE = "Asia/Shanghai"
ZONE_SETTING = "timezone"


class ZoneProblem(ValueError):
    """The workspace's time zone setting names no zone."""


def office_zone(store: Store) -> ZoneInfo:
    name = store.get_setting(ZONE_SETTING) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ZoneProblem(_("the workspace setting {setting}={value!r} is not a time zone (for example {example})",
                            setting=ZONE_SETTING, value=name, example=DEFAULT_ZONE)) from None


def today(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def local_time(stamp: str | None, zone: ZoneInfo) -> str:
    """An ISO time stored in UTC ('2026-11-30T05:19:17+00:00') as the office reads it: '2026-11-30 13:19'.

    A time without an offset is UTC (how the store writes); text that is no time is shown as it is."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
