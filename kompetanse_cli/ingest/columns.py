"""Recognising the columns of an office list, whatever the office called them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# Field → the names offices use for it, written as `normalize_header` leaves them.
ALIASES: dict[str, tuple[str, ...]] = {
    "fnr": ("fnr", "fodselsnr", "fodselsnummer", "fodselsnrdnr", "fnrdnr", "personident", "personnr",
            "personnummer", "ident", "fnrdnummer", "fodselsnummerdnummer", "brukerident"),
    "navn": ("navn", "name", "fulltnavn", "sykmeldt", "sykmeldtnavn", "brukernavn", "personnavn", "etternavnfornavn",
             "fornavnetternavn"),
    "fornavn": ("fornavn",),
    "etternavn": ("etternavn",),
    "sykmeldt_fom": ("sykmeldtfom", "sykmeldtfra", "sykmeldtfradato", "fraogmed", "fom", "fomdato", "fradato",
                     "sykmeldingsstart", "sykmeldingfom", "sykmeldingfra", "startsykmelding", "startdato",
                     "sykefravaerstart", "sykefravaerfom", "forstesykedag", "sykmeldtfraogmed", "tilfellestart"),
    "sykmeldt_tom": ("sykmeldttom", "sykmeldttil", "sykmeldttildato", "tilogmed", "tom", "tomdato", "tildato",
                     "sykmeldingslutt", "sykmeldingtom", "sykmeldingtil", "sluttdato", "sykefravaerslutt",
                     "sykefravaertom", "sykmeldttilogmed", "friskmeldt", "friskmeldtdato"),
    "grad": ("grad", "sykmgrad", "sykmeldingsgrad", "sykmeldtgrad", "sykefravaersgrad", "sykmeldingsprosent",
             "prosent", "gradprosent"),
    "diagnose": ("diagnose", "diagnosekode", "icpc2", "icpc", "icpc2kode", "hoveddiagnose", "diagnosekodeicpc2",
                 "diagnoseicpc2", "dx"),
    "arbeidsgiver": ("arbeidsgiver", "arbeidsgivernavn", "virksomhet", "virksomhetsnavn", "bedrift", "ag",
                     "agnavn", "arbeidssted"),
    "orgnr": ("orgnr", "organisasjonsnummer", "orgnummer", "virksomhetsnummer", "virksomhetsnr", "agorgnr",
              "arbeidsgiverorgnr", "underenhet"),
    "yrke": ("yrke", "stilling", "styrk", "styrk08", "yrkeskode", "stillingstittel", "yrkestittel", "stillingskode",
             "styrkkode", "yrkestyrk"),
    "kommune": ("kommune", "kommunenr", "kommunenummer", "arbeidsstedkommune", "kommunearbeidssted", "bostedskommune",
                "agkommune", "arbeidsgiverkommune"),
    "kontor": ("navkontor", "enhet", "kontor", "navenhet", "enhetsnavn", "oppfolgingsenhet", "navkontornavn"),
    "tidligere_tilfeller": ("tidligeresykefravaer", "antalltidligeretilfeller", "tidligeretilfeller",
                            "antalltidligeresykefravaer", "tidligeresykefravaerstilfeller", "antallsykefravaer",
                            "tidligeresykmeldinger", "antalltidligeresykmeldinger"),
    "sykepengedager_5ar": ("sykepengedagersiste5ar", "spdagersiste5ar", "sykepengedager5ar", "sykepengedager",
                           "spdager5ar", "antallsykepengedagersiste5ar", "sykepengedagerfemar",
                           "sykepengedagersistefemar"),
}

REQUIRED = ("fnr", "sykmeldt_fom")

# Human names of the fields, for messages and the "recognised columns" summary.
FIELD_LABELS: dict[str, str] = {
    "fnr": "fødselsnummer", "navn": "navn", "fornavn": "fornavn", "etternavn": "etternavn",
    "sykmeldt_fom": "sykmeldt fra og med", "sykmeldt_tom": "sykmeldt til og med", "grad": "sykmeldingsgrad",
    "diagnose": "diagnose (ICPC-2)", "arbeidsgiver": "arbeidsgiver", "orgnr": "organisasjonsnummer",
    "yrke": "yrke/STYRK", "kommune": "kommune", "kontor": "NAV-kontor",
    "tidligere_tilfeller": "tidligere sykefravær", "sykepengedager_5ar": "sykepengedager siste 5 år",
}

_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e"})


def normalize_header(text: object) -> str:
    """`Sykm. grad (%)` → `sykmgrad`: lower case, æøå folded, everything but letters and digits removed."""
    folded = str(text).lower().translate(_FOLD)
    return re.sub(r"[^a-z0-9]", "", folded)


@dataclass
class ColumnMap:
    """Which column index holds which field, and what was left out."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # field → header text as written in the file
    ignored: list[str] = field(default_factory=list)

    @property
    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.fields]


def recognise(header: Sequence[object]) -> ColumnMap:
    """Map a header row to fields; the first column that matches a field wins."""
    columns = ColumnMap()
    for index, cell in enumerate(header):
        text = " ".join(str(cell).split()) if cell not in (None, "") else ""
        if not text:
            continue
        name = _LOOKUP.get(normalize_header(text))
        if name is None or name in columns.fields:
            columns.ignored.append(text)
            continue
        columns.fields[name] = index
        columns.headers[name] = text
    return columns


def header_score(row: Sequence[object]) -> int:
    """How many distinct fields a row would map: used to find the header under title rows."""
    return len(recognise(row).fields)
