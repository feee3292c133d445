"""What a new veileder hit in the first hour (issue 17): a list from the wrong fylke, diagnoses in
letters, implausible dates, register dates shown as conversation dates, imported answers missing
from the log. Each test failed before the change it covers.

All persons are synthetic (synthetic_fnr, made-up names).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_kt, synthetic_fnr
from tests.test_kartlegg_cli import (
    LEVEL1_JA,
    LEVEL2,
    VEILEDER,
    answer_file,
    complete_level_1,
    count,
    db_rows,
    kartlegg,
    screened_persons,
    stored,
)


@pytest.fixture
def veileder(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    return VEILEDER


# ---------- 5: the conversation's date, not the day it was registered ----------

def test_screen_shows_the_conversation_date_not_the_day_it_was_registered(tmp_path: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_JA, "samtaledato": "08.03.2022"})
    again = run_kt("screen", str(tmp_path / "liste.xlsx"), "--fylke", "agder")
    assert again.code == 0, again.output
    assert "kartlagt 08.03.2022" in again.stdout
    assert f"kartlagt {dt.date.today():%d.%m.%Y}" not in again.stdout
    persons = json.loads(run_kt("screen", str(tmp_path / "liste.xlsx"), "--fylke", "agder", "--json").stdout)
    assert persons["persons"][0]["kartlegging"] == "kartlagt 08.03.2022"


def test_liste_dates_a_kartlagt_person_by_the_conversation(tmp_path: Path, veileder: str) -> None:
    aktuell, kartlagt = screened_persons(tmp_path, candidates=2)
    complete_level_1(tmp_path, aktuell, {**LEVEL1_JA, "samtaledato": "08.03.2022"})
    nei = {**{k: v for k, v in LEVEL1_JA.items() if k not in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse",
                                                               "informert_inntekt")},
           "onsker_annet_arbeid": "nei", "aktuell": "nei", "hovedaarsak_ikke_aktuell": "tilbake_opprinnelig",
           "samtaledato": "09.03.2022"}
    complete_level_1(tmp_path, kartlagt, nei)
    rows = {row["id"]: row for row in json.loads(run_kt("liste", "--json").stdout)}
    assert rows[aktuell]["date"] == "2022-03-08"
    assert rows[kartlagt]["date"] == "2022-03-09"
    table = run_kt("liste").stdout
    assert "08.03.2022" in table and "09.03.2022" in table
    assert f"{dt.date.today():%d.%m.%Y}" not in table


# ---------- 7: imported answers in the person's log ----------

def test_imported_answers_are_in_the_persons_log(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    (fnr,) = db_rows(kt_home, "SELECT fnr FROM person WHERE kort_id = ?", (person,))[0]
    other = synthetic_fnr(dt.date(1977, 4, 5))
    path = tmp_path / "registreringer.csv"
    path.write_text("fnr;fylke;kontor;samtaledato;samtaleform;aktuell;notat\n"
                    f"{fnr};agder;NAV Lister;07.03.2022;Video;Ja;Ønsker kurs i regnskap\n"
                    f"{other};agder;NAV Lister;08.03.2022;telefon;nei;Ønsker å bli i jobben\n", encoding="utf-8")
    assert run_kt("kartlegg", "importer", str(path)).code == 0
    log = json.loads(run_kt("logg", "--person", person, "--json").stdout)
    imported = [entry for entry in log if "import" in entry["action"]]
    assert len(imported) == 1, log
    entry = imported[0]
    assert entry["action"] == "kartlegging nivå 1 importert" and entry["veileder"] == VEILEDER
    assert "registreringer.csv, rad 2" in entry["details"] and "4 svar" in entry["details"]
    assert "samtaledato" in entry["details"] and "notat" in entry["details"]
    # the answers themselves are never in the log: no free text, no dates, no fødselsnummer
    everything = json.dumps(db_rows(kt_home, "SELECT * FROM logg"), ensure_ascii=False)
    for secret in ("regnskap", "bli i jobben", "2022-03-07", "07.03.2022", fnr, other):
        assert secret not in everything
    # the new person has its own entry, under its kt-id
    (new_id,) = db_rows(kt_home, "SELECT kort_id FROM person WHERE fnr = ?", (other,))[0]
    assert any(e["action"] == "kartlegging nivå 1 importert"
               for e in json.loads(run_kt("logg", "--person", new_id, "--json").stdout))
    # importing the same file again changes nothing, and logs no answers for the person
    assert run_kt("kartlegg", "importer", str(path)).code == 0
    log = json.loads(run_kt("logg", "--person", person, "--json").stdout)
    assert len([entry for entry in log if "import" in entry["action"]]) == 1


# ---------- 1: a list from another fylke ----------

from tests.test_cli_screen import LISTER, person_row, write_list  # noqa: E402


def innlandet_list(path: Path, rows: int = 6, agder: int = 0) -> Path:
    """NAV Hamar's list: kommuner in Innlandet (3403 Hamar, 3411 Ringsaker), and `agder` rows from Agder."""
    people = [person_row(synthetic_fnr(dt.date(1970 + n, 1 + n % 12, 10 + n)), start=dt.date(2022, 1, 3),
                         kommune="3403" if n % 2 else "3411 Ringsaker") for n in range(rows)]
    people += [person_row(synthetic_fnr(dt.date(1960 + n, 2, 10 + n)), start=dt.date(2022, 1, 3), kommune="4206")
               for n in range(agder)]
    return write_list(path, people, title="NAV Hamar, uttak 07.03.2022")


def test_a_list_from_another_fylke_is_refused_and_nothing_stored(tmp_path: Path, kt_home: Path) -> None:
    path = innlandet_list(tmp_path / "hamar.xlsx")
    result = run_kt("screen", str(path), "--fylke", "agder")
    assert result.code == 1, result.output
    assert "6 av 6 rader med kjent kommune ligger ikke i Agder, men i Innlandet (6)" in result.stderr
    assert "--fylke innlandet" in result.stderr and "--likevel" in result.stderr
    assert "Listen er ikke lagret" in result.stderr
    assert "Ikke kandidat" not in result.stdout
    for table in ("person", "listeoppforing", "import", "import_avvist"):
        assert count(kt_home, table) == 0, table
    # the right fylke takes it, as does --likevel
    assert run_kt("screen", str(path), "--fylke", "innlandet").code == 0
    other = innlandet_list(tmp_path / "hamar2.xlsx", rows=4)
    anyway = run_kt("screen", str(other), "--fylke", "agder", "--likevel", "--json")
    assert anyway.code == 0, anyway.output
    assert db_rows(kt_home, "SELECT DISTINCT fylke FROM import WHERE filnavn = 'hamar2.xlsx'") == [("agder",)]


def test_the_sample_list_is_not_stored_as_akershus(kt_home: Path) -> None:
    result = run_kt("screen", str(LISTER), "--fylke", "viken")
    assert result.code == 1, result.output
    assert "ligger ikke i Akershus og Østfold, men i Agder (305)" in result.stderr
    assert count(kt_home, "person") == 0 and count(kt_home, "listeoppforing") == 0


def test_a_few_rows_from_elsewhere_do_not_stop_a_list(tmp_path: Path, kt_home: Path) -> None:
    """A mostly-Innlandet list with some Agder rows is Innlandet's; a list with no known kommune is not judged."""
    path = innlandet_list(tmp_path / "hamar.xlsx", rows=4, agder=3)
    assert run_kt("screen", str(path), "--fylke", "innlandet").code == 0
    assert count(kt_home, "listeoppforing") == 7
    unknown = write_list(tmp_path / "ukjent.xlsx", [person_row(synthetic_fnr(dt.date(1966, 3, 3)),
                                                              start=dt.date(2022, 1, 3), kommune="Atlantis")],
                         title="Uttak 07.03.2022")
    assert run_kt("screen", str(unknown), "--fylke", "agder").code == 0


# ---------- 3: implausible dates, refused in words ----------

def test_svar_refuses_a_conversation_before_the_sick_leave_began(tmp_path: Path, kt_home: Path,
                                                                  veileder: str) -> None:
    (person,) = screened_persons(tmp_path)  # sick from 03.01.2022
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL1_JA, "samtaledato": "20.12.2021"}))
    assert result.code == 1, result.output
    assert "Samtaledatoen kan ikke være før sykmeldingen begynte 03.01.2022." in result.stderr
    assert stored(kt_home, person, 1) == {}


