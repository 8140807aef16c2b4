"""gongkai-scoring: rules-driven scoring of government openness assessments (政务公开考核)."""

import sys

__version__ = "0.1.0"

# durable_rules' C extension fails to import on 3.13+ (PyEval_CallObject was removed): say so up front.
if not ((3, 11) <= sys.version_info[:2] <= (3, 12)):  # pragma: no cover - depends on the interpreter
    raise ImportError(
        f"gongkai-scoring needs Python 3.11 or 3.12 (durable_rules does not import on "
        f"{sys.version_info.major}.{sys.version_info.minor}); create the virtual environment with python3.11."
    )
