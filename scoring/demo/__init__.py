"""The embedded example (`scoring demo`): a realistic city built from a seed, imported and scored like real data."""

# Loaded on first use (PEP 562): `scoring --help` reads the demo's default seed (names.py) without importing the
# importer, the engine and the store that city.py needs (issue 17: every command's startup).
from typing import TYPE_CHECKING

from scoring import loaded_on_first_use

if TYPE_CHECKING:
    from scoring.demo.city import DEFAULT_SEED, PERIODS, STEPS, DemoResult, run_demo

__all__ = ["DEFAULT_SEED", "PERIODS", "STEPS", "DemoResult", "run_demo"]

__getattr__ = loaded_on_first_use(__name__, dict.fromkeys(__all__, "scoring.demo.city"))
