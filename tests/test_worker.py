"""The worker process behind long lists: what it sends back, how its errors arrive, and that a list
screened through it is stored exactly as one screened in a single process."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.process
import os
import signal
import time
from pathlib import Path

import pytest

from kompetanse_cli import worker
from kompetanse_cli.errors import InputError
from kompetanse_cli.fylker import resolve_fylke
from kompetanse_cli.screening.run import screen_file
from kompetanse_cli.store import db
from tests.conftest import SAMPLES

needs_fork = pytest.mark.skipif(not worker.can_fork(), reason="the worker needs fork and two cores")


def squares(count: int):
    for number in range(count):
        yield number * number


def worker_pid():
    yield os.getpid()


def failing_with_input_error():
    yield 1
    raise InputError("liste.csv: CSV-filen kan ikke leses fra rad 7.", hint="Lagre filen på nytt.")


CELL = "12345678901 Kari"  # synthetic, but shaped like what an exception's message might quote


def failing_unexpectedly():
    yield 1
    raise ValueError(CELL)


def endless():
    number = 0
    while True:
        number += 1
        yield number


@needs_fork
def test_items_come_back_in_order_from_another_process():
    assert list(worker.stream(lambda: squares(5000))) == [n * n for n in range(5000)]
    assert list(worker.stream(worker_pid)) != [os.getpid()]


def test_without_fork_the_items_are_made_here():
    assert list(worker.stream(worker_pid, forked=False)) == [os.getpid()]


@needs_fork
def test_a_kt_error_in_the_worker_arrives_as_itself():
    items = worker.stream(failing_with_input_error)
    assert next(items) == 1
    with pytest.raises(InputError) as raised:
        next(items)
    assert raised.value.message == "liste.csv: CSV-filen kan ikke leses fra rad 7."
    assert raised.value.hint == "Lagre filen på nytt."


@needs_fork
def test_an_unexpected_error_arrives_with_where_but_not_what():
    with pytest.raises(worker.WorkerError) as raised:
        list(worker.stream(failing_unexpectedly))
    assert "failing_unexpectedly" in raised.value.trace
    assert "ValueError (melding utelatt)" in raised.value.trace
    assert "ValueError" in raised.value.summary
    assert CELL not in raised.value.trace + str(raised.value)


@needs_fork
def test_leaving_early_stops_the_worker():
    items = worker.stream(endless)
    assert [next(items) for _ in range(3)] == [1, 2, 3]
    items.close()
    time.sleep(0.2)
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit()
                and (p / "stat").read_text().split(") ")[-1].split()[1] == str(os.getpid())]
    assert not [p for p in children if (p / "stat").read_text().split(") ")[-1].split()[0] != "Z"]


STORED = {
    "person": "SELECT fnr, navn, fylke, kontor FROM person ORDER BY fnr",
    "listeoppforing": "SELECT p.fnr, l.ark, l.rad, l.listedato, l.fylke, l.kontor, l.sykmeldt_fom, l.sykmeldt_tom,"
                      " l.grad, l.diagnose, l.arbeidsgiver, l.orgnr, l.yrke, l.styrk, l.kommune,"
                      " l.tidligere_tilfeller, l.sykepengedager_5ar FROM listeoppforing l"
                      " JOIN person p ON p.id = l.person_id ORDER BY l.ark, l.rad",
    "screening": "SELECT l.ark, l.rad, s.fylke, s.regelversjon, s.beslutning, s.uker_sykmeldt, s.alder, s.resultater"
                 " FROM screening s JOIN listeoppforing l ON l.id = s.oppforing_id ORDER BY l.ark, l.rad",
    "import_avvist": "SELECT ark, rad, kolonne, arsak FROM import_avvist ORDER BY ark, rad",
}


def stored_screening(home: Path, monkeypatch: pytest.MonkeyPatch, *, in_worker: bool) -> dict[str, list[tuple]]:
    monkeypatch.setenv("KT_HOME", str(home))
    conn, _ = db.connect()
    try:
        for name in ("uke10_lister.xlsx", "uke8_midt-agder.csv"):
            result = screen_file(conn, SAMPLES / name, fylke=resolve_fylke("agder"), list_date=dt.date(2022, 3, 7),
                                 in_worker=in_worker)
            assert result.imported > 0
        return {table: [tuple(row) for row in conn.execute(sql)] for table, sql in STORED.items()}
    finally:
        conn.close()


@needs_fork
def test_a_list_screened_in_the_worker_is_stored_as_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    alone = stored_screening(tmp_path / "alene", monkeypatch, in_worker=False)
    shared = stored_screening(tmp_path / "delt", monkeypatch, in_worker=True)
    assert all(alone[table] for table in ("person", "listeoppforing", "screening", "import_avvist"))
    assert shared == alone


@needs_fork
def test_a_ctrl_c_while_the_worker_starts_is_ignored_there(monkeypatch: pytest.MonkeyPatch, capfd):
    """Ctrl-C goes to every process in the terminal's group; the worker must not die of one that
    arrives before it has started ignoring it (nor print a traceback)."""
    after_fork = multiprocessing.process.BaseProcess._after_fork

    def interrupted_after_fork():
        after_fork()
        os.kill(os.getpid(), signal.SIGINT)  # in the worker, before its own code runs

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "_after_fork", staticmethod(interrupted_after_fork))
    assert list(worker.stream(lambda: squares(3))) == [0, 1, 4]
    assert "Traceback" not in capfd.readouterr().err


def test_when_fork_fails_the_items_are_made_here(monkeypatch: pytest.MonkeyPatch):
    def no_fork(self):
        raise OSError("Cannot allocate memory")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", no_fork)
    monkeypatch.setattr(worker, "can_fork", lambda: True)
    assert list(worker.stream(worker_pid)) == [os.getpid()]


@needs_fork
def test_the_pipe_holds_a_whole_batch():
    import fcntl

    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    try:
        worker._widen(receiving)
        assert fcntl.fcntl(receiving.fileno(), fcntl.F_GETPIPE_SZ) >= min(worker.PIPE_BYTES, _pipe_max())
    finally:
        receiving.close()
        sending.close()


def _pipe_max() -> int:
    return int(Path("/proc/sys/fs/pipe-max-size").read_text())
