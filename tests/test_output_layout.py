"""Issue 17.11–12: narrow terminals, pipes and long output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_kt

LISTER = SAMPLES / "uke10_lister.xlsx"
REPO = Path(__file__).parent.parent
BOX = re.compile("[│┃━─┏┗┡┩└┘]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _kt(home: Path, *args: str, columns: int = 60) -> subprocess.CompletedProcess[str]:
    """kt with its output to a pipe, as in `kt liste | cat`."""
    env = {**os.environ, "KT_HOME": str(home), "COLUMNS": str(columns), "KT_VEILEDER": "A123456"}
    return subprocess.run([sys.executable, "-m", "kompetanse_cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def screened(kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    result = run_kt("screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister", "--json")
    assert result.code == 0, result.output
    persons = json.loads(result.stdout)["persons"]
    return {p["id"]: p["name"] for p in persons}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch):
    """kt's console as a terminal of the given width."""
    from kompetanse_cli.cli import common

    def make(width: int) -> None:
        monkeypatch.setattr(common.console, "_force_terminal", True)
        monkeypatch.setattr(common.console, "_width", width)
    return make


def _lines(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


# ---------- 11: pipes and files: nothing wrapped ----------

def test_liste_in_a_pipe_is_one_whole_line_a_person(screened: dict[str, str], kt_home: Path) -> None:
    result = _kt(kt_home, "liste")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "317 personer"
    assert len(lines) == 1 + 317  # everyone: a pipe is not cut short
    for line in lines[1:]:
        match = re.fullmatch(r"([a-z2-9]{5})  \d{6}\*{5}  (.+)  Agder · NAV Lister · [A-ZÆØÅ][a-zæøå ]+ · \d\d\.\d\d\.\d{4}",
                             line)
        assert match, line
        assert match.group(2) == screened[match.group(1)]  # the name whole
    assert not BOX.search(result.stdout)
    assert not [line for line in lines if line.endswith(" ")]


def test_screen_to_a_file_is_not_wrapped(kt_home: Path) -> None:
    result = _kt(kt_home, "screen", str(LISTER), "--fylke", "agder", "--kontor", "NAV Lister")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.endswith(" ")]  # no trailing spaces
    recognised = next(line for line in lines if line.startswith("Kolonner gjenkjent:"))
    assert recognised.endswith("Sykepengedager siste 5 år → sykepengedager siste 5 år.")  # one line
    rejected = [line for line in lines if line.startswith("  ark «Ark1», rad 46")]
    assert rejected == ["  ark «Ark1», rad 46, kolonne «Fødselsnr»: ugyldig fødselsnummer (kontrollsifrene stemmer "
                        "ikke, eller datoen er umulig)"]


@pytest.mark.parametrize("args", [["logg"], ["config", "vis"], ["regler", "vis", "--fylke", "agder"]])
def test_other_lists_in_a_pipe_have_no_tables_and_no_trailing_spaces(screened: dict[str, str], kt_home: Path,
                                                                     args: list[str]) -> None:
    result = _kt(kt_home, *args)
    assert result.returncode == 0, result.stderr
    assert not BOX.search(result.stdout)
    assert not [line for line in result.stdout.splitlines() if line.endswith(" ")]


def test_forklar_in_a_pipe_is_one_line_a_criterion(screened: dict[str, str], kt_home: Path) -> None:
    person = next(iter(screened))
    lines = _kt(kt_home, "forklar", person).stdout.splitlines()
    assert any(re.fullmatch(r"Sykmeldingsgrad  (oppfylt|ikke oppfylt|ukjent)  .*\(krav: 100 %\)", line) for line in lines)
    assert not BOX.search("\n".join(lines))


# ---------- 11: narrow terminals: blocks, not squeezed tables ----------

def test_liste_in_a_narrow_terminal_is_a_block_a_person(screened: dict[str, str], terminal) -> None:
    terminal(60)
    result = run_kt("liste", "--status", "kandidat")
    assert result.code == 0, result.output
    lines = _lines(result.stdout)
    assert not BOX.search(result.stdout) and "…" not in result.stdout
    assert max(len(line) for line in lines) <= 60
    heads = [line for line in lines if re.match(r"[a-z2-9]{5}  ", line)]
    assert len(heads) == 16
    for head in heads:
        short_id, _, name = head.split("  ", 2)
        assert name == screened[short_id]  # names whole, not broken into pieces
        following = lines[lines.index(head) + 1]
        assert following.startswith("    Agder · NAV Lister · Kandidat · ")


