"""`scoring serve` (the web app) and `scoring user …` (who may sign in to it, with which role)."""

from __future__ import annotations

import click

from scoring.i18n import _
from scoring.cli.common import BadInput, db_option, info, translate_errors, workspace
from scoring.cli.output import emit, format_option


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(user)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1 behind a reverse proxy (HTTPS); 0.0.0.0 opens it to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Requests served at once.")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (use it when a proxy serves the app over HTTPS).")
@click.option("--trusted-proxies", default=0, show_default=True, type=click.IntRange(0, 5),
              help="How many reverse proxies stand in front of the app. Only then is the client's address "
                   "read from X-Forwarded-For (for the sign-in throttle and the audit); 0 ignores the header.")
@db_option
@translate_errors
def serve(host: str, port: int, threads: int, secure_cookies: bool, trusted_proxies: int, db: str | None) -> None:
    """Serve the web app for inspectors, departments, leaders and admins.

    Create an admin first (`scoring user add NAME --role admin`), then open
    http://HOST:PORT/ in a browser. The key that signs session cookies is kept in DB.key
    beside the database, readable by its owner only (or taken from $SCORING_SECRET_KEY); it
    is never in the database nor in its backups. Evidence files go to DB.evidence/.

    Behind an HTTPS reverse proxy (nginx, Caddy) on the same machine, keep --host 127.0.0.1
    and give --trusted-proxies 1 --secure-cookies.

    Example:

        scoring serve --db 2025.db --port 8000

        scoring serve --db 2025.db --trusted-proxies 1 --secure-cookies
    """
    import waitress

    from scoring.store import resolve_path
    from scoring.store.private import exposed, key_path
    from scoring.web.app import create_app

    path = resolve_path(db)
    if not path.exists():
        raise BadInput(_("no workspace at {path}: run `scoring init` first, or point --db at one", path=path))
    with workspace(db) as store:
        from scoring.web.users import ensure_tables, list_users

        ensure_tables(store)
        if not any(u["role"] == "admin" and u["active"] for u in list_users(store)):
            info(_("no admin yet: add one with `scoring user add NAME --role admin`"))
    app = create_app(path, secure_cookies=secure_cookies, trusted_proxies=trusted_proxies)
    if app.extensions["old_key_retired"]:
        info(_("the session key moved out of the database into {path}: everyone signs in again", path=key_path(path)))
    for exposed_path in exposed(path):
        info(_("warning: {path} can be read by other users of this machine: run `chmod 600 {path}`", path=exposed_path))
    if host not in ("127.0.0.1", "localhost", "::1") and not secure_cookies:
        info(_("warning: listening beyond this machine over plain HTTP; put an HTTPS proxy in front and use "
               "--secure-cookies"))
    info(_("serving {path} on http://{host}:{port}/ (Ctrl-C stops)", path=path, host=host, port=port))
    waitress.serve(app, host=host, port=port, threads=threads, ident="scoring", max_request_body_size=app.config["MAX_CONTENT_LENGTH"])


@click.group()
def user() -> None:
    """Users of the web app: admin, inspector, department (one unit) or leader."""


def _password(prompt: str) -> str:
    """Asked twice on a terminal; piped in, the first line of standard input (for scripts)."""
    import sys

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True, err=True)


def _user_errors(function):
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from scoring.web.users import UserError

        try:
            return function(*args, **kwargs)
        except UserError as exc:
            raise BadInput(str(exc)) from None

    return wrapper


@user.command("add")
@click.argument("name")
@click.option("--role", "-r", required=True, type=click.Choice(("admin", "inspector", "department", "leader")),
              help="What the user may do.")
@click.option("--unit", "-u", help="The unit a department user answers for (its code).")
@db_option
@translate_errors
@_user_errors
def user_add(name: str, role: str, unit: str | None, db: str | None) -> None:
    """Add a user; the password is asked twice on a terminal, or read from standard input.

    Example:

        scoring user add zhangming --role inspector
        scoring user add jiaoyuju --role department --unit D001

        echo "$PASSWORD" | scoring user add leader1 --role leader
    """
    from scoring.web.users import add_user, ensure_tables

    with workspace(db) as store:
        ensure_tables(store)
        add_user(store, name, role, _password("Password"), unit)
    info(_("added {name} ({role})", name=name, role=role + (", " + unit if unit else "")))


@user.command("passwd")
@click.argument("name")
@db_option
@translate_errors
@_user_errors
def user_passwd(name: str, db: str | None) -> None:
    """Set a user's password; their open sessions end.

    Example:

        scoring user passwd zhangming
    """
    from scoring.web.users import set_password

    with workspace(db) as store:
        set_password(store, name, _password("New password"))
    info(_("password of {name} set", name=name))


@user.command("disable")
@click.argument("name")
@db_option
@translate_errors
@_user_errors
def user_disable(name: str, db: str | None) -> None:
    """Stop a user signing in; their open sessions end. `scoring user enable` undoes it.

    Example:

        scoring user disable zhangming
    """
    from scoring.web.users import set_active

    with workspace(db) as store:
        set_active(store, name, False)
    info(_("{name} disabled", name=name))


@user.command("enable")
@click.argument("name")
@db_option
@translate_errors
@_user_errors
def user_enable(name: str, db: str | None) -> None:
    """Let a disabled user sign in again.

    Example:

        scoring user enable zhangming
    """
    from scoring.web.users import set_active

    with workspace(db) as store:
        set_active(store, name, True)
    info(_("{name} enabled", name=name))


@user.command("list")
@format_option
@db_option
@translate_errors
def user_list(fmt: str, db: str | None) -> None:
    """The users, their roles and units.

    Example:

        scoring user list --format csv
    """
    from scoring.store.clock import local_time, office_zone
    from scoring.web.users import ensure_tables, list_users

    with workspace(db) as store:
        ensure_tables(store)
        rows = list_users(store)
        if fmt == "table":  # people read the office's time; json and csv keep the stored UTC
            zone = office_zone(store)
            rows = [{**r, "created_at": local_time(r["created_at"], zone), "updated_at": local_time(r["updated_at"], zone)}
                    for r in rows]
    emit(rows, ("name", "role", "unit", "active", "created_at", "updated_at"), fmt)
