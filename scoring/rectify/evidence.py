"""The workspace's evidence store (佐证材料): photos and PDFs kept once per content, by sha256.

Shared by the web app's uploads and the CLI (`scoring rectify update --evidence FILE`): a file's
type is judged by its first bytes, its size is limited, it is written under the workspace's
evidence folder by its hash, and who stored it for which unit is recorded and audited.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.store import Store, now

EVIDENCE_MAX = 10 * 1024 * 1024
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The table keeps its first name: workspaces made by the web app already hold it.
TABLE = """create table if not exists web_evidence (
         sha256 text not null, unit text not null, filename text not null, mime text not null,
         size integer not null, user text not null, uploaded_at text not null, primary key (sha256, unit))"""


class EvidenceError(ValueError):
    """A code the caller words for its user: too_large:N, empty, evidence_type, missing."""


@dataclass(frozen=True)
class Evidence:
    sha256: str
    filename: str
    mime: str
    size: int

    @property
    def reference(self) -> str:
        """What a finding's or an item's evidence column says: the file's name and its hash."""
        return f"{self.filename} sha256:{self.sha256}"


def sniff(head: bytes) -> str | None:
    """The evidence type these first bytes show, or None when it is not a photo or a PDF."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"GIF87a") or head.startswith(b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypheif"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_name(filename: str | None, fallback: str = "file") -> str:
    """A file name fit to show and to store: no folders, no control characters, at most 100 characters."""
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]", "_", name).strip(" .")
    return name[-100:] or fallback


def checked_evidence(data: bytes, filename: str | None) -> Evidence:
    """The evidence these bytes make, checked (not empty, a photo or a PDF); raises EvidenceError."""
    if not data:
        raise EvidenceError("empty")
    mime = sniff(data[:16])
    if mime is None:
        raise EvidenceError("evidence_type")
    return Evidence(hashlib.sha256(data).hexdigest(), safe_name(filename, "evidence"), mime, len(data))


def read_evidence_file(path: Path) -> tuple[bytes, Evidence]:
    """A file named on the command line, checked as the web checks an upload; it must exist."""
    if not path.is_file():
        raise EvidenceError("missing")
    if path.stat().st_size > EVIDENCE_MAX:
        raise EvidenceError(f"too_large:{EVIDENCE_MAX // (1024 * 1024)}")
    data = path.read_bytes()
    return data, checked_evidence(data, path.name)


def evidence_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".evidence")


def store_evidence(store: Store, folder: Path, data: bytes, evidence: Evidence, unit: str, user: str) -> None:
    """Keep the file by its hash (written once) and record who stored it for which unit."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / evidence.sha256
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    store.execute(TABLE)
    store.execute("insert or ignore into web_evidence (sha256, filename, mime, size, unit, user, uploaded_at)"
                  " values (?, ?, ?, ?, ?, ?, ?)",
                  [evidence.sha256, evidence.filename, evidence.mime, evidence.size, unit, user, now()])
    store.audit("web evidence", target=evidence.filename, sha256=evidence.sha256, unit=unit, size=evidence.size)


def evidence_record(store: Store, sha256: str, unit: str | None = None) -> dict[str, Any] | None:
    """The stored file with this hash (stored for `unit`, when given)."""
    if not SHA256.match(sha256 or ""):
        return None
    if not store.execute("select 1 from sqlite_master where name = 'web_evidence'").fetchone():
        return None
    if unit is None:
        rows = store.query("select * from web_evidence where sha256 = ? limit 1", [sha256])
    else:
        rows = store.query("select * from web_evidence where sha256 = ? and unit = ?", [sha256, unit])
    return rows[0] if rows else None


def evidence_hashes(text: str | None) -> list[str]:
    """The sha256 references in an evidence column, to link the files they name."""
    return re.findall(r"sha256:([0-9a-f]{64})", text or "")


def evidence_items(text: str | None) -> list[tuple[str, str | None]]:
    """An evidence column as (what to show, sha256 or None): stored files by name, anything else as written."""
    text = (text or "").strip()
    if not text:
        return []
    # Several files are separated by "; " (scoring.web.photos.reference).
    found = [(name.strip(" ;") or "evidence", sha) for name, sha in re.findall(r"(.*?)\s*sha256:([0-9a-f]{64})", text)]
    rest = re.sub(r"(.*?)\s*sha256:[0-9a-f]{64}", "", text).strip(" ;")
    return found + ([(rest, None)] if rest else [])
