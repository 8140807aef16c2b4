"""The base of every model of a standard: strict (unknown keys fail loudly), frozen, and the shared names."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

CODE = r"^[A-Z][A-Z0-9_]*$"
FACT_KINDS = ("unit", "finding", "previous_finding", "self_assessment", "survey", "metrics", "rectification",
              "record", "period", "aggregate", "object", "judged")
Points = Decimal


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
