"""A scoring standard (考核评分标准) as data: criteria + rules, loaded, validated and linted."""

from scoring.standard.loader import Standard, StandardError, load_default, load_standard

__all__ = ["Standard", "StandardError", "load_default", "load_standard"]
