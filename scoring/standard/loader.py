"""Load a standard from YAML files: safely, validated, and hashed so a run can name exactly what it used."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from scoring.i18n import _
from scoring.standard.lint import consistency_problems
from scoring.standard.model import RuleSource, Standard, StandardError, rule_at
from scoring.standard.schema import Criteria, Rule
from scoring.standard.validation import format_validation_error
from scoring.standard.yaml_problems import impossible_date, yaml_problem

SHIPPED = Path(__file__).resolve().parent / "shipped"  # one folder per standard, as `criteria export` writes it
DEFAULT_CRITERIA = SHIPPED / "gongkai-default" / "criteria.yml"
DEFAULT_RULES = SHIPPED / "gongkai-default" / "rules"
MAX_FILE_BYTES = 2_000_000


MAX_YAML_NODES = 100_000  # values in one file once aliases are expanded: the default standard's largest has ~900
MAX_YAML_DEPTH = 50  # nesting, also through aliases: the default standard goes 9 deep


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader (plain data only: no python tags, nothing executed) that also refuses alias bombs.

    safe_load shares an aliased node instead of copying it, so a "billion laughs" file loads
    quickly, but anything that walks the result (validation, JSON, the engine) walks it once per
    alias: nine anchors of nine aliases each are 9**9 values. The composer counts every value as it
    would be once expanded, and the nesting depth through aliases, and stops at a bound.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._expanded = 0
        self._depth = 0
        self._measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth) once expanded

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) and event.anchor in self.anchors:
            values, depth = self._measure(self.anchors[event.anchor])
        else:
            values, depth = 1, 1
        self._expanded += values
        if self._expanded > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, _("more than {most} values once anchors and aliases are expanded (an alias bomb?); "
                              "write the values out instead", most=MAX_YAML_NODES), event.start_mark)
        if self._depth + depth > MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, _("nested more than {most} levels deep", most=MAX_YAML_DEPTH), event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _measure(self, node: yaml.Node) -> tuple[int, int]:
        return _measure(node, self._measured)


def _measure(node: yaml.Node, measured: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(values, depth) of a composed node with every alias inside it expanded; shared nodes measured once."""
    known = measured.get(id(node))
    if known is not None:
        return known
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    values, depth = 1, 0
    for child in children:
        v, d = _measure(child, measured)
        values, depth = values + v, max(depth, d)
    result = (values, depth + 1)
    measured[id(node)] = result
    return result


_UNSURE = object()


def _fast_load(text: str):
    """The file's data through libyaml (PyYAML's C extension, ≈8× faster), or _UNSURE when this cannot say.

    _UNSURE (PyYAML without libyaml, any complaint of libyaml's, a file over the bounds) sends the file to the
    pure-Python _BoundedLoader, which is the definition: it gives the data, or the error with the words, line
    and column authors are told (yaml_problems.py). The bounds are checked on the composed graph as the
    composer checks them while composing (values once aliases are expanded, depth through aliases).
    Constructing is the same Python code (SafeConstructor) either way.
    """
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None:
        return _UNSURE
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None  # empty, or only comments
        values, depth = _measure(node, {})
        if values > MAX_YAML_NODES or depth > MAX_YAML_DEPTH:
            return _UNSURE
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError, RecursionError):
        return _UNSURE
    finally:
        loader.dispose()


