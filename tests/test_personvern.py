"""Personvern through the real entry point: innsyn, sletting (raw file searched), retention,
the audit trail, backups, migrations and file permissions.

All persons are synthetic. Fødselsnummer and names are never put in test ids or assertion
messages: assertions on them are plain booleans, so a failure does not print them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kompetanse_cli.store import db as kt_db
from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr
from tests.test_cli_screen import person_row, write_list

VEILEDER = "A123456"
FNR = synthetic_fnr(dt.date(1980, 1, 5))  # starts with 0
NAME = "Åsmund Ødegård-Testperson"
OTHER_FNR = synthetic_fnr(dt.date(1975, 2, 3))
OTHER_NAME = "Berit Annenperson"
START = dt.date(2022, 1, 3)
PERSON_TABLES = ("person", "listeoppforing", "screening", "kartlegging", "svar", "svar_historikk", "brev")


@pytest.fixture(autouse=True)
def veileder(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    return VEILEDER


# ---------- helpers ----------

def check(ok: bool, what: str) -> None:
    """Assert without pytest's introspection, so a failure never prints personal data."""
    __tracebackhide__ = True
    if not ok:
        raise AssertionError(what)


def query(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    return dbrows.tuples(sql, params)  # `home` is KT_HOME: kt's own database


def screen(path: Path, *extra: str) -> dict:
    result = run_kt("screen", str(path), "--fylke", "agder", "--json", *extra)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def ids_by_row(data: dict) -> dict[int, str]:
    return {p["row"]: p["id"] for p in data["persons"]}


def answer(person: str, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    result = run_kt("kartlegg", person, "--svar", str(path))
    assert result.code == 0, result.stderr


def raw_bytes(home: Path) -> bytes:
    """The database file and its WAL/shm side files, as stored on disk."""
    data = b""
    for name in ("kt.db", "kt.db-wal", "kt.db-shm", "kt.db-journal"):
        path = home / name
        if path.exists():
            data += path.read_bytes()
    return data


def contains_person(blob: bytes, fnr: str = FNR, name: str = NAME) -> tuple[bool, bool]:
    return fnr.encode("ascii") in blob, name.encode("utf-8") in blob


@pytest.fixture
def two_persons(tmp_path: Path, kt_home: Path) -> dict[str, str]:
    """The person on two lists, screened, with answers (one changed) and a letter; and someone else."""
    week8 = write_list(tmp_path / "uke8.xlsx", [person_row(FNR, start=START, name=NAME),
                                                person_row(OTHER_FNR, start=START, name=OTHER_NAME)],
                       title="Uttak 28.02.2022")
    week10 = write_list(tmp_path / "uke10.xlsx", [person_row(FNR, start=START, name=NAME, grade=80)],
                        title="Uttak 14.03.2022")
    first = ids_by_row(screen(week8))
    screen(week10)
    person, other = first[3], first[4]
    answer(person, tmp_path / "svar1.toml",
           'samtaledato = "10.03.2022"\nsamtaleform = "telefon"\nutdanning = "fagbrev"\n'
           f'notat = "Ringte {NAME} om kurs."\n')
    answer(person, tmp_path / "svar2.toml", 'utdanning = "bachelor"\n')  # changed: history kept
    answer(other, tmp_path / "svar3.toml", 'samtaledato = "11.03.2022"\n')
    dbrows.execute("INSERT INTO brev (person_id, type, mal, format, veileder, tidspunkt) SELECT id, 'referat', "
                   "'standard', 'pdf', ?, '2022-03-10T12:00:00' FROM person WHERE kort_id = ?", (VEILEDER, person))
    return {"person": person, "other": other}


# ---------- innsyn ----------

def test_person_vis_shows_full_number_and_name_and_is_logged(two_persons: dict[str, str], kt_home: Path) -> None:
    result = run_kt("person", "vis", two_persons["person"], "--alle")
    assert result.code == 0, result.stderr
    shown = result.stdout
    check(FNR in shown and NAME in shown, "person vis should show the full number and the name")
    check(OTHER_NAME not in shown and OTHER_FNR not in shown, "person vis shows someone else")
    for section in ("Person", "Lister (2)", "Screening (2)", "Kartlegging (1)", "Svar (4)", "Endrede svar (1)",
                    "Brev (1)", "Logg"):
        check(section in shown, f"section {section} missing")
    check("Bachelorgrad" in shown and "Fag- eller mesterbrev" in shown, "answer or its history missing")
    assert query(kt_home, "SELECT veileder, person FROM logg WHERE handling = 'person vist'") == [
        (VEILEDER, two_persons["person"])]
    unknown = run_kt("person", "vis", "zzzzz")
    assert unknown.code == 2 and "Fant ingen person" in unknown.stderr


def test_innsyn_json_has_lists_screening_answers_history_and_audit(two_persons: dict[str, str],
                                                                   tmp_path: Path) -> None:
    person = two_persons["person"]
    assert run_kt("forklar", person).code == 0  # a look that must show up in the audit section
    out = tmp_path / "innsyn.json"
    result = run_kt("innsyn", person, "--ut", str(out))
    assert result.code == 0, result.stderr
    assert f"Skrev innsyn for {person}" in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["id"] == person
    check(data["person"][0]["fnr"] == FNR and data["person"][0]["navn"] == NAME, "person section wrong")
    # written for the person to read: Norwegian dates, decisions and answers in words
    assert [(a["listedato"], a["filnavn"], a["grad"]) for a in data["listeoppforinger"]] == [
        ("28.02.2022", "uke8.xlsx", 100), ("14.03.2022", "uke10.xlsx", 80)]
    assert [s["beslutning"] for s in data["screeninger"]] == ["Kandidat", "Ikke kandidat"]
    assert "ikke oppfylt: Sykmeldt 80 %, under kravet på 100 %" in data["screeninger"][1]["resultater"]
    assert "oppfylt: Har arbeidsgiver" in data["screeninger"][0]["resultater"]
    answers = {a["sporsmal"]: a["verdi"] for a in data["svar"]}
    assert answers["Hva er brukerens høyeste fullførte utdanning?"] == "Bachelorgrad"
    assert answers["Dato for kartleggingssamtalen"] == "10.03.2022"
    assert [(h["sporsmal"], h["verdi"], h["endret_av"]) for h in data["svarhistorikk"]] == [
        ("Hva er brukerens høyeste fullførte utdanning?", "Fag- eller mesterbrev (ev. fagskole)", VEILEDER)]
    assert [b["type"] for b in data["brev"]] == ["referat"]
    actions = [entry["handling"] for entry in data["logg"]]
    assert "screening forklart" in actions and "kartlegging nivå 1 åpnet" in actions
    assert actions[-1] == "innsyn eksportert"  # the export itself is in its own innsyn
    assert all(entry["person"] == person for entry in data["logg"])
    # nothing about the other person
    text = out.read_text(encoding="utf-8")
    check(OTHER_FNR not in text and OTHER_NAME not in text and two_persons["other"] not in text,
          "the innsyn holds someone else")
    # internal ids are left out
    assert all("person_id" not in row and "id" not in row for rows in data.values() if isinstance(rows, list)
               for row in rows)


def test_innsyn_xlsx_has_one_sheet_per_section(two_persons: dict[str, str], tmp_path: Path) -> None:
    person = two_persons["person"]
    out = tmp_path / "innsyn.xlsx"
    result = run_kt("innsyn", person, "--ut", str(out))
    assert result.code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Person", "Lister", "Screening", "Kartlegging", "Svar", "Endrede svar", "Brev",
                                   "Logg"]

    def table(name: str) -> list[dict[str, object]]:
        rows = list(workbook[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], row)) for row in rows[1:]]

    sheet = workbook["Person"]
    header = [c.value for c in sheet[1]]
    fnr_cell = sheet.cell(row=2, column=header.index("Fødselsnummer") + 1)
    check(fnr_cell.value == FNR and fnr_cell.data_type == "s", "fødselsnummer not kept as text")  # leading zero
    check(table("Person")[0]["Navn"] == NAME, "name missing")
    assert [r["Listedato"] for r in table("Lister")] == ["28.02.2022", "14.03.2022"]
    assert [r["Grad (%)"] for r in table("Lister")] == [100, 80]  # numbers stay numbers
    assert [r["Beslutning"] for r in table("Screening")] == ["Kandidat", "Ikke kandidat"]
    assert "Sykmeldt 80 %" in table("Screening")[1]["Begrunnelser"]
    assert {r["Spørsmål"]: r["Svar"] for r in table("Svar")}["Hva er brukerens høyeste fullførte utdanning?"] == "Bachelorgrad"
    assert [(r["Spørsmål"], r["Svar"]) for r in table("Endrede svar")] == [
        ("Hva er brukerens høyeste fullførte utdanning?", "Fag- eller mesterbrev (ev. fagskole)")]
    assert table("Logg")[-1]["Handling"] == "innsyn eksportert"
    assert all(cell.data_type != "f" for ws in workbook.worksheets for row in ws.iter_rows() for cell in row)
    wrong = run_kt("innsyn", person, "--ut", str(tmp_path / "innsyn.csv"))
    assert wrong.code == 2 and ".json eller .xlsx" in wrong.stderr


