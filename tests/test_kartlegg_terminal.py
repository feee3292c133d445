"""The interview in a real pseudo-terminal: answer, Ctrl-C half way, restart, resume, finish."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import openpyxl
import pexpect
import pytest

from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr

TIMEOUT = 20


def _screened_person(tmp_path: Path) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Uttak 07.03.2022"])
    sheet.append(["Fødselsnr", "Navn", "Sykmeldt fom", "Grad", "Diagnose", "Arbeidsgiver", "Yrke", "Kommunenr",
                  "Tidligere sykefravær"])
    sheet.append([synthetic_fnr(dt.date(1980, 5, 17)), "Kari Testesen", dt.date(2022, 1, 3), 100, "L03",
                  "Testbygg AS", "7115 Tømrer", "4206", 2])
    path = tmp_path / "liste.xlsx"
    workbook.save(path)
    result = run_kt("screen", str(path), "--fylke", "agder", "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)["persons"][0]["id"]


def _spawn(person: str) -> pexpect.spawn:
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}
    return pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "kartlegg", person], env=env,
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(50, 120))


def _answer(child: pexpect.spawn, question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact("> ")
    child.sendline(reply)


def _stored(home: Path) -> dict[str, str | None]:
    return dict(dbrows.tuples("SELECT sporsmal, verdi FROM svar"))


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_interrupted_interview_resumes_with_every_answer_kept(tmp_path: Path, kt_home: Path) -> None:
    person = _screened_person(tmp_path)
    child = _spawn(person)
    child.expect_exact("Kari Testesen")
    _answer(child, "Dato for kartleggingssamtalen", "31.02.2022")  # impossible: asked again
    child.expect_exact("Datoen finnes ikke")
    child.expect_exact("> ")
    child.sendline("10.03.2022")
    _answer(child, "Hvordan ble samtalen gjennomført?", "1")
    _answer(child, "Hvordan er bruker identifisert", "nav_veileder")
    _answer(child, "Hvem i NAV gjennomførte samtalen", "Prosjektgruppa")
    _answer(child, "høyeste fullførte utdanning", "-")  # skipped: stored as unanswered
    child.expect_exact("Spørsmål 6 av")
    child.expect_exact("> ")
    child.sendintr()  # Ctrl-C half way
    child.expect_exact("Avbrutt.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert _stored(kt_home) == {"samtaledato": "2022-03-10", "samtaleform": "telefon",
                                "identifisert_av": "nav_veileder", "samtale_av": "prosjektgruppa",
                                "utdanning": None}

    child = _spawn(person)
    child.expect_exact("Fortsetter der du slapp")
    child.expect_exact("Spørsmål 6 av")  # resumed at the first unanswered question
    child.expect_exact("Vil bruker ha helse til å stå i nåværende jobb")
    child.expect_exact("> ")
    child.sendline("<")  # back to the skipped question
    _answer(child, "høyeste fullførte utdanning", "4")
    for question, reply in [("Vil bruker ha helse", "nei"), ("Har arbeidsgiver tilrettelagt", "delvis"),
                            ("gjenværende muligheter", "ja"), ("manglende kompetanse", "ja"),
                            ("Ønsker bruker annet arbeid", "ja"), ("Ønsker bruker annen arbeidsgiver", "ja"),
                            ("Trenger bruker ny kompetanse", "ja"), ("Er bruker aktuell", "ja"),
                            ("karriereveiledning", "nei"), ("informert om konsekvenser", "1")]:
        _answer(child, question, reply)
    # the note goes into the letter to the person, and the prompt says so before it is written
    child.expect_exact("Notat til referatet som brukeren får (det dere ble enige om; ingen diagnoser)")
    child.expect_exact("> ")
    child.sendline("?")
    child.expect_exact("står ordrett i referatet til brukeren")
    child.expect_exact("> ")
    child.sendline("Vurderer truckførerkurs. Ønsker jobb på lager.")
    child.expect_exact("Oppsummering")
    child.expect_exact("Nummeret på et svar du vil endre")
    child.sendline("")
    child.expect_exact("Nivå 1 er fullført og lagret")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    stored = _stored(kt_home)
    assert stored["utdanning"] == "fagbrev" and stored["aktuell"] == "ja" and len(stored) == 16
    assert dbrows.tuples("SELECT fullfort IS NOT NULL, mal_id, mal_versjon FROM kartlegging") == [
        (1, "registreringsskjema", "1")]
    assert {r[0] for r in dbrows.tuples("SELECT veileder FROM svar")} == {"A123456"}
    # the skipped answer was changed later: its earlier (empty) value is kept in the history
    assert dbrows.tuples("SELECT sporsmal, verdi, endret_av FROM svar_historikk") == [
        ("utdanning", None, "A123456")]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_person_ny_asks_at_prompts_and_creates_the_person(kt_home: Path) -> None:
    fnr = synthetic_fnr(dt.date(1979, 8, 9))
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}
    child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "ny"], env=env, encoding="utf-8",
                          timeout=TIMEOUT)
    child.expect_exact("Fødselsnummer")
    child.sendline("12345678901")  # invalid: asked again
    child.expect_exact("ugyldig fødselsnummer")
    child.expect_exact("Fødselsnummer")
    child.sendline(fnr)
    child.expect_exact("Navn")
    child.sendline("Ola Testmann")
    child.expect_exact("Fylke")
    child.sendline("troms og finnmark")  # an old fylke that is two today: kt asks which
    child.expect_exact("Skriv ett av dem")
    for prompt, reply in [("Fylke", "Troms"), ("NAV-kontor", "NAV Tromsø"),
                          ("Arbeidsgiver", "Testfisk AS"), ("Sykmeldt fra og med", "03.01.2022"),
                          ("Målform", "nynorsk")]:
        child.expect_exact(prompt)
        child.sendline(reply)
    child.expect(r"Registrert med id (\w{5})")
    short_id = child.match.group(1)
    child.expect(pexpect.EOF)
    row, = dbrows.tuples("SELECT kort_id, navn, fylke, kontor, arbeidsgiver, sykmeldt_fom, malform, kilde"
                         " FROM person WHERE fnr = ?", (fnr,))
    assert row == (short_id, "Ola Testmann", "troms", "NAV Tromsø", "Testfisk AS", "2022-01-03", "nn", "manuell")


def test_person_malform_is_set_and_logged(tmp_path: Path, kt_home: Path) -> None:
    person = _screened_person(tmp_path)
    assert run_kt("person", "malform", person, "nynorsk").code == 0
    bad = run_kt("person", "malform", person, "svensk")
    assert bad.code == 2 and "nynorsk" in bad.stderr
    assert dbrows.tuples("SELECT malform FROM person WHERE kort_id = ?", (person,)) == [("nn",)]
    assert dbrows.tuples("SELECT handling FROM logg WHERE person = ? AND handling LIKE 'målform%'",
                         (person,)) == [("målform satt til nynorsk",)]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_slett_asks_in_norwegian_with_the_name(tmp_path: Path, kt_home: Path) -> None:
    person = _screened_person(tmp_path)
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}

    def slett(reply: str) -> int:
        child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "slett", person], env=env,
                              encoding="utf-8", timeout=TIMEOUT)
        child.expect_exact(f"Slette alt om Kari Testesen ({person})? Dette kan ikke angres. [j/N]")
        child.sendline(reply)
        child.expect(pexpect.EOF)
        child.close()
        return child.exitstatus

    def count() -> int:
        return dbrows.value("SELECT COUNT(*) FROM person")

    assert slett("nei") == 0 and count() == 1
    assert slett("ja") == 0 and count() == 0


FULL_LEVEL_1 = """samtaledato = "10.03.2022"
samtaleform = "telefon"
identifisert_av = "nav_veileder"
samtale_av = "prosjektgruppa"
utdanning = "fagbrev"
helse_naavaerende_jobb = "nei"
ag_tilrettelagt = "delvis"
ag_gjenvaerende_muligheter = "nei"
manglende_kompetanse = "ja"
onsker_annet_arbeid = "nei"
aktuell = "ja"
karriereveiledning = "nei"
informert_inntekt = "ja"
notat = "Kurs i truckkjøring."
"""


def test_a_later_answer_file_keeps_a_complete_level_complete(tmp_path: Path, kt_home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    person = _screened_person(tmp_path)

    def answer(text: str) -> str:
        path = tmp_path / "svar.toml"
        path.write_text(text, encoding="utf-8")
        result = run_kt("kartlegg", person, "--svar", str(path))
        assert result.code == 0, result.output
        return result.stdout

    def complete() -> bool:
        return dbrows.value("SELECT fullfort IS NOT NULL FROM kartlegging WHERE niva = 1") == 1

    answer(FULL_LEVEL_1)
    assert complete()
    answer('samtaleform = "video"\n')  # a correction: nothing new is asked
    assert complete()
    out = answer('aktuell = "nei"\n')  # opens «hovedårsak»: the level needs that answer now
    assert not complete() and "hovedaarsak_ikke_aktuell" in out


def test_importer_accepts_the_column_names_lists_use(tmp_path: Path, kt_home: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    fnr = synthetic_fnr(dt.date(1977, 4, 2))
    path = tmp_path / "registreringer.csv"
    path.write_text(f"Fødselsnr;Navn;fylke;NAV-kontor;samtaledato;aktuell\n{fnr};Per Test;agder;NAV Lister;"
                    "10.03.2022;Delvis\n" + f"{fnr[:-1]}0;Feil Test;agdr;NAV Lister;10.03.2022;ja\n",
                    encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "1 ny person" in result.stdout and "1 avvist" in result.stdout
    assert dbrows.tuples("SELECT navn, kontor, kilde FROM person") == [("Per Test", "NAV Lister", "import")]
    assert dict(dbrows.tuples("SELECT sporsmal, verdi FROM svar")) == {
        "samtaledato": "2022-03-10", "aktuell": "delvis"}


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_person_finn_finds_the_id_from_a_fodselsnummer(tmp_path: Path, kt_home: Path) -> None:
    person = _screened_person(tmp_path)
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}
    child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "finn"], env=env, encoding="utf-8",
                          timeout=TIMEOUT)
    child.expect_exact("Fødselsnummer")
    child.sendline(synthetic_fnr(dt.date(1980, 5, 17)))
    child.expect_exact(f"{person}  Kari Testesen")
    child.expect(pexpect.EOF)
    assert dbrows.tuples("SELECT person FROM logg WHERE handling = 'person søkt opp'") == [(person,)]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_person_ny_takes_the_saved_fylke_and_kontor_on_enter(kt_home: Path) -> None:
    assert run_kt("config", "set", "fylke", "agder").code == 0
    assert run_kt("config", "set", "kontor", "NAV Lister").code == 0
    fnr = synthetic_fnr(dt.date(1981, 4, 5))
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}
    child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "ny"], env=env, encoding="utf-8",
                          timeout=TIMEOUT)
    child.expect_exact("Fødselsnummer")
    child.sendline(fnr)
    child.expect_exact("Navn")
    child.sendline("Per Testmann")
    child.expect_exact("Fylke [Agder]:")
    child.sendline("")
    child.expect_exact("NAV-kontor [NAV Lister]:")
    child.sendline("")
    for prompt in ("Arbeidsgiver", "Sykmeldt fra og med", "Målform"):
        child.expect_exact(prompt)
        child.sendline("")
    child.expect(r"Registrert med id (\w{5})")
    child.expect(pexpect.EOF)
    assert dbrows.tuples("SELECT navn, fylke, kontor FROM person WHERE fnr = ?", (fnr,)) == [
        ("Per Testmann", "agder", "NAV Lister")]
