"""Text folded for matching what a user typed: any case, and æ, ø, å as ae, o, a.

`"NAV Østre Agder"` and `"ostre"` fold to text where the second is found in the first. Used where
kt matches names in Python; the database does the same with `kt_fold` where it has it.
"""

from __future__ import annotations

import unicodedata

_NORDIC = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o"})


def fold(text: str) -> str:
    """Lower case (Unicode), Norwegian letters spelled out, other accents dropped (é → e)."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_NORDIC)
    plain = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in plain if not unicodedata.combining(c))
