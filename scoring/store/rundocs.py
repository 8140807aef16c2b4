"""How a run stores each unit's scorecard document (run_units.document), and how it reads back."""

from __future__ import annotations

import json
import zlib
from typing import Any

from scoring import fastjson

# The scorecard members that depend on the unit's placement in its group: run_units columns,
# because they are known only once the whole group is scored (workers pack the rest).
PLACEMENT_COLUMNS = ("rank", "grade", "grade_code", "feed_points")


def pack_document(members: dict[str, Any]) -> bytes:
    """A scorecard document without its placement members, as run_units stores it: sorted-key JSON, zlib-packed.

    ≈33 KB of JSON a unit packs to ≈5 KB: a province's run writes ≈55 MB instead of ≈335 MB, and
    the workers that score it do the packing, not the process that writes."""
    return zlib.compress(fastjson.dumps(members, sort_keys=True), 1)


def decode_document(row: dict[str, Any]) -> dict[str, Any]:
    """A run_units row's scorecard document, with its keys in sorted order as it was written."""
    stored = row["document"]
    if isinstance(stored, str):  # a run stored before schema 3: the whole document as JSON text
        return json.loads(stored)
    doc = fastjson.loads(zlib.decompress(stored))
    doc.update((column, row[column]) for column in PLACEMENT_COLUMNS)
    return dict(sorted(doc.items()))