def test_svar_refuses_a_conversation_in_the_future_in_words(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL1_JA, "samtaledato": "01.01.2099"}))
    assert result.code == 1, result.output
    assert f"Samtaledatoen kan ikke være frem i tid (i dag er {dt.date.today():%d.%m.%Y})." in result.stderr
    assert stored(kt_home, person, 1) == {}


def test_svar_refuses_a_vedtak_before_the_conversation(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_JA, "samtaledato": "15.03.2022"})
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL2, "vedtaksdato": "14.03.2022"}, "niva2.toml"),
                      "--niva", "2")
    assert result.code == 1, result.output
    assert "Vedtaksdatoen kan ikke være før samtalen 15.03.2022." in result.stderr
    assert "«samtaledato»" not in result.stderr and "planlagt_start" not in result.stderr
    assert stored(kt_home, person, 2) == {}
    ok = kartlegg(person, answer_file(tmp_path, {**LEVEL2, "vedtaksdato": "15.03.2022"}, "niva2b.toml"), "--niva", "2")
    assert ok.code == 0, ok.output


def test_import_refuses_implausible_dates_row_by_row(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)  # sick from 03.01.2022
    (fnr,) = db_rows(kt_home, "SELECT fnr FROM person WHERE kort_id = ?", (person,))[0]
    new = synthetic_fnr(dt.date(1977, 4, 5))
    future = synthetic_fnr(dt.date(1978, 4, 5))
    path = tmp_path / "registreringer.csv"
    path.write_text("fnr;fylke;kontor;samtaledato;aktuell;informert_inntekt;tiltakstype;vedtaksdato\n"
                    f"{fnr};agder;NAV Lister;20.12.2021;nei;;;\n"
                    f"{new};agder;NAV Lister;15.03.2022;ja;ja;amo;01.03.2022\n"
                    f"{future};agder;NAV Lister;01.01.2099;nei;;;\n", encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "3 avvist" in result.stdout
    lines = result.stdout.splitlines()
    assert any("rad 2, kolonne «samtaledato»: Samtaledatoen kan ikke være før sykmeldingen begynte 03.01.2022."
               in line for line in lines), result.stdout
    assert any("rad 3, kolonne «vedtaksdato»: Vedtaksdatoen kan ikke være før samtalen 15.03.2022." in line
               for line in lines), result.stdout
    assert any("rad 4, kolonne «samtaledato»: Samtaledatoen kan ikke være frem i tid" in line for line in lines)
    assert count(kt_home, "svar") == 0 and count(kt_home, "person") == 1


def test_the_interview_asks_again_with_the_reason_in_words() -> None:
    """The runner, as the terminal interview drives it: the sick leave's start and the level 1
    answers are what the dates are checked against."""
    from kompetanse_cli.interview.runner import Move, run_level
    from tests.test_runner import TEMPLATE

    errors: list[str] = []
    replies = iter(["20.12.2021", "07.03.2022"])

    def ask(prompt):
        if prompt.error:
            errors.append(prompt.error)
        if prompt.question.id == "samtaledato":
            return next(replies)
        return Move.QUIT

    answers: dict[str, str | None] = {}
    run_level(TEMPLATE, 1, answers, ask=ask, review=lambda s: None, save=lambda q, v: None, remove=lambda q: None,
              today=dt.date(2022, 3, 10), known={"sykmeldt_fom": "2022-01-03"})
    assert errors == ["Samtaledatoen kan ikke være før sykmeldingen begynte 03.01.2022."]
    assert answers == {"samtaledato": "2022-03-07"}
    errors.clear()
    level_2: dict[str, str | None] = {}
    replies = iter(["amo", "01.03.2022", "08.03.2022"])

    def ask_2(prompt):
        if prompt.error:
            errors.append(prompt.error)
        if prompt.question.id in ("tiltakstype", "vedtaksdato"):
            return next(replies)
        return Move.QUIT if prompt.question.id == "planlagt_start" else Move.SKIP

    run_level(TEMPLATE, 2, level_2, ask=ask_2, review=lambda s: None, save=lambda q, v: None, remove=lambda q: None,
              today=dt.date(2022, 3, 10), known={"sykmeldt_fom": "2022-01-03", **answers})
    assert errors == ["Vedtaksdatoen kan ikke være før samtalen 07.03.2022."]
    assert level_2["vedtaksdato"] == "2022-03-08"


# ---------- 2: diagnoses in free text, and in the letter ----------

DIAGNOSIS_NOTE = "Går til behandling for depresjon (P76). Ønsker kurs i regnskap."


def test_svar_warns_about_a_diagnosis_and_referat_refuses_it(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL1_JA, "notat": DIAGNOSIS_NOTE}))
    assert result.code == 0, result.output
    assert stored(kt_home, person, 1)["notat"] == DIAGNOSIS_NOTE  # a warning, not a refusal
    assert "Advarsel:" in result.stderr and "(notat) ser ut til å nevne en diagnose" in result.stderr
    assert "depresjon" not in result.output and "P76" not in result.output  # never repeated
    letter = run_kt("referat", person)
    assert letter.code == 1, letter.output
    assert "«Notat til referatet som brukeren får" in letter.stderr and "(notat)" in letter.stderr
    assert "--likevel" in letter.stderr
    assert "depresjon" not in letter.output and "regnskap" not in letter.output
    assert count(kt_home, "brev") == 0
    anyway = run_kt("referat", person, "--likevel")
    assert anyway.code == 0, anyway.output
    assert "depresjon (P76)" in anyway.stdout and "tatt med i brevet" in anyway.stderr
    assert count(kt_home, "brev") == 1


