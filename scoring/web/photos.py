"""Several photos per finding: read and keep them as soon as they arrive, carry them through a form
that has to be corrected, record what the phone said about each original, and show them as a gallery.

A photo is stored (by its sha256, scoring.web.uploads.store_evidence) when its form is first sent, even
if the finding itself still needs correcting: the re-shown form lists it as kept, so the inspector
does not take it again. The phone shrinks a camera photo before sending it (static/photos.js); what
it read from the original (name, size, sha256, EXIF time and place) comes as `evidence_meta` and is
kept beside the finding as the phone's claim, not as something the server checked.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, g
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.datastructures import FileStorage

from scoring.store import now
from scoring.web.uploads import SHA256, Evidence, UploadError, evidence_hashes, evidence_record, read_evidence, \
    store_evidence

MAX_PHOTOS = 12
META_MAX = 20_000


class PhotoMeta(BaseModel):
    """What the phone read from one original before shrinking it (all optional: a PDF has none)."""
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    size: int | None = Field(default=None, ge=0)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    taken_at: str | None = Field(default=None, max_length=40)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    resized: bool = False


def read_uploads(files: list[FileStorage]) -> tuple[list[tuple[bytes, Evidence]], list[str]]:
    """The chosen files that are photos or PDFs within the size limit, and the error keys of the others."""
    good, problems = [], []
    for upload in files[:MAX_PHOTOS]:
        try:
            found = read_evidence(upload)
        except UploadError as exc:
            problems.append(f"upload_{exc}")
            continue
        if found:
            good.append(found)
    if len(files) > MAX_PHOTOS:
        problems.append("too_many_photos")
    return good, problems


def keep_uploads(uploads: list[tuple[bytes, Evidence]], unit: str) -> list[str]:
    """Store the files now (so a form sent back for correction still has them); their hashes."""
    if uploads:
        with g.store.transaction():
            for data, evidence in uploads:
                store_evidence(g.store, current_app.config["EVIDENCE_DIR"], data, evidence, unit, g.user["name"])
    return [evidence.sha256 for _, evidence in uploads]


def kept(hashes: list[str], unit: str) -> list[dict[str, Any]]:
    """The stored files a form names (uploaded for this unit), in order, once each; others are ignored."""
    found = []
    for sha in dict.fromkeys(h for h in hashes if SHA256.match(h or "")):
        record = evidence_record(g.store, sha, unit)
        if record:
            found.append(record)
    return found[:MAX_PHOTOS]


def reference(records: list[dict[str, Any]], rest: str = "") -> str | None:
    """The evidence column: each file as 'name sha256:…', separated by '; ', then any text it had besides."""
    parts = [f"{r['filename']} sha256:{r['sha256']}" for r in records] + ([rest] if rest else [])
    return "; ".join(parts) or None


def parse_meta(text: str | None) -> dict[str, PhotoMeta]:
    """The phone's notes on its originals, by the name of the file it sent; anything malformed is dropped."""
    if not text or len(text) > META_MAX:
        return {}
    try:
        items = json.loads(text)
    except ValueError:
        return {}
    found = {}
    for item in items if isinstance(items, list) else []:
        try:
            meta = PhotoMeta.model_validate(item)
        except ValidationError:
            continue
        found[meta.name] = meta
    return found


def record_meta(finding: str, uploads: list[tuple[bytes, Evidence]], meta: dict[str, PhotoMeta]) -> None:
    """Keep the phone's notes on each uploaded photo beside the finding (inside the caller's transaction)."""
    for _, evidence in uploads:
        note = meta.get(evidence.filename)
        if note is None:
            continue
        g.store.execute(
            "insert or replace into web_evidence_meta (sha256, finding, original_name, original_size, original_sha256,"
            " taken_at, latitude, longitude, resized, user, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [evidence.sha256, finding, note.name, note.size, note.sha256, note.taken_at, note.latitude,
             note.longitude, int(note.resized), g.user["name"], now()])


def gallery(text: str | None, unit: str | None = None) -> list[dict[str, Any]]:
    """The uploaded files an evidence column names, with their type and what the phone said of the original."""
    hashes = list(dict.fromkeys(evidence_hashes(text)))
    if not hashes:
        return []
    marks = ",".join("?" * len(hashes))
    files = {r["sha256"]: r for r in g.store.query(
        f"select sha256, filename, mime, size from web_evidence where sha256 in ({marks})"
        + (" and unit = ?" if unit else ""), [*hashes, *([unit] if unit else [])])}
    notes = {r["sha256"]: r for r in g.store.query(
        f"select * from web_evidence_meta where sha256 in ({marks})", hashes)}
    return [{**files[h], "image": files[h]["mime"].startswith("image/"), "meta": notes.get(h)}
            for h in hashes if h in files]
