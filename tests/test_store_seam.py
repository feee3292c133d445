"""The store seam: ids that come from the database (never predicted), text folded alike on every
backend, and no database driver outside `store/`."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

from kompetanse_cli.fylker import resolve_fylke
from kompetanse_cli.screening.run import outcomes, screen_file
from kompetanse_cli.store import db as kt_db
from kompetanse_cli.store import lists, persons
from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr, synthetic_fnrs
from tests.test_cli_screen import person_row, write_list

PACKAGE = Path(__file__).parent.parent / "kompetanse_cli"
# Another writer, as on a shared server: every insert by kt is followed by one of someone else's,
# so the ids kt's rows get are not consecutive. (SQLite itself lets one writer in at a time; a
# trigger is how a test gets between kt's inserts.)
OTHER_WRITER_PERSONS = """
CREATE TEMP TRIGGER other_writer AFTER INSERT ON person WHEN NEW.kort_id NOT LIKE 'zz%'
BEGIN
    INSERT INTO person (kort_id, fnr, opprettet) VALUES ('zz' || NEW.id, 'annen-' || NEW.fnr, NEW.opprettet);
END
"""
OTHER_WRITER_RESULTS = """
CREATE TEMP TRIGGER other_writer_results AFTER INSERT ON kriterieresultat WHEN NEW.kriterium != 'annen'
BEGIN
    INSERT INTO kriterieresultat (kriterium, status, begrunnelse) VALUES ('annen', 'oppfylt', 'fra ' || NEW.id);
END
"""


def test_persons_created_by_a_list_get_the_ids_the_database_gave_them(tmp_path: Path) -> None:
    conn, _ = kt_db.connect(tmp_path / "kt.db")
    try:
        conn.execute(OTHER_WRITER_PERSONS)
        fnrs = synthetic_fnrs(5, dt.date(1970, 1, 1))
        with kt_db.transaction(conn):
            people = persons.PersonIds(conn)
            ids = people.resolve(fnrs[:3], ["A", "B", "C"], ["agder"] * 3, [None] * 3)
            # a second batch with one person met again and two new ones
            ids.update(people.resolve([fnrs[1], *fnrs[3:]], ["B", "D", "E"], ["agder"] * 3, [None] * 3))
        stored = dict(conn.execute("SELECT fnr, id FROM person WHERE kort_id NOT LIKE 'zz%'").fetchall())
    finally:
        conn.close()
    assert ids == stored
    assert len(set(ids.values())) == 5


def test_criterion_results_keep_their_ids_when_another_writer_takes_the_next_one(tmp_path: Path) -> None:
    """The worker numbers new results provisionally; the ids the database gives them are the
    ones decisions store."""
    conn, _ = kt_db.connect(tmp_path / "kt.db")
    try:
        conn.execute("INSERT INTO kriterieresultat (kriterium, status, begrunnelse) VALUES ('grad', 'oppfylt', 'a')")
        conn.execute(OTHER_WRITER_RESULTS)
        table = [("grad", "oppfylt", "a"), ("alder", "oppfylt", "b"), ("grad", "ikke_oppfylt", "c")]
        with kt_db.transaction(conn):
            numbering = lists.CriterionResults(conn).numbering()
            encoded = numbering.encode_numbers([[0, 0, 0], [1, 2, 1]], table, 3)
            changed = lists.save_results(conn, numbering.take_new())
            stored = lists.renumber(encoded, changed) if changed else encoded
        assert changed  # the provisional ids were taken by the other writer
        decoded = [lists.CriterionResults(conn).decode(text) for text in stored]
        # a single decision's results, stored on their own, come back the same
        alone = lists.CriterionResults(conn).encode([("alder", "ikke_oppfylt", "d")])
        assert lists.CriterionResults(conn).decode(alone) == [("alder", "ikke_oppfylt", "d")]
    finally:
        conn.close()
    assert decoded == [[table[0], table[1]], [table[0], table[2]], [table[0], table[1]]]


def test_a_list_screened_while_ids_are_taken_meanwhile_explains_every_person_right(
        tmp_path: Path) -> None:
    """The whole import, with the other writer's results in between kt's: `kt forklar` shows
    each person's own results."""
    fnrs = [synthetic_fnr(dt.date(1975, 6, 1)), synthetic_fnr(dt.date(1958, 2, 3))]
    path = write_list(tmp_path / "liste.xlsx", [person_row(fnrs[0], start=dt.date(2022, 1, 3), grade=100),
                                                person_row(fnrs[1], start=dt.date(2022, 1, 3), grade=60)])
    conn, _ = kt_db.connect()
    try:
        conn.execute(OTHER_WRITER_RESULTS)
        conn.execute(OTHER_WRITER_PERSONS)
        result = screen_file(conn, path, fylke=resolve_fylke("agder"), list_date=dt.date(2022, 3, 7), in_worker=False)
        shown = {person.id: person for person in outcomes(conn, result.import_id)}
    finally:
        conn.close()
    assert dbrows.value("SELECT COUNT(*) FROM kriterieresultat WHERE kriterium = 'annen'") > 0
    by_fnr = dict(dbrows.tuples("SELECT fnr, kort_id FROM person WHERE kort_id NOT LIKE 'zz%'"))
    for fnr, grade in zip(fnrs, ("Sykmeldt 100 %", "Sykmeldt 60 %")):
        explained = json.loads(run_kt("forklar", by_fnr[fnr], "--json").stdout)
        grad = next(c for c in explained["criteria"] if c["criterion"] == "grad")
        assert grad["reason"].startswith(grade)
        assert all(c["criterion"] != "annen" for c in explained["criteria"])
        assert shown[by_fnr[fnr]].fnr_masked == fnr[:6] + "*****"


def test_liste_kontor_folds_norwegian_letters(tmp_path: Path) -> None:
    """`kt liste --kontor østre` finds «NAV Østre Agder»: SQLite's LOWER folds only A–Z."""
    fnrs = [synthetic_fnr(dt.date(1975, 6, 1)), synthetic_fnr(dt.date(1981, 2, 3)),
            synthetic_fnr(dt.date(1966, 9, 9))]
    for fnr, office in zip(fnrs, ("NAV Østre Agder", "NAV Ærøy", "NAV Lister")):
        path = write_list(tmp_path / f"{office}.xlsx", [person_row(fnr, start=dt.date(2022, 1, 3))])
        assert run_kt("screen", str(path), "--fylke", "agder", "--kontor", office, "--listedato", "07.03.2022",
                      "--json").code == 0
    for typed, expected in (("østre", ["NAV Østre Agder"]), ("ØSTRE", ["NAV Østre Agder"]),
                            ("ærøy", ["NAV Ærøy"]), ("nav", ["NAV Østre Agder", "NAV Ærøy", "NAV Lister"]),
                            ("%", []), ("_", [])):
        result = run_kt("liste", "--kontor", typed, "--json")
        assert result.code == 0, result.stderr
        assert [p["kontor"] for p in json.loads(result.stdout)] == expected, typed


def test_kt_fold_is_python_casefold_in_sql() -> None:
    assert dbrows.tuples("SELECT kt_fold(?), kt_fold(NULL), kt_fold(?)", ("ØSTRE ÆRØ Å", "Straße")) == [
        ("østre ærø å", None, "strasse")]


def test_no_database_driver_or_row_outside_the_store() -> None:
    """Outside `store/`, a database is a `Db` and its results are dataclasses and plain values."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "store" in path.relative_to(PACKAGE).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] + [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom)
                     else [])
            if any(name.split(".")[0] in ("sqlite3", "psycopg") or name == "Row" for name in names):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []
