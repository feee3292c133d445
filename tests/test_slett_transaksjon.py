"""`kt slett` and `kt rydd` delete in one transaction with their audit entry (both backends): if the
entry cannot be written, nothing is deleted (a deletion is never left without its trace)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import Backend, run_kt, synthetic_fnr
from tests.test_cli_screen import person_row, write_list


def _two_persons(tmp_path: Path) -> list[str]:
    start = dt.date(2022, 1, 3)
    path = write_list(tmp_path / "liste.xlsx", [person_row(synthetic_fnr(dt.date(1980, 5, 17)), start=start),
                                                person_row(synthetic_fnr(dt.date(1975, 2, 3)), start=start)],
                      title="Uttak 07.03.2022")
    result = run_kt("screen", str(path), "--fylke", "agder", "--json")
    assert result.code == 0, result.output
    import json

    return [p["id"] for p in json.loads(result.stdout)["persons"]]


def _failing_log(monkeypatch: pytest.MonkeyPatch) -> None:
    from kompetanse_cli.store import audit

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("loggen kunne ikke skrives")

    monkeypatch.setattr(audit, "log", fail)


def test_slett_keeps_the_person_when_the_audit_entry_fails(backend: Backend, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = _two_persons(tmp_path)
    entries = backend.value("SELECT COUNT(*) FROM logg")
    _failing_log(monkeypatch)
    from kompetanse_cli.personvern import sletting

    conn = backend.open()
    try:
        with pytest.raises(OSError):
            sletting.delete_person(conn, first, veileder="A123456")
    finally:
        conn.close()
    assert backend.value("SELECT COUNT(*) FROM person WHERE kort_id = ?", (first,)) == 1
    assert backend.value("SELECT COUNT(*) FROM listeoppforing") == 2
    assert backend.value("SELECT COUNT(*) FROM logg") == entries


def test_slett_deletes_and_logs_together(backend: Backend, tmp_path: Path) -> None:
    first, second = _two_persons(tmp_path)
    result = run_kt("slett", first, "--ja")
    assert result.code == 0, result.output
    assert backend.rows("SELECT kort_id FROM person") == [(second,)]
    assert backend.rows("SELECT handling, person FROM logg WHERE handling = 'person slettet'") == [
        ("person slettet", first)]


def test_rydd_keeps_everyone_when_the_audit_entry_fails(backend: Backend, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _two_persons(tmp_path)  # listed 07.03.2022, never kartlagt: long past the three months
    from kompetanse_cli.personvern import sletting

    conn = backend.open()
    try:
        plan = sletting.plan_retention(conn)
        assert len(plan.never_interviewed) == 2
        _failing_log(monkeypatch)
        with pytest.raises(OSError):
            sletting.apply_retention(conn, plan, veileder="A123456")
    finally:
        conn.close()
    assert backend.value("SELECT COUNT(*) FROM person") == 2
