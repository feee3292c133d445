"""`kt screen --json` writes each person with one f-string: the same text `json.dumps` gives."""

from __future__ import annotations

import json

import pytest

from kompetanse_cli.cli.screen import _PersonJson
from kompetanse_cli.screening.run import PersonOutcome

PERSONS = [
    PersonOutcome("k7m2x", "Ark1", 4, "kandidat", ["Sykmeldt 100 %", "46 år (grense: 60)"], "150385*****",
                  "Kari Nordmann", "NAV Østre Agder", 9, 100, "L", None, None),
    PersonOutcome("ab2cd", 'Ark "2"\t', 5, "ikke_kandidat", [], "010190*****", None, None, 0, None, None,
                  "på liste 28.02.2022 (ikke kandidat)", "kartlagt 10.03.2022"),
    PersonOutcome("zz9yy", "Æøå", 6, "manuell", ['Grad «ukjent» \\ "x"', "linje\nto\u2028"], "311299*****",
                  "Ærlig Øystein \u00e5 \x01", "NAV Ærøy", 52, 0, "P", "på liste 01.01.2022", "under kartlegging"),
]


@pytest.mark.parametrize("person", PERSONS, ids=["vanlig", "tomme-felt", "spesialtegn"])
def test_a_person_line_is_what_json_dumps_writes(person: PersonOutcome) -> None:
    line = _PersonJson().line(person)
    assert line == json.dumps(person.as_dict(), ensure_ascii=False)
    assert json.loads(line) == person.as_dict()


def test_shared_values_are_encoded_once_and_stay_right() -> None:
    writer = _PersonJson()
    lines = [writer.line(person) for person in PERSONS + PERSONS]
    assert [json.loads(line) for line in lines] == [person.as_dict() for person in PERSONS + PERSONS]
