"""Issue 17.10: line editing at the interview's prompts (prompt_toolkit), in a real terminal."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from kompetanse_cli.interview.template import DEFAULT_TEMPLATE, load_template, parse_answer
from tests.test_kartlegg_cli import LEVEL1_JA, answer_file, kartlegg, screened_persons
from tests.test_kartlegg_terminal import _stored

TIMEOUT = 20
LEFT, HOME, BACKSPACE, ALT_ENTER = "\x1b[D", "\x1b[H", "\x7f", "\x1b\r"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def _spawn(person: str) -> pexpect.spawn:
    # a terminal that understands cursor keys (the other terminal tests use TERM=dumb); prompt_toolkit
    # is told not to ask the terminal where the cursor is, which pexpect would not answer
    env = {**os.environ, "KT_VEILEDER": "A123456", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("COLUMNS", None)
    return pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "kartlegg", person], env=env, encoding="utf-8",
                         timeout=TIMEOUT, dimensions=(40, 100))


def _at_prompt(child: pexpect.spawn, question: str) -> None:
    child.expect_exact(question)
    child.expect_exact("q avslutt")  # the hint line, then the prompt
    child.expect_exact(">")


def _stop(child: pexpect.spawn) -> None:
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()


def test_a_date_corrected_with_the_arrow_keys_is_stored(tmp_path: Path, kt_home: Path) -> None:
    (person,) = screened_persons(tmp_path)
    child = _spawn(person)
    _at_prompt(child, "Dato for kartleggingssamtalen")
    child.send("10.04.2022")  # the month is wrong: back five, delete the 4, type 3
    child.send(LEFT * 5 + BACKSPACE + "3\r")
    _at_prompt(child, "Hvordan ble samtalen gjennomført?")
    child.send("2022" + HOME + "1\r")  # Home goes to the start of the line: «12022» is not a choice
    child.expect_exact("Ukjent svar")
    child.expect_exact(">")
    child.send("1\r")
    _at_prompt(child, "Hvordan er bruker identifisert")
    _stop(child)
    assert _stored(kt_home) == {"samtaledato": "2022-03-10", "samtaleform": "telefon"}


def test_enter_at_the_conversation_date_means_today(tmp_path: Path, kt_home: Path) -> None:
    (person,) = screened_persons(tmp_path)
    child = _spawn(person)
    child.expect_exact(f"Enter = i dag ({dt.date.today():%d.%m.%Y})")
    child.expect_exact(">")
    child.send("\r")
    _at_prompt(child, "Hvordan ble samtalen gjennomført?")
    _stop(child)
    assert _stored(kt_home) == {"samtaledato": dt.date.today().isoformat()}


def test_a_note_over_two_lines_and_earlier_answers_with_the_up_arrow(tmp_path: Path, kt_home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    (person,) = screened_persons(tmp_path)
    answers = {k: v for k, v in LEVEL1_JA.items() if k != "notat"}  # everything but the note: resumes there
    assert kartlegg(person, answer_file(tmp_path, answers)).code == 0
    child = _spawn(person)
    _at_prompt(child, "Notat")
    child.send("Ønsker kurs." + ALT_ENTER + "Ringer igjen i april.\r")
    child.expect_exact("Oppsummering")
    child.expect_exact("Enter for å fullføre")
    child.send("16\r")  # change the note again: Up brings back what was typed, End is where the cursor is
    _at_prompt(child, "Notat")
    child.send("\x1b[A" + " Hilsen.\r")
    child.expect_exact("Enter for å fullføre")
    child.send("\r")
    child.expect_exact("Nivå 1 er fullført")
    child.expect(pexpect.EOF)
    assert _stored(kt_home)["notat"] == "Ønsker kurs.\nRinger igjen i april. Hilsen."


@pytest.mark.parametrize("typed, days_before", [("i dag", 0), ("I dag", 0), ("idag", 0), ("i går", 1), ("igår", 1)])
def test_date_words(typed: str, days_before: int) -> None:
    question = load_template(DEFAULT_TEMPLATE).question("samtaledato")
    today = dt.date(2022, 3, 8)
    assert parse_answer(question, typed, {}, today=today) == (today - dt.timedelta(days=days_before)).isoformat()
