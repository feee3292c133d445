"""Fylke names as users type them, mapped to today's fylker (from 1 January 2024)."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kompetanse_cli.errors import UsageError

# Today's fylker: key → display name.
FYLKER: dict[str, str] = {
    "agder": "Agder", "akershus": "Akershus", "buskerud": "Buskerud", "finnmark": "Finnmark",
    "innlandet": "Innlandet", "more-og-romsdal": "Møre og Romsdal", "nordland": "Nordland", "oslo": "Oslo",
    "ostfold": "Østfold", "rogaland": "Rogaland", "telemark": "Telemark", "troms": "Troms",
    "trondelag": "Trøndelag", "vestfold": "Vestfold", "vestland": "Vestland",
}

# The trial's fylker and the parts of them that exist today.
TRIAL_FYLKER = ("agder", "innlandet", "nordland", "troms", "finnmark", "akershus", "ostfold")

# Old names (before 2024, or the trial's own) → today's fylker, with what to tell the user.
OLD_NAMES: dict[str, tuple[tuple[str, ...], str]] = {
    "tromsogfinnmark": (("troms", "finnmark"),
                        "Troms og Finnmark ble 01.01.2024 delt i to fylker, Troms og Finnmark; bruker reglene for begge."),
    "viken": (("akershus", "ostfold"),
              "Viken ble 01.01.2024 delt i Akershus, Buskerud og Østfold. Forsøket (Øst-Viken) gjaldt "
              "Akershus og Østfold; bruker reglene for dem."),
    "ostviken": (("akershus", "ostfold"),
                 "Øst-Viken er i dag Akershus og Østfold (uten Asker og Bærum); bruker reglene for begge."),
    "vestviken": (("buskerud",), "Vest-Viken er i dag i hovedsak Buskerud."),
    "vestfoldogtelemark": (("vestfold", "telemark"),
                           "Vestfold og Telemark ble 01.01.2024 delt i to fylker, Vestfold og Telemark."),
    "vestagder": (("agder",), "Vest-Agder er i dag en del av Agder."),
    "austagder": (("agder",), "Aust-Agder er i dag en del av Agder."),
    "hedmark": (("innlandet",), "Hedmark er i dag en del av Innlandet."),
    "oppland": (("innlandet",), "Oppland er i dag en del av Innlandet."),
    "nordtrondelag": (("trondelag",), "Nord-Trøndelag er i dag en del av Trøndelag."),
    "sortrondelag": (("trondelag",), "Sør-Trøndelag er i dag en del av Trøndelag."),
    "hordaland": (("vestland",), "Hordaland er i dag en del av Vestland."),
    "sognogfjordane": (("vestland",), "Sogn og Fjordane er i dag en del av Vestland."),
}

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def normalize_name(text: str) -> str:
    """`Troms og Finnmark`, `troms-og-finnmark`, `TROMS OG FINNMARK` → `tromsogfinnmark`."""
    return re.sub(r"[^a-z]", "", text.lower().translate(_FOLD))


@dataclass(frozen=True)
class FylkeChoice:
    """What a typed name meant: today's fylker, and a note when an old name was mapped."""

    keys: tuple[str, ...]
    note: str | None = None

    @property
    def label(self) -> str:
        return " og ".join(FYLKER[k] for k in self.keys)


def resolve_fylke(text: str) -> FylkeChoice:
    """Map what the user typed to today's fylke(r); an unknown name lists the valid ones."""
    wanted = normalize_name(text)
    for key in FYLKER:
        if normalize_name(key) == wanted or normalize_name(FYLKER[key]) == wanted:
            return FylkeChoice((key,))
    if wanted in OLD_NAMES:
        keys, note = OLD_NAMES[wanted]
        return FylkeChoice(keys, note)
    names = sorted(FYLKER.values()) + ["Troms og Finnmark", "Viken", "Øst-Viken"]
    close = difflib.get_close_matches(wanted, [normalize_name(n) for n in names], n=1, cutoff=0.75)
    guess = next((f" Mente du «{n}»?" for n in names if close and normalize_name(n) == close[0]), "")
    raise UsageError(f"Ukjent fylke «{text}».{guess} Gyldige navn: {', '.join(names)}.")


@dataclass(frozen=True)
class Kommune:
    nummer: str
    navn: str
    fylke: str


@lru_cache(maxsize=1)
def kommuner() -> dict[str, Kommune]:
    """Lookup by today's number, old (2020–2023) number and folded name → Kommune."""
    text = resources.files("kompetanse_cli.data").joinpath("kommuner.csv").read_text(encoding="utf-8")
    lookup: dict[str, Kommune] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        kommune = Kommune(row["nummer"].strip(), row["navn"].strip(), row["fylke"].strip())
        lookup[kommune.nummer] = kommune
        lookup[normalize_name(kommune.navn)] = kommune
        for old in (row.get("gamle_nummer") or "").split(","):
            if old.strip():
                lookup.setdefault(old.strip(), kommune)
    return lookup


# The first two digits of a kommunenummer name its fylke (2024 numbering). Kommuner of the trial
# fylker are in kommuner.csv with their names and old numbers; others are known by number only.
FYLKE_BY_PREFIX = {
    "03": "oslo", "11": "rogaland", "15": "more-og-romsdal", "18": "nordland", "31": "ostfold",
    "32": "akershus", "33": "buskerud", "34": "innlandet", "39": "vestfold", "40": "telemark", "42": "agder",
    "46": "vestland", "50": "trondelag", "55": "troms", "56": "finnmark",
}


@lru_cache(maxsize=4096)
def find_kommune(text: str | None) -> Kommune | None:
    """A kommune from a number (`4204`, `301`, `4204 Kristiansand`) or a name; None if unknown."""
    if not text:
        return None
    table = kommuner()
    match = re.match(r"^\s*(\d{3,4})\b", text)
    if match:
        number = match.group(1).zfill(4)
        known = table.get(number)
        if known is None and number[:2] in FYLKE_BY_PREFIX:
            return Kommune(number, f"Kommune {number}", FYLKE_BY_PREFIX[number[:2]])
        return known
    return table.get(normalize_name(text))