def test_a_nynorsk_letter_is_refused_too_and_a_clean_note_is_not(tmp_path: Path, kt_home: Path,
                                                                  veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_JA, "notat": "Har fått angstlidelse etter ulykken."})
    target = tmp_path / "brev.docx"
    refused = run_kt("referat", person, "--malform", "nn", "--ut", str(target))
    assert refused.code == 1 and not target.exists()
    assert kartlegg(person, answer_file(tmp_path, {"notat": "Ønsker nye krefter i ny jobb."}, "retting.toml")).code == 0
    assert run_kt("referat", person, "--malform", "nn", "--ut", str(target)).code == 0
    assert target.exists()


def test_a_diagnosis_in_the_planned_course_is_refused_naming_the_question(tmp_path: Path, kt_home: Path,
                                                                          veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL2, "kurs": "Kurs etter hjerteinfarkt"}, "n2.toml"),
                      "--niva", "2")
    assert result.code == 0 and "(kurs) ser ut til å nevne en diagnose" in result.stderr
    letter = run_kt("referat", person)
    assert letter.code == 1 and "«Kurs / utdanning» (kurs)" in letter.stderr
    assert f"kt kartlegg {person} --niva 2" in letter.stderr


def test_import_warns_row_by_row_about_diagnoses(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    first, second = synthetic_fnr(dt.date(1977, 4, 5)), synthetic_fnr(dt.date(1978, 4, 5))
    path = tmp_path / "registreringer.csv"
    path.write_text("fnr;fylke;kontor;samtaledato;aktuell;notat\n"
                    f"{first};agder;NAV Lister;07.03.2022;nei;Sykmeldt for L03 korsrygg\n"
                    f"{second};agder;NAV Lister;07.03.2022;nei;Ønsker truckførerkurs\n", encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "2 rader lest, 2 nye personer" in result.stdout  # stored, with a warning
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Advarsel")]
    assert len(warnings) == 1 and "rad 2, kolonne «notat»: svaret ser ut til å nevne en diagnose" in warnings[0]
    assert "L03" not in result.output and "korsrygg" not in result.output


def test_the_word_list_can_be_changed_in_kt_home(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    from kompetanse_cli.interview.diagnoses import DIAGNOSIS_WORD, find_diagnosis

    assert find_diagnosis("Har kols") == DIAGNOSIS_WORD
    assert find_diagnosis("Har tennisalbue") is None
    assert find_diagnosis("Trenger nye krefter") is None and find_diagnosis("Førerkort klasse C") is None
    kt_home.mkdir(parents=True, exist_ok=True)
    (kt_home / "diagnoseord.txt").write_text("# fylkets egne\ntennisalbue\n!kols\n", encoding="utf-8")
    assert find_diagnosis("Har tennisalbue") == DIAGNOSIS_WORD
    assert find_diagnosis("Har kols") is None
    assert find_diagnosis("Har depresjon") == DIAGNOSIS_WORD  # the shipped list still applies


def test_the_terminal_interview_refuses_the_date_and_warns_about_the_note(tmp_path: Path, kt_home: Path) -> None:
    """In a real terminal: a date before the sick leave is asked again with the reason in words,
    and a note naming a diagnosis is kept with a warning."""
    import pexpect

    from tests.test_kartlegg_terminal import _answer, _screened_person, _spawn

    person = _screened_person(tmp_path)  # sick from 03.01.2022
    child = _spawn(person)
    _answer(child, "Dato for kartleggingssamtalen", "20.12.2021")
    child.expect_exact("Samtaledatoen kan ikke være før sykmeldingen begynte 03.01.2022.")
    child.expect_exact("> ")
    child.sendline("10.03.2022")
    for question, reply in [("Hvordan ble samtalen gjennomført?", "1"), ("Hvordan er bruker identifisert", "1"),
                            ("Hvem i NAV gjennomførte samtalen", "1"), ("høyeste fullførte utdanning", "4"),
                            ("Vil bruker ha helse", "nei"), ("Har arbeidsgiver tilrettelagt", "delvis"),
                            ("gjenværende muligheter", "ja"), ("manglende kompetanse", "ja"),
                            ("Ønsker bruker annet arbeid", "nei"), ("Er bruker aktuell", "nei"),
                            ("Hva er hovedårsaken", "1"), ("karriereveiledning", "nei"),
                            ("Notat til referatet", DIAGNOSIS_NOTE)]:
        _answer(child, question, reply)
    child.expect_exact("Advarsel:")
    child.expect_exact("(notat) ser ut til å nevne en diagnose")
    child.expect_exact("Nummeret på et svar du vil endre")
    child.sendline("")
    child.expect_exact("Nivå 1 er fullført og lagret")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stored(kt_home, person, 1)["samtaledato"] == "2022-03-10"


def test_the_conversation_cannot_be_moved_past_the_vedtak(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_JA, "samtaledato": "07.03.2022"})
    assert kartlegg(person, answer_file(tmp_path, LEVEL2, "n2.toml"), "--niva", "2").code == 0  # vedtak 14.03.2022
    moved = kartlegg(person, answer_file(tmp_path, {"samtaledato": "15.03.2022"}, "flytt.toml"))
    assert moved.code == 1, moved.output
    assert "Samtaledatoen kan ikke være etter vedtaket 14.03.2022." in moved.stderr
    assert stored(kt_home, person, 1)["samtaledato"] == "2022-03-07"
    (fnr,) = db_rows(kt_home, "SELECT fnr FROM person WHERE kort_id = ?", (person,))[0]
    path = tmp_path / "registreringer.csv"
    path.write_text(f"fnr;fylke;kontor;samtaledato\n{fnr};agder;NAV Lister;15.03.2022\n", encoding="utf-8")
    imported = run_kt("kartlegg", "importer", str(path))
    assert "kolonne «samtaledato»: Samtaledatoen kan ikke være etter vedtaket 14.03.2022." in imported.stdout
    # a row that moves both, in order, is fine
    path.write_text(f"fnr;fylke;kontor;samtaledato;vedtaksdato\n{fnr};agder;NAV Lister;15.03.2022;16.03.2022\n",
                    encoding="utf-8")
    both = run_kt("kartlegg", "importer", str(path))
    assert "0 avvist" in both.stdout, both.output
    assert stored(kt_home, person, 1)["samtaledato"] == "2022-03-15"
    assert stored(kt_home, person, 2)["vedtaksdato"] == "2022-03-16"


def test_a_file_may_move_start_and_end_together(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    assert kartlegg(person, answer_file(tmp_path, LEVEL2, "n2.toml"), "--niva", "2").code == 0  # 04.04–24.06
    later = kartlegg(person, answer_file(tmp_path, {"planlagt_start": "01.07.2022", "planlagt_slutt": "01.09.2022"},
                                         "senere.toml"), "--niva", "2")
    assert later.code == 0, later.output
    assert stored(kt_home, person, 2)["planlagt_start"] == "2022-07-01"
    alone = kartlegg(person, answer_file(tmp_path, {"planlagt_start": "02.09.2022"}, "alene.toml"), "--niva", "2")
    assert alone.code == 1 and "Planlagt oppstart kan ikke være etter planlagt slutt 01.09.2022." in alone.stderr