def test_liste_in_a_wide_terminal_is_a_table(screened: dict[str, str], terminal) -> None:
    terminal(120)
    result = run_kt("liste", "--status", "kandidat")
    assert "┃ Navn" in result.stdout and "│ Agder │" in result.stdout


@pytest.mark.parametrize("args", [["logg"], ["config", "vis"], ["forklar", None]])
def test_narrow_terminal_fits_every_line(screened: dict[str, str], terminal, args: list) -> None:
    terminal(60)
    result = run_kt(*[a or next(iter(screened)) for a in args])
    assert result.code == 0, result.output
    assert not BOX.search(result.stdout)
    assert max(len(line.rstrip()) for line in _lines(result.stdout)) <= 60


# ---------- 12: long output ----------

def test_liste_at_a_terminal_shows_what_needs_doing_first_and_says_how_to_see_all(screened: dict[str, str],
                                                                                 terminal) -> None:
    terminal(120)
    result = run_kt("liste")
    assert result.code == 0
    rows = [line for line in _lines(result.stdout) if line.startswith("│ ")]
    assert len(rows) == 50
    statuses = [row.split("│")[6].strip() for row in rows]
    assert statuses[:17] == ["Kandidat"] * 16 + ["Må vurderes"]  # who to call first
    assert "Viser de 50 første av 317 personer" in " ".join(result.stdout.split())
    assert "kt liste --alle" in result.stdout
    everyone = run_kt("liste", "--alle")
    assert len([line for line in _lines(everyone.stdout) if line.startswith("│ ")]) == 317
    assert "Viser de" not in everyone.stdout


def test_person_vis_shows_the_essentials_and_how_to_see_everything(screened: dict[str, str], tmp_path: Path) -> None:
    person = next(iter(screened))
    for _ in range(8):
        assert run_kt("forklar", person).code == 0  # a long log
    short = run_kt("person", "vis", person)
    assert short.code == 0, short.output
    everything = run_kt("person", "vis", person, "--alle")
    assert everything.code == 0
    assert len(short.stdout.splitlines()) < len(everything.stdout.splitlines()) / 2
    assert "Logg (8, viser de 5 nyeste)" in short.stdout
    assert f"kt person vis {person} --alle" in short.stdout
    assert screened[person] in short.stdout
    assert "Logg (9)" in everything.stdout  # and the look just now


def test_screen_in_a_narrow_terminal_indents_what_does_not_fit(kt_home: Path, terminal) -> None:
    terminal(60)
    result = run_kt("screen", str(SAMPLES / "uke10_kristiansand.xlsx"), "--fylke", "agder")
    assert result.code == 0, result.output
    lines = _lines(result.stdout)
    start = lines.index("Kandidater og personer som må vurderes – NAV Kristiansand") + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("Se alle kriterier"))
    block = lines[start:end]
    assert len(block) > 20
    for line in block:  # the id starts a person; everything else about the person is indented under it
        assert re.match(r"[a-z2-9]{5}  \d{6}\*{5}  \S", line) or line.startswith("      "), line
        assert len(line.rstrip()) <= 60


# ---------- 11: kt rapport in a pipe and in a narrow terminal ----------

def test_rapport_in_a_pipe_is_not_wrapped_and_has_no_padding(screened: dict[str, str], kt_home: Path) -> None:
    result = _kt(kt_home, "rapport", "--fylke", "agder")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.endswith(" ")]
    assert max(map(len, lines)) < 200  # headings are short lines, not rules as wide as an unwrapped console
    assert "── Nivå 1: Kartleggingssamtale ──" in lines
    # a caption is one line, not broken at the table's width
    assert "Andeler av kartlagt. Samtaledato i perioden; også personer som ikke kom fra en liste." in lines
    assert any(re.match(r"^\s*NAV Lister\s+317\s+317\s", line) for line in lines)


def test_rapport_in_a_narrow_terminal_keeps_office_names_whole(screened: dict[str, str], terminal) -> None:
    terminal(50)
    result = run_kt("rapport", "--fylke", "agder")
    assert result.code == 0, result.output
    lines = _lines(result.stdout)
    assert max(len(line.rstrip()) for line in lines) <= 50
    assert not [line for line in lines if line.strip() in ("N…", "L…", "K…")]  # squeezed columns
    kartlagt = lines.index("Kartlegging og tiltak")
    assert lines[kartlagt + 1] == "NAV Lister"
    assert lines[kartlagt + 2].split() [:2] == ["Kartlagt", "0"]
