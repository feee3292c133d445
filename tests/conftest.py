"""Shared fixtures: every test gets its own KT_HOME, so no test touches a real data folder."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stdnum.no import fodselsnummer

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parent.parent / "sample_data"


@pytest.fixture(autouse=True)
def kt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "kt-home"
    monkeypatch.setenv("KT_HOME", str(home))
    # reading personal data needs an identity (issue 15, point 12): tests run as a synthetic
    # veileder unless they say otherwise
    monkeypatch.setenv("KT_VEILEDER", "Z999001")
    monkeypatch.delenv("KT_DATABASE_URL", raising=False)  # SQLite, unless the test asks for `backend`
    monkeypatch.setenv("COLUMNS", "200")
    return home


def _with_check_digits(base: str) -> str | None:
    """The 9 first digits completed with python-stdnum's check digits, or None when one would be 10."""
    first = fodselsnummer.calc_check_digit1(base)
    if first == "10":
        return None
    second = fodselsnummer.calc_check_digit2(base + first)
    return None if second == "10" else base + first + second


def synthetic_fnr(born: dt.date, individual: int | None = None) -> str:
    """A valid synthetic fødselsnummer (birth month + 40), check digits from python-stdnum.

    Individnummer 000–499 mean born 1900–1999, 500–999 born 2000–2039.
    """
    if individual is None:
        individual = 123 if born.year < 2000 else 623
    for number in range(individual, individual + 50):
        candidate = _with_check_digits(f"{born:%d}{born.month + 40:02d}{born:%y}{number:03d}")
        if candidate and fodselsnummer.is_valid(candidate) and fodselsnummer.get_birth_date(candidate) == born:
            return candidate
    raise AssertionError("no valid synthetic number in range")


def synthetic_fnrs(count: int, first_day: dt.date) -> list[str]:
    """`count` distinct synthetic fødselsnummer for people born 1900–1999, from `first_day` on."""
    found: list[str] = []
    day = first_day
    while len(found) < count:
        for individual in range(100, 500):
            candidate = _with_check_digits(f"{day:%d}{day.month + 40:02d}{day:%y}{individual:03d}")
            if candidate:
                found.append(candidate)
                if len(found) == count:
                    break
        day += dt.timedelta(days=1)
    return found


class KtRun:
    """What one `kt` invocation produced."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_kt(*args: str, input: str | None = None) -> KtRun:
    """Run `kt` in-process through its real entry point (error handling included)."""
    from typer.testing import CliRunner

    from kompetanse_cli.cli.app import main

    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return KtRun(code, stdout, stderr)


# ---------- the two backends ----------
#
# A test that takes the `backend` fixture runs twice: on SQLite in its KT_HOME, and on a fresh
# PostgreSQL database (KT_DATABASE_URL set), copied from a migrated template (CREATE DATABASE …
# TEMPLATE: a few milliseconds). The server is the one `scripts/test` starts (KT_TEST_DATABASE_URL,
# a libpq connection string to a role that may create databases). Without it the PostgreSQL runs
# are skipped with a reason, except under CI=true, where they fail: CI must test both.
#
# Tests that take `backend` run on both. Whole command-test modules that pass on PostgreSQL are
# listed in POSTGRES_MODULES: each of their tests runs on both backends (growing, module by module,
# as the store's queries are made to run there). KT_TEST_POSTGRES_MODULES=all tries every module
# (to find the next ones to list); a list of names separated by commas tries those.

POSTGRES_MODULES: frozenset[str] = frozenset({
    "test_cli_screen",
    "test_kartlegg_cli",
    "test_referat",
})


def _runs_on_postgres(stem: str) -> bool:
    tried = os.environ.get("KT_TEST_POSTGRES_MODULES", "")
    return stem in POSTGRES_MODULES or tried == "all" or stem in tried.split(",")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): a test of the SQLite file itself (permissions, "
                                       "WAL, backups): in a module listed in POSTGRES_MODULES, it runs on SQLite only")


def pytest_collectstart(collector: pytest.Collector) -> None:
    if isinstance(collector, pytest.Module) and _runs_on_postgres(collector.path.stem):
        collector.add_marker(pytest.mark.usefixtures("backend"))

PG_ENV = "KT_TEST_DATABASE_URL"
BACKENDS = ("sqlite", "postgres")
_database_numbers = itertools.count(1)


@dataclass
class Backend:
    """The backend a test runs on, and a way to read the rows kt stored there."""

    name: str
    url: str | None = None

    def open(self) -> Any:
        """kt's own database handle, through the store's open function (as a command gets it)."""
        from kompetanse_cli.store import backend

        conn, _warnings = backend.connect()
        return conn

    def rows(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """Rows of a query (written with `?` placeholders) as plain tuples."""
        conn = self.open()
        try:
            return [tuple(row) for row in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()

    def value(self, sql: str, params: Any = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else None


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[Any, str, str]]:
    """(admin connection, its conninfo, the name of a migrated template database)."""
    url = os.environ.get(PG_ENV)
    if not url:
        reason = (f"ingen PostgreSQL-server for testene ({PG_ENV} er ikke satt; `scripts/test` starter en)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true: PostgreSQL-testene skal kjøre, men {reason}")
        pytest.skip(reason)
    import psycopg
    from psycopg.conninfo import make_conninfo

    from kompetanse_cli.store.postgres import schema

    admin = psycopg.connect(url, autocommit=True)
    template = f"kt_mal_{os.getpid()}"
    admin.execute(f"DROP DATABASE IF EXISTS {template}")
    admin.execute(f"CREATE DATABASE {template}")
    with psycopg.connect(make_conninfo(url, dbname=template), autocommit=True) as conn:
        schema.migrate(conn)
    try:
        yield admin, url, template
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        admin.close()


def fresh_pg_database(pg_template: tuple[Any, str, str], *, migrated: bool = True) -> tuple[str, str]:
    """A new database (a copy of the migrated template, or empty): (name, conninfo)."""
    from psycopg.conninfo import make_conninfo

    admin, url, template = pg_template
    name = f"kt_t_{os.getpid()}_{next(_database_numbers)}"
    admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if migrated else ""))
    return name, make_conninfo(url, dbname=name)


def drop_pg_database(pg_template: tuple[Any, str, str], name: str) -> None:
    pg_template[0].execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite")
        return
    only = request.node.get_closest_marker("sqlite_only")
    if only is not None:
        pytest.skip(f"gjelder bare SQLite: {only.args[0] if only.args else 'SQLite-filen'}")
    template = request.getfixturevalue("pg_template")
    name, url = fresh_pg_database(template)
    monkeypatch.setenv("KT_DATABASE_URL", url)
    try:
        yield Backend("postgres", url)
    finally:
        drop_pg_database(template, name)
