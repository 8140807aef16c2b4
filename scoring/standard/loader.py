"""Load a standard from YAML files: safely, validated, and hashed so a run can name exactly what it used."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import ValidationError

from scoring.standard.schema import Criteria, Dimension, Indicator, Rule

PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_CRITERIA = PACKAGE / "criteria" / "gongkai-default.yml"
DEFAULT_RULES = PACKAGE / "rules" / "gongkai-default"
MAX_FILE_BYTES = 2_000_000


class StandardError(ValueError):
    """A standard that cannot be used; `problems` holds one line per problem, naming file, rule and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
        return {i.code: i for d in self.criteria.dimensions for i in d.indicators}

    @cached_property
    def dimension_of(self) -> dict[str, Dimension]:
        return {i.code: d for d in self.criteria.dimensions for i in d.indicators}

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {s.rule.id: s.rule for s in self.rules}

    def applies(self, indicator: str, unit_type: str) -> bool:
        types = self.indicators[indicator].types
        return types is None or unit_type in types

    @property
    def max_total(self) -> Decimal:
        return sum((d.max for d in self.criteria.dimensions), Decimal(0))


def _read_yaml(path: Path, label: str, problems: list[str]):
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.append(f"{label}: file is larger than {MAX_FILE_BYTES} bytes; a standard is a few readable files")
        return None, None
    text = path.read_text(encoding="utf-8")
    try:
        # safe_load builds only plain data: no python tags, nothing executed.
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problems.append(f"{label}: not valid YAML: {exc}".replace("\n", " "))
        return text, None


def format_validation_error(prefix: str, exc: ValidationError) -> list[str]:
    """One line per problem, `prefix: location: message`, without pydantic's URLs."""
    lines = []
    for err in exc.errors(include_url=False):
        location = ".".join(str(p) for p in err["loc"] if p not in ("function-after[_gather_conditions()]",))
        lines.append(f"{prefix}: {location}: {err['msg']}" if location else f"{prefix}: {err['msg']}")
    return lines


def load_standard(criteria_path: Path, rules_dir: Path) -> Standard:
    """Load criteria and every `*.yml` rule file in rules_dir; raise StandardError listing every problem."""
    problems: list[str] = []
    files: dict[str, str] = {}
    criteria_label = criteria_path.name
    text, data = _read_yaml(criteria_path, criteria_label, problems)
    criteria = None
    if text is not None:
        files["criteria.yml"] = text  # keyed by role, not file name, so the hash survives a copy
    if data is not None:
        try:
            criteria = Criteria.model_validate(data)
        except ValidationError as exc:
            problems.extend(format_validation_error(criteria_label, exc))
    rules: list[RuleSource] = []
    rule_files = sorted(rules_dir.glob("*.yml")) if rules_dir.is_dir() else []
    if not rule_files:
        problems.append(f"rules: no *.yml rule files in {rules_dir}")
    for path in rule_files:
        label = f"rules/{path.name}"
        text, data = _read_yaml(path, label, problems)
        if text is None:
            continue
        files[label] = text
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(f"{label}: a rule file is a list of rules (each starting with '- id:')")
            continue
        for index, item in enumerate(data):
            rule_label = f"{label}: rule {item.get('id', f'#{index + 1}') if isinstance(item, dict) else f'#{index + 1}'}"
            try:
                rules.append(RuleSource(Rule.model_validate(item), label))
            except ValidationError as exc:
                problems.extend(format_validation_error(rule_label, exc))
    if problems or criteria is None:
        raise StandardError(problems)
    standard = Standard(criteria=criteria, rules=tuple(rules), files=files)
    from scoring.standard.lint import consistency_problems  # lint needs a loaded Standard

    problems = consistency_problems(standard)
    if problems:
        raise StandardError(problems)
    return standard


def load_standard_dir(directory: Path) -> Standard:
    """A standard folder holds `criteria.yml` and a `rules/` folder (what `scoring criteria export` writes)."""
    criteria = directory / "criteria.yml"
    if not criteria.is_file():
        raise StandardError([f"{directory}: no criteria.yml here; a standard folder holds criteria.yml and rules/"])
    return load_standard(criteria, directory / "rules")


def load_from_files(files: dict[str, str]) -> Standard:
    """Rebuild a standard from the texts a run recorded (see Standard.files); same texts, same hash."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "rules").mkdir()
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return load_standard_dir(root)


_default: Standard | None = None


def load_default() -> Standard:
    global _default
    if _default is None:
        _default = load_standard(DEFAULT_CRITERIA, DEFAULT_RULES)
    return _default
