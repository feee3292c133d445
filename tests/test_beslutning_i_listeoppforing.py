"""A list row's decision is stored on the row itself (`listeoppforing`, migration m005); `screening`
is a view of the decided rows. Also: a database from before (schema 4, decisions in a table of
their own) is converted on open, and everything that reads decisions still reads them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from kompetanse_cli.screening.run import outcomes
from kompetanse_cli.store import db as kt_db
from kompetanse_cli.store import lists as store
from kompetanse_cli.store import persons
from tests.conftest import run_kt, synthetic_fnr
from tests.test_cli_screen import person_row, screen_json, write_list
from tests.test_personvern import query

FNR = synthetic_fnr(dt.date(1975, 6, 1))
OTHER_FNR = synthetic_fnr(dt.date(1981, 2, 3))
RESULTS = [("arbeidsgiver", "oppfylt", "Har arbeidsgiver"),
           ("grad", "ikke_oppfylt", "Sykmeldt 80 %, under kravet på 100 %"),
           ("alder", "oppfylt", "46 år (grense: 60)")]
STAMP = "2022-03-07T10:00:00"


def _schema_four_database(path: Path) -> None:
    """Two persons on one list: abcde decided twice on one row (the newer decision counts), fghjk
    once, and a row of fghjk's on a later list without a decision."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in kt_db.MIGRATIONS[:4]:
        migration(conn)
    conn.execute("PRAGMA user_version = 4")
    conn.executemany("INSERT INTO person (id, kort_id, fnr, navn, fylke, kontor, opprettet) VALUES"
                     " (?, ?, ?, ?, 'agder', 'NAV Lister', ?)",
                     [(1, "abcde", FNR, "Syntetisk Testperson", STAMP),
                      (2, "fghjk", OTHER_FNR, "Annen Testperson", STAMP)])
    conn.executemany("INSERT INTO import (id, sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert)"
                     " VALUES (?, ?, 'Ark1', ?, ?, 'oppgitt', 'agder', ?)",
                     [(1, "x", "uke10.xlsx", "2022-03-07", STAMP), (2, "y", "uke12.xlsx", "2022-03-21", STAMP)])
    conn.executemany("INSERT INTO listeoppforing (id, person_id, import_id, ark, rad, listedato, fylke, kontor,"
                     " sykmeldt_fom, grad) VALUES (?, ?, ?, 'Ark1', ?, ?, 'agder', 'NAV Lister', '2021-12-27', ?)",
                     [(1, 1, 1, 2, "2022-03-07", 80), (2, 2, 1, 3, "2022-03-07", 100),
                      (3, 2, 2, 2, "2022-03-21", 100)])
    conn.executemany("INSERT INTO kriterieresultat (id, kriterium, status, begrunnelse) VALUES (?, ?, ?, ?)",
                     [(number, *result) for number, result in enumerate(RESULTS, start=1)])
    conn.executemany("INSERT INTO screening (id, oppforing_id, person_id, fylke, regelversjon, beslutning,"
                     " uker_sykmeldt, alder, resultater, tidspunkt) VALUES (?, ?, ?, 'agder', ?, ?, ?, ?, ?, ?)",
                     [(1, 1, 1, "1#gammel", "manuell", 9, 46, "[1]", "2022-03-07T09:00:00"),
                      (2, 2, 2, "1#x", "kandidat", 10, 41, "[1]", STAMP),
                      (3, 1, 1, "1#x", "ikke_kandidat", 10, 46, "[1,2,3]", STAMP)])
    conn.execute("COMMIT")
    conn.close()
    path.chmod(0o600)


