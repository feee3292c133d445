"""The PostgreSQL connection behind the store's `Db` interface: placeholders, rows, types, transactions."""

from __future__ import annotations

from typing import Any

import pytest

from kompetanse_cli.store.postgres.connection import translate
from tests.conftest import drop_pg_database, fresh_pg_database

TRANSLATIONS = {
    "positional": ("SELECT * FROM person WHERE id = ? AND kort_id = ?",
                   "SELECT * FROM person WHERE id = %s AND kort_id = %s"),
    "named": ("SELECT :ikke_kartlagt, :inaktiv2", "SELECT %(ikke_kartlagt)s, %(inaktiv2)s"),
    "cast_is_not_a_name": ("SELECT ?::date, x::text FROM t", "SELECT %s::date, x::text FROM t"),
    "marks_in_literals_stay": ("SELECT 'a?b :c', \"odd?col\" FROM t WHERE x = ?",
                               "SELECT 'a?b :c', \"odd?col\" FROM t WHERE x = %s"),
    "quote_inside_literal": ("SELECT 'it''s ? here' || ?", "SELECT 'it''s ? here' || %s"),
    "percent_doubled": ("SELECT strftime('%w', d) FROM t WHERE v LIKE ?",
                        "SELECT strftime('%%w', d) FROM t WHERE v LIKE %s"),
    "comment_is_left_alone": ("SELECT 1 -- what? :nothing\nFROM t WHERE a = ?",
                              "SELECT 1 -- what? :nothing\nFROM t WHERE a = %s"),
    "time_in_literal": ("SELECT '10:15' WHERE a = :a", "SELECT '10:15' WHERE a = %(a)s"),
}


@pytest.mark.parametrize("case", list(TRANSLATIONS))
def test_translate_placeholders(case: str) -> None:
    sqlite_text, psycopg_text = TRANSLATIONS[case]
    assert translate(sqlite_text) == psycopg_text


@pytest.fixture
def pg(pg_template: tuple[Any, str, str]) -> Any:
    from kompetanse_cli.store.postgres import connect

    name, url = fresh_pg_database(pg_template)
    conn = connect(url)
    try:
        yield conn
    finally:
        conn.close()
        drop_pg_database(pg_template, name)


def test_rows_by_position_and_name_and_as_dict(pg: Any) -> None:
    row = pg.execute("SELECT 1 AS a, 'x' AS b, ?::text AS c", ("y",)).fetchone()
    assert (row[0], row["b"], row["c"]) == (1, "x", "y")
    assert dict(row) == {"a": 1, "b": "x", "c": "y"} and tuple(row) == (1, "x", "y")
    assert row.keys() == ["a", "b", "c"]
    assert pg.execute("SELECT :v || '%' AS p", {"v": "50"}).fetchone()["p"] == "50%"
    assert pg.execute("SELECT 1 WHERE false").fetchone() is None


def test_dates_timestamps_and_id_lists_read_as_sqlite_text(pg: Any) -> None:
    row = pg.execute("SELECT DATE '2022-03-07' AS d, TIMESTAMPTZ '2022-03-07 09:15:02.5+00' AT TIME ZONE 'UTC' AS naive,"
                     " ?::timestamptz AS t, ARRAY[3, 17, 22]::bigint[] AS ids, COUNT(*) AS n FROM person",
                     ("2022-03-07T09:15:02",)).fetchone()
    assert row["d"] == "2022-03-07"
    assert row["t"] == "2022-03-07T09:15:02"  # the session's time zone is the client's: what was written comes back
    assert row["ids"] == "[3,17,22]"
    assert row["n"] == 0 and isinstance(row["n"], int)


def test_transactions_are_explicit_and_roll_back(pg: Any) -> None:
    from kompetanse_cli.store.db import transaction

    assert not pg.in_transaction
    with pytest.raises(RuntimeError):
        with transaction(pg):
            pg.execute("INSERT INTO kontor (navn) VALUES (?)", ("NAV Lister",))
            assert pg.in_transaction
            raise RuntimeError("stop")
    assert not pg.in_transaction
    assert pg.execute("SELECT COUNT(*) FROM kontor").fetchone()[0] == 0
    with transaction(pg):
        new_id = pg.execute("INSERT INTO kontor (navn) VALUES (?) RETURNING id", ("NAV Lister",)).fetchone()[0]
    assert pg.execute("SELECT navn FROM kontor WHERE id = ?", (new_id,)).fetchone()[0] == "NAV Lister"


def test_kt_fold_folds_norwegian_letters(pg: Any) -> None:
    from kompetanse_cli.store.db import fold

    for text in ("NAV Østre AGDER Æ Å", "Straße", "ÄÖÜ Čapek"):
        assert pg.execute("SELECT kt_fold(?)", (text,)).fetchone()[0] == fold(text)


def test_office_is_an_entity_rows_refer_to(pg: Any) -> None:
    """A list row or person naming a new office creates it once; the audit log cannot be changed."""
    pg.execute("INSERT INTO person (kort_id, fnr, fylke, kontor) VALUES ('abcde', '12345678901', 'agder', 'NAV Lister')")
    pg.execute("INSERT INTO person (kort_id, fnr, fylke, kontor) VALUES ('bcdef', '12345678902', 'agder', 'NAV Lister')")
    assert pg.execute("SELECT navn, fylke FROM kontor").fetchall() == [("NAV Lister", "agder")]
    pg.execute("UPDATE kontor SET navn = 'NAV Lister og Flekkefjord'")
    assert {r[0] for r in pg.execute("SELECT kontor FROM person")} == {"NAV Lister og Flekkefjord"}
    pg.execute("INSERT INTO logg (handling) VALUES ('test')")
    import psycopg

    for statement in ("UPDATE logg SET handling = 'endret'", "DELETE FROM logg", "TRUNCATE logg"):
        with pytest.raises(psycopg.errors.RaiseException, match="loggen kan bare utvides"):
            pg.execute(statement)
    assert pg.execute("SELECT tidspunkt FROM logg").fetchone()[0] is not None  # the server's clock by default
