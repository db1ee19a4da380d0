"""Nested metrics and params as DVC names them: {"a": {"b": 1}} -> {"a.b": 1}. No TensorFlow."""
from __future__ import annotations

from typing import Any, Callable


def flatten(nested: dict, prefix: str = "", whole: Callable[[dict], bool] | None = None) -> dict[str, Any]:
    """{dotted key: leaf}; lists stay whole, and so does any mapping for which `whole` says so."""
    flat: dict[str, Any] = {}
    for key, value in nested.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and not (whole and whole(value)):
            flat.update(flatten(value, dotted + ".", whole))
        else:
            flat[dotted] = value
    return flat
