"""Choosing the backend: SQLite by default, PostgreSQL by KT_DATABASE_URL or `kt config set database`;
no password ever taken; connection errors as one Norwegian message; the schema set up and upgraded
only by the database's owner (`kt team opprett` / `oppgrader`), and checked by every other command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import drop_pg_database, fresh_pg_database, run_kt

SECRET = "hemmelig-pw-123"


def test_sqlite_is_the_default_and_version_says_so(kt_home: Path) -> None:
    result = run_kt("--version")
    assert result.code == 0
    assert result.stdout.strip() == f"kt 0.1.0 (SQLite: {kt_home / 'kt.db'})"
    shown = run_kt("config", "vis")
    assert f"Database: SQLite: {kt_home / 'kt.db'}" in shown.stdout


def test_database_url_switches_version_and_config_vis_to_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_DATABASE_URL", "postgresql://db.example:5433/kt_agder?sslmode=verify-full")
    assert run_kt("--version").stdout.strip() == "kt 0.1.0 (PostgreSQL: databasen kt_agder på db.example:5433)"
    assert "Database: PostgreSQL: databasen kt_agder på db.example:5433" in run_kt("config", "vis").stdout


@pytest.mark.parametrize("url", [f"postgresql://veileder:{SECRET}@db.example/kt",
                                 f"host=db.example dbname=kt password={SECRET}"])
def test_a_password_is_refused_and_never_repeated(monkeypatch: pytest.MonkeyPatch, kt_home: Path, url: str) -> None:
    monkeypatch.setenv("KT_DATABASE_URL", url)
    result = run_kt("liste")
    assert result.code == 2
    assert "inneholder et passord" in result.stderr and ".pgpass" in result.stderr
    assert SECRET not in result.output
    monkeypatch.delenv("KT_DATABASE_URL")
    refused = run_kt("config", "set", "database", url)
    assert refused.code == 2 and SECRET not in refused.output
    assert not (kt_home / "config.toml").exists() or SECRET not in (kt_home / "config.toml").read_text()


def test_config_set_database_chooses_postgres(kt_home: Path) -> None:
    result = run_kt("config", "set", "database", "service=kt-agder")
    assert result.code == 0, result.output
    assert 'database = "service=kt-agder"' in (kt_home / "config.toml").read_text()
    assert "PostgreSQL:" in run_kt("--version").stdout and "service kt-agder" in run_kt("--version").stdout
    assert run_kt("config", "set", "database", "").code == 0  # back to SQLite
    assert "SQLite" in run_kt("--version").stdout


@pytest.mark.parametrize("command", [("liste",), ("rapport", "--fylke", "agder"), ("logg",)])
def test_a_server_that_does_not_answer_is_one_norwegian_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                command: tuple[str, ...]) -> None:
    monkeypatch.setenv("KT_DATABASE_URL", f"host={tmp_path / 'ingen-server'} dbname=kt_agder connect_timeout=2")
    result = run_kt(*command)
    assert result.code == 1
    assert result.stderr.startswith("Feil: Får ikke koblet til PostgreSQL: databasen kt_agder på den lokale serveren")
    assert "serveren svarer ikke" in result.stderr and "Sjekk at serveren kjører" in result.stderr
    assert "Traceback" not in result.output and "psycopg" not in result.output


@pytest.mark.parametrize("command", [("backup", "kopi.db"), ("gjenopprett", "kopi.db")])
def test_backup_and_restore_refuse_in_postgres_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    command: tuple[str, ...]) -> None:
    monkeypatch.setenv("KT_DATABASE_URL", f"host={tmp_path} dbname=kt")
    (tmp_path / "kopi.db").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    result = run_kt(*command)
    assert result.code == 2
    assert "gjelder bare den lokale SQLite-databasen" in result.stderr and "pg_dump" in result.stderr
    assert (tmp_path / "kopi.db").read_bytes() == b""


def test_team_commands_need_postgres() -> None:
    result = run_kt("team", "opprett")
    assert result.code == 2 and "KT_DATABASE_URL" in result.stderr


# ---------- against a real server ----------

@pytest.fixture
def empty_database(pg_template: tuple[Any, str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    name, url = fresh_pg_database(pg_template, migrated=False)
    monkeypatch.setenv("KT_DATABASE_URL", url)
    try:
        yield name, url
    finally:
        drop_pg_database(pg_template, name)


def test_opprett_sets_up_the_schema_once_and_commands_refuse_before(empty_database: Any) -> None:
    from kompetanse_cli.store.postgres.schema import MIGRATIONS, schema_version

    name, url = empty_database
    before = run_kt("liste")
    assert before.code == 1
    assert f"Feil: Databasen {name} på den lokale serveren" in before.stderr
    assert "er ikke satt opp for kt" in before.stderr and "må kjøre `kt team opprett`" in before.stderr
    created = run_kt("team", "opprett")
    assert created.code == 0, created.output
    assert f"skjema {schema_version()}" in created.stdout
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT versjon, navn, kjort_av FROM kt_skjema").fetchall() == [
            (m.number, m.name, conn.info.user) for m in MIGRATIONS]
    assert run_kt("liste", "--json").stdout.strip() == "[]"
    again = run_kt("team", "opprett")
    assert again.code == 1 and "allerede satt opp" in again.stderr and "kt team oppgrader" in again.stderr
    upgraded = run_kt("team", "oppgrader")
    assert upgraded.code == 0 and "allerede oppdatert" in upgraded.stdout


def test_an_older_schema_is_refused_until_the_owner_upgrades(empty_database: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kompetanse_cli.store.postgres import schema

    name, url = empty_database
    assert run_kt("team", "opprett").code == 0
    now = schema.schema_version()
    later = schema.Migration(now + 1, "p999_test", "CREATE TABLE kt_test_p999 (id bigint)")
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, later])
    refused = run_kt("liste")
    assert refused.code == 1
    assert f"har kt-skjema {now}; denne kt trenger {now + 1}" in refused.stderr
    assert "må kjøre `kt team oppgrader`" in refused.stderr and "Eieren av databasen (" in refused.stderr
    upgraded = run_kt("team", "oppgrader")
    assert upgraded.code == 0 and f"fra skjema {now} til {now + 1}: p999_test" in upgraded.stdout
    assert run_kt("liste").code == 0


def test_a_newer_schema_is_refused(empty_database: Any) -> None:
    import psycopg

    name, url = empty_database
    assert run_kt("team", "opprett").code == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO kt_skjema (versjon, navn) VALUES (99, 'p099_fremtid')")
    refused = run_kt("liste")
    assert refused.code == 1 and "nyere enn denne kt kjenner" in refused.stderr and "Oppdater kt" in refused.stderr


def test_only_the_owner_sets_up_the_schema(empty_database: Any, pg_template: tuple[Any, str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from psycopg.conninfo import make_conninfo

    name, url = empty_database
    admin = pg_template[0]
    admin.execute("DROP ROLE IF EXISTS a123456")
    admin.execute("CREATE ROLE a123456 LOGIN")
    try:
        monkeypatch.setenv("KT_DATABASE_URL", make_conninfo(url, user="a123456"))
        result = run_kt("team", "opprett")
        assert result.code == 1
        assert "Bare eieren av databasen" in result.stderr and "du er logget inn som a123456" in result.stderr
    finally:
        drop_pg_database(pg_template, name)
        admin.execute("DROP ROLE IF EXISTS a123456")


@pytest.mark.parametrize("ci", ["", "true"])
def test_without_a_server_postgres_tests_skip_with_a_reason_but_fail_under_ci(ci: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("KT_TEST_DATABASE_URL", "CI")}
    if ci:
        env["CI"] = ci
    test = "tests/store/test_postgres_connection.py::test_kt_fold_folds_norwegian_letters"
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", test],
                          cwd=Path(__file__).parent.parent, env=env, capture_output=True, text=True, timeout=300)
    if ci:
        assert done.returncode == 1, done.stdout
        assert "CI=true: PostgreSQL-testene skal kjøre" in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "SKIPPED" in done.stdout and "ingen PostgreSQL-server for testene" in done.stdout
