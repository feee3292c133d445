"""Figures that outlive deletion: `kt rydd` and `kt slett` keep the report's counts as anonymous
tallies (week, place, count), and delete in one transaction with their audit entry."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from kompetanse_cli.personvern import sletting
from kompetanse_cli.store import db
from tests.conftest import run_kt
from tests.test_rapport import HAMAR, KRS, LISTER, TALK, Store, build_store


def _query(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(home / "kt.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _with_follow_ups(home: Path) -> Store:
    """The report's synthetic store (all of it from 2022, so past every retention limit), with
    follow-ups at 6 and 12 months for some with a measure and some with only the conversation."""
    s = build_store(home)
    conn, _ = db.connect(home / "kt.db")
    s.conn = conn
    with db.transaction(conn):
        with_measure = [r[0] for r in conn.execute("SELECT person_id FROM kartlegging WHERE niva = 2 ORDER BY id")]
        only_talk = [r[0] for r in conn.execute(
            "SELECT person_id FROM kartlegging k WHERE niva = 1 AND NOT EXISTS (SELECT 1 FROM kartlegging k2"
            " WHERE k2.person_id = k.person_id AND k2.niva = 2) ORDER BY id")]
        for number, person in enumerate(with_measure[:12] + only_talk[:9]):
            situasjon = ("samme_jobb", "jobb_ny_ag", "uten_arbeid")[number % 3]
            s.level(person, 4, {"oppfolgingsdato": "2022-09-15", "situasjon": situasjon,
                                "sykmeldt_na": ("nei", "gradert")[number % 2], "kilde": "samtale"})
            if number % 2 == 0:
                s.level(person, 5, {"oppfolgingsdato": "2023-03-15", "situasjon": "samme_jobb",
                                    "sykmeldt_na": "nei", "kilde": "register"})
    conn.close()
    return s


def _report(*args: str) -> dict:
    result = run_kt("rapport", *args, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    del data["metadata"]  # the day the data last changed moves with a deletion; every count must not
    return data


REPORTS = (("--fylke", "alle"), ("--fylke", "agder"), ("--fylke", "agder", "--kontor", "Lister"),
           ("--fylke", "alle", "--fra", "01.01.2022", "--til", "31.12.2023"), ("--fylke", "innlandet"))


def test_report_counts_are_the_same_after_rydd_deletes_everyone(kt_home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    _with_follow_ups(kt_home)
    assert json.loads(run_kt("rapport", "--fylke", "alle", "--json").stdout)["metadata"]["with_deleted"] is False
    before = {args: _report(*args) for args in REPORTS}
    assert before[("--fylke", "alle")]["funnel"]["total"]["counts"]["listed"] == 72
    outcomes = before[("--fylke", "alle")]["outcomes"]
    assert outcomes["oppfolging12_tiltak_situasjon"]["counts"]["samme_jobb"] == 6
    assert outcomes["oppfolging12_samtale_sykmeldt_na"]["counts"]["nei"] == 5
    assert outcomes["oppfolging6_samtale_situasjon"]["n"] == 9
    done = run_kt("rydd", "--ja")
    assert done.code == 0, done.output
    assert _query(kt_home, "SELECT COUNT(*) FROM person") == [(0,)]
    assert _query(kt_home, "SELECT COUNT(*) FROM svar") == [(0,)]
    after = {args: _report(*args) for args in REPORTS}
    assert json.loads(run_kt("rapport", "--fylke", "alle", "--json").stdout)["metadata"]["with_deleted"] is True
    assert "Med anonyme tall for personer som er slettet" in run_kt("rapport", "--fylke", "alle").stdout
    for args in REPORTS:
        assert after[args] == before[args], args
    # what is kept names no person, and no day finer than the week
    kept = _query(kt_home, "SELECT uke, fylke, kontor, celle, antall FROM anonyme_tall")
    assert kept
    assert {dt.date.fromisoformat(r[0]).weekday() for r in kept} == {0}
    assert {r[2] for r in kept} == {KRS, LISTER, HAMAR}
    assert {r[0] for r in kept} == {"2022-03-07", "2022-05-02", "2022-03-14", "2022-05-30"}
    assert not [r for r in kept if "p0" in r[3] or "Testperson" in r[3]]
    assert sorted(c[0] for c in _query(kt_home, "PRAGMA table_info(anonyme_tall)")) == [
        0, 1, 2, 3, 4, 5]  # id, uke, fylke, kontor, celle, antall: nothing else


def test_a_week_belongs_to_the_period_that_holds_its_thursday(kt_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    build_store(kt_home)
    assert run_kt("rydd", "--ja").code == 0
    # the talks of Tuesday 15.03.2022 are kept for the week of Monday 14.03, whose Thursday is 17.03
    assert dt.date.fromisoformat(TALK).weekday() == 1
    inside = _report("--fylke", "agder", "--fra", "16.03.2022", "--til", "18.03.2022")
    outside = _report("--fylke", "agder", "--fra", "18.03.2022", "--til", "31.03.2022")
    kartlagt = sum(r["counts"]["kartlagt"] or 0 for r in inside["funnel"]["rows"] if r["level"] == "kontor")
    assert kartlagt == 29 + 6  # Kristiansand and Lister, as before the deletion
    assert all(not r["counts"]["kartlagt"] for r in outside["funnel"]["rows"])


def test_slett_keeps_the_counts_and_the_report_of_the_rest(kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    build_store(kt_home)
    before = _report("--fylke", "agder")
    for short in ("p0001", "p0030", "p0040"):
        assert run_kt("slett", short, "--ja").code == 0
    assert _report("--fylke", "agder") == before
    assert _query(kt_home, "SELECT COUNT(*) FROM person WHERE kort_id IN ('p0001', 'p0030', 'p0040')") == [(0,)]


def test_a_failed_audit_entry_leaves_the_person_undeleted(kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 (5): the deletion and its audit entry are one transaction."""
    build_store(kt_home)

    def broken_log(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sletting.audit, "log", broken_log)
    conn, _ = db.connect(kt_home / "kt.db")
    try:
        with pytest.raises(sqlite3.OperationalError):
            sletting.delete_person(conn, "p0001", veileder="A123456")
        with pytest.raises(sqlite3.OperationalError):
            sletting.apply_retention(conn, sletting.plan_retention(conn), veileder="A123456")
    finally:
        conn.close()
    assert _query(kt_home, "SELECT COUNT(*) FROM person") == [(72 + 2,)]
    assert _query(kt_home, "SELECT COUNT(*) FROM anonyme_tall") == [(0,)]
