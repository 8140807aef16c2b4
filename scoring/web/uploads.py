"""Uploaded files: evidence (photos, PDFs) kept by sha256, and input files checked before the importer reads them.

A file's type is judged by its first bytes, not by the name or the browser's word for it, and
its size is limited; an evidence file is stored once per content under the workspace's
evidence folder and served back only with the type its bytes showed.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.datastructures import FileStorage

from scoring.store import Store, now

EVIDENCE_MAX = 10 * 1024 * 1024
INPUT_MAX = 50 * 1024 * 1024
INPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UploadError(ValueError):
    pass


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


def _read_limited(upload: FileStorage, limit: int) -> bytes:
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(f"too_large:{limit // (1024 * 1024)}")
    return data


def read_evidence(upload: FileStorage | None) -> tuple[bytes, Evidence] | None:
    """The uploaded evidence checked (size, type); None when no file was chosen. Nothing is stored yet."""
    if upload is None or not upload.filename:
        return None
    data = _read_limited(upload, EVIDENCE_MAX)
    if not data:
        raise UploadError("empty")
    mime = sniff(data[:16])
    if mime is None:
        raise UploadError("evidence_type")
    return data, Evidence(hashlib.sha256(data).hexdigest(), safe_name(upload.filename, "evidence"), mime, len(data))


def evidence_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".evidence")


def store_evidence(store: Store, folder: Path, data: bytes, evidence: Evidence, unit: str, user: str) -> None:
    """Keep the file by its hash (written once) and record who uploaded it for which unit."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / evidence.sha256
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    store.execute("insert or ignore into web_evidence (sha256, filename, mime, size, unit, user, uploaded_at)"
                  " values (?, ?, ?, ?, ?, ?, ?)",
                  [evidence.sha256, evidence.filename, evidence.mime, evidence.size, unit, user, now()])
    store.audit("web evidence", target=evidence.filename, sha256=evidence.sha256, unit=unit, size=evidence.size)


def evidence_record(store: Store, sha256: str, unit: str | None = None) -> dict[str, Any] | None:
    """The stored file with this hash (uploaded for `unit`, when given)."""
    if not SHA256.match(sha256 or ""):
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
    """An evidence column as (what to show, sha256 or None): uploaded files by name, anything else as written."""
    text = (text or "").strip()
    if not text:
        return []
    found = [(name.strip() or "evidence", sha) for name, sha in re.findall(r"(.*?)\s*sha256:([0-9a-f]{64})", text)]
    rest = re.sub(r"(.*?)\s*sha256:[0-9a-f]{64}", "", text).strip()
    return found + ([(rest, None)] if rest else [])


def save_input(upload: FileStorage | None) -> Path:
    """An input file written to a private temporary folder under its own (cleaned) name, so the
    importer's messages name it as the user knows it. Checked: suffix, size, and bytes that fit the suffix."""
    if upload is None or not upload.filename:
        raise UploadError("no_file")
    name = safe_name(upload.filename, "upload.csv")
    suffix = Path(name).suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise UploadError("input_type")
    data = _read_limited(upload, INPUT_MAX)
    if not data:
        raise UploadError("empty")
    is_zip = data.startswith(b"PK\x03\x04")
    if (suffix == ".xlsx") != is_zip or (suffix != ".xlsx" and b"\x00" in data[:8192]):
        raise UploadError("input_type")
    folder = Path(tempfile.mkdtemp(prefix="scoring-upload-"))
    path = folder / name
    path.write_bytes(data)
    return path
