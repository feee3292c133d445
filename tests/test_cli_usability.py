"""Issue 17, points 13–15: help for bare groups, option columns, settings at prompts, backup names."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_kt, synthetic_fnr


def _screen_one(tmp_path: Path, name: str = "Kari Testesen", born: dt.date = dt.date(1980, 5, 17)) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Uttak 07.03.2022"])
    sheet.append(["Fødselsnr", "Navn", "Sykmeldt fom", "Grad", "Diagnose", "Arbeidsgiver", "Yrke", "Kommunenr",
                  "Tidligere sykefravær", "NAV-kontor"])
    sheet.append([synthetic_fnr(born), name, dt.date(2022, 1, 3), 100, "L03", "Testbygg AS", "7115 Tømrer", "4206", 2,
                  "NAV Lister"])
    path = tmp_path / f"liste-{born.isoformat()}.xlsx"
    workbook.save(path)
    result = run_kt("screen", str(path), "--fylke", "agder", "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)["persons"][0]["id"]


# ---------- 13: help ----------

@pytest.mark.parametrize("args, shows", [
    ([], "Kommandoer:"), (["config"], "vis  Vis innstillingene."), (["person"], "ny"), (["mal"], "sjekk"),
])
def test_a_bare_group_prints_its_help_and_exits_0(args: list[str], shows: str) -> None:
    result = run_kt(*args)
    assert result.code == 0, result.output
    assert result.stdout.startswith("Bruk: kt")
    assert shows in result.stdout
    assert "Feil" not in result.output


def test_a_word_from_other_tools_gets_kts_own_word() -> None:
    result = run_kt("config", "get", "veileder")
    assert result.code == 2
    assert "Ukjent kommando «get». Mente du «vis»?" in result.stderr
    assert "«set»" not in result.stderr


def _option_rows(help_text: str) -> list[str]:
    section = help_text.split("Valg:\n", 1)[1]
    return [line for line in section.splitlines() if line.startswith("  -")]


@pytest.mark.parametrize("command", [["screen"], ["logg"], ["rapport"], ["liste"], ["kartlegg"], ["backup"]])
def test_option_descriptions_line_up_in_help(command: list[str]) -> None:
    text = run_kt(*command, "--help").stdout
    starts = set()
    for row in _option_rows(text):
        match = re.match(r"^  (\S.*?\S)( {2,})(\S)", row)
        if match and len(match.group(1)) <= 30:
            starts.add(len(match.group(1)) + len(match.group(2)) + 2)
    assert len(starts) == 1, text


@pytest.mark.parametrize("command, option", [(["screen"], "--listedato"), (["logg"], "--fra"), (["logg"], "--til"),
                                             (["rapport"], "--fra"), (["rapport"], "--til")])
def test_date_options_say_dato_in_help(command: list[str], option: str) -> None:
    text = run_kt(*command, "--help").stdout
    assert f"{option} <dato>" in text
    assert f"{option} <tekst>" not in text


# ---------- 15: kt backup ----------

def _people_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM person").fetchone()[0]
    finally:
        conn.close()


def test_backup_without_a_name_writes_a_dated_file_here_and_replaces_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _screen_one(tmp_path)
    here = tmp_path / "her"
    here.mkdir()
    monkeypatch.chdir(here)
    expected = here / f"kt-backup-{dt.date.today().isoformat()}.db"
    first = run_kt("backup")
    assert first.code == 0, first.output
    assert expected.is_file() and _people_in(expected) == 1
    assert str(expected) in first.stdout
    _screen_one(tmp_path, "Ola Testesen", dt.date(1975, 2, 3))
    again = run_kt("backup")
    assert again.code == 2
    assert "finnes allerede" in again.stderr and "--overskriv" in again.stderr
    assert _people_in(expected) == 1
    replaced = run_kt("backup", "--overskriv")
    assert replaced.code == 0, replaced.output
    assert _people_in(expected) == 2
    assert not [p.name for p in here.iterdir() if p.name.startswith(".")]  # no temporary file left behind
