"""The office's time zone (scoring.store.clock, re-exported for the report) and the report's own settings."""

from __future__ import annotations

from scoring.store.clock import DEFAULT_ZONE, ZONE_SETTING, ZoneProblem, local_time, office_zone, today
from scoring.store.settings import ISSUER_SETTING  # the 通报's issuing body, set once for the workspace

__all__ = ["DEFAULT_ZONE", "ZONE_SETTING", "ISSUER_SETTING", "ZoneProblem", "local_time", "office_zone", "today"]