# ---------- sletting ----------

@pytest.mark.parametrize("reader_open", [False, True], ids=["alone", "another-connection-open"])
def test_slett_removes_every_row_and_every_byte(two_persons: dict[str, str], kt_home: Path,
                                                reader_open: bool) -> None:
    person, other = two_persons["person"], two_persons["other"]
    (pid,), = query(kt_home, "SELECT id FROM person WHERE kort_id = ?", (person,))
    before = {table: query(kt_home, f"SELECT COUNT(*) FROM {table}")[0][0] for table in PERSON_TABLES}
    assert all(before[t] > 0 for t in PERSON_TABLES)
    reader = None
    if reader_open:  # e.g. `kt liste` in another window: the WAL is not removed when kt closes
        reader = sqlite3.connect(kt_home / "kt.db")
        reader.execute("SELECT COUNT(*) FROM person").fetchall()
    try:
        has_fnr, has_name = contains_person(raw_bytes(kt_home))
        assert has_fnr and has_name  # the search below is meaningful: the data was on disk

        result = run_kt("slett", person, "--ja")
        assert result.code == 0, result.stderr
        assert f"Alt om {person} er slettet" in result.stdout

        has_fnr, has_name = contains_person(raw_bytes(kt_home))
        assert not has_fnr, "fødselsnummer still in the database file or its WAL"
        assert not has_name, "name still in the database file or its WAL"
        check(not any(contains_person(raw_bytes(kt_home), FNR.lstrip("0"), NAME.split()[0])),
              "part of the number or the name still in the file")
        # the other person is untouched, bytes and rows
        other_fnr, other_name = contains_person(raw_bytes(kt_home), OTHER_FNR, OTHER_NAME)
        assert other_fnr and other_name
    finally:
        if reader is not None:
            reader.close()

    check(query(kt_home, "SELECT COUNT(*) FROM person WHERE kort_id = ? OR fnr = ?", (person, FNR)) == [(0,)],
          "person row left")
    for table in ("listeoppforing", "screening", "kartlegging", "brev"):
        assert query(kt_home, f"SELECT COUNT(*) FROM {table} WHERE person_id = ?", (pid,)) == [(0,)], table
    for table in ("svar", "svar_historikk"):
        assert query(kt_home, f"SELECT COUNT(*) FROM {table} WHERE kartlegging_id NOT IN "
                              "(SELECT id FROM kartlegging)") == [(0,)], table
    # what is left belongs to the other person only
    assert query(kt_home, "SELECT kort_id FROM person") == [(other,)]
    assert query(kt_home, "SELECT COUNT(*) FROM listeoppforing") == [(1,)]
    assert query(kt_home, "SELECT COUNT(*) FROM screening") == [(1,)]
    # criterion results are kept only while a decision uses them; «80 %» was this person's alone
    used = {n for (text,) in query(kt_home, "SELECT resultater FROM screening") for n in json.loads(text)}
    assert {n for (n,) in query(kt_home, "SELECT id FROM kriterieresultat")} == used
    check("Sykmeldt 80 %".encode() not in raw_bytes(kt_home), "a reason only this person had is still on disk")
    assert query(kt_home, "SELECT COUNT(*) FROM svar") == [(1,)]
    assert query(kt_home, "SELECT COUNT(*) FROM brev") == [(0,)]
    assert before["svar_historikk"] == 1 and query(kt_home, "SELECT COUNT(*) FROM svar_historikk") == [(0,)]
    # the audit trail keeps that it happened, by whom, without personal data
    deleted = query(kt_home, "SELECT veileder, person, detaljer FROM logg WHERE handling = 'person slettet'")
    assert deleted == [(VEILEDER, person, None)]
    log_text = json.dumps(query(kt_home, "SELECT * FROM logg"), ensure_ascii=False)
    check(FNR not in log_text and NAME not in log_text, "personal data in the audit trail")
    assert run_kt("forklar", person).code == 2


