"""kt's short person ids as users type them, and the error when one is not found."""

from __future__ import annotations

import re

from kompetanse_cli.errors import UsageError
from kompetanse_cli.store import lists
from kompetanse_cli.store.api import Db, Row

_SHORT_ID_RE = re.compile(r"^[a-z2-9]{5}$")


def looks_like_short_id(text: str) -> bool:
    return bool(_SHORT_ID_RE.match(text.strip().lower()))


def unknown_id(text: str) -> UsageError:
    """The error for an id that is not found; never repeats what looks like personal data."""
    typed = text.strip().lower()
    if _SHORT_ID_RE.match(typed):
        return UsageError(f"Fant ingen person med id «{typed}». Se `kt liste`, eller finn id-en fra "
                          "fødselsnummeret med `kt person finn`.")
    if sum(c.isdigit() for c in typed) >= 6:
        return UsageError("Det ser ut som et fødselsnummer. kt bruker sine egne korte id-er (fem tegn, "
                          "f.eks. k7m2x) på kommandolinjen; finn id-en med `kt person finn`.")
    return UsageError("Fant ingen person med den id-en. kt-id-er har fem tegn, f.eks. k7m2x; se `kt liste`.")


def require_person(conn: Db, short_id: str) -> Row:
    """The person with this short id, or a UsageError (exit 2) that says how to find the id."""
    person = lists.person_by_short_id(conn, short_id)
    if person is None:
        raise unknown_id(short_id)
    return person
