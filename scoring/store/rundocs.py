"""How a run stores each unit's scorecard document (run_units.document), and how it reads back."""

from __future__ import annotations

import json
from typing import Any

from isal import isal_zlib

from scoring import fastjson

# The scorecard members that depend on the unit's placement in its group: run_units columns,
# because they are known only once the whole group is scored (workers pack the rest).
PLACEMENT_COLUMNS = ("rank", "grade", "grade_code", "feed_points")

# A run_units row with its document, wherever it is stored: a unit an incremental run reused references
# the row of the run that scored it (document_run), which holds the packed bytes. Runs are immutable and
# never deleted, so the reference reads the same bytes for ever.
RUN_UNITS = ("select ru.run, ru.unit, ru.ranking_group, ru.rank, ru.score, ru.grade, ru.veto, ru.grade_code, "
             "ru.feed_points, coalesce(ru.document, origin.document) as document, ru.fingerprint, ru.document_run "
             "from run_units ru left join run_units origin on origin.run = ru.document_run and origin.unit = ru.unit")


def pack_document(members: dict[str, Any]) -> bytes:
    """A scorecard document without its placement members, as run_units stores it: sorted-key JSON, zlib-packed.

    ≈34 KB of JSON a unit packs to ≈6 KB: a province's run writes ≈60 MB instead of ≈340 MB, and
    the workers that score it do the packing, not the process that writes. The zlib stream is ISA-L's
    (isal, level 1): the same format any zlib reads (runs stored before it read alike), a third of
    zlib's own level 1 CPU and a little smaller. Only the unpacked JSON is ever compared, never the
    packed bytes, which differ from zlib's."""
    return isal_zlib.compress(fastjson.dumps(members, sort_keys=True), 1)


def decode_document(row: dict[str, Any]) -> dict[str, Any]:
    """A run_units row's scorecard document, with its keys in sorted order as it was written."""
    stored = row["document"]
    if isinstance(stored, str):  # a run stored before schema 3: the whole document as JSON text
        return json.loads(stored)
    doc = fastjson.loads(isal_zlib.decompress(stored))
    doc.update((column, row[column]) for column in PLACEMENT_COLUMNS)
    return dict(sorted(doc.items()))
