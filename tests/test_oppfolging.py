"""Follow-up 6 and 12 months after the conversation: `kt kartlegg ID --oppfolging 6|12` (from a
file), the bulk import's columns (`situasjon_6` …), and the report's outcome tables."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_kt, synthetic_fnr
from tests.test_kartlegg_cli import (
    LEVEL1_JA,
    LEVEL1_NEI,
    answer_file,
    complete_level_1,
    db_rows,
    kartlegg,
    screened_persons,
    stored,
    veileder,  # noqa: F401 - the fixture
)

FOLLOW_UP = {"oppfolgingsdato": "07.09.2022", "situasjon": "I samme jobb som tidligere", "sykmeldt_na": "gradert",
             "kilde": "samtale"}


def test_follow_up_at_6_and_12_months_from_a_file(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    person, other = screened_persons(tmp_path, candidates=2)
    refused = kartlegg(person, answer_file(tmp_path, FOLLOW_UP), "--oppfolging", "6")
    assert refused.code == 2 and "kartleggingssamtalen (nivå 1) er fullført" in refused.stderr
    complete_level_1(tmp_path, person)
    six = kartlegg(person, answer_file(tmp_path, FOLLOW_UP), "--oppfolging", "6")
    assert six.code == 0, six.output
    assert f"Lagret 4 svar for {person}, oppfølging 6 mnd." in six.stdout
    assert "Oppfølging 6 mnd er fullført." in six.stdout
    twelve = kartlegg(person, answer_file(tmp_path, {**FOLLOW_UP, "oppfolgingsdato": "07.03.2023",
                                                     "situasjon": "uten_arbeid", "sykmeldt_na": "nei"}),
                      "--oppfolging", "12")
    assert twelve.code == 0, twelve.output
    assert stored(kt_home, person, 4) == {"oppfolgingsdato": "2022-09-07", "situasjon": "samme_jobb",
                                          "sykmeldt_na": "gradert", "kilde": "samtale"}
    assert stored(kt_home, person, 5) == {"oppfolgingsdato": "2023-03-07", "situasjon": "uten_arbeid",
                                          "sykmeldt_na": "nei", "kilde": "samtale"}
    assert db_rows(kt_home, "SELECT niva, fullfort IS NOT NULL FROM kartlegging k JOIN person p ON p.id = k.person_id"
                            " WHERE p.kort_id = ? ORDER BY niva", (person,)) == [(1, 1), (4, 1), (5, 1)]
    assert db_rows(kt_home, "SELECT handling FROM logg WHERE person = ? AND handling LIKE '%oppfølging%'"
                            " ORDER BY id", (person,)) == [
        ("kartlegging oppfølging 6 mnd åpnet",), ("kartlegging oppfølging 6 mnd fullført",),
        ("kartlegging oppfølging 12 mnd åpnet",), ("kartlegging oppfølging 12 mnd fullført",)]
    # wrong months, a level-1 question in a follow-up file, a key the template does not have
    wrong = kartlegg(person, answer_file(tmp_path, FOLLOW_UP), "--oppfolging", "9")
    assert wrong.code == 2 and "--oppfolging skal være 6 eller 12" in wrong.stderr
    mixed = kartlegg(person, answer_file(tmp_path, {"aktuell": "ja", "sykmeldt_na": "kanskje"}), "--oppfolging", "6")
    assert mixed.code == 1
    assert "«aktuell» hører til nivå 1" in mixed.stderr and "1 ja, 2 gradert, 3 nei, 4 vet_ikke" in mixed.stderr
    # the other person: a follow-up with only the conversation (aktuell nei)
    complete_level_1(tmp_path, other, LEVEL1_NEI)
    assert kartlegg(other, answer_file(tmp_path, FOLLOW_UP), "--oppfolging", "6").code == 0
    assert stored(kt_home, other, 4)["situasjon"] == "samme_jobb"


def test_follow_up_columns_in_the_bulk_import(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    fnrs = [synthetic_fnr(__import__("datetime").date(1966, 6, day)) for day in (1, 2, 3)]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["fnr", "fylke", "kontor", "samtaledato", "aktuell", "hovedaarsak_ikke_aktuell", "situasjon_6",
                  "sykmeldt_na_6", "kilde_6", "oppfolgingsdato_12", "situasjon_12"])
    sheet.append([fnrs[0], "agder", "NAV Lister", "07.03.2022", "nei", "vet_ikke", "samme_jobb", "nei", "register",
                  "07.03.2023", "Uten arbeid"])
    sheet.append([fnrs[1], "agder", "NAV Lister", "07.03.2022", "nei", "vet_ikke", "i jobb", "", "", "", ""])
    sheet.append([fnrs[2], "agder", "NAV Lister", "", "", "", "samme_jobb", "", "", "", ""])
    path = tmp_path / "registreringer.xlsx"
    workbook.save(path)
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "rad 3, kolonne «situasjon_6»" in result.stdout
    assert "rad 4, kolonne «situasjon_6»: oppfølgingen krever kartleggingssamtalen" in result.stdout
    rows = db_rows(kt_home, "SELECT k.niva, s.sporsmal, s.verdi FROM svar s JOIN kartlegging k ON k.id = s.kartlegging_id"
                            " JOIN person p ON p.id = k.person_id WHERE p.fnr = ? AND k.niva > 3 ORDER BY k.niva, s.id",
                   (fnrs[0],))
    assert rows == [(4, "situasjon", "samme_jobb"), (4, "sykmeldt_na", "nei"), (4, "kilde", "register"),
                    (5, "oppfolgingsdato", "2023-03-07"), (5, "situasjon", "uten_arbeid")]
    assert db_rows(kt_home, "SELECT COUNT(*) FROM person") == [(1,)]


def test_report_has_the_outcome_tables(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    persons = screened_persons(tmp_path, candidates=10)
    for number, person in enumerate(persons):
        complete_level_1(tmp_path, person, LEVEL1_JA)
        situasjon = "samme_jobb" if number < 6 else ("uten_arbeid", "sokeprosess")[number % 2]
        assert kartlegg(person, answer_file(tmp_path, {**FOLLOW_UP, "situasjon": situasjon,
                                                       "sykmeldt_na": ("nei", "gradert")[number % 2]}),
                        "--oppfolging", "6").code == 0
    result = run_kt("rapport", "--fylke", "agder", "--json")
    assert result.code == 0, result.output
    outcomes = json.loads(result.stdout)["outcomes"]
    assert set(outcomes) == {f"oppfolging{m}_{g}_{q}" for m in (6, 12) for g in ("tiltak", "samtale")
                             for q in ("situasjon", "sykmeldt_na")}
    six = outcomes["oppfolging6_samtale_situasjon"]  # no level 2: the conversation only
    assert six["n"] == 10 and six["counts"]["samme_jobb"] == 6
    assert six["counts"]["uten_arbeid"] is None and six["suppressed"]["uten_arbeid"] == "primary"
    assert six["counts"]["ubesvart"] == 0
    assert outcomes["oppfolging6_samtale_sykmeldt_na"]["counts"]["gradert"] == 5
    assert outcomes["oppfolging6_tiltak_situasjon"]["n"] == 0
    text = run_kt("rapport", "--fylke", "agder")
    assert "Oppfølging 6 og 12 måneder etter samtalen" in text.stdout
    header = next(x for x in text.stdout.splitlines() if "6 mnd T" in x)
    assert header.split() == ["Svar", "6", "mnd", "T", "6", "mnd", "S", "12", "mnd", "T", "12", "mnd", "S"]
    follow_up = text.stdout[text.stdout.index("Oppfølging 6 og 12"):].splitlines()
    same_job = next(x for x in follow_up if x.strip().startswith("I samme jobb"))
    assert same_job.split()[-6:] == ["0", "6", "(60", "%)", "0", "0"]
    assert next(x for x in follow_up if x.strip().startswith("n ")).split() == ["n", "0", "10", "0", "0"]


def test_upgrading_a_schema_five_database_keeps_every_interview(kt_home: Path) -> None:
    """m007 rebuilds `kartlegging` (niva 1–5): answers and history, which refer to it, stay."""
    import sqlite3

    from kompetanse_cli.store import db

    kt_home.mkdir(mode=0o700)
    path = kt_home / "kt.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for number, migration in enumerate(db.MIGRATIONS[:5], start=1):
        conn.execute("BEGIN")
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    conn.execute("INSERT INTO person (id, kort_id, fnr, navn, fylke, kontor, opprettet)"
                 " VALUES (1, 'abcde', ?, 'Test Person', 'agder', 'NAV Lister', '2022-03-07T10:00:00')",
                 (synthetic_fnr(__import__("datetime").date(1970, 1, 1)),))
    conn.execute("INSERT INTO kartlegging (id, person_id, niva, mal_id, mal_versjon, startet, endret, fullfort)"
                 " VALUES (7, 1, 1, 'registreringsskjema', '1', '2022-03-08', '2022-03-08', '2022-03-08')")
    conn.execute("INSERT INTO svar (kartlegging_id, sporsmal, verdi, mal_id, mal_versjon, tidspunkt)"
                 " VALUES (7, 'aktuell', 'ja', 'registreringsskjema', '1', '2022-03-08')")
    conn.execute("INSERT INTO svar_historikk (kartlegging_id, sporsmal, verdi, tidspunkt, endret)"
                 " VALUES (7, 'aktuell', 'nei', '2022-03-08', '2022-03-08')")
    conn.close()
    path.chmod(0o600)
    migrated, _ = db.connect(path)
    try:
        assert migrated.execute("PRAGMA user_version").fetchone()[0] == db.schema_version()
        assert [tuple(r) for r in migrated.execute("SELECT kartlegging_id, sporsmal, verdi FROM svar")] == [
            (7, "aktuell", "ja")]
        assert migrated.execute("SELECT COUNT(*) FROM svar_historikk").fetchone()[0] == 1
        assert migrated.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        migrated.execute("INSERT INTO kartlegging (person_id, niva, mal_id, mal_versjon, startet, endret)"
                         " VALUES (1, 5, 'registreringsskjema', '1', '2023-03-08', '2023-03-08')")
        with pytest.raises(sqlite3.IntegrityError):
            migrated.execute("INSERT INTO kartlegging (person_id, niva, mal_id, mal_versjon, startet, endret)"
                             " VALUES (1, 6, 'registreringsskjema', '1', '2023-03-08', '2023-03-08')")
        migrated.execute("DELETE FROM person WHERE id = 1")  # the cascade still works on the new table
        assert migrated.execute("SELECT COUNT(*) FROM svar").fetchone()[0] == 0
    finally:
        migrated.close()
