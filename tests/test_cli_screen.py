"""`kt screen`, `kt forklar`, `kt regler` through the real entry point: output, exit codes, database rows."""

from __future__ import annotations

import re

import datetime as dt
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from tests import dbrows
from tests.conftest import DATA, SAMPLES, run_kt, synthetic_fnr

LISTER = SAMPLES / "uke10_lister.xlsx"
HEADER = ["Fødselsnr", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose", "Arbeidsgiver", "Yrke",
          "Kommunenr", "Tidligere sykefravær"]


def db_rows(home: Path, sql: str) -> list[tuple]:
    return dbrows.tuples(sql)  # `home` is KT_HOME: kt's own database


def write_list(path: Path, rows: list[list[object]], *, title: str | None = None) -> Path:
    """A small office list written with openpyxl; `title` goes in a row above the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Liste"
    if title:
        sheet.append([title])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a list may hold it
    workbook.save(path)
    return path


def person_row(fnr: str, *, start: dt.date, name: str = "Kari Testesen", grade: object = 100,
               diagnosis: str = "L03", employer: str = "Testbygg AS", job: str = "7115 Tømrer",
               kommune: str = "4206", earlier: int = 2, end: dt.date | None = None) -> list[object]:
    return [fnr, name, start, end, grade, diagnosis, employer, job, kommune, earlier]


def screen_json(*args: str) -> dict:
    result = run_kt("screen", *args, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def test_sample_list_is_read_screened_and_stored(kt_home: Path) -> None:
    data = screen_json(str(LISTER), "--fylke", "agder")
    assert data["rows_read"] == 320
    assert data["imported"] == 317
    assert data["list_date"] == "2022-03-07"
    assert data["list_date_source"] == "fra tittelraden i filen"
    assert {(e["sheet"], e["row"], e["column"]) for e in data["rejected"]} == {
        ("Ark1", 46, "Fødselsnr"), ("Ark1", 102, "Sykmeldt fom"), ("Ark1", 194, "Grad")}
    decisions = [p["decision"] for p in data["persons"]]
    assert decisions.count("kandidat") == data["candidates"] > 0
    assert 0.02 <= data["candidates"] / data["imported"] <= 0.11
    first = data["persons"][0]
    assert first["row"] == 5 and first["sheet"] == "Ark1"  # header on row 4
    assert len(first["id"]) == 5 and first["fnr"].endswith("*****")
    # the database holds one person per fødselsnummer, one appearance and one decision per row
    assert db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(317,)]
    assert db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing") == [(317,)]
    assert db_rows(kt_home, "SELECT beslutning, COUNT(*) FROM screening GROUP BY 1 ORDER BY 1") == sorted(
        (d, decisions.count(d)) for d in set(decisions))
    assert db_rows(kt_home, "SELECT rad, kolonne FROM import_avvist ORDER BY rad") == [
        (46, "Fødselsnr"), (102, "Sykmeldt fom"), (194, "Grad")]


def test_summary_table_shows_candidates_with_masked_numbers(kt_home: Path) -> None:
    result = run_kt("screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister")
    assert result.code == 0, result.output
    assert "Rader lest" in result.stdout and "320" in result.stdout
    assert "Listedato 07.03.2022 (fra tittelraden i filen)" in result.stdout
    assert "Kandidat" in result.stdout and "NAV Lister" in result.stdout
    assert "rad 46, kolonne «Fødselsnr»" in result.stdout
    for (fnr,) in db_rows(kt_home, "SELECT fnr FROM person"):
        assert fnr not in result.output
        assert fnr.lstrip("0") not in result.output


def test_the_summary_counts_are_the_decisions_stored(kt_home: Path) -> None:
    data = screen_json(str(LISTER), "--fylke", "agder")
    stored = dict(db_rows(kt_home, "SELECT beslutning, COUNT(*) FROM screening GROUP BY 1"))
    assert (data["candidates"], data["manual"], data["not_candidates"]) == (
        stored.get("kandidat", 0), stored.get("manuell", 0), stored.get("ikke_kandidat", 0))
    assert sum(stored.values()) == data["imported"] == len(data["persons"]) == 317
    assert data["known_before"] == 0


def test_same_file_twice_adds_nothing(kt_home: Path) -> None:
    screen_json(str(LISTER), "--fylke", "agder")
    before = db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing")
    again = run_kt("screen", str(LISTER), "--fylke", "agder")
    assert again.code == 0
    assert "allerede importert" in again.stdout
    assert db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing") == before
    assert db_rows(kt_home, "SELECT COUNT(*) FROM import") == [(1,)]
    data = screen_json(str(LISTER), "--fylke", "agder")
    assert data["imported"] == 0 and data["already_imported"]
    assert len(data["persons"]) == 317


def test_one_person_on_two_lists_is_one_person_with_two_appearances(kt_home: Path, tmp_path: Path) -> None:
    fnr = synthetic_fnr(dt.date(1980, 5, 17))
    other = synthetic_fnr(dt.date(1975, 2, 3))
    start = dt.date(2022, 1, 3)
    week8 = write_list(tmp_path / "uke8.xlsx", [person_row(fnr, start=start), person_row(other, start=start)],
                       title="Uttak 28.02.2022")
    week10 = write_list(tmp_path / "uke10.xlsx", [person_row(fnr, start=start)], title="Uttak 14.03.2022")
    first = screen_json(str(week8), "--fylke", "agder")
    second = screen_json(str(week10), "--fylke", "agder")
    assert first["persons"][0]["id"] == second["persons"][0]["id"]
    assert second["known_before"] == 1
    assert second["persons"][0]["earlier"] == "på liste 28.02.2022 (kandidat)"
    assert db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(2,)]
    assert db_rows(kt_home, "SELECT p.kort_id, COUNT(*) FROM listeoppforing l JOIN person p ON p.id = l.person_id "
                            "GROUP BY 1 ORDER BY 2 DESC")[0] == (first["persons"][0]["id"], 2)
    assert db_rows(kt_home, "SELECT l.listedato, s.beslutning FROM screening s JOIN listeoppforing l "
                            "ON l.id = s.oppforing_id ORDER BY l.listedato, l.rad") == [
        ("2022-02-28", "kandidat"), ("2022-02-28", "kandidat"), ("2022-03-14", "kandidat")]


def test_missing_data_makes_manual_and_a_failure_wins(tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "liste.xlsx", [
        person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start, grade=None),       # grade unknown
        person_row(synthetic_fnr(dt.date(1981, 6, 18)), start=start, grade=None, diagnosis="W78"),  # fails too
    ], title="Uttak 07.03.2022")
    data = screen_json(str(path), "--fylke", "agder")
    manual, failed = data["persons"]
    assert manual["decision"] == "manuell"
    assert manual["reasons"] == ["Sykmeldingsgrad mangler i listen"]
    assert failed["decision"] == "ikke_kandidat"
    assert "Svangerskapsrelatert sykmelding" in failed["reasons"]


def test_forklar_shows_every_criterion(tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3), grade=80)],
                      title="Uttak 07.03.2022")
    person = screen_json(str(path), "--fylke", "agder")["persons"][0]
    result = run_kt("forklar", person["id"])
    assert result.code == 0, result.output
    for label in ("Har arbeidsgiver", "Sykmeldingsgrad", "Gjentakende sykefravær", "Alder",
                  "Arbeidsgiver i forsøkskommune", "Fortsatt sykmeldt på listedatoen"):
        assert label in result.stdout
    assert "Sykmeldt 80 %, under kravet på 100 %" in result.stdout
    assert "Ikke kandidat" in result.stdout
    explained = json.loads(run_kt("forklar", person["id"], "--json").stdout)
    assert len(explained["criteria"]) == 11
    assert {c["criterion"]: c["status"] for c in explained["criteria"]}["grad"] == "ikke_oppfylt"
    unknown = run_kt("forklar", "zzzzz")
    assert unknown.code == 2 and "Fant ingen person" in unknown.stderr


def test_export_workbook_read_back_cell_by_cell(tmp_path: Path) -> None:
    fnr = synthetic_fnr(dt.date(2001, 3, 5))  # starts with 0: must stay text
    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "liste.xlsx", [
        person_row(fnr, start=start, employer="=HYPERLINK(\"http://x\",\"klikk\")"),
        person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start, grade=50, employer="@SUM(1+1)"),
    ], title="Uttak 07.03.2022")
    out = tmp_path / "kandidater.xlsx"
    result = run_kt("screen", str(path), "--fylke", "agder", "--alle", "--eksport", str(out))
    assert result.code == 0, result.output
    assert "Skrev 2 personer" in result.stdout
    workbook = openpyxl.load_workbook(out)
    sheet = workbook["Alle"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["ID", "Fødselsnummer", "Navn", "NAV-kontor", "Listedato", "Sykmeldt fra og med"]
    assert sheet.freeze_panes == "A2"
    first = {h: c for h, c in zip(header, sheet[2])}
    assert first["Fødselsnummer"].value == fnr and first["Fødselsnummer"].data_type == "s"
    assert first["Listedato"].value == dt.datetime(2022, 3, 7)
    assert first["Listedato"].number_format == "DD.MM.YYYY"
    assert first["Sykmeldt fra og med"].value == dt.datetime(2022, 1, 3)
    assert first["Arbeidsgiver"].value == "'=HYPERLINK(\"http://x\",\"klikk\")"
    assert first["Beslutning"].value == "Kandidat"
    assert first["Grad (%)"].value == 100
    second = {h: c for h, c in zip(header, sheet[3])}
    assert second["Arbeidsgiver"].value == "'@SUM(1+1)"
    assert second["Beslutning"].value == "Ikke kandidat"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # a different reader sees the same values
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Alle").to_python()
    assert rows[1][1] == fnr and rows[1][4] == dt.date(2022, 3, 7)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_candidates_only_export_by_default(tmp_path: Path) -> None:
    out = tmp_path / "k.xlsx"
    data = screen_json(str(LISTER), "--fylke", "agder", "--eksport", str(out))
    sheet = openpyxl.load_workbook(out)["Kandidater"]
    wanted = data["candidates"] + data["manual"]
    assert sheet.max_row == wanted + 1
    assert {sheet.cell(row=r, column=15).value for r in range(2, sheet.max_row + 1)} == {"Kandidat", "Må vurderes"}
    # the rows to correct, on a sheet of their own
    rejected = list(openpyxl.load_workbook(out)["Avviste rader"].values)
    assert rejected[0] == ("Ark", "Rad", "Kolonne", "Hva er galt")
    assert [row[:3] for row in rejected[1:]] == [("Ark1", 46, "Fødselsnr"), ("Ark1", 102, "Sykmeldt fom"),
                                                 ("Ark1", 194, "Grad")]
    assert [row[3] for row in rejected[1:]] == [e["reason"] for e in data["rejected"]]


def test_a_long_run_of_rejected_rows_is_cut_short_in_the_terminal(tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    rows = [person_row(synthetic_fnr(dt.date(1980, 1, 1) + dt.timedelta(days=n)), start=start, grade=150)
            for n in range(60)]
    path = write_list(tmp_path / "liste.xlsx", rows, title="Uttak 07.03.2022")
    result = run_kt("screen", str(path), "--fylke", "agder")
    assert result.code == 0, result.output
    shown = [line for line in result.stdout.splitlines() if line.startswith("  ark «Liste»")]
    assert len(shown) == 50 and "rad 3," in shown[0] and "rad 52," in shown[-1]  # title on row 1
    assert "Viser de første 50 av 60 avviste rader" in result.stdout
    assert "«Avviste rader» med --eksport" in " ".join(result.stdout.split())


@pytest.mark.parametrize("name, expected_in_error", [
    ("mangler_kolonne.xlsx", "fødselsnummer"),
    ("korrupt.xlsx", "kan ikke leses"),
    ("tom.xlsx", "tom"),
])
def test_unusable_files_exit_1_with_a_clear_message(name: str, expected_in_error: str, kt_home: Path) -> None:
    result = run_kt("screen", str(DATA / name), "--fylke", "agder")
    assert result.code == 1
    assert result.stderr.startswith("Feil:")
    assert name in result.stderr and expected_in_error in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("args, expected", [
    (["--fylke", "mars"], "Ukjent fylke «mars»"),
    (["--fylke", "agder", "--listedato", "32.13.2022"], "--listedato"),
    (["--fylke", "agder", "--ark", "Finnes ikke"], "Arkene er: «Ark1»"),
    (["--fylke", "agder", "--eksport", "ut.csv"], ".xlsx"),
    ([], "Oppgi fylke"),
])
def test_usage_errors_exit_2(args: list[str], expected: str) -> None:
    result = run_kt("screen", str(LISTER), *args)
    assert result.code == 2, result.output
    assert expected in result.stderr


def test_old_fylke_name_is_mapped_and_said(tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3), kommune="3105")],
                      title="Uttak 07.03.2022")
    result = run_kt("screen", str(path), "--fylke", "Øst-Viken")
    assert result.code == 0, result.output
    assert "Øst-Viken er i dag Akershus og Østfold" in result.stdout
    data = screen_json(str(path), "--fylke", "viken")
    assert data["fylke"] == ["akershus", "ostfold"]


@pytest.mark.sqlite_only("rettighetene til databasefilen")
def test_data_folder_and_database_are_private(kt_home: Path) -> None:
    screen_json(str(LISTER), "--fylke", "agder")
    assert stat.S_IMODE(kt_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((kt_home / "kt.db").stat().st_mode) == 0o600
    os.chmod(kt_home / "kt.db", 0o644)
    os.chmod(kt_home, 0o755)
    result = run_kt("forklar", "zzzzz")
    assert "strammet inn" in result.stderr
    assert stat.S_IMODE(kt_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((kt_home / "kt.db").stat().st_mode) == 0o600


@pytest.mark.sqlite_only("skjemaversjonen i filen (PostgreSQL: tests/test_backend.py)")
def test_database_from_a_newer_kt_is_refused(kt_home: Path) -> None:
    screen_json(str(LISTER), "--fylke", "agder")
    conn = sqlite3.connect(kt_home / "kt.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = run_kt("screen", str(LISTER), "--fylke", "agder")
    assert result.code == 1
    assert "nyere versjon av kt" in result.stderr


def test_regler_vis_and_sjekk(tmp_path: Path) -> None:
    shown = run_kt("regler", "vis", "--fylke", "agder")
    assert shown.code == 0
    assert "Sykmeldingsgrad" in shown.stdout and "Sykmeldt 100 %" in shown.stdout
    assert "min_grad = 100" in shown.stdout  # as an override file would say it
    assert "4206 Farsund" in shown.stdout
    bad = tmp_path / "mine.toml"
    bad.write_text('[grad]\naktiv = true\nmin_grad = "høy"\n[ukjent]\naktiv = true\n', encoding="utf-8")
    checked = run_kt("regler", "sjekk", str(bad))
    assert checked.code == 1
    assert "«grad.min_grad» skal være heltall" in checked.stderr
    assert "ukjent nøkkel «ukjent»" in checked.stderr


def test_override_in_kt_home_changes_screening(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3), grade=80)],
                      title="Uttak 07.03.2022")
    (kt_home / "regler").mkdir(parents=True)
    (kt_home / "regler" / "agder.toml").write_text("[grad]\nmin_grad = 80\n", encoding="utf-8")
    assert screen_json(str(path), "--fylke", "agder")["persons"][0]["decision"] == "kandidat"


@pytest.mark.parametrize("command", [
    ["screen"], ["forklar"], ["regler", "vis"], ["regler", "sjekk"],
])
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_kt(*command, "--help")
    assert result.code == 0
    assert "Eksempel:" in result.stdout or "Eksempler:" in result.stdout


def test_version() -> None:
    result = run_kt("--version")
    assert result.code == 0 and result.stdout.startswith("kt ")


def test_person_already_kartlagt_is_marked_on_the_next_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    fnr = synthetic_fnr(dt.date(1980, 5, 17))
    start = dt.date(2022, 1, 3)
    week8 = write_list(tmp_path / "uke8.xlsx", [person_row(fnr, start=start)], title="Uttak 28.02.2022")
    week10 = write_list(tmp_path / "uke10.xlsx", [person_row(fnr, start=start)], title="Uttak 14.03.2022")
    person = screen_json(str(week8), "--fylke", "agder")["persons"][0]["id"]
    answers = tmp_path / "svar.toml"
    answers.write_text('samtaledato = "10.03.2022"\nsamtaleform = "telefon"\n', encoding="utf-8")
    assert run_kt("kartlegg", person, "--svar", str(answers)).code == 0
    again = screen_json(str(week10), "--fylke", "agder")["persons"][0]
    assert again["kartlegging"] == "under kartlegging"
    assert again["earlier"] == "på liste 28.02.2022 (kandidat)"
    shown = run_kt("screen", str(week10), "--fylke", "agder")
    assert "under kartlegging" in shown.stdout


@pytest.mark.parametrize("args, expected", [
    (["screen", "--bogus"], "Ukjent valg: --bogus."),
    (["screen"], "Mangler fil."),
    (["nokommando"], "Ukjent kommando «nokommando»."),
    (["screen", "x.xlsx", "--fylke"], "Valget --fylke trenger en verdi. Tips: se `kt screen --help`"),
    (["screen", "x.xlsx", "--fylk", "agder"], "Ukjent valg: --fylk. Mente du --fylke? Tips: se `kt screen --help`"),
    (["scren", "x.xlsx"], "Ukjent kommando «scren». Mente du «screen»? Tips: se `kt --help`"),
    (["person", "fin"], "Ukjent kommando «fin». Mente du «finn»? Tips: se `kt person --help`"),
    (["screen", "x.xlsx", "--alle=ja"], "Valget --alle tar ingen verdi."),
    (["config", "set", "rydd_inaktiv_mnd", "-5"], "Ugyldig verdi -5: negative tall gjelder ikke her."),
])
def test_parser_errors_are_in_norwegian(args: list[str], expected: str) -> None:
    result = run_kt(*args)
    assert result.code == 2
    assert expected in " ".join(result.stderr.split())
    assert "Error" not in result.stderr and "Usage" not in result.stderr


def test_help_is_in_norwegian() -> None:
    result = run_kt("screen", "--help")
    assert result.stdout.startswith("Bruk: kt screen [VALG] FIL")
    for word in ("Argumenter:", "Valg:", "Vis denne hjelpen og avslutt.", "[påkrevd]"):
        assert word in result.stdout
    for english in ("Usage:", "Options:", "Show this message", "[required]"):
        assert english not in result.stdout


def test_pa_nytt_screens_an_imported_file_again_with_another_date(kt_home: Path, tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    path = tmp_path / "liste.xlsx"
    write_list(path, [person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start)])  # no date in the file
    first = screen_json(str(path), "--fylke", "agder", "--listedato", "i-dag")
    assert first["list_date_source"].startswith("dagens dato")
    assert first["persons"][0]["decision"] == "ikke_kandidat"  # today the sick leave is long used up
    told = screen_json(str(path), "--fylke", "agder", "--listedato", "07.03.2022")
    assert told["imported"] == 0 and told["earlier_differs"]
    again = screen_json(str(path), "--fylke", "agder", "--listedato", "07.03.2022", "--på-nytt")
    assert again["replaced_earlier"] and again["imported"] == 1
    assert again["persons"][0]["decision"] == "kandidat"
    assert again["persons"][0]["id"] == first["persons"][0]["id"]  # the same person, the same kt-id
    assert db_rows(kt_home, "SELECT COUNT(*) FROM import") == [(1,)]
    assert db_rows(kt_home, "SELECT COUNT(*), MIN(listedato) FROM listeoppforing") == [(1, "2022-03-07")]
    assert db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(1,)]


def test_corrected_list_adds_only_the_corrected_rows(kt_home: Path, tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    good = person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start)
    fixed = person_row(synthetic_fnr(dt.date(1981, 6, 18)), start=start)
    broken = list(fixed)
    broken[4] = 150  # grade outside 20–100: rejected
    first = screen_json(str(write_list(tmp_path / "v1.xlsx", [good, broken], title="Uttak 07.03.2022")),
                        "--fylke", "agder")
    assert first["imported"] == 1 and len(first["rejected"]) == 1
    second = screen_json(str(write_list(tmp_path / "v2.xlsx", [good, fixed], title="Uttak 07.03.2022")),
                         "--fylke", "agder")
    assert second["imported"] == 1 and second["already_listed"] == 1
    assert (second["candidates"], second["manual"], second["not_candidates"]) == (1, 0, 0)  # only the new row
    assert second["known_before"] == 0
    assert db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing") == [(2,)]
    assert db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(2,)]


def test_text_that_looks_like_markup_is_shown_as_it_is(kt_home: Path, tmp_path: Path, monkeypatch) -> None:
    """Names, employers and offices come from people's spreadsheets: «[/b]» must not break the output."""
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    row = person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=dt.date(2022, 1, 3), name="Ola [/b] Testmann",
                     employer="[bold]Bygg[/] AS")
    path = write_list(tmp_path / "liste.xlsx", [row], title="Uttak 07.03.2022")
    shown = run_kt("screen", str(path), "--fylke", "agder", "--kontor", "NAV [red]Lister")
    assert shown.code == 0, shown.output
    assert "Ola [/b] Testmann" in shown.stdout and "NAV [red]Lister" in shown.stdout
    person = screen_json(str(path), "--fylke", "agder")["persons"][0]["id"]
    for args in (["forklar", person], ["liste"], ["person", "vis", person]):
        result = run_kt(*args)
        assert result.code == 0, args
        assert "Ola [/b] Testmann" in result.stdout


