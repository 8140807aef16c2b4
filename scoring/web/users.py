"""Web users and their roles, plus the web app's own tables, kept in the workspace through Store.execute.

A user is an admin, an inspector, a department (tied to one unit) or a leader. Passwords are
hashed with argon2id (argon2-cffi); a password change or a disable bumps the user's
`generation`, which signs every open session of that user out.
"""

from __future__ import annotations

import re
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from scoring.store import Store, now
from scoring.store.database import has_control
from scoring.i18n import _

ROLES = ("admin", "inspector", "department", "leader")
MIN_PASSWORD = 8
NAME = re.compile(r"[\w.@-]{1,64}")  # letters (Chinese too), digits, _ . @ -

TABLES = (
    """create table if not exists users (
         name text primary key, role text not null, unit text, password_hash text not null,
         active integer not null default 1, generation integer not null default 0,
         created_at text not null, updated_at text not null)""",
    # Evidence files (photos, PDFs) uploaded through the web app, stored by content hash.
    """create table if not exists web_evidence (
         sha256 text not null, unit text not null, filename text not null, mime text not null,
         size integer not null, user text not null, uploaded_at text not null, primary key (sha256, unit))""",
    # Which web user entered which finding, and when: "own entries" and "today's entries".
    """create table if not exists web_findings (
         id text primary key, user text not null, day text not null, created_at text not null)""",
    "create index if not exists web_findings_user_day on web_findings (user, day)",
)

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~35 ms a hash on a 2-core server,
# so sign-ins stay quick for many inspectors at once. Hashes made with other parameters are redone at sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password of anyone")


class UserError(ValueError):
    pass


def ensure_tables(store: Store) -> None:
    with store.transaction():
        for sql in TABLES:
            store.execute(sql)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(_("the password needs at least {count} characters", count=MIN_PASSWORD))


def get_user(store: Store, name: str) -> dict[str, Any] | None:
    rows = store.query("select * from users where name = ?", [name])
    return rows[0] if rows else None


def list_users(store: Store) -> list[dict[str, Any]]:
    return store.query("select name, role, unit, active, created_at, updated_at from users order by role, name")


def add_user(store: Store, name: str, role: str, password: str, unit: str | None = None) -> dict[str, Any]:
    if has_control(name or ""):  # refused, not stripped: a line break in a name could forge a line of output
        raise UserError(_("{value!r} is not a user name: it holds control characters (a line break?)", value=name))
    name = (name or "").strip()
    if not NAME.fullmatch(name):  # fullmatch: `$` would let a trailing line break through
        raise UserError(_("{value!r} is not a user name: 1–64 letters, digits, _ . @ or -", value=name))
    if role not in ROLES:
        raise UserError(_("unknown role {value!r}; use one of {roles}", value=role, roles=", ".join(ROLES)))
    unit = (unit or "").strip() or None
    if role == "department":
        if not unit:
            raise UserError(_("a department user needs a unit, the code of the unit it answers for"))
        if unit not in store.unit_codes():
            raise UserError(_("unknown unit {value!r}; import the unit list first", value=unit))
    elif unit:
        raise UserError(_("only department users belong to a unit; a {role} sees every unit its role allows", role=role))
    _check_password(password)
    ensure_tables(store)
    with store.transaction():
        if get_user(store, name):
            raise UserError(_("user {value!r} exists; change the password instead", value=name))
        stamp = now()
        store.execute("insert into users (name, role, unit, password_hash, active, generation, created_at, updated_at)"
                      " values (?, ?, ?, ?, 1, 0, ?, ?)", [name, role, unit, HASHER.hash(password), stamp, stamp])
        store.audit("user add", target=name, role=role, unit=unit or "")
    return get_user(store, name)


def _require(store: Store, name: str) -> dict[str, Any]:
    ensure_tables(store)
    found = get_user(store, name)
    if not found:
        raise UserError(_("no user {value!r}; add the user first", value=name))
    return found


def set_password(store: Store, name: str, password: str) -> None:
    _check_password(password)
    with store.transaction():
        _require(store, name)
        store.execute("update users set password_hash = ?, generation = generation + 1, updated_at = ? where name = ?",
                      [HASHER.hash(password), now(), name])
        store.audit("user passwd", target=name)


def set_active(store: Store, name: str, active: bool) -> None:
    with store.transaction():
        _require(store, name)
        store.execute("update users set active = ?, generation = generation + 1, updated_at = ? where name = ?",
                      [int(active), now(), name])
        store.audit("user enable" if active else "user disable", target=name)


def end_sessions(store: Store, name: str) -> None:
    """Sign the user out everywhere: every session cookie issued before now is refused (app._open)."""
    with store.transaction():
        store.execute("update users set generation = generation + 1 where name = ?", [name])


def authenticate(store: Store, name: str, password: str) -> dict[str, Any] | None:
    """The active user with this name and password, else None (same cost either way)."""
    found = get_user(store, (name or "").strip())
    try:
        HASHER.verify(found["password_hash"] if found else _DUMMY_HASH, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not found or not found["active"]:
        return None
    if HASHER.check_needs_rehash(found["password_hash"]):
        store.execute("update users set password_hash = ? where name = ?", [HASHER.hash(password), found["name"]])
    return found
