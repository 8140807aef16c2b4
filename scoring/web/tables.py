"""The field app's own tables, beside the users table (scoring.web.users): made when the app starts.

- web_unit_aliases: other names a unit goes by (卫健委 for 市卫生健康委员会), for the inspector's search.
- web_evidence_meta: what the phone said about a photo before it shrank it: the original's name, size,
  sha256, when and where it was taken (from the photo's EXIF, when the phone gives it), per finding.
- web_units_retired: units taken out of day-to-day lists by an admin (their data and runs stay).
- web_password_change: accounts that must choose a new password at their next sign-in.
"""

from __future__ import annotations

from scoring.store import Store

TABLES = (
    """create table if not exists web_unit_aliases (
         unit text not null, alias text not null, primary key (unit, alias))""",
    """create table if not exists web_evidence_meta (
         sha256 text not null, finding text not null, original_name text, original_size integer,
         original_sha256 text, taken_at text, latitude real, longitude real, resized integer not null default 0,
         user text not null, recorded_at text not null, primary key (sha256, finding))""",
    """create table if not exists web_units_retired (
         unit text primary key, retired_at text not null, user text not null)""",
    """create table if not exists web_password_change (
         name text primary key, since text not null)""",
)


def ensure_tables(store: Store) -> None:
    with store.transaction():
        for sql in TABLES:
            store.execute(sql)