def test_narrow_terminal_gets_two_lines_a_person(monkeypatch: pytest.MonkeyPatch) -> None:
    from kompetanse_cli.cli import common

    monkeypatch.setattr(common.console, "_width", 80)
    monkeypatch.setattr(common.console, "_force_terminal", True)
    result = run_kt("screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister")
    assert result.code == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()  # without the colours
    assert "┃" not in result.stdout  # no table
    first = next(i for i, line in enumerate(lines) if "· Kandidat" in line)
    assert " uker · 100\u00a0% · " in lines[first]  # no break between number and %
    assert lines[first + 1].startswith("      Sykmeldt 100 %")
    assert max(len(line) for line in lines) <= 80


def test_the_person_list_written_to_a_file_keeps_each_line_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a terminal (a file, a pipe; rich then assumes 80 columns): one line of facts and one
    of reasons a person, however long, so that grep finds a person with the reasons."""
    from kompetanse_cli.cli import common

    monkeypatch.setattr(common.console, "_width", 80)
    result = run_kt("screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister")
    assert result.code == 0
    lines = result.stdout.splitlines()
    facts = [i for i, line in enumerate(lines) if line.endswith(("· Kandidat", "· Må vurderes"))]
    assert len(facts) == 17  # 16 candidates and 1 to assess, as in the summary
    for i in facts:
        assert re.fullmatch(r"[a-z2-9]{5}  \d{6}\*{5}  .+ · \d+ uker · .+", lines[i])
        assert re.fullmatch(r"      \S.*", lines[i + 1])  # the reasons, all on the next line
        assert not lines[i + 2].startswith(" ")  # and nothing more: the next person, or the end
    assert any(len(lines[i + 1]) > 80 for i in facts)  # reasons are not broken at 80 columns


def test_an_existing_workbook_is_replaced_only_when_asked(kt_home: Path, tmp_path: Path) -> None:
    """The export has a column for the veileder's notes: writing over it must be a choice."""
    out = tmp_path / "kandidater.xlsx"
    out.write_bytes(b"veileders egne notater")
    refused = run_kt("screen", str(LISTER), "--fylke", "agder", "--eksport", str(out))
    assert refused.code == 2
    assert "finnes allerede" in refused.stderr and "--overskriv" in refused.stderr
    assert out.read_bytes() == b"veileders egne notater"
    assert not (kt_home / "kt.db").exists() or db_rows(kt_home, "SELECT COUNT(*) FROM import") == [(0,)]
    (tmp_path / "mappe.xlsx").mkdir()
    folder = run_kt("screen", str(LISTER), "--fylke", "agder", "--eksport", str(tmp_path / "mappe.xlsx"))
    assert folder.code == 2 and "er en mappe" in folder.stderr

    replaced = run_kt("screen", str(LISTER), "--fylke", "agder", "--eksport", str(out), "--overskriv")
    assert replaced.code == 0, replaced.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["Kandidater", "Avviste rader"]
    for command in (["rapport", "--fylke", "agder", "--xlsx", str(out)],
                    ["rapport", "--fylke", "agder", "--html", str(tmp_path / "kandidater.html"), "--xlsx", str(out)]):
        again = run_kt(*command)
        assert again.code == 2 and "finnes allerede" in again.stderr
    assert not (tmp_path / "kandidater.html").exists()  # nothing written when one of two files is refused


