"""Criterion results are stored once each (`kriterieresultat`); a decision stores their ids.
Also: a database from before that (schema 2, sentences in every decision) is converted on open."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from kompetanse_cli.store import db as kt_db
from tests.conftest import SAMPLES, run_kt, synthetic_fnr
from tests.test_personvern import query

FNR = synthetic_fnr(dt.date(1975, 6, 1))


def test_a_list_stores_each_distinct_result_once(kt_home: Path) -> None:
    result = run_kt("screen", str(SAMPLES / "uke10_lister.xlsx"), "--fylke", "agder", "--json")
    assert result.code == 0, result.stderr
    persons = json.loads(result.stdout)["persons"]
    stored = query(kt_home, "SELECT resultater FROM screening")
    assert len(stored) == len(persons) > 20
    ids = [json.loads(text) for (text,) in stored]
    assert all(len(numbers) == 11 and all(isinstance(n, int) for n in numbers) for numbers in ids)
    results = query(kt_home, "SELECT id, kriterium, status, begrunnelse FROM kriterieresultat")
    assert len(results) == len({(k, s, b) for _, k, s, b in results})  # no result twice
    assert {n for numbers in ids for n in numbers} == {number for number, *_ in results}  # none unused
    assert len(results) < 11 * len(persons) / 2  # shared between persons


def test_explanation_reads_the_stored_results_back(kt_home: Path) -> None:
    result = run_kt("screen", str(SAMPLES / "uke10_lister.xlsx"), "--fylke", "agder", "--json")
    person = json.loads(result.stdout)["persons"][0]
    explained = json.loads(run_kt("forklar", person["id"], "--json").stdout)
    (numbers,) = query(kt_home, "SELECT s.resultater FROM screening s JOIN person p ON p.id = s.person_id"
                                " WHERE p.kort_id = ?", (person["id"],))[0]
    stored = {number: (k, s, b) for number, k, s, b in
              query(kt_home, "SELECT id, kriterium, status, begrunnelse FROM kriterieresultat")}
    assert [(c["criterion"], c["status"], c["reason"]) for c in explained["criteria"]] == \
        [stored[n] for n in json.loads(numbers)]


def _schema_two_database_with_a_decision(path: Path, results: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    kt_db._m001_initial(conn)
    kt_db._m002_kartlegging(conn)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO person (id, kort_id, fnr, navn, fylke, opprettet)"
                 " VALUES (1, 'abcde', ?, 'Syntetisk Testperson', 'agder', '2022-03-07T10:00:00')", (FNR,))
    conn.execute("INSERT INTO import (id, sha256, ark, filnavn, listedato, listedato_kilde, fylke, importert)"
                 " VALUES (1, 'x', 'Ark1', 'liste.xlsx', '2022-03-07', 'oppgitt', 'agder', '2022-03-07T10:00:00')")
    conn.execute("INSERT INTO listeoppforing (id, person_id, import_id, ark, rad, listedato, fylke, sykmeldt_fom, grad)"
                 " VALUES (1, 1, 1, 'Ark1', 2, '2022-03-07', 'agder', '2021-12-27', 80)")
    conn.execute("INSERT INTO screening (oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt,"
                 " alder, resultater, tidspunkt) VALUES (1, 1, 'agder', '1#x', 'ikke_kandidat', 10, 46, ?,"
                 " '2022-03-07T10:00:00')", (json.dumps(results, ensure_ascii=False),))
    conn.execute("COMMIT")
    conn.close()
    path.chmod(0o600)


def test_results_of_an_older_database_are_converted(kt_home: Path) -> None:
    results = [["arbeidsgiver", "oppfylt", "Har arbeidsgiver"],
               ["grad", "ikke_oppfylt", "Sykmeldt 80 %, under kravet på 100 %"],
               ["alder", "oppfylt", "46 år (grense: 60)"]]
    _schema_two_database_with_a_decision(kt_home / "kt.db", results)
    explained = run_kt("forklar", "abcde", "--json")
    assert explained.code == 0, explained.stderr
    assert [[c["criterion"], c["status"], c["reason"]] for c in json.loads(explained.stdout)["criteria"]] == results
    assert query(kt_home, "PRAGMA user_version") == [(kt_db.schema_version(),)]
    assert query(kt_home, "SELECT resultater FROM screening") == [("[1,2,3]",)]
    assert query(kt_home, "SELECT kriterium, status, begrunnelse FROM kriterieresultat ORDER BY id") == \
        [tuple(r) for r in results]


def test_the_copy_made_before_the_upgrade_restores_with_deletions_kept(kt_home: Path) -> None:
    """Every existing database is upgraded to schema 3 with a copy of the old one beside it. Restoring
    that copy converts it again, and a person deleted since stays deleted."""
    results = [["grad", "ikke_oppfylt", "Sykmeldt 80 %, under kravet på 100 %"]]
    _schema_two_database_with_a_decision(kt_home / "kt.db", results)
    conn = sqlite3.connect(kt_home / "kt.db", isolation_level=None)
    conn.execute("INSERT INTO person (id, kort_id, fnr, navn, fylke, opprettet)"
                 " VALUES (2, 'fghjk', ?, 'Annen Testperson', 'agder', '2022-03-07T10:00:00')",
                 (synthetic_fnr(dt.date(1981, 2, 3)),))
    conn.execute("INSERT INTO listeoppforing (id, person_id, import_id, ark, rad, listedato, fylke, sykmeldt_fom, grad)"
                 " VALUES (2, 2, 1, 'Ark1', 3, '2022-03-07', 'agder', '2021-12-27', 100)")
    conn.execute("INSERT INTO screening (oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt,"
                 " alder, resultater, tidspunkt) VALUES (2, 2, 'agder', '1#x', 'kandidat', 10, 41, ?,"
                 " '2022-03-07T10:00:00')", ('[["grad", "oppfylt", "Sykmeldt 100 % (krav: minst 100 %)"]]',))
    conn.close()
    upgraded = run_kt("slett", "abcde", "--ja")  # the first command upgrades, then deletes
    assert upgraded.code == 0, upgraded.stderr
    (copy,) = kt_home.glob("kt.før-skjema-*.db")

    restored = run_kt("gjenopprett", str(copy), "--ja")
    assert restored.code == 0, restored.stderr
    assert query(kt_home, "PRAGMA user_version") == [(kt_db.schema_version(),)]
    assert query(kt_home, "SELECT kort_id FROM person") == [("fghjk",)]
    explained = json.loads(run_kt("forklar", "fghjk", "--json").stdout)
    assert [c["reason"] for c in explained["criteria"]] == ["Sykmeldt 100 % (krav: minst 100 %)"]
    assert query(kt_home, "SELECT begrunnelse FROM kriterieresultat") == [("Sykmeldt 100 % (krav: minst 100 %)",)]


def test_result_ids_continue_after_the_stored_ones_in_a_fixed_order(tmp_path: Path) -> None:
    """The worker numbers results without the database (store.ResultIds): known results keep
    their ids, new ones follow the highest, sorted, and each is handed over once to be saved."""
    from kompetanse_cli.store import lists

    conn, _ = kt_db.connect(tmp_path / "kt.db")
    try:
        conn.execute("INSERT INTO kriterieresultat (id, kriterium, status, begrunnelse) VALUES (7, 'grad', 'oppfylt', 'a')")
        numbering = lists.CriterionResults(conn).numbering()
        table = [("grad", "oppfylt", "a"), ("alder", "oppfylt", "b"), ("grad", "ikke_oppfylt", "c"),
                 ("diagnose", "ukjent", "ikke brukt")]
        stored = numbering.encode_numbers([[0, 0, 0], [1, 2, None]], table, 3)
        assert stored == ["[7,8]", "[7,9]", "[7]"]  # table entry 3 is used by no decision: no id
        assert numbering.take_new() == [(8, "alder", "oppfylt", "b"), (9, "grad", "ikke_oppfylt", "c")]
        assert numbering.take_new() == []
        assert numbering.encode_numbers([[2, 1]], table, 2) == ["[9]", "[8]"]  # the same ids again
        assert numbering.take_new() == []
    finally:
        conn.close()


def test_a_new_version_of_a_list_leaves_no_result_that_only_its_skipped_rows_had(kt_home: Path, tmp_path: Path) -> None:
    """Rows already on a list of the same date are not stored again; results met only on them
    (here a figure of the person's own) are not kept either."""
    import openpyxl

    assert run_kt("screen", str(SAMPLES / "uke10_lister.xlsx"), "--fylke", "agder").code == 0
    book = openpyxl.load_workbook(SAMPLES / "uke10_lister.xlsx")
    sheet = book.active
    header = next(row for row in sheet.iter_rows() if any(c.value == "Sykepengedager siste 5 år" for c in row))
    column = next(c.column for c in header if c.value == "Sykepengedager siste 5 år")
    for row in range(header[0].row + 1, sheet.max_row + 1):
        sheet.cell(row, column).value = 377
    changed = tmp_path / "uke10_lister_ny.xlsx"
    book.save(changed)
    again = run_kt("screen", str(changed), "--fylke", "agder", "--json")
    assert again.code == 0, again.stderr
    assert json.loads(again.stdout)["imported"] == 0
    assert not query(kt_home, "SELECT begrunnelse FROM kriterieresultat WHERE begrunnelse LIKE '%377%'")
    used = {n for (text,) in query(kt_home, "SELECT resultater FROM listeoppforing") for n in json.loads(text)}
    assert {n for (n,) in query(kt_home, "SELECT id FROM kriterieresultat")} == used
