"""The embedded example (`scoring demo`): a realistic city built from a seed, imported and scored like real data."""

from scoring.demo.city import DEFAULT_SEED, PERIODS, STEPS, DemoResult, run_demo

__all__ = ["DEFAULT_SEED", "PERIODS", "STEPS", "DemoResult", "run_demo"]
