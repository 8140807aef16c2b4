"""`scoring settings`: the workspace settings an office sets once (the 通报's issuing body and 文号
prefix, the time zone)."""

from __future__ import annotations

import click

from scoring.cli.common import as_bad_input, db_option, info, translate_errors, workspace
from scoring.cli.output import emit, format_option
from scoring.i18n import N_, _

COLUMNS = ("key", "value", "default", "meaning")
HEADERS = (N_("Setting"), N_("Value"), N_("Default"), N_("Meaning"))


def register(cli: click.Group) -> None:
    cli.add_command(settings)


@click.group()
def settings() -> None:
    """Workspace settings (工作区设置): the 通报's issuing body and 文号 prefix, the time zone."""


@settings.command("list")
@format_option
@db_option
@translate_errors
def settings_list(fmt: str, db: str | None) -> None:
    """List the settings with their values (empty: the default applies), defaults and meaning.

    Example:

        scoring settings list
    """
    from scoring.store.settings import rows

    with workspace(db) as store:
        listed = rows(store)
    emit(listed, COLUMNS, fmt, [_(h) for h in HEADERS] if fmt == "table" else None)


@settings.command("get")
@click.argument("key")
@db_option
@translate_errors
def settings_get(key: str, db: str | None) -> None:
    """Print one setting's value (its default when not set).

    Example:

        scoring settings get timezone
    """
    from scoring.store.settings import SettingError, get

    with workspace(db) as store, as_bad_input(SettingError):
        click.echo(get(store, key))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@db_option
@translate_errors
def settings_set(key: str, value: str, db: str | None) -> None:
    """Set a setting, checked first (an unknown key or a time zone that does not exist is refused); audited.

    Example:

        scoring settings set report.issuer 市政务公开工作领导小组办公室
        scoring settings set report.number_prefix 市政公开
        scoring settings set timezone Asia/Urumqi
    """
    from scoring.store.settings import SettingError, put

    with workspace(db) as store, as_bad_input(SettingError):
        stored = put(store, key, value)
    info(_("{key} = {value}", key=key.strip(), value=stored))