def test_slett_without_ja_and_without_terminal_deletes_nothing(two_persons: dict[str, str], kt_home: Path) -> None:
    counts = {t: query(kt_home, f"SELECT COUNT(*) FROM {t}") for t in PERSON_TABLES}
    result = run_kt("slett", two_persons["person"])
    assert result.code == 2
    assert "--ja" in result.stderr
    assert {t: query(kt_home, f"SELECT COUNT(*) FROM {t}") for t in PERSON_TABLES} == counts
    assert query(kt_home, "SELECT COUNT(*) FROM logg WHERE handling = 'person slettet'") == [(0,)]
    assert run_kt("slett", "zzzzz", "--ja").code == 2


# ---------- retention (kt rydd) ----------

def _rydd_counts(output: str) -> tuple[int, int]:
    never = re.search(r"Aldri kartlagt, siste liste før [\d.]+: (\d+) persone?r?", output)
    inactive = re.search(r"Ingen aktivitet siden før [\d.]+: (\d+) persone?r?", output)
    assert never and inactive, output
    return int(never.group(1)), int(inactive.group(1))


@pytest.fixture
def retention_people(tmp_path: Path, kt_home: Path) -> dict[str, str]:
    """old: 2022 list, never kartlagt; talked: 2022 list, kartlagt today; stale: 2022 list, kartlagt in 2022;
    recent: list 10 days ago; months: list 60 days ago (both never kartlagt)."""
    fnrs = {"old": synthetic_fnr(dt.date(1970, 1, 1)), "talked": synthetic_fnr(dt.date(1971, 2, 2)),
            "stale": synthetic_fnr(dt.date(1972, 3, 3))}
    old = write_list(tmp_path / "gammel.xlsx", [person_row(f, start=START, name=f"Person {k}")
                                                for k, f in fnrs.items()], title="Uttak 07.03.2022")
    ids = dict(zip(fnrs, [p["id"] for p in screen(old)["persons"]]))
    for key, days, born in (("recent", 10, dt.date(1973, 4, 4)), ("months", 60, dt.date(1974, 5, 5))):
        listed = dt.date.today() - dt.timedelta(days=days)
        path = write_list(tmp_path / f"{key}.xlsx", [person_row(synthetic_fnr(born), name=f"Person {key}",
                                                                start=listed - dt.timedelta(days=56))])
        ids[key] = screen(path, "--listedato", listed.strftime("%d.%m.%Y"))["persons"][0]["id"]
    answer(ids["talked"], tmp_path / "a.toml", 'samtaledato = "10.03.2022"\n')
    answer(ids["stale"], tmp_path / "b.toml", 'samtaledato = "10.03.2022"\n')
    # the interview was last touched in 2022
    dbrows.execute("UPDATE kartlegging SET startet = '2022-03-10T10:00:00', endret = '2022-03-10T10:00:00' "
                   "WHERE person_id = (SELECT id FROM person WHERE kort_id = ?)", (ids["stale"],))
    return ids


