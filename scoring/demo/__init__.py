"""The embedded example (`scoring demo`): a realistic city built from a seed, imported and scored like real data."""

# Loaded on first use (PEP 562): `scoring --help` reads the demo's default seed (names.py) without importing the
# importer, the engine and the store that city.py needs (issue 17: every command's startup).
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.demo.city import DEFAULT_SEED, PERIODS, STEPS, DemoResult, run_demo

__all__ = ["DEFAULT_SEED", "PERIODS", "STEPS", "DemoResult", "run_demo"]


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("scoring.demo.city"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value
