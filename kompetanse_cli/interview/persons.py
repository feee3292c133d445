"""Persons from outside the lists (`kt person ny`) and their målform (`kt person malform`).

Persons themselves live in `kompetanse_cli.store.persons`; this module reads what users type.
"""

from __future__ import annotations

from kompetanse_cli.errors import UsageError
from kompetanse_cli.store.persons import MALFORMER

__all__ = ["MALFORMER", "parse_malform"]


def parse_malform(text: str) -> str:
    """`bokmål`/`nb` → nb, `nynorsk`/`nn` → nn (empty: bokmål, as NAV's letters default to)."""
    folded = text.strip().lower()
    if folded in ("", "nb", "bokmål", "bokmal", "b"):
        return "nb"
    if folded in ("nn", "nynorsk", "n"):
        return "nn"
    raise UsageError("Skriv bokmål eller nynorsk.")