def test_a_schema_four_decision_is_moved_onto_its_list_row(kt_home: Path, tmp_path: Path) -> None:
    _schema_four_database(kt_home / "kt.db")
    explained = run_kt("forklar", "abcde", "--json")  # the first command upgrades
    assert explained.code == 0, explained.stderr
    data = json.loads(explained.stdout)
    assert (data["decision"], data["weeks_on_leave"], data["rule_version"], data["row"], data["file"]) == (
        "ikke_kandidat", 10, "1#x", 2, "uke10.xlsx")
    assert [(c["criterion"], c["status"], c["reason"]) for c in data["criteria"]] == RESULTS
    assert query(kt_home, "PRAGMA user_version") == [(kt_db.schema_version(),)]
    assert list(kt_home.glob(f"kt.før-skjema-{kt_db.schema_version()}.*.db"))  # the copy made before the upgrade

    # the newest decision per row, on the row itself; a row without one keeps none
    assert query(kt_home, "SELECT id, regelversjon, beslutning, uker_sykmeldt, alder, resultater, screenet"
                          " FROM listeoppforing ORDER BY id") == [
        (1, "1#x", "ikke_kandidat", 10, 46, "[1,2,3]", STAMP),
        (2, "1#x", "kandidat", 10, 41, "[1]", STAMP),
        (3, None, None, None, None, None, None)]
    # read as before through the view, whose ids are the rows'
    assert query(kt_home, "SELECT id, oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt, alder,"
                          " resultater, tidspunkt FROM screening ORDER BY id") == [
        (1, 1, 1, "agder", "1#x", "ikke_kandidat", 10, 46, "[1,2,3]", STAMP),
        (2, 2, 2, "agder", "1#x", "kandidat", 10, 41, "[1]", STAMP)]
    assert query(kt_home, "SELECT type, name FROM sqlite_master WHERE name LIKE 'screening%'") == [
        ("view", "screening")]

    # the stored outcomes of the old list, as `kt screen` shows them again
    conn, _ = kt_db.connect(kt_home / "kt.db")
    try:
        shown = [(p.id, p.decision, p.weeks, p.reasons) for p in outcomes(conn, 1, candidates_first=True)]
        assert store.decision_counts(conn, 1) == {"ikke_kandidat": 1, "kandidat": 1}
        assert store.decision_counts(conn, 2) == {}
    finally:
        conn.close()
    assert [(short_id, decision, weeks) for short_id, decision, weeks, _ in shown] == [
        ("fghjk", "kandidat", 10), ("abcde", "ikke_kandidat", 10)]
    assert shown[1][3]  # the deciding reason (grad) comes from the stored results

    # a new list after the upgrade sees the old decision as the earlier one
    later = write_list(tmp_path / "uke14.xlsx", [person_row(FNR, start=dt.date(2022, 1, 3))], title="Uttak 04.04.2022")
    screened = screen_json(str(later), "--fylke", "agder")
    assert screened["persons"][0]["id"] == "abcde"
    assert screened["persons"][0]["earlier"] == "på liste 07.03.2022 (ikke kandidat)"

    # deleting the person takes the decisions and the results only they had
    assert run_kt("slett", "abcde", "--ja").code == 0
    assert query(kt_home, "SELECT oppforing_id, beslutning FROM screening") == [(2, "kandidat")]
    assert query(kt_home, "SELECT id FROM kriterieresultat") == [(1,)]


