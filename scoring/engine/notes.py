"""The notes the engine writes on score lines (扣完为止, 减分上限, 加分封顶 …): always in Chinese.

A run's documents are immutable and hold each note in Chinese. The wording lives in one place, the
zh_CN catalog entry of the note's English message id: the engine fills it in here, and
scoring/outputs/notes.py reads a stored note back into its values by the same entry to say it in the
reader's language. A new kind of note is a new entry below, and its translations in the catalogs.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scoring.i18n import N_, _

TOTAL_FLOOR = N_("the total goes no lower than 0")
ITEM_FLOOR = N_("nothing below 0 (this item loses at most {most})")
ITEM_LIMIT = N_("deduction limit of this item {limit} (lost {lost})")
POOL_FLOOR = N_("{node} nothing below 0: {limit} (lost {lost})")
POOL_LIMIT = N_("{node} deduction limit {limit} (lost {lost})")
OVERFLOW = N_("{node}: {amount} lost beyond this item's points, taken from its parent")
EARN_CAP = N_("at most {most} (earned {earned})")
NO_SCORE_RULE = N_("no rule gave points")
BONUS_CAP = N_("bonus capped at {cap}")
JUDGED_OUT_OF_RANGE = N_("judged value {value} is outside [0, {max}]; counted as {used}")
PART_NO_OBJECT = N_("{part}: no object of its kinds, not scored")
WEIGHT_NA = N_("{parts}: no object of their kinds; the other parts by weight: {counted} ÷ {share}")
PART_FAILED = N_("{objects} failed: this part fails and scores 0")
OBJECT_FAILED = N_("{object} failed: counted as 0")
MEAN = N_("÷{count}, the mean")
LOWEST = N_("the lowest score")
UNCOUNTED = N_("{part}: data naming no object of this part (or one retired, or of another kind), not scored")
STAGE_VETO = N_("veto: no other indicator is scored, this part scores 0")
VETOED = N_("veto: not scored further")
SCALED = N_("converted: {raw} × {scale} ÷ {possible} (full marks of the applicable indicators {full})")
STAGE_CAP = N_("stage capped at {cap} (earned {earned})")
SKIPPED = N_("stage not reached: {why}")

# Every note whose whole text is one entry (outputs/notes.py matches a stored note against each).
NOTES = (TOTAL_FLOOR, ITEM_FLOOR, ITEM_LIMIT, POOL_FLOOR, POOL_LIMIT, OVERFLOW, EARN_CAP, NO_SCORE_RULE, BONUS_CAP,
         JUDGED_OUT_OF_RANGE, PART_NO_OBJECT, WEIGHT_NA, PART_FAILED, OBJECT_FAILED, MEAN, LOWEST, UNCOUNTED, STAGE_VETO,
         VETOED, SCALED, STAGE_CAP, SKIPPED)

# A deduction's note: its multiplier (by the rules that multiplied it) and its cap, either or both.
MULTIPLIED = N_("×{factor} ({rules})")
CAPPED = N_("capped at {cap} (lost {lost})")


def note(message: str, **values: Any) -> str:
    """The note in Chinese, as stored in a run (`_(message, "zh", **values)`, its wording looked up once)."""
    text = _wording(message)
    return text.format(**values) if values else text


@cache
def _wording(message: str) -> str:
    """A note's Chinese wording: the catalogs are read once per process (i18n._catalog), so it never changes.
    A unit's tally writes hundreds of notes (a FLOOR line on most deduct nodes)."""
    return _(message, "zh")