def _persons(home: Path) -> set[str]:
    return {r[0] for r in query(home, "SELECT kort_id FROM person")}


def test_rydd_vis_counts_and_deletes_nothing(retention_people: dict[str, str], kt_home: Path) -> None:
    result = run_kt("rydd", "--vis")
    assert result.code == 0, result.stderr
    assert _rydd_counts(result.stdout) == (1, 1)  # old (never kartlagt), stale (inactive)
    assert "Ingenting er slettet" in result.stdout
    assert _persons(kt_home) == set(retention_people.values())
    no_terminal = run_kt("rydd")
    assert no_terminal.code == 2 and "--ja" in no_terminal.stderr
    assert _persons(kt_home) == set(retention_people.values())


def test_rydd_deletes_past_retention_and_keeps_the_rest(retention_people: dict[str, str], kt_home: Path) -> None:
    ids = retention_people
    result = run_kt("rydd", "--ja")
    assert result.code == 0, result.stderr
    assert "Slettet 2 personer" in result.stdout
    assert _persons(kt_home) == {ids["talked"], ids["recent"], ids["months"]}
    assert query(kt_home, "SELECT COUNT(*) FROM listeoppforing WHERE person_id NOT IN (SELECT id FROM person)") == [
        (0,)]
    assert query(kt_home, "SELECT veileder, detaljer FROM logg WHERE handling = 'rydding'") == [
        (VEILEDER, "1 aldri kartlagt, 1 inaktive slettet")]
    assert sorted(query(kt_home, "SELECT person, detaljer FROM logg WHERE handling = 'person slettet'")) == sorted(
        [(ids["old"], "lagringstiden er ute"), (ids["stale"], "lagringstiden er ute")])
    again = run_kt("rydd", "--vis")
    assert _rydd_counts(again.stdout) == (0, 0)


def test_persons_past_retention_stay_deleted_when_an_older_backup_is_restored(
        retention_people: dict[str, str], kt_home: Path, tmp_path: Path) -> None:
    ids = retention_people
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    assert run_kt("rydd", "--ja").code == 0
    restored = run_kt("gjenopprett", str(backup), "--ja")
    assert restored.code == 0, restored.stderr
    assert _persons(kt_home) == {ids["talked"], ids["recent"], ids["months"]}


