"""A scoring standard (考核评分标准) as data: criteria + rules, loaded, validated and linted.

`schema` holds the pydantic models of the YAML, `vocabulary` the codes rules compare, `model`
the loaded Standard, `lint` the checks beyond the schema, `loader` reads a folder (the shipped
standards are under `shipped/`, one folder each, in the layout `scoring criteria export` writes).
"""

# What the package offers is loaded on first use (PEP 562), not when any module of it is imported: a command
# that needs one light module (vocabulary, words) does not pay for the loader, pydantic's models and PyYAML
# (issue 17: every command's startup).
from typing import TYPE_CHECKING

from scoring import loaded_on_first_use

if TYPE_CHECKING:
    from scoring.standard.loader import load_default, load_standard
    from scoring.standard.model import Standard, StandardError

__all__ = ["Standard", "StandardError", "load_default", "load_standard"]

_HOMES = {"load_default": "scoring.standard.loader", "load_standard": "scoring.standard.loader",
          "Standard": "scoring.standard.model", "StandardError": "scoring.standard.model"}
__getattr__ = loaded_on_first_use(__name__, _HOMES)
