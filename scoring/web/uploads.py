"""Uploaded files: evidence (photos, PDFs) checked and handed to the evidence store, and input files checked before the importer reads them.

A file's type is judged by its first bytes, not by the name or the browser's word for it, and
its size is limited; an evidence file is stored once per content under the workspace's
evidence folder and served back only with the type its bytes showed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

# The evidence store itself lives below the web app, shared with the CLI (scoring.rectify.evidence).
from scoring.rectify.evidence import (EVIDENCE_MAX, SHA256, Evidence, EvidenceError, checked_evidence,  # noqa: F401
                                      evidence_dir, evidence_hashes, evidence_items, evidence_record, safe_name,
                                      sniff, store_evidence)

INPUT_MAX = 50 * 1024 * 1024
INPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl")


class UploadError(ValueError):
    pass


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
    try:
        return data, checked_evidence(data, upload.filename)
    except EvidenceError as exc:
        raise UploadError(str(exc)) from None


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
