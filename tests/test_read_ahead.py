"""`kt screen` starts loading its spreadsheet before the rest of kt is imported (cli/start.py).

What it reads ahead must be exactly what open_sheets() would have read, for the right file only,
and the reading thread must be finished before anything else happens (the worker is forked).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import typer

from kompetanse_cli.cli.app import app
from kompetanse_cli.cli.start import SCREEN_VALUE_OPTIONS, list_argument
from kompetanse_cli.errors import InputError
from kompetanse_cli.ingest import ahead, readers
from tests.conftest import run_kt

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(("args", "expected"), [
    (["screen", "uke10.xlsx"], "uke10.xlsx"),
    (["screen", "uke10.xlsx", "--fylke", "agder"], "uke10.xlsx"),
    (["screen", "--fylke", "agder", "uke10.xlsx"], "uke10.xlsx"),
    (["screen", "-f", "agder", "--alle", "uke10.xlsx"], "uke10.xlsx"),
    (["screen", "--fylke=agder", "uke10.xlsx"], "uke10.xlsx"),
    (["screen", "--eksport", "kandidater.xlsx", "--ark", "Ark2", "uke10.xlsx"], "uke10.xlsx"),
    (["screen", "--listedato", "07.03.2022", "--kontor", "NAV Grimstad", "uke10.xlsx"], "uke10.xlsx"),
    (["screen"], None),
    (["screen", "uke10.xlsx", "--help"], None),
    (["screen", "-h", "uke10.xlsx"], None),
    (["forklar", "abcde"], None),
    (["kartlegg", "uke10.xlsx"], None),
    ([], None),
])
def test_the_list_file_is_found_on_the_command_line(args, expected):
    assert list_argument(args) == expected


def test_every_screen_option_that_takes_a_value_is_known_to_the_start():
    command = typer.main.get_command(app).commands["screen"]
    takes_value = {name for param in command.params if not getattr(param, "is_flag", True)
                   and param.param_type_name == "option" for name in param.opts}
    assert takes_value == SCREEN_VALUE_OPTIONS


def _cells(sheets: list[readers.Sheet]) -> list[tuple[str, list[list[object]]]]:
    return [(sheet.name, [list(row) for row in sheet.rows()]) for sheet in sheets]


def _no_read_ahead_thread() -> bool:
    return ahead._pending is None and not any(t.name == ahead.THREAD_NAME for t in threading.enumerate())


def test_the_sheets_read_ahead_are_the_sheets_open_sheets_reads(tmp_path):
    path = shutil.copy(DATA / "to_ark.xlsx", tmp_path / "to_ark.xlsx")
    expected = _cells(readers.open_sheets(path))
    ahead.start(str(path))
    assert ahead._pending is not None
    taken = readers.open_sheets(path)
    assert _cells(taken) == expected
    assert [s.height for s in taken] == [s.height for s in readers.open_sheets(path)]
    assert _no_read_ahead_thread()


def test_another_file_than_the_one_read_ahead_is_read_itself(tmp_path):
    first = shutil.copy(DATA / "to_ark.xlsx", tmp_path / "to_ark.xlsx")
    second = shutil.copy(DATA / "tittelrader.xlsx", tmp_path / "tittelrader.xlsx")
    expected = _cells(readers.open_sheets(second))
    ahead.start(str(first))
    assert _cells(readers.open_sheets(second)) == expected
    assert _no_read_ahead_thread()


def test_a_file_replaced_after_it_was_read_ahead_is_read_again(tmp_path):
    path = shutil.copy(DATA / "to_ark.xlsx", tmp_path / "liste.xlsx")
    ahead.start(str(path))
    ahead._pending.thread.join()
    shutil.copy(DATA / "tittelrader.xlsx", path)
    assert _cells(readers.open_sheets(path)) == _cells(readers.open_sheets(DATA / "tittelrader.xlsx"))


def test_a_corrupt_file_read_ahead_gets_the_usual_error(tmp_path):
    path = shutil.copy(DATA / "korrupt.xlsx", tmp_path / "korrupt.xlsx")
    ahead.start(str(path))
    with pytest.raises(InputError, match="kan ikke leses som regneark"):
        readers.open_sheets(path)
    assert _no_read_ahead_thread()


@pytest.mark.parametrize("name", ["cp1252_semikolon.csv", "finnes_ikke.xlsx"])
def test_csv_and_missing_files_are_not_read_ahead(name):
    ahead.start(str(DATA / name))
    assert ahead._pending is None


def test_kt_screen_through_the_entry_point_decides_as_without_reading_ahead(tmp_path, kt_home):
    # The installed `kt` and `python -m kompetanse_cli` start in cli/start.py, which reads ahead;
    # run_kt calls the app directly, which does not.
    path = shutil.copy(DATA / "tittelrader.xlsx", tmp_path / "tittelrader.xlsx")
    # the fixture is a list from all over the country (Bærum, Oslo, Trondheim …): taken anyway
    args = ["screen", "--fylke", "agder", str(path), "--json", "--alle", "--likevel"]
    started = subprocess.run([sys.executable, "-m", "kompetanse_cli", *args], capture_output=True, text=True,
                             env={**os.environ, "KT_HOME": str(tmp_path / "annen-kt-home")}, check=True)
    direct = run_kt(*args)

    def decisions(text: str) -> tuple[int, list, list]:
        answer = json.loads(text)
        persons = [(p["sheet"], p["row"], p["decision"], p["reasons"]) for p in answer["persons"]]
        return answer["rows_read"], answer["rejected"], persons

    assert decisions(started.stdout) == decisions(direct.stdout)
    rows_read, _, persons = decisions(started.stdout)
    assert rows_read > 0 and persons


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_read_again(tmp_path):
    import os

    path = shutil.copy(DATA / "to_ark.xlsx", tmp_path / "liste.xlsx")
    stamp = path.stat().st_mtime_ns
    ahead.start(str(path))
    ahead._pending.thread.join()
    other = tmp_path / "ny.xlsx"
    other.write_bytes(path.read_bytes())  # the same size; then a different file takes its place
    os.utime(other, ns=(stamp, stamp))
    os.replace(other, path)
    assert path.stat().st_mtime_ns == stamp
    assert ahead.take(str(path)) is None
