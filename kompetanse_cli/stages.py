"""The words for where a person stands, shared by every command (`kt screen`, `kt forklar`,
`kt liste`, `kt rapport`): one vocabulary, so «aktuell» means the same everywhere.

A person's *status* (`kt liste`) is the furthest step reached. `kt liste --status X` selects
everyone who has reached X the way `kt rapport` counts X (so «aktuell» includes those who have
gone on to a vedtak), and accepts every spelling kt prints: labels («Ikke kandidat»), keys
(`ikke_kandidat`), the report's row names («Kandidater») and its JSON keys (`candidates`).
"""

from __future__ import annotations

import unicodedata

from kompetanse_cli.errors import UsageError

# Decisions (as `kt screen` and `kt forklar` print them) and the report's funnel rows.
KANDIDAT, IKKE_KANDIDAT, MANUELL = "kandidat", "ikke_kandidat", "manuell"
DECISION_LABELS = {KANDIDAT: "Kandidat", IKKE_KANDIDAT: "Ikke kandidat", MANUELL: "Må vurderes"}
FUNNEL_LABELS = {"listed": "Listet", "screened": "Screenet", "candidates": "Kandidater", "kartlagt": "Kartlagt",
                 "aktuell": "Aktuell", "vedtak": "Vedtak", "started": "Startet", "finished": "Fullført"}

# A person's status, in order: the furthest one reached is shown.
STATUS_LABELS = {
    "registrert": "Registrert",  # by `kt person ny` or an import, on no list
    "listet": "Listet",  # on a list, not screened
    IKKE_KANDIDAT: DECISION_LABELS[IKKE_KANDIDAT],
    MANUELL: DECISION_LABELS[MANUELL],
    KANDIDAT: DECISION_LABELS[KANDIDAT],
    "under_kartlegging": "Under kartlegging",
    "kartlagt": FUNNEL_LABELS["kartlagt"],
    "aktuell": FUNNEL_LABELS["aktuell"],
    "vedtak": FUNNEL_LABELS["vedtak"],
    "startet": FUNNEL_LABELS["started"],
    "fullfort": FUNNEL_LABELS["finished"],
}
# What `--status` selects: the status keys, plus the report's «Screenet». Each word is a filter
# (overview.reached says what it needs); the report's names and keys lead to the same filters.
FILTERS = (*STATUS_LABELS, "screenet")
_ALIASES = {
    "listed": "listet", "screened": "screenet", "candidates": KANDIDAT, "kandidater": KANDIDAT,
    "candidate": KANDIDAT, "not_candidates": IKKE_KANDIDAT, "not_candidate": IKKE_KANDIDAT,
    "ikke_kandidater": IKKE_KANDIDAT, "manual": MANUELL, "ma_vurderes": MANUELL, "vurderes": MANUELL,
    "started": "startet", "finished": "fullfort", "gjennomfort": "fullfort", "kartlagte": "kartlagt",
    "aktuelle": "aktuell",
}


def _fold(text: str) -> str:
    """«Må vurderes», «MA_VURDERES», «ma-vurderes» → «ma_vurderes»: case, æøå, space, dash, underscore."""
    text = text.strip().casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "_".join(text.replace("-", " ").replace("_", " ").split())


def parse_status(text: str) -> str:
    """The filter a `--status` word means, in any spelling kt prints; an unknown word lists the valid ones."""
    folded = _fold(text)
    for key in FILTERS:
        if folded == _fold(key) or folded == _fold(label(key)):
            return key
    if folded in _ALIASES:
        return _ALIASES[folded]
    valid = ", ".join(label(key).lower() for key in FILTERS)
    raise UsageError(f"Ukjent status «{text}». Gyldige: {valid}.")


def label(key: str) -> str:
    """A status or filter as kt prints it: «Ikke kandidat», «Screenet»."""
    return STATUS_LABELS.get(key) or FUNNEL_LABELS.get({"screenet": "screened"}.get(key, key), key)
