"""The list import on PostgreSQL, with several importers at the same moment: one person per
fødselsnummer, every list row kept, kt-ids unique, nothing lost or duplicated."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Backend, synthetic_fnrs
from tests.test_cli_screen import person_row, write_list

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def pg_backend(backend: Backend) -> Backend:
    if backend.name != "postgres":
        pytest.skip("gjelder PostgreSQL: SQLite har én skriver om gangen")
    return backend


def test_parallel_imports_of_overlapping_lists_give_one_person_per_fnr(pg_backend: Backend, tmp_path: Path) -> None:
    numbers = synthetic_fnrs(900, dt.date(1970, 1, 1))
    start = dt.date(2022, 1, 3)
    # three offices' lists of three weeks, each sharing a third of its persons with the next
    lists = [write_list(tmp_path / f"liste{n}.xlsx",
                        [person_row(fnr, start=start, name=f"Person {fnr[-4:]}") for fnr in numbers[n * 300:n * 300 + 450]],
                        title=f"Uttak {7 + 7 * n:02d}.03.2022") for n in range(3)]
    env = {**os.environ, "KT_VEILEDER": "A123456"}
    processes = [subprocess.Popen([sys.executable, "-m", "kompetanse_cli", "screen", str(path), "--fylke", "agder",
                                   "--kontor", f"NAV Kontor {n}"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for n, path in enumerate(lists)]
    errors = [process.communicate(timeout=600)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    expected = set(numbers[0:450]) | set(numbers[300:750]) | set(numbers[600:1050])
    assert pg_backend.value("SELECT COUNT(*) FROM person") == len(expected) == 900
    assert {r[0] for r in pg_backend.rows("SELECT fnr FROM person")} == expected
    assert pg_backend.value("SELECT COUNT(DISTINCT kort_id) FROM person") == 900
    assert pg_backend.rows("SELECT kontor, COUNT(*) FROM listeoppforing GROUP BY kontor ORDER BY kontor") == [
        ("NAV Kontor 0", 450), ("NAV Kontor 1", 450), ("NAV Kontor 2", 300)]
    assert pg_backend.rows("SELECT navn FROM kontor ORDER BY navn") == [
        ("NAV Kontor 0",), ("NAV Kontor 1",), ("NAV Kontor 2",)]
    # every decision's criterion results resolve (their ids were handed out one importer at a time)
    assert pg_backend.value(
        "SELECT COUNT(*) FROM listeoppforing l, unnest(l.resultater) r(id)"
        " WHERE NOT EXISTS (SELECT 1 FROM kriterieresultat k WHERE k.id = r.id)") == 0
    assert pg_backend.value("SELECT COUNT(*) FROM listeoppforing WHERE cardinality(resultater) = 0") == 0
    # a person on two lists is one person with two appearances
    assert pg_backend.value("SELECT COUNT(*) FROM (SELECT person_id FROM listeoppforing GROUP BY person_id"
                            " HAVING COUNT(*) = 2) AS twice") == 300


def test_persons_created_by_another_importer_meanwhile_are_found_not_duplicated(pg_backend: Backend) -> None:
    """Two importers resolving overlapping persons at once, without taking turns: the second waits
    for the first's uncommitted persons, skips them (ON CONFLICT) and then finds them."""
    import threading

    from kompetanse_cli.store.db import transaction
    from kompetanse_cli.store.persons import PersonIds

    numbers = synthetic_fnrs(60, dt.date(1980, 1, 1))
    first, second = pg_backend.open(), pg_backend.open()
    try:
        found: dict[str, Any] = {}
        with transaction(first):
            ids_first = PersonIds(first).resolve(numbers[:40], [None] * 40, ["agder"] * 40, ["NAV A"] * 40)

            def other() -> None:
                with transaction(second):
                    found["second"] = PersonIds(second).resolve(numbers[20:], [None] * 40, ["agder"] * 40,
                                                                ["NAV B"] * 40)

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(timeout=1.0)
            assert thread.is_alive()  # waiting for the first importer's persons 20–39
        thread.join(timeout=60)
        assert not thread.is_alive()
        ids_second = found["second"]
        assert {fnr: ids_second[fnr] for fnr in numbers[20:40]} == {fnr: ids_first[fnr] for fnr in numbers[20:40]}
        assert len(set(ids_first.values()) | set(ids_second.values())) == 60
        assert pg_backend.value("SELECT COUNT(*) FROM person") == 60
        assert pg_backend.rows("SELECT kontor, COUNT(*) FROM person GROUP BY kontor ORDER BY kontor") == [
            ("NAV A", 40), ("NAV B", 20)]
    finally:
        first.close()
        second.close()
