"""A loaded standard: its criteria, its rules with the file each came from, and the exact texts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from scoring.i18n import _
from scoring.standard.schema import Criteria, Dimension, Indicator, Rule
from scoring.standard.words import Words, criteria_words


class StandardError(ValueError):
    """A standard that cannot be used; `problems` holds one line per problem, naming file, rule and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def rule_at(file: str, rule_id: str) -> str:
    """Where a problem of one rule lies, as a line of `criteria check` starts: `rules/d3.yml: 规则 CONTENT_STALE`."""
    return f"{file}: " + _("rule {id}", id=rule_id)


def indicator_at(code: str) -> str:
    """`指标 C3` (`indicator C3`): a node of the indicator tree named in a problem."""
    return _("indicator {code}", code=code)


@dataclass(frozen=True)
class RuleSource:
    rule: Rule
    file: str


@dataclass(frozen=True)
class Standard:
    criteria: Criteria
    rules: tuple[RuleSource, ...]
    files: dict[str, str] = field(repr=False)  # relative path -> text, exactly as loaded

    @cached_property
    def content_hash(self) -> str:
        canonical = json.dumps(sorted(self.files.items()), ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(canonical).hexdigest()

    @property
    def label(self) -> str:
        """What a run and a scorecard cite: `id@hash` (first 12 hex digits)."""
        return f"{self.criteria.id}@{self.content_hash[:12]}"

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        """Every node of the indicator trees, at any depth, parents before children."""
        return {n.code: n for d in self.criteria.dimensions for i in d.indicators for n in i.walk()}

    @cached_property
    def dimension_of(self) -> dict[str, Dimension]:
        return {n.code: d for d in self.criteria.dimensions for i in d.indicators for n in i.walk()}

    @cached_property
    def parent_of(self) -> dict[str, str | None]:
        """A node's parent node code; None for a node directly under its dimension."""
        out: dict[str, str | None] = {}
        for d in self.criteria.dimensions:
            for top in d.indicators:
                out[top.code] = None
                for node in top.walk():
                    out.update({child.code: node.code for child in node.indicators})
        return out

    @cached_property
    def nested(self) -> bool:
        """Whether some indicator has children (old standards: never)."""
        return any(n.indicators for n in self.indicators.values())

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {s.rule.id: s.rule for s in self.rules}

    @cached_property
    def unit_type_words(self) -> Words:
        """Unit types by code, Chinese or English name or synonym (市直部门, 市直单位, city_department)."""
        return criteria_words(self.criteria.unit_types)

    @cached_property
    def finding_code_words(self) -> Words:
        """Finding codes by code or name (CONTENT_STALE, 内容陈旧、更新不及时)."""
        return criteria_words(self.criteria.finding_codes)

    @cached_property
    def object_kind_words(self) -> Words:
        """Object kinds by code or name (website, 政府网站, Website)."""
        return criteria_words(self.criteria.object_kinds)

    @cached_property
    def indicator_words(self) -> Words:
        """Indicators by code or name (C3, 办事服务“七公开”), as people write them in a file's 指标 column."""
        return criteria_words(self.indicators)

    def applies(self, indicator: str, unit_type: str) -> bool:
        """By unit type: its own `types` or max by type, and every ancestor's."""
        code: str | None = indicator
        while code is not None:
            if self.indicators[code].max_for(unit_type) is None:
                return False
            code = self.parent_of[code]
        return True

    def max_for(self, indicator: str, unit_type: str) -> Decimal:
        """The node's max for a unit type (0 when it does not apply)."""
        found = self.indicators[indicator].max_for(unit_type)
        return found if found is not None else Decimal(0)

    @property
    def max_total(self) -> Decimal:
        return sum((d.max for d in self.criteria.dimensions), Decimal(0))
