"""A scoring standard (考核评分标准) as data: criteria + rules, loaded, validated and linted.

`schema` holds the pydantic models of the YAML, `vocabulary` the codes rules compare, `model`
the loaded Standard, `lint` the checks beyond the schema, `loader` reads a folder (the shipped
standards are under `shipped/`, one folder each, in the layout `scoring criteria export` writes).
"""

from scoring.standard.loader import load_default, load_standard
from scoring.standard.model import Standard, StandardError

__all__ = ["Standard", "StandardError", "load_default", "load_standard"]
