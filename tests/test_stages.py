"""Issue 17.8: one vocabulary of stage words; `kt liste --status X` counts what the report's X counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kompetanse_cli.stages import DECISION_LABELS, FUNNEL_LABELS, parse_status
from kompetanse_cli.store import db as kt_db
from kompetanse_cli.store import tallies as store
from tests.conftest import run_kt
from tests.test_kartlegg_cli import (
    LEVEL1_NEI,
    LEVEL2,
    LEVEL3,
    answer_file,
    complete_level_1,
    complete_level_2,
    kartlegg,
    screened_persons,
)


@pytest.fixture
def stages_db(tmp_path: Path, kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Persons at every stage: 7 candidates and 3 not; 1 kartlagt (not aktuell), 4 aktuell, of whom
    3 have a vedtak (started: the planned start has passed) and 1 finished."""
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    ids = screened_persons(tmp_path, candidates=7, others=3)
    kandidat, nei, a1, a2, a3, a4, under = ids[:7]
    complete_level_1(tmp_path, nei, LEVEL1_NEI)
    for person in (a1, a2, a3, a4):
        complete_level_1(tmp_path, person)
    for person in (a2, a3, a4):
        complete_level_2(tmp_path, person)
    assert kartlegg(a4, answer_file(tmp_path, LEVEL3, "niva3.toml"), "--niva", "3").code == 0
    assert kartlegg(under, answer_file(tmp_path, {"samtaledato": "07.03.2022"}, "delvis.toml")).code == 0
    return {"kandidat": kandidat, "nei": nei, "aktuell": a1, "vedtak": a3, "fullfort": a4, "under": under,
            "ikke": ids[7]}


def _report_counts(home: Path) -> dict[str, int]:
    """What `kt rapport --fylke alle` counts for each funnel row and decision, before small numbers are hidden."""
    conn, _ = kt_db.connect()
    try:
        with store.selections(conn, store.Scope()):
            counts: dict[str, int] = {}
            for row in store.funnel_lists(conn) + store.funnel_interviews(conn, dt.date.today()):
                for key in row.keys():
                    if key not in ("fylke", "kontor"):
                        counts[key] = counts.get(key, 0) + row[key]
    finally:
        conn.close()
    return counts


def _listed(*status: str) -> list[str]:
    result = run_kt("liste", "--json", *(("--status", status[0]) if status else ()))
    assert result.code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_liste_status_counts_what_the_report_counts(stages_db: dict[str, str], kt_home: Path) -> None:
    counts = _report_counts(kt_home)
    assert counts["aktuell"] == 4 and counts["vedtak"] == 3 and counts["finished"] == 1  # the setup is as meant
    for key, label in FUNNEL_LABELS.items():
        assert len(_listed(label)) == counts[key], label  # the row name the report prints
        assert len(_listed(key)) == counts[key], key  # and the key in its JSON
    for key, label in (("ikke_kandidat", "Ikke kandidat"), ("manuell", "Må vurderes")):
        assert len(_listed(label)) == counts[key], label
    assert len(_listed("aktuell")) == 4  # also those who went on to a vedtak, as in the report


def test_liste_uses_the_words_screen_and_rapport_use(stages_db: dict[str, str]) -> None:
    rows = {row["id"]: row["status"] for row in json.loads(run_kt("liste", "--json").stdout)}
    assert rows[stages_db["ikke"]] == "ikke_kandidat"  # not «listet»
    assert rows[stages_db["kandidat"]] == "kandidat"
    assert rows[stages_db["nei"]] == "kartlagt"
    assert rows[stages_db["aktuell"]] == "aktuell"
    assert rows[stages_db["vedtak"]] == "startet"  # planned start 04.04.2022 has passed
    assert rows[stages_db["fullfort"]] == "fullfort"
    assert rows[stages_db["under"]] == "under_kartlegging"
    table = run_kt("liste").stdout
    for word in ("Ikke kandidat", "Kandidat", "Kartlagt", "Aktuell", "Startet", "Fullført", "Under kartlegging"):
        assert word in table
    assert "listet" not in table.lower().replace("listedato", "")


@pytest.mark.parametrize("spelling", ["ikke kandidat", "Ikke kandidat", "IKKE_KANDIDAT", "ikke-kandidat",
                                      "not_candidates"])
def test_status_accepts_every_spelling_kt_prints(spelling: str) -> None:
    assert parse_status(spelling) == "ikke_kandidat"


@pytest.mark.parametrize("spelling, key", [("Må vurderes", "manuell"), ("ma vurderes", "manuell"),
                                           ("manuell", "manuell"), ("Kandidater", "kandidat"),
                                           ("candidates", "kandidat"), ("Fullført", "fullfort"),
                                           ("fullfort", "fullfort"), ("finished", "fullfort"), ("Startet", "startet"),
                                           ("Screenet", "screenet"), ("listed", "listet"), ("Under_kartlegging",
                                                                                        "under_kartlegging")])
def test_status_words(spelling: str, key: str) -> None:
    assert parse_status(spelling) == key


def test_every_decision_label_is_a_status() -> None:
    for key, label in DECISION_LABELS.items():
        assert parse_status(label) == key
