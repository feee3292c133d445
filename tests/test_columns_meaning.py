"""Column headers as offices really write them (issue 15.1): each spelling and what it must mean,
or must NOT be taken for."""

from __future__ import annotations

import pytest

from kompetanse_cli.ingest.columns import classify, recognise

# header as written in a real list → the field it means (None: not used)
HEADERS = [
    # fødselsnummer
    ("Fødselsnummer", "fnr"),
    ("Fødselsnummer (11 siffer)", "fnr"),
    ("Fødselsnr.", "fnr"),
    ("FNR/DNR", "fnr"),
    ("D-nummer", "fnr"),
    ("Fnr/D-nr", "fnr"),
    ("Personident", "fnr"),
    ("Personnummer", "fnr"),
    ("Brukerident", "fnr"),
    ("Fødselsnummer/D-nummer", "fnr"),
    ("Fødselsdato", None),
    ("Saksbehandler ident", None),
    ("NAV-ident", None),
    # names
    ("Navn", "navn"),
    ("Fullt navn", "navn"),
    ("Navn sykmeldt", "navn"),
    ("Sykmeldtes navn", "navn"),
    ("Etternavn, fornavn", "navn"),
    ("Fornavn", "fornavn"),
    ("Etternavn", "etternavn"),
    ("Sykmeldt", None),
    ("Nærmeste leder", None),
    ("Kontaktperson navn", None),
    # sick-leave dates
    ("Startdato sykmelding", "sykmeldt_fom"),
    ("Sykmelding startdato", "sykmeldt_fom"),
    ("Sykmeldt f.o.m.", "sykmeldt_fom"),
    ("Sykm. fra", "sykmeldt_fom"),
    ("Første fraværsdag", "sykmeldt_fom"),
    ("Første sykedag", "sykmeldt_fom"),
    ("Sykefravær start", "sykmeldt_fom"),
    ("Periode fom", "sykmeldt_fom"),
    ("Startdato arbeidsforhold", None),
    ("Ansettelsesdato", None),
    ("Sykmeldt t.o.m.", "sykmeldt_tom"),
    ("Sluttdato sykmelding", "sykmeldt_tom"),
    ("Sykm. til", "sykmeldt_tom"),
    ("Friskmeldingsdato", "sykmeldt_tom"),
    ("Sykmeldingsperiode tom", "sykmeldt_tom"),
    ("Maksdato", None),
    # grade
    ("Gradering", "grad"),
    ("Sykm.grad (%)", "grad"),
    ("Sykmeldingsgrad i prosent", "grad"),
    ("Grad %", "grad"),
    ("Stillingsprosent", None),
    ("Uføregrad", None),
    # diagnosis
    ("Hoveddiagnose (ICPC-2)", "diagnose"),
    ("Diagnosekode ICPC2", "diagnose"),
    ("Bidiagnose", None),
    ("Diagnosetekst", None),
    # employer
    ("Arbeidsgivers navn", "arbeidsgiver"),
    ("Arbeidsgiver (navn)", "arbeidsgiver"),
    ("Navn på arbeidsgiver", "arbeidsgiver"),
    ("Virksomhetsnavn", "arbeidsgiver"),
    ("AG navn", "arbeidsgiver"),
    ("Org.nr. arbeidsgiver", "orgnr"),
    ("Arbeidsgivers orgnr", "orgnr"),
    ("Orgnr underenhet", "orgnr"),
    # occupation
    ("Yrkeskode (STYRK-08)", "yrke"),
    ("Stillingstittel", "yrke"),
    # kommune: the employer's, never the home
    ("Kommunenavn", "kommune"),
    ("Arbeidsstedskommune", "kommune"),
    ("Kommune arbeidssted", "kommune"),
    ("Arbeidsgivers kommune", "kommune"),
    ("Kommunenr. (arbeidssted)", "kommune"),
    ("Bostedskommune", None),
    ("Bostedskommunenr", None),
    ("Kommune (bosted)", None),
    ("Folkeregistrert kommune", None),
    # office
    ("NAV-enhet", "kontor"),
    ("Nav kontor", "kontor"),
    ("Oppfølgingsenhet", "kontor"),
    ("Enhetsnr", "kontor"),
    # earlier sick leave
    ("Tidl. sykefravær", "tidligere_tilfeller"),
    ("Antall sykefraværstilfeller siste 3 år", "tidligere_tilfeller"),
    ("Ant. tidl. tilfeller", "tidligere_tilfeller"),
    ("Tidligere sykefravær (ja/nei)", "tidligere_tilfeller"),
    ("Tidligere sykmeldinger", "tidligere_tilfeller"),
    ("SP-dager brukt", "sykepengedager_5ar"),
    ("SP-dager siste 5 år", "sykepengedager_5ar"),
    ("Brukte sykepengedager", "sykepengedager_5ar"),
    ("Antall sykepengedager", "sykepengedager_5ar"),
    ("Gjenstående sykepengedager", None),
    ("Gjenstående SP-dager", None),
    # not for screening
    ("Alder", None),
    ("Kjønn", None),
    ("Telefon", None),
    ("Merknad", None),
]


def test_the_table_is_long_enough():
    assert len(HEADERS) >= 60


@pytest.mark.parametrize(("header", "field"), HEADERS, ids=[f"{i:02d}" for i in range(len(HEADERS))])
def test_header_means(header, field):
    columns = recognise(["Løpenr", header])
    if field is None:
        assert columns.fields == {}
        assert header in columns.ignored
    else:
        assert columns.fields == {field: 1}
        assert columns.headers[field] == header


def test_bostedskommune_is_not_the_employers_kommune_and_says_why():
    columns = recognise(["Fødselsnr", "Sykmeldt fom", "Bostedskommune"])
    assert "kommune" not in columns.fields
    assert "arbeidsgiverens kommune" in columns.not_used["Bostedskommune"]


def test_bostedskommune_beside_the_employers_kommune():
    columns = recognise(["Bostedskommune", "Fødselsnr", "Sykmeldt fom", "Arbeidsstedskommune"])
    assert columns.fields["kommune"] == 3


@pytest.mark.parametrize("header", ["Ident", "Prosent"])
def test_bare_ident_and_prosent_are_only_candidates(header):
    assert classify(header).weak


def test_an_unrecognised_relevant_column_is_named_with_the_closest_field():
    columns = recognise(["Fødselsnr", "Sykmeldt fom", "Sykm.periode", "Kommentar", "Uker sykmeldt"])
    assert columns.hints == {"Sykm.periode": "sykmeldt_fom"}
    assert "uker sykmeldt" in columns.not_used["Uker sykmeldt"]
    assert "Kommentar" not in columns.hints


def test_a_mapping_by_hand_comes_first():
    columns = recognise(["Fødselsnr", "Sykmeldt fom", "Fravær før"], by_hand={"fravaerfor": "tidligere_tilfeller"})
    assert columns.fields["tidligere_tilfeller"] == 2
    assert columns.by_hand == {"Fravær før": "tidligere_tilfeller"}