def _read_yaml(path: Path, label: str, problems: list[str]):
    """(text, data) of a YAML file, or None for what could not be read, with the reason in problems."""
    if not path.is_file():  # a device (/dev/zero), a FIFO or a folder named like a file: never read
        problems.append(f"{label}: " + _("not a regular file; a standard is criteria.yml and rules/*.yml text files"))
        return None, None
    with path.open("rb") as fh:
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        problems.append(f"{label}: " + _("file is larger than {most} bytes; a standard is a few readable files",
                                         most=MAX_FILE_BYTES))
        return None, None
    try:
        # Exactly what read_text gave before (BOM kept, universal newlines), so recorded hashes stay the same.
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(f"{label}: " + _("not UTF-8 text (byte 0x{byte} on line {line}); save the file as UTF-8",
                                         byte=f"{raw[exc.start]:02x}", line=line))
        return None, None
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        problems.append(f"{label}: " + _("a NUL byte on line {line}; a standard is a text file", line=line))
        return None, None
    data = _fast_load(text)
    try:
        if data is _UNSURE:
            data = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        problems.append(yaml_problem(label, exc))
        return text, None
    except ValueError as exc:  # PyYAML builds a date from 2025-13-01 and fails: not a YAMLError
        problems.append(impossible_date(label, text, exc))
        return text, None
    if data is None:
        problems.append(f"{label}: " + _("the file is empty (or only comments)"))
    return text, data


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
            problems.extend(format_validation_error(criteria_label, exc, data))
    rules: list[RuleSource] = []
    rule_files = sorted(rules_dir.glob("*.yml")) if rules_dir.is_dir() else []
    if not rule_files:
        problems.append("rules: " + _("no *.yml rule files in {folder}", folder=rules_dir))
    for path in rule_files:
        label = f"rules/{path.name}"
        text, data = _read_yaml(path, label, problems)
        if text is None:
            continue
        files[label] = text
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(f"{label}: " + _("a rule file is a list of rules (each starting with '- id:')"))
            continue
        for index, item in enumerate(data):
            rule_id = item.get("id") if isinstance(item, dict) else None
            rule_label = (rule_at(label, str(rule_id)) if rule_id is not None
                          else f"{label}: " + _("rule #{number}", number=index + 1))
            try:
                rules.append(RuleSource(Rule.model_validate(item), label))
            except ValidationError as exc:
                problems.extend(format_validation_error(rule_label, exc, item))
    if problems or criteria is None:
        raise StandardError(problems)
    standard = Standard(criteria=criteria, rules=tuple(rules), files=files)
    check_consistency(standard)
    return standard


def check_consistency(standard: Standard) -> None:
    """Raise StandardError listing every name the standard uses that does not exist (lint)."""
    try:
        problems = consistency_problems(standard)
    except Exception as exc:  # noqa: BLE001 - a value of a type the checks did not expect
        # Refuse rather than crash: the schema let through a value the consistency checks cannot
        # compare (for example a list where a code belongs). Name the rule so the author can fix it.
        raise StandardError([f"{_culprit(standard)}: " + _(
            "a value of an unexpected type stopped the consistency check ({error}); look for a list or mapping "
            "where a single value belongs (eq, ne, code, indicator)", error=f"{type(exc).__name__}: {exc}")]) from None
    if problems:
        raise StandardError(problems)


def _culprit(standard: Standard) -> str:
    """The first rule the consistency checks cannot get through on its own, as `file: rule ID`."""
    for src in standard.rules:
        try:
            consistency_problems(Standard(criteria=standard.criteria, rules=(src,), files={}))
        except Exception:  # noqa: BLE001
            return rule_at(src.file, src.rule.id)
    return "rules"


def load_standard_dir(directory: Path) -> Standard:
    """A standard folder holds `criteria.yml` and a `rules/` folder (what `scoring criteria export` writes)."""
    criteria = directory / "criteria.yml"
    if not criteria.is_file():
        raise StandardError([f"{directory}: " + _("no criteria.yml here; a standard folder holds criteria.yml and rules/")])
    return load_standard(criteria, directory / "rules")


def load_from_files(files: dict[str, str]) -> Standard:
    """Rebuild a standard from the texts a run recorded (see Standard.files); same texts, same hash."""
    import tempfile

    unexpected = sorted(name for name in files if not _recorded_name(name))
    if unexpected:  # the names come from a database: never let one write outside the temporary folder
        raise StandardError([_("recorded standard: unexpected file name {value!r}", value=name) for name in unexpected])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "rules").mkdir()
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return load_standard_dir(root)


def _recorded_name(name: str) -> bool:
    """criteria.yml or rules/NAME.yml, nothing else (what load_standard puts in Standard.files)."""
    return name == "criteria.yml" or re.fullmatch(r"rules/[^/\\\x00]+\.yml", name) is not None


def shipped_ids() -> list[str]:
    """The standards shipped with the package, by folder name (gongkai-default, …)."""
    return sorted(folder.name for folder in SHIPPED.iterdir() if (folder / "criteria.yml").is_file())


def shipped_dir(standard_id: str) -> Path:
    """The folder of a shipped standard; an unknown id is refused with the ids there are."""
    known = shipped_ids()
    if standard_id not in known:  # also keeps a name like ../x from reaching the file system
        close = difflib.get_close_matches(standard_id, known, n=1, cutoff=0.5)
        raise StandardError([_("no shipped standard is called {value!r}{hint}; the shipped standards are: {known} "
                               "(listed by scoring criteria list)", value=standard_id,
                               hint=_("; did you mean {value}?", value=close[0]) if close else "",
                               known=", ".join(known))])
    return SHIPPED / standard_id


_default: Standard | None = None


def load_default() -> Standard:
    global _default
    if _default is None:
        _default = load_standard(DEFAULT_CRITERIA, DEFAULT_RULES)
    return _default
