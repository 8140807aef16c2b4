"""When a row was written: UTC, to the second, ISO 8601 (what every table's *_at column holds)."""

from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