def test_rydd_limits_come_from_the_config(retention_people: dict[str, str], kt_home: Path) -> None:
    ids = retention_people
    assert run_kt("config", "set", "rydd_ikke_kartlagt_mnd", "1").code == 0
    assert _rydd_counts(run_kt("rydd", "--vis").stdout) == (2, 1)  # + the list from 60 days ago
    assert run_kt("config", "set", "rydd_ikke_kartlagt_mnd", "120").code == 0
    assert run_kt("config", "set", "rydd_inaktiv_mnd", "120").code == 0
    assert _rydd_counts(run_kt("rydd", "--vis").stdout) == (0, 0)  # nothing is that old
    assert run_kt("config", "set", "rydd_ikke_kartlagt_mnd", "1").code == 0
    result = run_kt("rydd", "--ja")
    assert result.code == 0 and "Slettet 2 personer" in result.stdout  # old and months; stale is kartlagt
    assert _persons(kt_home) == {ids["talked"], ids["stale"], ids["recent"]}
    for wrong in ("tolv", "0", "99999999999999999999"):  # refused when set: rydd would fail later
        refused = run_kt("config", "set", "rydd_inaktiv_mnd", wrong)
        assert refused.code == 2 and "fra 1 til 1200" in refused.stderr
    (kt_home / "config.toml").write_text('rydd_inaktiv_mnd = "tolv"\n', encoding="utf-8")  # edited by hand
    bad = run_kt("rydd", "--vis")
    assert bad.code == 2 and "rydd_inaktiv_mnd" in bad.stderr


# ---------- the audit trail ----------

def test_logg_filters_by_person_and_dates(two_persons: dict[str, str]) -> None:
    person, other = two_persons["person"], two_persons["other"]
    assert run_kt("person", "vis", person).code == 0
    assert run_kt("forklar", other).code == 0
    mine = json.loads(run_kt("logg", "--person", person, "--json").stdout)
    assert {e["person"] for e in mine} == {person}
    assert [e["action"] for e in mine][-1] == "person vist"
    assert all(e["veileder"] == VEILEDER for e in mine)
    everyone = json.loads(run_kt("logg", "--json").stdout)
    assert len(everyone) > len(mine)
    assert "liste importert og screenet" in [e["action"] for e in everyone]
    today = dt.date.today()
    day = lambda d: d.strftime("%d.%m.%Y")  # noqa: E731
    assert json.loads(run_kt("logg", "--fra", day(today), "--til", day(today), "--json").stdout) == everyone
    assert json.loads(run_kt("logg", "--til", day(today - dt.timedelta(days=1)), "--json").stdout) == []
    assert json.loads(run_kt("logg", "--fra", day(today + dt.timedelta(days=1)), "--json").stdout) == []
    table = run_kt("logg", "--person", other)
    assert table.code == 0 and "screening forklart" in table.stdout and "logginnslag" in table.stdout
    bad = run_kt("logg", "--fra", "32.13.2022")
    assert bad.code == 2 and "--fra" in bad.stderr


def test_logg_is_append_only_in_the_database(two_persons: dict[str, str], kt_home: Path) -> None:
    count = dbrows.value("SELECT COUNT(*) FROM logg")
    assert count > 0
    with pytest.raises(Exception, match="bare utvides"):  # the database's own rule, whatever the driver
        dbrows.execute("UPDATE logg SET veileder = 'X999999'")
    with pytest.raises(Exception, match="bare utvides"):
        dbrows.execute("DELETE FROM logg WHERE id = 1")
    assert dbrows.value("SELECT COUNT(*) FROM logg") == count
    assert dbrows.value("SELECT COUNT(*) FROM logg WHERE veileder = 'X999999'") == 0


# ---------- backup and restore ----------

