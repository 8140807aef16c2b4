"""The layout shows how data flows: each stage's package imports only the stages below it.

A newcomer reads the pipeline from the folder list (README, "How it works"); an import that points
up the pipeline, or a module importing itself back through others, would blur it again.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scoring"
# Lowest first. Modules at the top level (the package face, i18n, fastjson, exports) sit below every stage.
STAGES = ("standard", "store", "inputs", "rectify", "engine", "outputs", "demo", "cli", "web")
# The CLI serves the web app (`scoring serve`) and the web app reuses the CLI's list of bad-input errors.
ALLOWED_SIDEWAYS = {("cli", "web"), ("web", "cli")}
TOP_LEVEL = {"__init__.py", "__main__.py", "i18n.py", "fastjson.py", "exports.py"}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("scoring"):
                out.add(name)
    return out


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_the_top_level_holds_only_the_package_face_and_shared_helpers():
    assert {p.name for p in PACKAGE.glob("*.py")} <= TOP_LEVEL
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(STAGES)


def test_imports_point_down_the_pipeline():
    known = modules()
    upward = []
    for name, path in known.items():
        here = stage(name)
        for target in imports(path, known):
            there = stage(target)
            if here is None and there is not None and name != "scoring.__main__":
                upward.append(f"{name} (shared helper) imports {target}")
            elif here and there and here != there and (here, there) not in ALLOWED_SIDEWAYS \
                    and STAGES.index(there) > STAGES.index(here):
                upward.append(f"{name} ({here}) imports {target} ({there})")
    assert upward == []


def test_no_module_imports_itself_back_through_others():
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = imports(path, known) - {name}
        # A package's __init__ re-exporting its own children is not a circle.
        graph[name] = {t for t in targets if not t.startswith(name + ".") and not name.startswith(t + ".")}
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