def test_pa_nytt_keeps_the_persons_their_settings_and_what_the_first_screening_was_told(
        kt_home: Path, tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start),
                                                person_row(synthetic_fnr(dt.date(1975, 2, 3)), start=start)])
    first = screen_json(str(path), "--fylke", "agder", "--listedato", "07.03.2022", "--kontor", "NAV Lister")
    ids = sorted(p["id"] for p in first["persons"])
    assert run_kt("person", "malform", ids[0], "nynorsk").code == 0
    again = screen_json(str(path), "--fylke", "agder", "--på-nytt")  # neither date nor office given again
    assert again["replaced_earlier"] and again["imported"] == 2
    assert sorted(p["id"] for p in again["persons"]) == ids
    assert again["list_date"] == "2022-03-07"
    assert again["list_date_source"] == "oppgitt med --listedato forrige gang"
    assert {p["kontor"] for p in again["persons"]} == {"NAV Lister"}
    assert db_rows(kt_home, "SELECT kort_id, malform FROM person ORDER BY kort_id") == [(ids[0], "nn"), (ids[1], "nb")]
    assert db_rows(kt_home, "SELECT DISTINCT kontor, listedato FROM listeoppforing") == [("NAV Lister", "2022-03-07")]
    assert db_rows(kt_home, "SELECT COUNT(*) FROM screening") == [(2,)]
    told = screen_json(str(path), "--fylke", "agder", "--på-nytt", "--kontor", "NAV Flekkefjord",
                       "--listedato", "14.03.2022")  # what is given again wins
    assert {p["kontor"] for p in told["persons"]} == {"NAV Flekkefjord"}
    assert told["list_date"] == "2022-03-14" and sorted(p["id"] for p in told["persons"]) == ids


