"""Robustness with real OS processes: concurrent imports, a process killed mid-import and mid-interview.

Every process runs `python -m kompetanse_cli` (the same entry point as `kt`) against one KT_HOME.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from kompetanse_cli import worker
from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr, synthetic_fnrs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and signals")

REPO = Path(__file__).resolve().parent.parent
HEADER = "Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose;Arbeidsgiver;Yrke;Kommunenr;Tidligere sykefravær\n"
TIMEOUT = 60


# ---------- helpers ----------

def write_csv(path: Path, fnrs: list[str], *, title: str | None = None) -> Path:
    lines = [f"{title}\n"] if title else []
    lines.append(HEADER)
    lines += [f"{fnr};Person {n};03.01.2022;100;L03;Testbygg AS;7115 Tømrer;4206;2\n" for n, fnr in enumerate(fnrs)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def kt_process(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KT_HOME": str(home), "COLUMNS": "200", "KT_VEILEDER": "A123456"}
    return subprocess.Popen([sys.executable, "-m", "kompetanse_cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def waiting_for_lock(process: subprocess.Popen) -> bool | None:
    """Whether the process sleeps in SQLite's busy handler (Linux: /proc/PID/wchan); None if unknown.

    With the write lock held by the test, the only place kt sleeps is `BEGIN IMMEDIATE` waiting
    for it: by then it has opened the database, read the list and looked for an earlier import."""
    try:
        return "nanosleep" in Path(f"/proc/{process.pid}/wchan").read_text()
    except OSError:
        return None


def race(home: Path, *commands: list[str]) -> list[tuple[int, str, str]]:
    """Start the commands while a test connection holds the write lock, so that every process is past
    its reads and waiting for the lock at the same time; then release it and let them run."""
    blocker = sqlite3.connect(home / "kt.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    processes = [kt_process(home, *cmd) for cmd in commands]
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert all(p.poll() is None for p in processes), "a process ended while the database was locked"
            waiting = [waiting_for_lock(p) for p in processes]
            if None in waiting:  # no /proc: give them ample time instead
                time.sleep(5)
                break
            if all(waiting):
                break
            assert time.monotonic() < deadline, "processes never reached the write lock"
            time.sleep(0.05)
        time.sleep(0.3)
        assert all(p.poll() is None for p in processes)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=TIMEOUT)
        results.append((process.returncode, out, err))
    return results


def query(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    return dbrows.tuples(sql, params, home=home)


def wait_until_importing(home: Path, process: subprocess.Popen) -> list[int]:
    """Wait until kt is well inside its import transaction: it holds the database's write lock and,
    where there is one, its worker runs. Returns the worker's pid (if any)."""
    deadline = time.monotonic() + TIMEOUT
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    while True:
        assert process.poll() is None, "the import ended before it could be stopped"
        assert time.monotonic() < deadline
        workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
        if workers or not worker.can_fork():
            probe = sqlite3.connect(home / "kt.db", timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:  # locked: kt is writing
                time.sleep(0.3)  # a good part of the list, not just the first batch
                assert process.poll() is None, "the import ended before it could be stopped"
                return workers
            finally:
                probe.close()
        time.sleep(0.02)


def fresh_home(home: Path) -> Path:
    """A KT_HOME with a current, empty database (created by kt itself)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    done = subprocess.run([sys.executable, "-m", "kompetanse_cli", "liste"], cwd=REPO, timeout=TIMEOUT,
                          env={**os.environ, "KT_HOME": str(home)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return home


# ---------- two processes at once ----------

def test_two_processes_import_two_lists_at_once(tmp_path: Path) -> None:
    home = fresh_home(tmp_path / "kt-home")
    people = synthetic_fnrs(3500, dt.date(1960, 1, 1))
    shared = people[:500]
    first = write_csv(tmp_path / "uke8.csv", shared + people[500:2000], title="Uttak 28.02.2022")
    second = write_csv(tmp_path / "uke10.csv", people[2000:] + shared, title="Uttak 14.03.2022")
    results = race(home, ["screen", str(first), "--fylke", "agder", "--json"],
                   ["screen", str(second), "--fylke", "agder", "--json"])
    assert [code for code, _, _ in results] == [0, 0], [err for _, _, err in results]
    outputs = [json.loads(out) for _, out, _ in results]
    assert [o["imported"] for o in outputs] == [2000, 2000]
    assert sorted(o["known_before"] for o in outputs) == [0, 500]
    assert query(home, "SELECT COUNT(*), COUNT(DISTINCT fnr), COUNT(DISTINCT kort_id) FROM person") == [
        (3500, 3500, 3500)]
    stored = {r[0] for r in query(home, "SELECT fnr FROM person")}
    same = stored == set(people)
    assert same, "persons lost or added"
    assert query(home, "SELECT COUNT(*) FROM import") == [(2,)]
    assert query(home, "SELECT filnavn, COUNT(*) FROM listeoppforing l JOIN import i ON i.id = l.import_id "
                       "GROUP BY 1 ORDER BY 1") == [("uke10.csv", 2000), ("uke8.csv", 2000)]
    assert query(home, "SELECT COUNT(*) FROM (SELECT 1 FROM listeoppforing GROUP BY import_id, ark, rad "
                       "HAVING COUNT(*) > 1)") == [(0,)]
    assert query(home, "SELECT COUNT(*) FROM screening") == [(4000,)]
    assert query(home, "SELECT COUNT(*) FROM listeoppforing l LEFT JOIN screening s ON s.oppforing_id = l.id "
                       "WHERE s.id IS NULL") == [(0,)]
    # the persons on both lists are one person with two appearances
    twice = query(home, "SELECT p.fnr FROM listeoppforing l JOIN person p ON p.id = l.person_id "
                        "GROUP BY l.person_id HAVING COUNT(*) = 2")
    assert sorted(r[0] for r in twice) == sorted(shared)
    assert query(home, "SELECT COUNT(*) FROM logg WHERE handling = 'liste importert og screenet'") == [(2,)]
    assert query(home, "PRAGMA integrity_check") == [("ok",)]


@pytest.fixture(scope="module")
def same_list_race(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[int, str, str]]]:
    """The very same list given to two processes at the same moment."""
    root = tmp_path_factory.mktemp("same-list")
    home = fresh_home(root / "kt-home")
    path = write_csv(root / "uke10.csv", synthetic_fnrs(300, dt.date(1970, 1, 1)), title="Uttak 14.03.2022")
    command = ["screen", str(path), "--fylke", "agder", "--json"]
    return home, race(home, command, command)


def test_same_list_from_two_processes_is_stored_once(same_list_race) -> None:
    home, _ = same_list_race
    assert query(home, "SELECT filnavn, importerte FROM import") == [("uke10.csv", 300)]
    assert query(home, "SELECT COUNT(*) FROM listeoppforing") == [(300,)]
    assert query(home, "SELECT COUNT(*) FROM (SELECT 1 FROM listeoppforing GROUP BY import_id, ark, rad "
                       "HAVING COUNT(*) > 1)") == [(0,)]
    assert query(home, "SELECT COUNT(*), COUNT(DISTINCT fnr) FROM person") == [(300, 300)]
    assert query(home, "SELECT COUNT(*) FROM screening") == [(300,)]


def test_same_list_from_two_processes_both_succeed(same_list_race) -> None:
    _, results = same_list_race
    assert [code for code, _, _ in results] == [0, 0]
    assert not any("uventet feil" in err for _, _, err in results)
    outputs = [json.loads(out) for _, out, _ in results]
    assert sorted(bool(o["already_imported"]) for o in outputs) == [False, True]


# ---------- killed processes ----------

def test_import_killed_midway_leaves_all_or_nothing_and_can_be_rerun(tmp_path: Path) -> None:
    home = fresh_home(tmp_path / "kt-home")
    big = write_csv(tmp_path / "stor.csv", synthetic_fnrs(60_000, dt.date(1960, 1, 1)), title="Uttak 07.03.2022")
    process = kt_process(home, "screen", str(big), "--fylke", "agder", "--json")
    wait_until_importing(home, process)  # the import is one transaction, and it is under way
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=TIMEOUT)
    assert process.returncode == -signal.SIGKILL

    assert query(home, "PRAGMA integrity_check") == [("ok",)]
    imports = query(home, "SELECT COUNT(*) FROM import WHERE filnavn = 'stor.csv'")[0][0]
    rows = query(home, "SELECT COUNT(*) FROM listeoppforing")[0][0]
    persons = query(home, "SELECT COUNT(*) FROM person")[0][0]
    assert (imports, rows, persons) in ((0, 0, 0), (1, 60_000, 60_000))
    assert (imports, rows) == (0, 0)  # killed mid-transaction: nothing was committed

    again = run_kt("screen", str(big), "--fylke", "agder")
    assert again.code == 0, again.stderr
    assert "allerede importert" not in again.stdout
    assert query(home, "SELECT COUNT(*), SUM(importerte) FROM import") == [(1, 60_000)]
    assert query(home, "SELECT COUNT(*) FROM listeoppforing") == [(60_000,)]
    assert query(home, "SELECT COUNT(*) FROM screening") == [(60_000,)]
    assert query(home, "SELECT COUNT(*), COUNT(DISTINCT fnr) FROM person") == [(60_000, 60_000)]


@pytest.mark.skipif(not worker.can_fork(), reason="needs the worker process (Linux, two cores); reads /proc")
def test_ctrl_c_during_a_long_import_stores_nothing_and_stops_the_worker(tmp_path: Path) -> None:
    home = fresh_home(tmp_path / "kt-home")
    big = write_csv(tmp_path / "stor.csv", synthetic_fnrs(60_000, dt.date(1960, 1, 1)), title="Uttak 07.03.2022")
    process = kt_process(home, "screen", str(big), "--fylke", "agder")
    workers = wait_until_importing(home, process)  # kt stores while its worker screens
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=TIMEOUT)

    assert process.returncode == 130
    assert "Avbrutt. Ingenting fra listen er lagret" in err and "Traceback" not in err
    assert query(home, "SELECT COUNT(*) FROM import") == [(0,)]
    assert query(home, "SELECT COUNT(*) FROM listeoppforing") == [(0,)]
    assert len(workers) == 1
    assert not Path(f"/proc/{workers[0]}").exists()


def _screened_person(tmp_path: Path) -> str:
    path = write_csv(tmp_path / "liste.csv", [synthetic_fnr(dt.date(1980, 5, 17))], title="Uttak 07.03.2022")
    result = run_kt("screen", str(path), "--fylke", "agder", "--json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)["persons"][0]["id"]


def _spawn(person: str) -> pexpect.spawn:
    env = {**os.environ, "KT_VEILEDER": "A123456", "COLUMNS": "120", "TERM": "dumb"}
    return pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "kartlegg", person], env=env, cwd=str(REPO),
                         encoding="utf-8", timeout=20, dimensions=(50, 120))


def _answer(child: pexpect.spawn, question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact("> ")
    child.sendline(reply)


def test_interview_killed_midway_keeps_every_answer(tmp_path: Path, kt_home: Path) -> None:
    person = _screened_person(tmp_path)
    child = _spawn(person)
    _answer(child, "Dato for kartleggingssamtalen", "10.03.2022")
    _answer(child, "Hvordan ble samtalen gjennomført?", "2")
    _answer(child, "Hvordan er bruker identifisert", "sykmelder")
    child.expect_exact("Spørsmål 4 av")  # the third answer has been stored before the fourth is asked
    child.expect_exact("> ")
    child.kill(signal.SIGKILL)  # no Ctrl-C, no clean-up: the window is gone
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    assert query(kt_home, "PRAGMA integrity_check") == [("ok",)]
    assert dict(query(kt_home, "SELECT sporsmal, verdi FROM svar")) == {
        "samtaledato": "2022-03-10", "samtaleform": "video", "identifisert_av": "sykmelder"}
    assert query(kt_home, "SELECT fullfort FROM kartlegging") == [(None,)]

    child = _spawn(person)
    child.expect_exact("Fortsetter der du slapp")
    child.expect_exact("3 svar er lagret")
    child.expect_exact("Spørsmål 4 av")
    child.expect_exact("Hvem i NAV gjennomførte samtalen")
    child.expect_exact("> ")
    child.sendline("prosjektgruppa")
    child.expect_exact("Spørsmål 5 av")
    child.expect_exact("> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert dict(query(kt_home, "SELECT sporsmal, verdi FROM svar")) == {
        "samtaledato": "2022-03-10", "samtaleform": "video", "identifisert_av": "sykmelder",
        "samtale_av": "prosjektgruppa"}
