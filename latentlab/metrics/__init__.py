"""Metrics: pure functions of arrays that return dicts of plain floats."""
