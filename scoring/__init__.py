"""gongkai-scoring: rules-driven scoring of government openness assessments (政务公开考核)."""

__version__ = "0.1.0"
