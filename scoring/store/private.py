"""Files only their owner may read: the workspace database (with its WAL and SHM files), its backups,
and the web app's session key, which lives beside the workspace and never inside it.

The key signs every session cookie: anyone who reads it can sign in as anyone. Kept in the database,
it went out with every copy and backup of it; kept in DB.key (mode 0600), a backup holds no key.
On Windows the modes mean little (the folder's ACL decides); nothing here fails there.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

PRIVATE_MODE = 0o600
KEY_ENV = "SCORING_SECRET_KEY"
KEY_BYTES = 48
CHECKS_MODES = os.name != "nt"


def key_path(db: str | os.PathLike) -> Path:
    """Where the session key of a workspace is kept: DB.key beside DB."""
    db = Path(db)
    return db.with_name(db.name + ".key")


def create_private(path: str | os.PathLike) -> bool:
    """Create an empty file readable by its owner only (True), or leave an existing one alone (False)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE))
    except FileExistsError:
        return False
    return True


def session_key(db: str | os.PathLike) -> str:
    """$SCORING_SECRET_KEY, else the key in DB.key, made (0600) on first use so sessions outlive a restart."""
    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV]
    path = key_path(db)
    if not path.exists():
        _write_new_key(path)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:  # another server is writing it this instant, or someone emptied it
        raise OSError(f"the session key file {path} is empty or too short: delete it and start again "
                      "(everyone signs in again)")
    return key


def _write_new_key(path: Path) -> None:
    """A new random key, written whole to a private temporary file and then linked into place: two
    servers starting at once agree on one key, and nobody ever reads a half-written one."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    create_private(temporary)
    try:
        with open(temporary, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:  # another server made it first: use theirs
            pass
    finally:
        temporary.unlink(missing_ok=True)


def exposed(db: str | os.PathLike) -> list[Path]:
    """The workspace's files (database, WAL, SHM, key) that users other than the owner may read or write."""
    if not CHECKS_MODES:
        return []
    db = Path(db)
    found = []
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), key_path(db)):
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            found.append(path)
    return found
