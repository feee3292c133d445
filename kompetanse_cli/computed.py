"""A dictionary that computes a missing value from its key: a memo that `map(memo.__getitem__,
column)` turns a whole column through in C, calling Python only for values not seen before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Computed(dict):
    """`memo[key]` is `compute(key)`, computed once."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value
