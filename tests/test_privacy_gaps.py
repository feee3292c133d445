"""Privacy gaps (issue 15, points 11, 12 and 14): free text kept out of the append-only log,
an identity for reading personal data, and smaller faults.

All persons are synthetic. Numbers and names are never put in test ids or assertion messages.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_kt, synthetic_fnr
from tests.test_cli_screen import person_row, write_list

VEILEDER = "A123456"
FNR = synthetic_fnr(dt.date(1981, 4, 5))
NAME = "Åsmund Ødegård-Slettemann"
START = dt.date(2022, 1, 3)


def check(ok: bool, what: str) -> None:
    """Assert without pytest's introspection, so a failure never prints personal data."""
    __tracebackhide__ = True
    if not ok:
        raise AssertionError(what)


def query(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(home / "kt.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def named_list(tmp_path: Path) -> Path:
    """A list file named after the person on it, as an office might save it."""
    return write_list(tmp_path / f"{FNR} {NAME}.xlsx", [person_row(FNR, start=START, name=NAME)],
                      title="Uttak 07.03.2022")


# ---------- 11: free text never reaches the append-only log ----------

def test_file_names_and_filters_stay_out_of_the_log(named_list: Path, kt_home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    screened = run_kt("screen", str(named_list), "--fylke", "agder")
    assert screened.code == 0, screened.stderr
    check(FNR not in screened.output, "the screen summary shows the number in the file name")
    check("***********" in screened.stdout, "the summary names the file, masked")
    again = run_kt("screen", str(named_list), "--fylke", "agder")  # «liste vist på nytt»
    assert again.code == 0, again.stderr
    assert run_kt("liste", "--kontor", FNR).code == 0
    person, = [row[0] for row in query(kt_home, "SELECT kort_id FROM person")]
    assert run_kt("slett", person, "--ja").code == 0
    details = " ".join(row[0] or "" for row in query(kt_home, "SELECT detaljer FROM logg"))
    check(FNR not in details and "Slettemann" not in details, "the log holds the file name or the filter")
    digest = query(kt_home, "SELECT sha256 FROM import")[0][0]
    check(f"sha256:{digest[:16]}" in details, "the log names the file by its content")
    shown = run_kt("logg")
    as_json = run_kt("logg", "--json")
    assert shown.code == 0 and as_json.code == 0
    check(FNR not in shown.output + as_json.output, "kt logg prints the number")
    raw = b"".join(p.read_bytes() for p in kt_home.glob("kt.db*"))
    check(FNR.encode() not in raw, "the number survives kt slett in the database file")


def test_kt_logg_masks_numbers_in_entries_written_before(kt_home: Path) -> None:
    assert run_kt("liste").code == 0
    conn = sqlite3.connect(kt_home / "kt.db")
    with conn:  # as an older kt wrote it: the file name as it was
        conn.execute("INSERT INTO logg (tidspunkt, veileder, handling, person, detaljer) VALUES "
                     "('2022-03-07T10:00:00', 'A123456', 'liste importert og screenet', NULL, ?)",
                     (f"{FNR} {NAME}.xlsx: 1 importert, 0 avvist",))
    conn.close()
    shown, as_json = run_kt("logg"), run_kt("logg", "--json")
    check(FNR not in shown.output + as_json.output, "kt logg prints an old entry's number")
    check("***********" in as_json.stdout, "the entry is shown, masked")
