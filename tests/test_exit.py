"""How kt ends: after a command that succeeded it skips tearing the interpreter down (a long
list leaves hundreds of thousands of objects), but nothing that exit must do may be skipped with
it: the database closed with everything in the database file, the exit handlers run, the output
written, or a clear error when it cannot be."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "uke10_lister.xlsx"


def kt_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "KT_HOME": str(home)}
    env.pop("PYTHONUNBUFFERED", None)  # as a user runs kt: the output is flushed at exit
    return env


def test_a_reader_that_stops_early_leaves_the_list_in_the_database_file(tmp_path: Path) -> None:
    """`kt screen … --json | head`: the import is committed, and the database file alone holds it
    (no write-ahead log left behind for a copy or backup of kt.db to miss)."""
    home = tmp_path / "kt-home"
    process = subprocess.Popen([sys.executable, "-m", "kompetanse_cli", "screen", str(SAMPLE), "--fylke", "agder",
                                "--json"], cwd=REPO, env=kt_env(home), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout.read(100)
    process.stdout.close()  # the reader goes away with most of the JSON unread
    process.wait(timeout=60)

    assert process.returncode == 0
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("kt.db")) == ["kt.db"]
    copy = tmp_path / "kopi.db"
    shutil.copy(home / "kt.db", copy)
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT rader_lest FROM import").fetchall() == [(320,)]
        assert conn.execute("SELECT COUNT(*) FROM listeoppforing WHERE beslutning IS NOT NULL").fetchone() == (317,)
    finally:
        conn.close()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        process = subprocess.run([sys.executable, "-m", "kompetanse_cli", "logg", "--json"], cwd=REPO,
                                 env=kt_env(tmp_path / "kt-home"), stdout=full, stderr=subprocess.PIPE, text=True)
    assert process.returncode == 120
    assert process.stderr.strip() == "Feil: utdataene kunne ikke skrives ferdig: disken er full."


def test_leaving_runs_the_exit_handlers_and_writes_the_output(tmp_path: Path) -> None:
    """openpyxl removes its temporary files (a whole list, written to /tmp) in an exit handler."""
    marker = tmp_path / "handler-ran"
    script = (f"import atexit, pathlib, sys\n"
              f"atexit.register(lambda: pathlib.Path({str(marker)!r}).write_text('ja'))\n"
              f"sys.stdout.write('ferdig')\n"
              f"from kompetanse_cli.cli.start import leave\n"
              f"leave()\n"
              f"raise AssertionError('leave() returned')\n")
    process = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=kt_env(tmp_path / "kt-home"),
                             capture_output=True, text=True)
    assert (process.returncode, process.stdout, process.stderr) == (0, "ferdig", "")
    assert marker.read_text() == "ja"