def test_kt_screen_stores_the_decision_on_each_list_row(kt_home: Path, tmp_path: Path) -> None:
    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "uke9.xlsx", [
        person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start),
        person_row(synthetic_fnr(dt.date(1975, 2, 3)), start=start, grade=50),
        person_row(synthetic_fnr(dt.date(1990, 1, 20)), start=start, diagnosis=""),
    ], title="Uttak 28.02.2022")
    before = kt_db.now()
    data = screen_json(str(path), "--fylke", "agder")
    assert [p["decision"] for p in sorted(data["persons"], key=lambda p: p["row"])] == [
        "kandidat", "ikke_kandidat", "manuell"]
    rows = query(kt_home, "SELECT rad, beslutning, uker_sykmeldt, alder, grad, regelversjon, resultater, screenet"
                          " FROM listeoppforing ORDER BY rad")
    assert [row[:5] for row in rows] == [
        (3, "kandidat", 8, 41, 100), (4, "ikke_kandidat", 8, 47, 50), (5, "manuell", 8, 32, 100)]
    explained = json.loads(run_kt("forklar", data["persons"][0]["id"], "--json").stdout)
    assert {row[5] for row in rows} == {explained["rule_version"]}
    stamps = {row[7] for row in rows}
    assert len(stamps) == 1 and before <= stamps.pop() <= kt_db.now()
    status = {number: (kriterium, value) for number, kriterium, value in
              query(kt_home, "SELECT id, kriterium, status FROM kriterieresultat")}
    grad = {row[1]: dict(status[n] for n in json.loads(row[6]))["grad"] for row in rows}
    assert grad == {"kandidat": "oppfylt", "ikke_kandidat": "ikke_oppfylt", "manuell": "oppfylt"}
    # no table of decisions beside the rows: `screening` is a view of them
    assert query(kt_home, "SELECT type FROM sqlite_master WHERE name = 'screening'") == [("view",)]
    assert query(kt_home, "SELECT oppforing_id, beslutning FROM screening ORDER BY id") == \
        query(kt_home, "SELECT id, beslutning FROM listeoppforing ORDER BY id")


def test_save_screened_takes_a_generator_and_stamps_every_row_alike(tmp_path: Path) -> None:
    conn, _ = kt_db.connect(tmp_path / "kt.db")
    try:
        with kt_db.transaction(conn):
            import_id = store.create_import(conn, sha256="x", ark="Ark1", filnavn="liste.xlsx", listedato="2022-03-07",
                                            listedato_kilde="oppgitt", fylke="agder", veileder=None)
            fnrs = [synthetic_fnr(dt.date(1970, 1, 1) + dt.timedelta(days=n)) for n in range(3)]
            ids = persons.PersonIds(conn).resolve(fnrs, [None] * 3, ["agder"] * 3, [None] * 3)
            appearance = dict.fromkeys(store.APPEARANCE_COLUMNS)
            appearance.update(import_id=import_id, ark="Ark1", listedato="2022-03-07", fylke="agder",
                              sykmeldt_fom="2022-01-03")
            store.save_screened(conn, (
                tuple({**appearance, "person_id": person_id, "rad": rad}.values()) + ("1#t", "kandidat", 9, 50, "[]")
                for rad, person_id in enumerate(ids.values(), start=2)))
        rows = conn.execute("SELECT rad, beslutning, screenet FROM listeoppforing ORDER BY rad").fetchall()
    finally:
        conn.close()
    assert [(r[0], r[1]) for r in rows] == [(2, "kandidat"), (3, "kandidat"), (4, "kandidat")]
    assert len({r[2] for r in rows}) == 1 and rows[0][2]
    assert len(store.SCREENED_COLUMNS) == len(store.APPEARANCE_COLUMNS) + 5


def test_short_ids_drawn_twice_or_already_taken_are_drawn_again(tmp_path: Path, monkeypatch) -> None:
    """kt-ids are drawn a few thousand at a time; one drawn twice in a draw, or one a person
    already has, is never handed out."""
    conn, _ = kt_db.connect(tmp_path / "kt.db")
    draws = iter([b"\x00" * 5 * 3 + b"\x01" * 5 * 5, b"\x02" * 5 + b"\x03" * 5 + b"\x04" * 40])
    monkeypatch.setattr(persons.secrets, "token_bytes", lambda size: next(draws)[:size])
    try:
        people = persons.PersonIds(conn)
        people._taken = {"bbbbb"}  # b"\x01" → "b": a person has it already
        ids = people.new_short_ids(3)
    finally:
        conn.close()
    assert ids == ["aaaaa", "ccccc", "ddddd"]
