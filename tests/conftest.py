"""Shared fixtures: every test gets its own KT_HOME, so no test touches a real data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.no import fodselsnummer

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).parent.parent / "sample_data"


@pytest.fixture(autouse=True)
def kt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "kt-home"
    monkeypatch.setenv("KT_HOME", str(home))
    # reading personal data needs an identity (issue 15, point 12): tests run as a synthetic
    # veileder unless they say otherwise
    monkeypatch.setenv("KT_VEILEDER", "Z999001")
    monkeypatch.setenv("COLUMNS", "200")
    return home


def _with_check_digits(base: str) -> str | None:
    """The 9 first digits completed with python-stdnum's check digits, or None when one would be 10."""
    first = fodselsnummer.calc_check_digit1(base)
    if first == "10":
        return None
    second = fodselsnummer.calc_check_digit2(base + first)
    return None if second == "10" else base + first + second


def synthetic_fnr(born: dt.date, individual: int | None = None) -> str:
    """A valid synthetic fødselsnummer (birth month + 40), check digits from python-stdnum.

    Individnummer 000–499 mean born 1900–1999, 500–999 born 2000–2039.
    """
    if individual is None:
        individual = 123 if born.year < 2000 else 623
    for number in range(individual, individual + 50):
        candidate = _with_check_digits(f"{born:%d}{born.month + 40:02d}{born:%y}{number:03d}")
        if candidate and fodselsnummer.is_valid(candidate) and fodselsnummer.get_birth_date(candidate) == born:
            return candidate
    raise AssertionError("no valid synthetic number in range")


def synthetic_fnrs(count: int, first_day: dt.date) -> list[str]:
    """`count` distinct synthetic fødselsnummer for people born 1900–1999, from `first_day` on."""
    found: list[str] = []
    day = first_day
    while len(found) < count:
        for individual in range(100, 500):
            candidate = _with_check_digits(f"{day:%d}{day.month + 40:02d}{day:%y}{individual:03d}")
            if candidate:
                found.append(candidate)
                if len(found) == count:
                    break
        day += dt.timedelta(days=1)
    return found


class KtRun:
    """What one `kt` invocation produced."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_kt(*args: str, input: str | None = None) -> KtRun:
    """Run `kt` in-process through its real entry point (error handling included)."""
    from typer.testing import CliRunner

    from kompetanse_cli.cli.app import main

    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return KtRun(code, stdout, stderr)
