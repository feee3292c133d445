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
