"""What people and scripts get from a run: rankings and feeds, explanations, comparisons, the report."""