def test_persons_no_longer_on_any_list_go_when_their_import_is_removed(kt_home: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    from kompetanse_cli.store import backend
    from kompetanse_cli.store import db as kt_db
    from kompetanse_cli.store import lists as store

    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start),
                                                person_row(synthetic_fnr(dt.date(1975, 2, 3)), start=start)],
                      title="Uttak 07.03.2022")
    first = screen_json(str(path), "--fylke", "agder")
    kept = first["persons"][0]["id"]
    answers = tmp_path / "svar.toml"
    answers.write_text('samtaledato = "10.03.2022"\nsamtaleform = "telefon"\n', encoding="utf-8")
    assert run_kt("kartlegg", kept, "--svar", str(answers)).code == 0
    conn, _ = backend.connect()  # whichever database kt uses
    with kt_db.transaction(conn):
        (import_id,) = conn.execute("SELECT id FROM import").fetchone()
        on_it = store.delete_import(conn, import_id)
        assert len(on_it) == 2
        assert store.forget_unlisted_persons(conn, on_it) == 1
    conn.close()
    assert db_rows(kt_home, "SELECT kort_id FROM person") == [(kept,)]  # the one kartlagt stays
    assert db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing") == [(0,)]


def test_a_list_with_only_a_header_is_an_error(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "tom.xlsx", [], title="Uttak 07.03.2022")
    result = run_kt("screen", str(path), "--fylke", "agder")
    assert result.code == 1
    assert "tom.xlsx, ark «Liste»: listen har ingen rader under overskriften (rad 2)." in " ".join(result.stderr.split())
    assert db_rows(kt_home, "SELECT COUNT(*) FROM import") == [(0,)]


