"""Privacy gaps (issue 15, points 11, 12 and 14): free text kept out of the append-only log,
an identity for reading personal data, and smaller faults.

All persons are synthetic. Numbers and names are never put in test ids or assertion messages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
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
    grouped = "-".join(digest[i:i + 4] for i in range(0, 16, 4))
    check(f"sha256:{grouped}" in details, "the log names the file by its content")
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


# ---------- 12: reading personal data needs an identity ----------

ROOT = Path(__file__).parent.parent


@pytest.fixture
def one_person(tmp_path: Path, kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """One screened person; afterwards no veileder is set (as in a fresh shell)."""
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    path = write_list(tmp_path / "uke10.xlsx", [person_row(FNR, start=START, name=NAME)], title="Uttak 07.03.2022")
    assert run_kt("screen", str(path), "--fylke", "agder").code == 0
    monkeypatch.delenv("KT_VEILEDER")
    return query(kt_home, "SELECT kort_id FROM person")[0][0]


@pytest.mark.parametrize("command", ["person vis", "forklar", "innsyn", "screen", "backup"])
def test_reading_without_an_ident_is_refused_in_a_script(command: str, one_person: str, kt_home: Path,
                                                         tmp_path: Path) -> None:
    args = {"person vis": ["person", "vis", one_person], "forklar": ["forklar", one_person],
            "innsyn": ["innsyn", one_person, "--ut", str(tmp_path / "innsyn.json")],
            "screen": ["screen", str(tmp_path / "uke10.xlsx"), "--fylke", "agder"],
            "backup": ["backup", str(tmp_path / "kopi.db")]}[command]
    before = query(kt_home, "SELECT COUNT(*) FROM logg")
    result = run_kt(*args)
    assert result.code == 2
    assert "kt config set veileder" in result.stderr
    check(NAME not in result.stdout and FNR not in result.stdout, "personal data shown without an ident")
    assert query(kt_home, "SELECT COUNT(*) FROM logg") == before  # nothing read, so nothing to log
    assert not (tmp_path / "innsyn.json").exists() and not (tmp_path / "kopi.db").exists()


def test_reading_at_a_terminal_asks_for_the_ident_and_logs_it(one_person: str, kt_home: Path) -> None:
    import pexpect

    env = {**os.environ, "KT_HOME": str(kt_home), "COLUMNS": "120", "TERM": "dumb"}
    env.pop("KT_VEILEDER", None)
    child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "vis", one_person], env=env,
                          cwd=str(ROOT), encoding="utf-8", timeout=60)
    try:
        child.expect("NAV-ident")
        child.sendline("feil")
        child.expect("én bokstav og seks sifre")
        child.sendline("b654321")
        child.expect("Lister \\(1\\)")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert query(kt_home, "SELECT veileder, person FROM logg WHERE handling = 'person vist'") == [
        ("B654321", one_person)]


# ---------- 14: smaller faults ----------

def test_person_finn_does_not_echo_the_number_and_logs_a_search_that_finds_nobody(one_person: str,
                                                                                   kt_home: Path) -> None:
    import pexpect

    env = {**os.environ, "KT_HOME": str(kt_home), "COLUMNS": "120", "TERM": "dumb", "KT_VEILEDER": VEILEDER}
    unknown = synthetic_fnr(dt.date(1990, 6, 7))
    for number, expected in ((FNR, one_person), (unknown, "Fant ingen person")):
        child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "finn"], env=env,
                              cwd=str(ROOT), encoding="utf-8", timeout=60)
        try:
            child.expect("Fødselsnummer")
            child.sendline(number)
            child.expect(expected)
            child.expect(pexpect.EOF)
            shown = child.before + child.after if isinstance(child.after, str) else child.before
        finally:
            child.close()
        check(number not in (child.logfile_read or "") and number not in shown, "the typed number was echoed")
    assert query(kt_home, "SELECT handling, person FROM logg WHERE handling LIKE 'person søkt opp%' ORDER BY id") == [
        ("person søkt opp", one_person), ("person søkt opp, ikke funnet", None)]


def test_person_finn_echo_checked_on_the_whole_screen(one_person: str, kt_home: Path) -> None:
    """Everything the terminal showed, from the first byte: the number typed never appears."""
    import io

    import pexpect

    env = {**os.environ, "KT_HOME": str(kt_home), "COLUMNS": "120", "TERM": "dumb", "KT_VEILEDER": VEILEDER}
    screen = io.StringIO()
    child = pexpect.spawn(sys.executable, ["-m", "kompetanse_cli", "person", "finn"], env=env, cwd=str(ROOT),
                          encoding="utf-8", timeout=60)
    child.logfile_read = screen
    try:
        child.expect("Fødselsnummer")
        child.sendline(FNR)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    check(one_person in screen.getvalue(), "the person was not found")
    check(FNR not in screen.getvalue(), "the typed number was shown on the screen")


def test_interview_of_a_person_deleted_meanwhile_says_so(one_person: str, kt_home: Path) -> None:
    from kompetanse_cli.errors import KtError
    from kompetanse_cli.interview.session import open_level
    from kompetanse_cli.store import db

    conn, _ = db.connect()
    try:
        session = open_level(conn, one_person, 1, veileder=VEILEDER)
        session.save("samtaleform", "telefon")
        other, _ = db.connect()
        try:  # another kt deletes the person while the interview is open
            from kompetanse_cli.personvern.sletting import delete_person

            delete_person(other, one_person, veileder=VEILEDER)
        finally:
            other.close()
        with pytest.raises(KtError) as raised:
            session.save("utdanning", "fagbrev")
        assert "slettet i mellomtiden" in raised.value.message
    finally:
        conn.close()
    assert query(kt_home, "SELECT COUNT(*) FROM svar") == [(0,)]
    assert query(kt_home, "SELECT COUNT(*) FROM kartlegging") == [(0,)]


def test_interview_level_started_after_the_person_was_deleted_says_so(one_person: str, kt_home: Path) -> None:
    from kompetanse_cli.errors import KtError
    from kompetanse_cli.interview.session import open_level
    from kompetanse_cli.store import db

    conn, _ = db.connect()
    try:
        session = open_level(conn, one_person, 1, veileder=VEILEDER)  # nothing stored yet
        assert run_kt("slett", one_person, "--ja").code == 0
        with pytest.raises(KtError) as raised:
            session.save("samtaleform", "telefon")
        assert "slettet i mellomtiden" in raised.value.message
    finally:
        conn.close()
    assert query(kt_home, "SELECT COUNT(*) FROM kartlegging") == [(0,)]


def test_config_refuses_control_characters_and_repairs_a_broken_file(kt_home: Path) -> None:
    refused = run_kt("config", "set", "kontor", "a\nb")
    assert refused.code == 2 and "kontrolltegn" in refused.stderr
    assert not (kt_home / "config.toml").exists() or "a\nb" not in (kt_home / "config.toml").read_text()
    assert run_kt("config", "set", "fylke", "agder").code == 0
    # a file broken by hand (or by an older kt): commands say so, and `kt config set` repairs it
    path = kt_home / "config.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'kontor = "a\nb"\n', encoding="utf-8")
    broken = run_kt("config", "vis")
    assert broken.code == 1 and "config.toml" in broken.stderr and "Traceback" not in broken.output
    repaired = run_kt("config", "set", "kontor", "NAV Lister")
    assert repaired.code == 0, repaired.stderr
    assert "skrevet på nytt" in repaired.stderr
    shown = run_kt("config", "vis")
    assert shown.code == 0 and "agder" in shown.stdout and "NAV Lister" in shown.stdout
    assert run_kt("liste").code == 0


def test_logg_til_the_last_day_there_is(one_person: str) -> None:
    """No OverflowError (run_kt re-raises anything unexpected): the whole log, or a clear word
    that the date is not one kt takes."""
    result = run_kt("logg", "--til", "31.12.9999", "--json")
    if result.code == 0:
        assert any(entry["action"] == "liste importert og screenet" for entry in json.loads(result.stdout))
    else:
        assert result.code == 2 and "--til" in result.stderr and "Traceback" not in result.output


def test_slett_names_the_users_own_backups_that_still_hold_the_person(one_person: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    copy = tmp_path / "sikker" / "kt-mandag.db"
    copy.parent.mkdir()
    assert run_kt("backup", str(copy)).code == 0
    result = run_kt("slett", one_person, "--ja")
    assert result.code == 0, result.stderr
    assert "1 sikkerhetskopi du har tatt" in result.stdout
    assert "kt-mandag.db" in " ".join(result.stdout.split())