def test_backup_is_private_complete_and_never_overwrites(two_persons: dict[str, str], kt_home: Path,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "sikker" / "kopi.db"
    missing_folder = run_kt("backup", str(target))
    assert missing_folder.code == 2 and "finnes ikke" in missing_folder.stderr
    target.parent.mkdir()
    result = run_kt("backup", str(target))
    assert result.code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA user_version").fetchone()[0] == kt_db.schema_version()
        backed = copy.execute("SELECT kort_id, fnr, navn FROM person ORDER BY kort_id").fetchall()
        answers = copy.execute("SELECT COUNT(*) FROM svar").fetchone()[0]
    finally:
        copy.close()
    check(backed == query(kt_home, "SELECT kort_id, fnr, navn FROM person ORDER BY kort_id"), "persons differ")
    assert answers == 5
    assert query(kt_home, "SELECT COUNT(*) FROM logg WHERE handling = 'sikkerhetskopi tatt'") == [(1,)]
    content = target.read_bytes()
    again = run_kt("backup", str(target))
    assert again.code == 2 and "finnes allerede" in again.stderr  # a usage error, as for kt referat
    assert target.read_bytes() == content


def test_gjenopprett_restores_the_backup_but_not_persons_deleted_since(two_persons: dict[str, str], kt_home: Path,
                                                                       tmp_path: Path) -> None:
    person, other = two_persons["person"], two_persons["other"]
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    before_other = query(kt_home, f"SELECT kort_id, fnr, navn FROM person WHERE kort_id = '{other}'")
    assert run_kt("slett", person, "--ja").code == 0
    answers = tmp_path / "etter.toml"
    answers.write_text('samtaleform = "video"\n', encoding="utf-8")
    assert run_kt("kartlegg", other, "--svar", str(answers)).code == 0  # a change made after the backup
    unconfirmed = run_kt("gjenopprett", str(backup))
    assert unconfirmed.code == 2
    result = run_kt("gjenopprett", str(backup), "--ja")
    assert result.code == 0, result.stderr
    assert "slettet på nytt" in result.stdout
    # a deletion on request survives the restore; everything else is as in the backup
    assert query(kt_home, f"SELECT COUNT(*) FROM person WHERE kort_id = '{person}'") == [(0,)]
    check(query(kt_home, f"SELECT kort_id, fnr, navn FROM person WHERE kort_id = '{other}'") == before_other,
          "the other person differs")
    assert query(kt_home, "SELECT COUNT(*) FROM svar WHERE verdi = 'video'") == [(0,)]
    assert run_kt("forklar", other).code == 0
    assert query(kt_home, "SELECT COUNT(*) FROM logg WHERE handling = 'sikkerhetskopi gjenopprettet'") == [(1,)]
    assert stat.S_IMODE((kt_home / "kt.db").stat().st_mode) == 0o600


def test_gjenopprett_keeps_the_audit_trail(two_persons: dict[str, str], kt_home: Path, tmp_path: Path) -> None:
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    assert run_kt("slett", two_persons["person"], "--ja").code == 0
    trail = query(kt_home, "SELECT tidspunkt, veileder, handling, person FROM logg ORDER BY id")
    assert run_kt("gjenopprett", str(backup), "--ja").code == 0
    after = query(kt_home, "SELECT tidspunkt, veileder, handling, person FROM logg ORDER BY id")
    assert all(entry in after for entry in trail)


def test_gjenopprett_refuses_what_is_not_a_kt_backup(two_persons: dict[str, str], kt_home: Path,
                                                     tmp_path: Path) -> None:
    before = query(kt_home, "SELECT kort_id FROM person ORDER BY 1")
    text = tmp_path / "notat.db"
    text.write_text("dette er ingen database\n" * 20, encoding="utf-8")
    other = tmp_path / "annen.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE kunde (id INTEGER PRIMARY KEY, navn TEXT)")
    conn.commit()
    conn.close()
    newer = tmp_path / "nyere.db"
    assert run_kt("backup", str(newer)).code == 0
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for path, expected in ((text, "ikke en kt-database"), (other, "ikke en kt-database"),
                           (newer, "nyere versjon"), (tmp_path / "finnes-ikke.db", "Fant ikke")):
        result = run_kt("gjenopprett", str(path), "--ja")
        assert result.code == 1, path.name
        assert expected in result.stderr and "Traceback" not in result.output
    assert query(kt_home, "SELECT kort_id FROM person ORDER BY 1") == before


# ---------- migrations ----------

def _schema_one_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    kt_db._m001_initial(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO person (kort_id, fnr, navn, fylke, kontor, malform, opprettet) "
                 "VALUES ('abcde', ?, ?, 'agder', 'NAV Lister', 'nb', '2022-03-07T10:00:00')", (FNR, NAME))
    conn.execute("COMMIT")
    conn.close()
    path.chmod(0o600)


def test_older_database_is_migrated_after_a_private_copy(kt_home: Path) -> None:
    path = kt_home / "kt.db"
    _schema_one_database(path)
    result = run_kt("liste", "--json")
    assert result.code == 0, result.stderr
    assert "oppgradert" in result.stderr
    ids = [p["id"] for p in json.loads(result.stdout)]
    assert ids == ["abcde"]
    assert query(kt_home, "PRAGMA user_version") == [(kt_db.schema_version(),)]
    check(query(kt_home, "SELECT kort_id, fnr, navn, kilde FROM person") == [("abcde", FNR, NAME, "liste")],
          "person changed by the migration")
    copies = list(kt_home.glob("kt.før-skjema-*.db"))
    assert len(copies) == 1
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    old = sqlite3.connect(f"file:{copies[0]}?mode=ro", uri=True)
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT kort_id FROM person").fetchall() == [("abcde",)]
    finally:
        old.close()
    # the migrated database works for the new tables too
    assert run_kt("logg", "--json").code == 0
    again = run_kt("liste", "--json")
    assert "oppgradert" not in again.stderr and len(list(kt_home.glob("kt.før-skjema-*.db"))) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_copy_before_migrating_includes_data_still_in_the_wal(kt_home: Path) -> None:
    kt_home.mkdir(mode=0o700)
    writer = (
        "import os, signal, sqlite3, sys\n"
        "from kompetanse_cli.store.db import _m001_initial\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA journal_mode = WAL')\n"
        "conn.execute('BEGIN'); _m001_initial(conn); conn.execute('PRAGMA user_version = 1'); conn.execute('COMMIT')\n"
        "conn.execute(\"INSERT INTO person (kort_id, fnr, navn, fylke, malform, opprettet) VALUES "
        "('abcde', '00000000000', 'Syntetisk', 'agder', 'nb', '2022-03-07T10:00:00')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", writer, str(kt_home / "kt.db")], cwd=Path(__file__).parent.parent,
                          timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert (kt_home / "kt.db-wal").exists()
    result = run_kt("liste", "--json")
    assert result.code == 0 and [p["id"] for p in json.loads(result.stdout)] == ["abcde"]  # the migration is fine
    copy, = kt_home.glob("kt.før-skjema-*.db")
    old = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT kort_id FROM person").fetchall() == [("abcde",)]
    finally:
        old.close()


