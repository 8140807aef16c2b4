"""A period's lifecycle (考核周期状态): open → scored (draft) → 公示 (publicised) → final.

Open and scored follow from the runs (a period with a run is a draft until publicised); 公示
and final are recorded on the period, with the run they show and the review window's end.
Every input of a period in 公示 or final is locked, whatever its kind and however it comes (CLI
import, web form, appeal aside): the one rule is `check_unlocked`, called where the store writes
inputs. An admin may reopen a period with a reason; every move is audited.
"""

from __future__ import annotations

from typing import Any, Iterable

from scoring.i18n import N_, NP_, label, label_table, said

# The store is passed in, never imported: scoring.store.database calls check_unlocked where it writes.
Store = Any

OPEN, SCORED, PUBLICISED, FINAL = "open", "scored", "publicised", "final"
STATE_NAMES = label_table(
    NP_("period_state.open", "open"), NP_("period_state.scored", "scored (draft)"),
    NP_("period_state.publicised", "publicised for review"), NP_("period_state.final", "final"),
)
LOCKED = frozenset({PUBLICISED, FINAL})
DEFAULT_WINDOW = 5  # working days of 公示 (here, not in engine.cycle, so that the CLI's help reads it without the engine)


class PeriodLocked(ValueError):
    """An input change to a period in 公示 or final: refused, saying how to reopen it."""


def state_of(store: Store, period: str) -> dict[str, Any]:
    """The period's state, the run it shows (the published or final one, else the latest) and its window."""
    row = store.period(period) or {}
    recorded = row.get("state") or OPEN
    latest = store.latest_run(period)
    state = recorded if recorded in LOCKED else (SCORED if latest else OPEN)
    run = row.get("state_run") if recorded in LOCKED else (latest["id"] if latest else None)
    return {"period": period, "state": state, "run": run, "review_ends": row.get("review_ends") or "",
            "window_days": row.get("window_days")}


def locked_periods(store: Store, periods: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(periods))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    return {code: state for code, state in store.execute(
        f"select code, state from periods where code in ({marks}) and state in ('publicised', 'final')", wanted)}


def locked_message(period: str, state: str) -> str:
    return said(N_("period {period} is {state}: all its inputs (findings, self-assessments, surveys, metrics …) "
                        "are locked and cannot be imported or changed. During 公示, object with an appeal "
                        "(scoring appeal add); to correct them, an admin reopens the period giving the reason: "
                        "scoring period reopen {period} --reason REASON"),
                     N_("period {period} is {state}: all its inputs (findings, self-assessments, surveys, metrics …) "
                        "are locked and cannot be imported or changed. During 公示, object with an appeal on the "
                        "unit's scorecard page; to correct them, an admin reopens the period giving the reason"),
             period=period, state=state_name(state))


def state_name(state: str, lang: str | None = None) -> str:
    """A period's state as people say it, in the current language (or `lang`)."""
    return label(STATE_NAMES, state, lang)


def check_unlocked(store: Store, periods: Iterable[str]) -> None:
    """Raise PeriodLocked when any of these periods is in 公示 or final (the one lock for every input kind)."""
    locked = locked_periods(store, periods)
    if locked:
        period = sorted(locked)[0]
        raise PeriodLocked(locked_message(period, locked[period]))


def set_state(store: Store, period: str, state: str, run: int | None, review_ends: str = "",
              window_days: int | None = None) -> None:
    store.execute("update periods set state = ?, state_run = ?, review_ends = ?, window_days = ? where code = ?",
                  [state, run, review_ends, window_days, period])
