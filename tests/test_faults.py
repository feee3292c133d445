"""Faults (issue 15, points 8–10): a restore at the wrong moment, two commands on a new data
folder, a damaged database, a read-only disk, a full disk, another kt holding the database, and
a log file that cannot be written.

Races are run for real, in separate processes, a bounded number of times; each try asserts
that nothing came back and nothing was lost. No assertion depends on how long anything took.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kompetanse_cli.store import db as kt_db
from tests.conftest import run_kt, synthetic_fnrs

ROOT = Path(__file__).parent.parent
VEILEDER = "A123456"
HEADER = "Fødselsnr;Navn;Sykmeldt fom;Sykmeldt tom;Grad;Diagnose;Arbeidsgiver;Yrke;Kommunenr;Tidligere sykefravær"


@pytest.fixture(autouse=True)
def veileder(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    return VEILEDER


def write_csv(path: Path, numbers: list[str]) -> Path:
    lines = [HEADER] + [f"{fnr};Syntetisk Person {i};03.01.2022;;100;L03;Testbygg AS;7115 Tømrer;4206;2"
                        for i, fnr in enumerate(numbers)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def query(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(home / "kt.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def kt_process(home: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "KT_HOME": str(home), "KT_VEILEDER": VEILEDER}
    return subprocess.Popen([sys.executable, "-m", "kompetanse_cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def short_ids(home: Path) -> set[str]:
    return {row[0] for row in query(home, "SELECT kort_id FROM person")}


# ---------- 8: a restore at the wrong moment ----------

def test_gjenopprett_racing_slett_never_brings_a_deleted_person_back(kt_home: Path, tmp_path: Path) -> None:
    """`kt slett` while `kt gjenopprett` runs, ten times: every person a slett said was deleted is
    gone afterwards (the restore deletes them again), and the deletion stays in the log."""
    numbers = synthetic_fnrs(6000, dt.date(1960, 1, 1))
    listed = run_kt("screen", str(write_csv(tmp_path / "uke10.csv", numbers)), "--fylke", "agder",
                    "--listedato", "07.03.2022", "--json")
    assert listed.code == 0, listed.stderr
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    victims = sorted(short_ids(kt_home))[:10]
    deleted: list[str] = []
    for victim in victims:
        restore = kt_process(kt_home, "gjenopprett", str(backup), "--ja")
        delete = kt_process(kt_home, "slett", victim, "--ja")
        restored, deleting = finish(restore), finish(delete)
        assert restored[0] == 0, restored[2]
        assert deleting[0] in (0, 1), deleting[2]
        if deleting[0] == 0:
            assert f"Alt om {victim} er slettet" in deleting[1]
            deleted.append(victim)
        assert "Traceback" not in restored[2] + deleting[2]
        still_there = short_ids(kt_home)
        assert [d for d in deleted if d in still_there] == []  # nothing resurrected
        logged = {row[0] for row in query(kt_home, "SELECT person FROM logg WHERE handling = 'person slettet'")}
        assert set(deleted) <= logged
    assert deleted  # the deletions did happen (at worst after the restore)


def test_gjenopprett_racing_an_import_never_loses_it(kt_home: Path, tmp_path: Path) -> None:
    """An import while `kt gjenopprett` runs, six times: an import that said it stored its list is
    afterwards either in the database (it came after the restore) or in the safety copy the
    restore took (it came before, and was replaced, as a restore should)."""
    first = synthetic_fnrs(3000, dt.date(1950, 1, 1))
    assert run_kt("screen", str(write_csv(tmp_path / "uke8.csv", first)), "--fylke", "agder",
                  "--listedato", "28.02.2022").code == 0
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    numbers = synthetic_fnrs(6 * 2000, dt.date(1970, 1, 1))
    for attempt in range(6):
        batch = numbers[attempt * 2000:(attempt + 1) * 2000]
        listing = write_csv(tmp_path / f"uke{10 + attempt}.csv", batch)
        copies_before = set(kt_home.glob("kt.før-gjenoppretting.*.db"))
        restore = kt_process(kt_home, "gjenopprett", str(backup), "--ja")
        importing = kt_process(kt_home, "screen", str(listing), "--fylke", "agder", "--listedato", "07.03.2022")
        restored, imported = finish(restore), finish(importing)
        assert restored[0] == 0, restored[2]
        assert imported[0] == 0, imported[2]
        in_db = query(kt_home, "SELECT COUNT(*) FROM person WHERE fnr IN (%s)" % ",".join("?" * 5), tuple(batch[:5]))
        new_copy, = set(kt_home.glob("kt.før-gjenoppretting.*.db")) - copies_before
        safety = sqlite3.connect(new_copy)
        try:
            in_copy = safety.execute("SELECT COUNT(*) FROM person WHERE fnr IN (%s)" % ",".join("?" * 5),
                                     tuple(batch[:5])).fetchall()
        finally:
            safety.close()
        found = in_db[0][0] + in_copy[0][0]
        assert found >= 5, f"attempt {attempt}: the import that exited 0 is lost"


def test_two_commands_on_a_new_data_folder_both_work(tmp_path: Path) -> None:
    """Two kt commands started together on a data folder that does not exist yet, six times: both
    succeed, and the schema is set up once."""
    for attempt in range(6):
        home = tmp_path / f"hjem{attempt}"
        started = [kt_process(home, "liste", "--json"), kt_process(home, "logg", "--json")]
        results = [finish(p) for p in started]
        for code, out, err in results:
            assert code == 0, err
            assert "Traceback" not in err
        assert query(home, "PRAGMA user_version") == [(kt_db.schema_version(),)]
        assert json.loads(results[0][1]) == []


# ---------- 9: a damaged database, a read-only disk, a full disk, another kt ----------

@pytest.fixture
def listed(kt_home: Path, tmp_path: Path) -> list[str]:
    """A database with 400 persons from one list; returns their kt-ids."""
    numbers = synthetic_fnrs(400, dt.date(1965, 1, 1))
    result = run_kt("screen", str(write_csv(tmp_path / "uke10.csv", numbers)), "--fylke", "agder",
                    "--listedato", "07.03.2022")
    assert result.code == 0, result.stderr
    return sorted(short_ids(kt_home))


def damage(path: Path) -> None:
    """Overwrite the middle of a database file with garbage, as a failing disk might."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.seek(size // 3)
        file.write(b"\xde\xad\xbe\xef" * (size // 12))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        pass  # so damaged that SQLite refuses even to check it
    finally:
        conn.close()


def test_backup_of_a_damaged_database_is_refused_and_names_the_copies(listed: list[str], kt_home: Path,
                                                                       tmp_path: Path) -> None:
    earlier = tmp_path / "sikker" / "kopi-mandag.db"
    earlier.parent.mkdir()
    assert run_kt("backup", str(earlier)).code == 0
    damage(kt_home / "kt.db")
    target = tmp_path / "sikker" / "kopi-tirsdag.db"
    result = run_kt("backup", str(target))
    assert result.code == 1
    assert "skadet" in result.stderr and "Sikkerhetskopi skrevet" not in result.output
    assert str(earlier) in result.stderr and "kt gjenopprett" in result.stderr  # what to restore from
    assert not target.exists()
    # any other command says the same, instead of «uventet feil»
    shown = run_kt("liste", "--json")
    assert shown.code == 1 and "skadet" in shown.stderr and str(earlier) in shown.stderr
    assert "uventet feil" not in shown.stderr
    # and the database is restored from the copy it named
    restored = run_kt("gjenopprett", str(earlier), "--ja")
    assert restored.code == 0, restored.stderr
    assert sorted(short_ids(kt_home)) == listed
    assert query(kt_home, "PRAGMA quick_check") == [("ok",)]


def test_gjenopprett_refuses_a_damaged_backup(listed: list[str], kt_home: Path, tmp_path: Path) -> None:
    backup = tmp_path / "kopi.db"
    assert run_kt("backup", str(backup)).code == 0
    assert run_kt("slett", listed[0], "--ja").code == 0
    damage(backup)
    result = run_kt("gjenopprett", str(backup), "--ja")
    assert result.code == 1
    assert "Sikkerhetskopien kopi.db er skadet" in result.stderr
    assert sorted(short_ids(kt_home)) == listed[1:]  # the sound database is untouched
    assert list(kt_home.glob("kt.før-gjenoppretting.*.db")) == []


def test_another_kt_holding_the_database_is_said_so(listed: list[str], kt_home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kt_db, "BUSY_TIMEOUT_MS", 100)  # wait a tenth of a second, not thirty
    holder = sqlite3.connect(kt_home / "kt.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = run_kt("slett", listed[0], "--ja")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.code == 1
    assert "en annen kt bruker databasen; prøv igjen om litt" in result.stderr
    assert "uventet" not in result.stderr and "Alt om" not in result.stdout
    assert listed[0] in short_ids(kt_home)


def test_a_full_disk_is_said_so(kt_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's «database or disk is full», made real by capping the database's size."""
    assert run_kt("liste").code == 0
    connect = kt_db.connect

    def small_disk(*args, **kwargs):
        conn, warnings = connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        return conn, warnings

    monkeypatch.setattr(kt_db, "connect", small_disk)
    numbers = synthetic_fnrs(3000, dt.date(1965, 1, 1))
    result = run_kt("screen", str(write_csv(tmp_path / "uke10.csv", numbers)), "--fylke", "agder",
                    "--listedato", "07.03.2022")
    assert result.code == 1
    assert "er full" in result.stderr and "uventet" not in result.stderr
    assert query(kt_home, "SELECT COUNT(*) FROM person") == [(0,)]


@pytest.fixture
def read_only_home(listed: list[str], kt_home: Path, tmp_path: Path):
    """The data folder on a write-protected disk: a read-only mount where the tests may mount
    (as root), else a folder and file without write permission (which root would ignore)."""
    mount = None
    if os.geteuid() == 0:
        mount = tmp_path / "skrivebeskyttet"
        mount.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(mount)]).returncode:
            pytest.skip("kan ikke montere en skrivebeskyttet disk her")
        for name in os.listdir(kt_home):
            (mount / name).write_bytes((kt_home / name).read_bytes())
            (mount / name).chmod(0o600)
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)]).returncode == 0
        home = mount
    else:
        home = kt_home
        (home / "kt.db").chmod(0o400)
        home.chmod(0o500)
    yield home
    if mount is not None:
        subprocess.run(["umount", str(mount)], check=True)
    else:
        home.chmod(0o700)


def test_a_read_only_disk_still_lets_kt_read(listed: list[str], read_only_home: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_HOME", str(read_only_home))
    shown = run_kt("person", "vis", listed[0])
    assert shown.code == 0, shown.stderr
    assert "Lister (1)" in shown.stdout and "skrivebeskyttet" in shown.stderr
    trail = run_kt("logg", "--json")
    assert trail.code == 0, trail.stderr
    assert any(entry["action"] == "liste importert og screenet" for entry in json.loads(trail.stdout))
    copy = tmp_path / "annen-disk.db"
    backed = run_kt("backup", str(copy))
    assert backed.code == 0, backed.stderr
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT COUNT(*) FROM person").fetchone()[0] == len(listed)
    finally:
        conn.close()
    refused = run_kt("slett", listed[0], "--ja")
    assert refused.code == 1
    assert "skrivebeskyttet" in refused.stderr and "uventet" not in refused.stderr


# ---------- 10: logging never prints a traceback ----------

def test_a_log_file_that_cannot_be_written_prints_nothing(kt_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import logging

    from kompetanse_cli import logs
    from kompetanse_cli.cli.app import _log_unexpected

    logger = logging.getLogger(logs.LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    try:
        handler = logs.get_logger().handlers[0]
        handler.stream = open("/dev/full", "w", encoding="utf-8")  # a full disk
        try:
            raise sqlite3.OperationalError("noe gikk galt")
        except sqlite3.OperationalError as error:
            where = _log_unexpected(error)
        out, err = capfd.readouterr()
        assert "Logging error" not in out + err and "Traceback" not in out + err
        assert where == "kunne ikke skrive loggfilen"
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            try:
                handler.close()
            except OSError:
                pass


def test_a_log_file_that_cannot_be_opened_prints_nothing(kt_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import logging

    from kompetanse_cli import logs
    from kompetanse_cli.cli.app import _log_unexpected

    logger = logging.getLogger(logs.LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    (kt_home / "kt.log").mkdir(parents=True)  # not a file: opening it fails
    try:
        where = _log_unexpected(ValueError("x"))
        out, err = capfd.readouterr()
        assert "Logging error" not in out + err and "Traceback" not in out + err
        assert where == "kunne ikke skrive loggfilen"
    finally:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