def test_database_from_a_newer_kt_is_refused(kt_home: Path) -> None:
    assert run_kt("liste").code == 0
    conn = sqlite3.connect(kt_home / "kt.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = run_kt("liste")
    assert result.code == 1
    assert "nyere versjon av kt" in result.stderr and "Oppdater kt" in result.stderr
    conn = sqlite3.connect(kt_home / "kt.db")  # the file itself: kt refuses to open it
    try:
        assert conn.execute("PRAGMA user_version").fetchall() == [(99,)]
    finally:
        conn.close()


def test_too_open_permissions_are_tightened_with_a_warning(two_persons: dict[str, str], kt_home: Path) -> None:
    assert stat.S_IMODE(kt_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((kt_home / "kt.db").stat().st_mode) == 0o600
    os.chmod(kt_home, 0o755)
    os.chmod(kt_home / "kt.db", 0o644)
    result = run_kt("liste", "--json")
    assert result.code == 0
    assert result.stderr.count("strammet inn") == 2
    assert "Datamappen" in result.stderr and "kt.db var lesbar for andre" in result.stderr
    check(bool(json.loads(result.stdout)), "no persons listed")  # the warning goes to stderr; stdout stays JSON
    assert stat.S_IMODE(kt_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((kt_home / "kt.db").stat().st_mode) == 0o600
    quiet = run_kt("liste", "--json")
    assert "strammet inn" not in quiet.stderr


def test_failed_innsyn_export_is_not_logged(two_persons: dict[str, str], kt_home: Path, tmp_path: Path) -> None:
    person = two_persons["person"]
    failed = run_kt("innsyn", person, "--ut", str(tmp_path / "finnes-ikke" / "innsyn.xlsx"))
    assert failed.code == 2 and "finnes ikke" in failed.stderr
    wrong_type = run_kt("innsyn", person, "--ut", str(tmp_path / "innsyn.pdf"))
    assert wrong_type.code == 2
    assert query(kt_home, "SELECT COUNT(*) FROM logg WHERE handling = 'innsyn eksportert'") == [(0,)]


def test_gjenopprett_keeps_a_copy_of_what_was_there(two_persons: dict[str, str], kt_home: Path,
                                                    tmp_path: Path) -> None:
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    assert run_kt("gjenopprett", str(backup), "--ja").code == 0
    copies = list(kt_home.glob("kt.før-gjenoppretting.*.db"))
    assert len(copies) == 1 and stat.S_IMODE(copies[0].stat().st_mode) == 0o600
    conn = sqlite3.connect(copies[0])
    try:
        assert conn.execute("SELECT COUNT(*) FROM person").fetchone()[0] == 2
    finally:
        conn.close()


def test_logg_refuses_a_fodselsnummer_as_person(two_persons: dict[str, str]) -> None:
    result = run_kt("logg", "--person", FNR)
    assert result.code == 2 and "fødselsnummer" in result.stderr
    check(FNR not in result.output, "the number was repeated")
    assert run_kt("logg", "--person", two_persons["person"].upper()).code == 0


def test_rydd_removes_kts_own_old_copies_of_the_database(kt_home: Path) -> None:
    """The copies kt takes before an upgrade or a restore hold everyone: kept 30 days by default,
    judged by the day in their name. Files that only look alike are the user's, not kt's."""
    assert run_kt("liste").code == 0
    old_upgrade = kt_home / "kt.før-skjema-3.20220301.db"
    old_restore = kt_home / "kt.før-gjenoppretting.20220301-101500.db"
    recent = kt_home / f"kt.før-skjema-3.{dt.date.today():%Y%m%d}.db"
    users_own = [kt_home / "min-kopi.db", kt_home / "mine notater.før-skjema-utkast.db",
                 kt_home / "annen.før-skjema-3.20220301.db"]
    for path in (old_upgrade, old_restore, recent, *users_own):
        path.write_bytes(b"SQLite format 3\x00")
    (kt_home / (old_upgrade.name + "-wal")).write_bytes(b"")  # left by opening the copy by hand
    (kt_home / "kt.før-skjema-9.20220301.db").mkdir()  # not a file: never removed

    shown = run_kt("rydd", "--vis")
    assert shown.code == 0, shown.stderr
    listed = [line.strip() for line in shown.stdout.splitlines() if line.startswith("  ")]
    assert listed == [old_restore.name, old_upgrade.name]
    assert old_upgrade.exists() and old_restore.exists()

    done = run_kt("rydd", "--ja")
    assert done.code == 0, done.stderr
    assert "Slettet 2 gamle kopier av databasen." in done.stdout
    assert not old_upgrade.exists() and not old_restore.exists()
    assert not (kt_home / (old_upgrade.name + "-wal")).exists()
    assert recent.exists() and all(path.exists() for path in users_own)
    assert query(kt_home, "SELECT detaljer FROM logg WHERE handling = 'rydding'") == [
        ("0 aldri kartlagt, 0 inaktive slettet, 2 gamle kopier av databasen",)]


def test_slett_says_that_kts_copies_still_hold_the_person(two_persons: dict[str, str], kt_home: Path) -> None:
    (kt_home / f"kt.før-skjema-3.{dt.date.today():%Y%m%d}.db").write_bytes(b"SQLite format 3\x00")
    result = run_kt("slett", two_persons["person"], "--ja")
    assert result.code == 0, result.stderr
    assert "1 gammel kopi av databasen" in result.stdout and "kt rydd" in result.stdout


def test_innsyn_replaces_an_existing_file_only_when_asked(two_persons: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "innsyn.json"
    out.write_text("annet innhold", encoding="utf-8")
    refused = run_kt("innsyn", two_persons["person"], "--ut", str(out))
    assert refused.code == 2 and "--overskriv" in refused.stderr
    assert out.read_text(encoding="utf-8") == "annet innhold"
    assert run_kt("innsyn", two_persons["person"], "--ut", str(out), "--overskriv").code == 0
    assert json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("backup_pages, database_pages", [(4096, 16384), (16384, 4096)],
                         ids=["old-backup-new-database", "new-backup-old-database"])
def test_gjenopprett_between_page_sizes(backup_pages: int, database_pages: int, kt_home: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Databases made before kt used 16 kB pages have 4 kB: a backup of one restores into a new
    database, and a new backup into an old database. The restore copies rows (in one write
    transaction), so the database keeps its own page size, and another kt reading meanwhile
    does not stop it."""
    def make_home(home: Path, pages: int) -> None:
        home.mkdir(mode=0o700)
        made = sqlite3.connect(home / "kt.db")  # the page size is fixed by the first table
        made.execute(f"PRAGMA page_size = {pages}")
        made.execute("CREATE TABLE plassholder (x)")
        made.close()
        (home / "kt.db").chmod(0o600)

    source_home = tmp_path / "gammelt-hjem"
    make_home(source_home, backup_pages)
    monkeypatch.setenv("KT_HOME", str(source_home))
    listed = screen(write_list(tmp_path / "uke8.xlsx", [person_row(FNR, start=START, name=NAME)],
                               title="Uttak 28.02.2022"))
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0

    make_home(kt_home, database_pages)
    monkeypatch.setenv("KT_HOME", str(kt_home))
    assert query(kt_home, "PRAGMA page_size") == [(database_pages,)]
    result = run_kt("gjenopprett", str(backup), "--ja")
    assert result.code == 0, result.stderr
    assert query(kt_home, "SELECT kort_id FROM person") == [(listed["persons"][0]["id"],)]
    assert query(kt_home, "PRAGMA page_size") == [(database_pages,)]
    assert query(kt_home, "PRAGMA journal_mode") == [("wal",)]
    assert query(kt_home, "PRAGMA integrity_check") == [("ok",)]
    assert run_kt("forklar", listed["persons"][0]["id"]).code == 0
    if database_pages == 16384:  # once more, while another kt is reading the database
        make_home(tmp_path / "nytt-hjem", 16384)
        monkeypatch.setenv("KT_HOME", str(tmp_path / "nytt-hjem"))
        assert run_kt("liste").code == 0
        other = sqlite3.connect(tmp_path / "nytt-hjem" / "kt.db")
        try:
            other.execute("SELECT COUNT(*) FROM person").fetchone()
            busy = run_kt("gjenopprett", str(backup), "--ja")
        finally:
            other.close()
        assert busy.code == 0, busy.stderr
        assert query(tmp_path / "nytt-hjem", "SELECT kort_id FROM person") == [(listed["persons"][0]["id"],)]