def test_a_list_without_an_office_says_so(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3))], title="Uttak 07.03.2022")
    without = run_kt("screen", str(path), "--fylke", "agder")
    assert "listen har ingen kolonne for NAV-kontor" in " ".join(without.stdout.split())
    given = run_kt("screen", str(path), "--fylke", "agder", "--kontor", "NAV Lister", "--på-nytt")
    assert given.code == 0 and "ingen kolonne for NAV-kontor" not in " ".join(given.stdout.split())
    assert db_rows(kt_home, "SELECT DISTINCT kontor FROM listeoppforing") == [("NAV Lister",)]


def test_an_office_set_to_nothing_is_no_office(kt_home: Path, tmp_path: Path) -> None:
    """`kt config set kontor ""`: rows without an office of their own have none, stored as none."""
    assert run_kt("config", "set", "kontor", "").code == 0
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3))], title="Uttak 07.03.2022")
    assert run_kt("screen", str(path), "--fylke", "agder").code == 0
    assert db_rows(kt_home, "SELECT kontor FROM listeoppforing") == [(None,)]
    assert db_rows(kt_home, "SELECT kontor FROM person") == [(None,)]
    assert db_rows(kt_home, "SELECT kontor FROM import") == [(None,)]


def test_an_unknown_fylke_is_refused_as_a_setting_and_named_as_one_when_the_file_has_it(kt_home: Path) -> None:
    refused = run_kt("config", "set", "fylke", "agdr")
    assert refused.code == 2 and "Ukjent fylke «agdr». Mente du «Agder»?" in refused.stderr
    assert not (kt_home / "config.toml").exists()
    assert run_kt("config", "set", "fylke", "Agder").code == 0
    (kt_home / "config.toml").write_text('fylke = "agdr"\n', encoding="utf-8")  # edited by hand
    for command in (["screen", str(LISTER)], ["rapport"]):
        result = run_kt(*command)
        assert result.code == 2
        text = " ".join(result.stderr.split())
        assert "Ukjent fylke «agdr»" in text and "Fylket er hentet fra innstillingene" in text
    typed = run_kt("screen", str(LISTER), "--fylke", "agdr")
    assert "innstillingene" not in typed.stderr


