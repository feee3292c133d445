"""`kt oppgaver`: every task type appearing and disappearing on a synthetic store with a fixed
«today»; the JSON and the .ics file (parsed back with icalendar); `kt person avslutt`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest

from kompetanse_cli.fylker import resolve_fylke
from kompetanse_cli.interview.tasks import Limits, close_contact, due_tasks
from kompetanse_cli.store import db
from tests.conftest import run_kt
from tests.test_rapport import KRS, Store

D = dt.date.fromisoformat
OSTRE = "NAV Østre Agder"


@pytest.fixture
def store(kt_home: Path):
    conn, _ = db.connect(kt_home / "kt.db")
    yield Store(conn)
    conn.close()


def tasks(s: Store, today: str, **filters) -> set[tuple[str, str, str, str]]:
    found = due_tasks(s.conn, today=D(today), **filters)
    return {(t.id, t.oppgave, t.siden.isoformat(), t.frist.isoformat()) for t in found}


def of(s: Store, person: str, today: str, **filters) -> set[tuple[str, str, str]]:
    return {(task, since, due) for who, task, since, due in tasks(s, today, **filters) if who == person}


def add_level(s: Store, person: int, niva: int, answers: dict[str, str | None], *, complete: bool = True) -> None:
    with db.transaction(s.conn):
        s.level(person, niva, answers, complete=complete)


def test_kontakt_until_the_talk_begins_or_the_veileder_gives_up(store: Store) -> None:
    with db.transaction(store.conn):
        first, second, third = store.person(), store.person(), store.person()
        store.list_entry(first, listedato="2022-03-07")
        store.list_entry(first, listedato="2022-03-14")  # on the next list too: counted from the first
        store.list_entry(second, listedato="2022-03-14", decision="manuell")
        store.list_entry(third, listedato="2022-03-07", decision="ikke_kandidat", failed=("grad",))
    assert of(store, "p0001", "2022-03-20") == {("kontakt", "2022-03-07", "2022-03-14")}
    assert of(store, "p0002", "2022-03-20") == {("kontakt", "2022-03-14", "2022-03-21")}
    assert of(store, "p0003", "2022-03-20") == set()  # not a candidate: nothing to do
    close_contact(store.conn, "p0001", grunn="nådde ikke fram", veileder="A123456")
    assert of(store, "p0001", "2022-03-20") == set()
    # the talk begun: kontakt becomes samtale; finished: samtale gone, the referat due
    add_level(store, second, 1, {"samtaledato": "2022-03-15"}, complete=False)
    assert of(store, "p0002", "2022-03-20") == {("samtale", "2022-03-15", "2022-03-15")}
    store.conn.execute("UPDATE kartlegging SET fullfort = startet WHERE person_id = ?", (second,))
    assert of(store, "p0002", "2022-03-20") == {("referat", "2022-03-15", "2022-03-15")}
    with db.transaction(store.conn):
        store.conn.execute("INSERT INTO brev (person_id, type, mal, format, veileder, tidspunkt)"
                           " VALUES (?, 'referat', 'standard', 'docx', 'A123456', '2022-03-16T10:00:00')", (second,))
    assert of(store, "p0002", "2022-03-20") == set()


def test_levels_follow_ups_and_the_sykepenger_reminder(store: Store) -> None:
    with db.transaction(store.conn):
        person = store.person()
        store.list_entry(person, listedato="2022-03-07")  # sick since 03.01.2022: last sykepengedag 14.12.2022
        store.level(person, 1, {"samtaledato": "2022-03-15", "aktuell": "ja"})
        store.conn.execute("INSERT INTO brev (person_id, type, mal, format, veileder, tidspunkt)"
                           " VALUES (?, 'referat', 'standard', 'docx', 'A123456', '2022-03-16T10:00:00')", (person,))
    # niva2: 14 days after the talk without level 2
    assert of(store, "p0001", "2022-03-28") == set()
    assert of(store, "p0001", "2022-03-29") == {("niva2", "2022-03-15", "2022-03-29")}
    assert of(store, "p0001", "2022-03-29", limits=Limits(level2_days=21)) == set()
    add_level(store, person, 2, {"tiltakstype": "amo", "planlagt_start": "2022-04-04",
                                 "planlagt_slutt": "2023-02-01"})
    assert of(store, "p0001", "2022-03-29") == set()
    # sykepenger: the measure ends after 14.12.2022; reminded from 8 weeks before
    assert of(store, "p0001", "2022-10-18") == {("oppfolging6", "2022-09-15", "2022-09-15")}
    assert ("sykepenger", "2022-10-19", "2022-12-14") in of(store, "p0001", "2022-10-19")
    assert ("sykepenger", "2022-10-05", "2022-12-14") in of(store, "p0001", "2022-10-05",
                                                           limits=Limits(sykepenger_weeks=10))
    assert ("sykepenger", "2022-10-19", "2022-12-14") in of(store, "p0001", "2022-12-14")
    assert not {t for t in of(store, "p0001", "2022-12-15") if t[0] == "sykepenger"}
    # oppfolging6 from 15.09.2022 until registered
    assert of(store, "p0001", "2022-09-14") == set()
    add_level(store, person, 4, {"oppfolgingsdato": "2022-09-20", "situasjon": "samme_jobb"})
    assert of(store, "p0001", "2022-09-20") == set()
    # niva3 the day after planlagt_slutt, and oppfolging12 from 15.03.2023
    assert of(store, "p0001", "2023-02-01") == set()
    assert of(store, "p0001", "2023-02-02") == {("niva3", "2023-02-01", "2023-02-01")}
    assert of(store, "p0001", "2023-03-15") == {("niva3", "2023-02-01", "2023-02-01"),
                                                ("oppfolging12", "2023-03-15", "2023-03-15")}
    add_level(store, person, 3, {"gjennomfort": "ja"})
    add_level(store, person, 5, {"situasjon": "jobb_ny_ag"})
    assert of(store, "p0001", "2023-03-15") == set()


def test_a_measure_within_the_sykepengeperiode_gives_no_reminder(store: Store) -> None:
    with db.transaction(store.conn):
        person = store.person()
        store.list_entry(person)
        store.level(person, 1, {"samtaledato": "2022-03-15", "aktuell": "delvis"})
        store.level(person, 2, {"planlagt_slutt": "2022-12-14"})  # the last sykepengedag itself
    assert not {t for t in of(store, "p0001", "2022-11-01") if t[0] == "sykepenger"}


def test_filters_office_fylke_and_veileder(store: Store) -> None:
    with db.transaction(store.conn):
        east, krs, hamar = store.person(kontor=OSTRE), store.person(), store.person(fylke="innlandet")
        store.list_entry(east, kontor=OSTRE)
        store.list_entry(krs)
        store.list_entry(hamar, fylke="innlandet", kontor="NAV Hamar")
        store.level(krs, 1, {"samtaledato": "2022-03-15"}, complete=False)
    today = "2022-03-20"
    assert {t[0] for t in tasks(store, today, kontor="ØSTRE")} == {"p0001"}
    assert {t[0] for t in tasks(store, today, kontor="ostre agder")} == {"p0001"}
    assert {t[0] for t in tasks(store, today, fylke=resolve_fylke("agder"))} == {"p0001", "p0002"}
    assert {t[0] for t in tasks(store, today, veileder_filter="a123456")} == {"p0002"}
    assert tasks(store, today, veileder_filter="B000000") == set()


def test_oppgaver_json_and_ics(store: Store, tmp_path: Path, kt_home: Path) -> None:
    with db.transaction(store.conn):
        first, second = store.person(), store.person()
        store.list_entry(first, listedato="2022-03-07")
        store.list_entry(second)
        store.level(second, 1, {"samtaledato": "2022-03-15", "aktuell": "nei"})
    result = run_kt("oppgaver", "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {"oppgaver": [
        {"id": "p0001", "oppgave": "kontakt", "frist": "2022-03-14", "kontor": KRS, "siden": "2022-03-07"},
        {"id": "p0002", "oppgave": "referat", "frist": "2022-03-15", "kontor": KRS, "siden": "2022-03-15"},
        {"id": "p0002", "oppgave": "oppfolging6", "frist": "2022-09-15", "kontor": KRS, "siden": "2022-09-15"},
        {"id": "p0002", "oppgave": "oppfolging12", "frist": "2023-03-15", "kontor": KRS, "siden": "2023-03-15"}]}
    path = tmp_path / "oppgaver.ics"
    written = run_kt("oppgaver", "--ics", str(path))
    assert written.code == 0, written.output
    assert "Skrev 4 oppgaver til" in written.stdout
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        (dt.date(2022, 3, 14), "kt p0001: Ta kontakt"), (dt.date(2022, 3, 15), "kt p0002: Send referat"),
        (dt.date(2022, 9, 15), "kt p0002: Oppfølging 6 måneder"),
        (dt.date(2023, 3, 15), "kt p0002: Oppfølging 12 måneder")]
    assert [e.decoded("dtend") - e.decoded("dtstart") for e in events] == [dt.timedelta(days=1)] * 4
    assert len({str(e["uid"]) for e in events}) == 4
    text = path.read_bytes().decode("utf-8")
    assert "kt kartlegg p0002 --oppfolging 6" in text.replace("\r\n ", "")
    for fnr in store.fnrs:  # no fødselsnummer and no name in the calendar
        assert fnr not in text and fnr[:6] not in text
    assert "Testperson" not in text
    assert (path.stat().st_mode & 0o777) == 0o600
    again = run_kt("oppgaver", "--ics", str(path))
    assert again.code == 2 and "--overskriv" in again.stderr


def test_person_avslutt_from_the_command_line(store: Store, kt_home: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    with db.transaction(store.conn):
        store.list_entry(store.person())
    result = run_kt("person", "avslutt", "p0001", "--grunn", "  nådde ikke   fram ")
    assert result.code == 0, result.output
    assert "p0001 er merket «ikke kontaktet»" in result.stdout
    rows = store.conn.execute("SELECT ikke_kontaktet IS NOT NULL, ikke_kontaktet_grunn FROM person").fetchall()
    assert [tuple(r) for r in rows] == [(1, "nådde ikke fram")]
    assert [tuple(r) for r in store.conn.execute(
        "SELECT veileder, handling, person, detaljer FROM logg WHERE handling LIKE 'markert%'")] == [
        ("A123456", "markert ikke kontaktet", "p0001", None)]
    assert json.loads(run_kt("oppgaver", "--json").stdout) == {"oppgaver": []}
    empty = run_kt("person", "avslutt", "p0001", "--grunn", " ")
    assert empty.code == 2 and "--grunn" in empty.stderr


def test_limits_are_settings(store: Store) -> None:
    with db.transaction(store.conn):
        person = store.person()
        store.list_entry(person, listedato="2022-03-07")
    assert run_kt("config", "set", "oppgave_kontakt_dager", "3").code == 0
    data = json.loads(run_kt("oppgaver", "--json").stdout)["oppgaver"]
    assert [(t["oppgave"], t["siden"], t["frist"]) for t in data] == [("kontakt", "2022-03-07", "2022-03-10")]
    for key in ("oppgave_niva2_dager", "oppgave_sykepenger_uker"):
        assert run_kt("config", "set", key, "10").code == 0
    refused = run_kt("config", "set", "oppgave_sykepenger_uker", "53")
    assert refused.code == 2 and "fra 1 til 52" in refused.stderr
    assert Limits.from_config() == Limits(contact_days=3, level2_days=10, sykepenger_weeks=10)
