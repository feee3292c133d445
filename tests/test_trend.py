"""`kt rapport --per uke|maaned`: the funnel per period and office, suppressed, in text, JSON and HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_kt
from tests.test_rapport import HAMAR, KRS, LISTER, build_store


def _trend(*args: str) -> dict:
    result = run_kt("rapport", *args, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)["trend"]


def _rows(trend: dict) -> dict[tuple[str, str | None], dict]:
    return {(r["period"], r["kontor"]): r["counts"] for r in trend["rows"]}


@pytest.fixture
def known(kt_home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KT_VEILEDER", "A123456")
    return build_store(kt_home)


def test_per_week_and_month(known) -> None:
    weeks = _trend("--fylke", "alle", "--per", "uke")
    assert weeks["per"] == "uke"
    rows = _rows(weeks)
    # lists of Monday 07.03 (week 10) and 02.05 (week 18); talks of 15.03 (week 11); the talks of
    # 01.06 (week 22) are not finished, so nothing happened then
    assert [r["period"] for r in weeks["rows"] if r["total"]] == [f"2022-W{w}" for w in range(10, 19)]
    assert rows[("2022-W10", KRS)] | {"candidates": 0} == {"listed": 47, "candidates": 0, "kartlagt": 0, "aktuell": 0,
                                                           "vedtak": 0}
    assert rows[("2022-W10", None)]["candidates"] == 38
    assert rows[("2022-W10", HAMAR)]["listed"] == 8 and rows[("2022-W10", LISTER)]["listed"] == 17
    assert rows[("2022-W10", None)]["listed"] == 72
    assert rows[("2022-W11", KRS)] == {"listed": 0, "candidates": 0, "kartlagt": 29, "aktuell": 22, "vedtak": 17}
    assert rows[("2022-W18", KRS)]["listed"] is None  # two persons: «<5»
    assert rows[("2022-W13", None)] == {"listed": 0, "candidates": 0, "kartlagt": 0, "aktuell": 0, "vedtak": 0}
    months = _rows(_trend("--fylke", "agder", "--per", "maaned"))
    assert months[("2022-03", KRS)] | {"candidates": 0} == {"listed": 47, "candidates": 0, "kartlagt": 29,
                                                            "aktuell": 22, "vedtak": 17}
    assert set(months) == {("2022-03", KRS), ("2022-03", LISTER), ("2022-03", None), ("2022-04", None),
                           ("2022-05", KRS), ("2022-05", None)}
    bad = run_kt("rapport", "--fylke", "agder", "--per", "dag")
    assert bad.code == 2 and "--per skal være uke eller maaned" in bad.stderr


def test_trend_survives_rydd(known) -> None:
    before = _rows(_trend("--fylke", "alle", "--per", "maaned"))
    assert run_kt("rydd", "--ja").code == 0
    after = _rows(_trend("--fylke", "alle", "--per", "maaned"))
    assert after == before


def test_trend_in_text_and_html(known, tmp_path: Path) -> None:
    text = run_kt("rapport", "--fylke", "agder", "--per", "uke")
    assert text.code == 0, text.output
    assert "Per uke" in text.stdout and "uke 10 2022" in text.stdout
    line = next(x for x in text.stdout.splitlines() if "uke 11 2022" in x)
    assert line.split()[-5:] == ["0", "0", "29", "22", "17"]
    path = tmp_path / "rapport.html"
    assert run_kt("rapport", "--fylke", "agder", "--per", "maaned", "--html", str(path)).code == 0
    html = path.read_text(encoding="utf-8")
    section = html[html.index("<h2 class=\"newpage\">Per måned</h2>"):]
    assert section.count("<svg viewBox") == 3  # all offices, Kristiansand, Lister
    assert "<polyline" in section and "<script" not in html and "http" not in section
    assert "<td>mars 2022</td><td>NAV Kristiansand</td>" in section


def test_trend_in_the_workbook(known, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "rapport.xlsx"
    assert run_kt("rapport", "--fylke", "agder", "--per", "maaned", "--xlsx", str(path)).code == 0
    sheet = openpyxl.load_workbook(path)["Per måned"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Periode", "Fra", "Kontor", "Listet", "Kandidater", "Kartlagt", "Aktuell", "Vedtak"]
    assert rows[1][:4] + rows[1][5:] == ["mars 2022", "01.03.2022", KRS, 47, 29, 22, 17]
