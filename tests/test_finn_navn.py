"""`kt person finn --navn`: persons by part of the name, any case, æøå or not; each one found logged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kompetanse_cli.store import db
from tests.conftest import run_kt
from tests.test_rapport import KRS, LISTER, Store


@pytest.fixture
def named(kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    conn, _ = db.connect(kt_home / "kt.db")
    s = Store(conn)
    with db.transaction(conn):
        for name, kontor in (("Kari Østberg", KRS), ("Per Berg", LISTER), ("Åse Solberg", LISTER),
                             ("Ola Nordmann", KRS)):
            person = s.person(kontor=kontor)
            conn.execute("UPDATE person SET navn = ? WHERE id = ?", (name, person))
            s.list_entry(person, kontor=kontor)
        s.list_entry(2, kontor=LISTER, listedato="2022-05-02")
    yield s
    conn.close()


def test_finn_navn_any_case_and_aeoa(named: Store, kt_home: Path) -> None:
    result = run_kt("person", "finn", "--navn", "BERG", "--json")
    assert result.code == 0, result.output
    found = json.loads(result.stdout)["persons"]
    assert [(p["id"], p["name"], p["kontor"], p["list_date"]) for p in found] == [
        ("p0001", "Kari Østberg", KRS, "2022-03-07"), ("p0002", "Per Berg", LISTER, "2022-05-02"),
        ("p0003", "Åse Solberg", LISTER, "2022-03-07")]
    assert all(p["fnr"].endswith("*****") and p["fnr"][:6] == f[:6] for p, f in zip(found, named.fnrs))
    assert [p["id"] for p in json.loads(run_kt("person", "finn", "--navn", "østb", "--json").stdout)["persons"]] == [
        "p0001"]
    assert [p["id"] for p in json.loads(run_kt("person", "finn", "--navn", "ase sol", "--json").stdout)["persons"]] == [
        "p0003"]
    logged = named.conn.execute("SELECT veileder, handling, person, detaljer FROM logg"
                                " WHERE handling = 'person søkt opp' ORDER BY id").fetchall()
    assert [tuple(r) for r in logged] == [("A123456", "person søkt opp", p, "søk på navn")
                                          for p in ("p0001", "p0002", "p0003", "p0001", "p0003")]
    text = run_kt("person", "finn", "--navn", "nordmann")
    assert text.code == 0 and "p0004" in text.stdout and "Ola Nordmann" in text.stdout
    assert named.fnrs[3] not in text.stdout and named.fnrs[3][:6] + "*****" in text.stdout
    none = run_kt("person", "finn", "--navn", "xyz")
    assert none.code == 0 and "Fant ingen person" in none.stdout
    short = run_kt("person", "finn", "--navn", "b")
    assert short.code == 2 and "minst 2 bokstaver" in short.stderr