def test_when_every_row_is_rejected_the_file_is_suspected(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3), grade=150)])
    result = run_kt("screen", str(path), "--fylke", "agder", "--listedato", "07.03.2022")
    assert result.code == 0
    assert "alle radene ble avvist. Da er det som oftest noe med hele filen" in " ".join(result.stdout.split())


def test_a_reader_that_stops_reading_is_not_an_error(kt_home: Path) -> None:
    """`kt screen … --json | head`: the list is stored, and kt ends quietly with 0, not with 1."""
    process = subprocess.Popen([sys.executable, "-m", "kompetanse_cli", "screen", str(LISTER), "--fylke", "agder",
                                "--alle", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "KT_HOME": str(kt_home)})
    assert process.stdout.read(100).startswith(b"{")
    process.stdout.close()  # more than a pipe holds is still to come
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""
    assert db_rows(kt_home, "SELECT COUNT(*) FROM listeoppforing") == [(317,)]


def test_screening_without_a_veileder_ident_is_refused_and_says_how_to_set_it(
        kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list is personal data: in a script, with no ident set, nothing is read (issue 15, point 12)."""
    monkeypatch.delenv("KT_VEILEDER")
    without = run_kt("screen", str(LISTER), "--fylke", "agder")
    assert without.code == 2
    assert "Sett NAV-identen din med `kt config set veileder A123456`" in " ".join(without.stderr.split())
    assert not (kt_home / "kt.db").exists() or db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(0,)]
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    with_ident = run_kt("screen", str(LISTER), "--fylke", "agder")
    assert with_ident.code == 0 and "NAV-identen" not in with_ident.stderr
    assert db_rows(kt_home, "SELECT DISTINCT veileder FROM logg") == [("A123456",)]


def test_pa_nytt_with_another_fylke_and_office_moves_the_persons_too(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3))], title="Uttak 07.03.2022")
    screen_json(str(path), "--fylke", "innlandet", "--likevel")  # an Agder list (kommune 4206) taken anyway
    assert db_rows(kt_home, "SELECT fylke, kontor FROM person") == [("innlandet", None)]
    screen_json(str(path), "--fylke", "agder", "--kontor", "NAV Lister", "--på-nytt")
    assert db_rows(kt_home, "SELECT fylke, kontor FROM person") == [("agder", "NAV Lister")]


def test_pa_nytt_gives_the_office_again_to_rows_without_one(kt_home: Path, tmp_path: Path) -> None:
    numbers = [synthetic_fnr(dt.date(1980, 5, 17)), synthetic_fnr(dt.date(1975, 2, 3))]
    path = tmp_path / "liste.csv"
    path.write_text("Uttak 07.03.2022\nFødselsnr;Sykmeldt fom;Grad;NAV-kontor\n"
                    f"{numbers[0]};03.01.2022;100;NAV Kristiansand\n{numbers[1]};03.01.2022;100;\n", encoding="utf-8")
    screen_json(str(path), "--fylke", "agder", "--kontor", "NAV Lister")
    again = screen_json(str(path), "--fylke", "agder", "--på-nytt")
    assert sorted(p["kontor"] for p in again["persons"]) == ["NAV Kristiansand", "NAV Lister"]
    assert db_rows(kt_home, "SELECT kontor FROM import") == [("NAV Lister",)]


def test_pa_nytt_keeps_the_date_a_list_without_one_was_first_screened_on(kt_home: Path, tmp_path: Path) -> None:
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)),
                                                           start=dt.date(2022, 1, 3))])  # no date in the file
    first = screen_json(str(path), "--fylke", "agder", "--listedato", "i-dag")
    assert first["list_date"] == dt.date.today().isoformat()
    # as if it had been screened on 28.02.2022
    dbrows.execute("UPDATE import SET listedato = '2022-02-28'")
    dbrows.execute("UPDATE listeoppforing SET listedato = '2022-02-28'")
    again = screen_json(str(path), "--fylke", "agder", "--kontor", "NAV Lister", "--på-nytt")
    assert again["list_date"] == "2022-02-28"
    assert again["list_date_source"] == "dagen listen først ble screenet – fant ingen dato i filen"
    assert again["persons"][0]["weeks_on_leave"] == 8
