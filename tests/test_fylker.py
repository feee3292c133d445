"""Fylke names as users type them, and kommuner by number or name."""

from __future__ import annotations

import pytest

from kompetanse_cli.errors import UsageError
from kompetanse_cli.fylker import FYLKER, find_kommune, resolve_fylke


@pytest.mark.parametrize(("text", "keys", "old_name"), [
    ("agder", ("agder",), False),
    ("Agder", ("agder",), False),
    ("AGDER", ("agder",), False),
    ("troms-og-finnmark", ("troms", "finnmark"), True),
    ("Troms og Finnmark", ("troms", "finnmark"), True),
    ("troms", ("troms",), False),
    ("finnmark", ("finnmark",), False),
    ("øst-viken", ("akershus", "ostfold"), True),
    ("ost-viken", ("akershus", "ostfold"), True),
    ("Øst-Viken", ("akershus", "ostfold"), True),
    ("viken", ("akershus", "ostfold"), True),
    ("akershus", ("akershus",), False),
    ("østfold", ("ostfold",), False),
    ("ostfold", ("ostfold",), False),
    ("innlandet", ("innlandet",), False),
    ("nordland", ("nordland",), False),
    (" Nordland ", ("nordland",), False),
    ("Møre og Romsdal", ("more-og-romsdal",), False),
])
def test_resolve_fylke(text: str, keys: tuple[str, ...], old_name: bool):
    choice = resolve_fylke(text)
    assert choice.keys == keys
    if old_name:
        assert choice.note
    else:
        assert choice.note is None
    assert choice.label == " og ".join(FYLKER[k] for k in keys)


def test_old_name_note_says_what_it_became():
    note = resolve_fylke("Troms og Finnmark").note
    assert "2024" in note and "Troms" in note and "Finnmark" in note
    assert "Akershus" in resolve_fylke("viken").note and "Østfold" in resolve_fylke("viken").note


@pytest.mark.parametrize("text", ["Atlantis", ""])
def test_unknown_fylke_lists_valid_names(text: str):
    with pytest.raises(UsageError) as error:
        resolve_fylke(text)
    message = error.value.message
    assert "Gyldige navn" in message
    for name in ("Agder", "Innlandet", "Nordland", "Troms", "Finnmark", "Akershus", "Østfold",
                 "Troms og Finnmark", "Viken", "Øst-Viken"):
        assert name in message


def test_a_misspelt_fylke_gets_a_suggestion():
    with pytest.raises(UsageError, match="Mente du «Agder»"):
        resolve_fylke("agdr")


@pytest.mark.parametrize(("text", "keys"), [("Vest-Agder", ("agder",)), ("Hedmark", ("innlandet",)),
                                            ("Sør-Trøndelag", ("trondelag",))])
def test_fylker_from_before_2020_are_mapped(text: str, keys: tuple[str, ...]):
    choice = resolve_fylke(text)
    assert choice.keys == keys and choice.note


@pytest.mark.parametrize(("text", "nummer", "navn", "fylke"), [
    ("4204", "4204", "Kristiansand", "agder"),
    ("4204 Kristiansand", "4204", "Kristiansand", "agder"),
    ("Kristiansand", "4204", "Kristiansand", "agder"),
    ("kristiansand", "4204", "Kristiansand", "agder"),
    ("  KRISTIANSAND ", "4204", "Kristiansand", "agder"),
    ("3030", "3205", "Lillestrøm", "akershus"),       # old (2020–2023) Viken number
    ("3030 Lillestrøm", "3205", "Lillestrøm", "akershus"),
    ("3004", "3107", "Fredrikstad", "ostfold"),       # old Viken number
    ("Evje og Hornnes", "4219", "Evje og Hornnes", "agder"),
    ("evje-og-hornnes", "4219", "Evje og Hornnes", "agder"),
    ("Hægebostad", "4226", "Hægebostad", "agder"),
    ("Våler (Østfold)", "3114", "Våler (Østfold)", "ostfold"),
], ids=["nummer", "nummer-og-navn", "navn", "navn-smaa-bokstaver", "navn-store-bokstaver-mellomrom",
        "gammelt-viken-nummer", "gammelt-nummer-og-navn", "gammelt-viken-nummer-ostfold", "navn-med-mellomrom",
        "navn-med-bindestrek", "navn-med-ae", "navn-med-parentes"])
def test_find_kommune(text: str, nummer: str, navn: str, fylke: str):
    kommune = find_kommune(text)
    assert kommune is not None
    assert (kommune.nummer, kommune.navn, kommune.fylke) == (nummer, navn, fylke)


@pytest.mark.parametrize("text", [None, "", "   ", "Atlantis", "9999", "Våler"],
                         ids=["none", "tom", "blank", "ukjent-navn", "ukjent-nummer", "tvetydig-navn"])
def test_find_kommune_unknown(text):
    assert find_kommune(text) is None
