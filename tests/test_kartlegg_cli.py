"""`kt kartlegg` (--svar, levels, history, import), `kt liste`, `kt config`, through the real entry point.

Every test checks the exit code, what the veileder reads, and the rows in KT_HOME/kt.db.
All persons are synthetic (synthetic_fnr, made-up names).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import stat
from pathlib import Path

import openpyxl
import pytest

from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr

VEILEDER = "A123456"
OTHER_VEILEDER = "B654321"
LIST_HEADER = ["Fødselsnr", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose", "Arbeidsgiver", "Yrke",
               "Kommunenr", "Tidligere sykefravær"]
SICK_FROM = dt.date(2022, 1, 3)  # a Monday; the 248th sykepengedag is Wednesday 14.12.2022


# ---------- helpers ----------

def db_rows(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    return dbrows.tuples(sql, params)  # `home` is KT_HOME: kt's own database


def stored(home: Path, person: str, niva: int) -> dict[str, str | None]:
    return dict(db_rows(home, "SELECT s.sporsmal, s.verdi FROM svar s JOIN kartlegging k ON k.id = s.kartlegging_id "
                              "JOIN person p ON p.id = k.person_id WHERE p.kort_id = ? AND k.niva = ?",
                        (person, niva)))


def level_row(home: Path, person: str, niva: int) -> tuple | None:
    rows = db_rows(home, "SELECT k.mal_id, k.mal_versjon, k.veileder, k.fullfort FROM kartlegging k "
                         "JOIN person p ON p.id = k.person_id WHERE p.kort_id = ? AND k.niva = ?", (person, niva))
    return rows[0] if rows else None


def count(home: Path, table: str) -> int:
    return db_rows(home, f"SELECT COUNT(*) FROM {table}")[0][0]


def screened_persons(tmp_path: Path, candidates: int = 1, others: int = 0) -> list[str]:
    """Put persons in the database the way veiledere do: `kt screen` on a small list.

    Returns kt's short ids: first the candidates (grade 100), then the others (grade 80, not candidates).
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Liste"
    sheet.append(["Uttak 07.03.2022"])
    sheet.append(LIST_HEADER)
    for number in range(candidates + others):
        fnr = synthetic_fnr(dt.date(1970 + number, 1 + number % 12, 10 + number))
        grade = 100 if number < candidates else 80
        sheet.append([fnr, f"Testperson {number + 1}", SICK_FROM, None, grade, "L03", "Testbygg AS", "7115 Tømrer",
                      "4206", 2])
    path = tmp_path / "liste.xlsx"
    workbook.save(path)
    result = run_kt("screen", str(path), "--fylke", "agder", "--json")
    assert result.code == 0, result.output
    persons = sorted(json.loads(result.stdout)["persons"], key=lambda p: p["row"])
    assert [p["decision"] for p in persons] == ["kandidat"] * candidates + ["ikke_kandidat"] * others
    return [p["id"] for p in persons]


def _toml_value(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()  # a TOML date, not a string
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string is JSON-compatible


def answer_file(tmp_path: Path, answers: dict[str, object], name: str = "svar.toml") -> Path:
    path = tmp_path / name
    if path.suffix == ".json":
        path.write_text(json.dumps(answers, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        path.write_text("".join(f"{k} = {_toml_value(v)}\n" for k, v in answers.items()), encoding="utf-8")
    return path


def kartlegg(person: str, path: Path, *extra: str):
    return run_kt("kartlegg", person, "--svar", str(path), *extra)


# Level 1 as a veileder would write it: keys, labels and numbers mixed.
LEVEL1_JA: dict[str, object] = {
    "samtaledato": "07.03.2022",
    "samtaleform": "Telefon",
    "identifisert_av": "nav_veileder",
    "samtale_av": "Prosjektgruppa",
    "utdanning": "fagbrev",
    "helse_naavaerende_jobb": "Delvis",
    "ag_tilrettelagt": "ja",
    "ag_gjenvaerende_muligheter": "nei",
    "manglende_kompetanse": "Vet ikke",
    "onsker_annet_arbeid": "ja",
    "onsker_annen_arbeidsgiver": "nei",
    "trenger_ny_kompetanse": "1",
    "aktuell": "ja",
    "karriereveiledning": "Ja, fra karrieresenteret",
    "informert_inntekt": "ja",
    "notat": "Ønsker kurs for førerkort klasse C.",
}
LEVEL1_JA_STORED = {
    "samtaledato": "2022-03-07", "samtaleform": "telefon", "identifisert_av": "nav_veileder",
    "samtale_av": "prosjektgruppa", "utdanning": "fagbrev", "helse_naavaerende_jobb": "delvis",
    "ag_tilrettelagt": "ja", "ag_gjenvaerende_muligheter": "nei", "manglende_kompetanse": "vet_ikke",
    "onsker_annet_arbeid": "ja", "onsker_annen_arbeidsgiver": "nei", "trenger_ny_kompetanse": "ja",
    "aktuell": "ja", "karriereveiledning": "karrieresenteret", "informert_inntekt": "ja",
    "notat": "Ønsker kurs for førerkort klasse C.",
}
LEVEL1_NEI: dict[str, object] = {
    **{k: v for k, v in LEVEL1_JA.items() if k not in ("onsker_annen_arbeidsgiver", "trenger_ny_kompetanse",
                                                       "informert_inntekt")},
    "onsker_annet_arbeid": "nei",
    "aktuell": "nei",
    "hovedaarsak_ikke_aktuell": "tilbake_opprinnelig",
}
LEVEL2: dict[str, object] = {
    "tiltakstype": "AMO",
    "kurs": "Førerkort klasse C",
    "tilbyder": "Testskolen AS",
    "vedtaksdato": "14.03.2022",
    "planlagt_start": "04.04.2022",
    "planlagt_slutt": "24.06.2022",
}
LEVEL3: dict[str, object] = {
    "gjennomfort": "ja",
    "nyttig": "ja",
    "situasjon_etter": "ny_stilling_samme_ag",
    "bidratt_til_jobb": "delvis",
}


@pytest.fixture
def veileder(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    return VEILEDER


def complete_level_1(tmp_path: Path, person: str, answers: dict[str, object] = LEVEL1_JA) -> None:
    suffix = ".json" if None in answers.values() else ".toml"  # TOML has no null
    result = kartlegg(person, answer_file(tmp_path, answers, f"niva1_{person}{suffix}"))
    assert result.code == 0, result.output
    assert "Nivå 1 er fullført" in result.stdout


def complete_level_2(tmp_path: Path, person: str) -> None:
    result = kartlegg(person, answer_file(tmp_path, LEVEL2, f"niva2_{person}.toml"), "--niva", "2")
    assert result.code == 0, result.output
    assert "Nivå 2 er fullført" in result.stdout


# ---------- --svar files ----------

def test_svar_toml_stores_every_answer_and_completes_the_level(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    answers = {**LEVEL1_JA, "samtaledato": dt.date(2022, 3, 7)}  # a TOML date works as well as text
    result = kartlegg(person, answer_file(tmp_path, answers))
    assert result.code == 0, result.output
    assert f"Lagret 16 svar for {person}, nivå 1" in result.stdout
    assert "Nivå 1 er fullført" in result.stdout
    rows = db_rows(kt_home, "SELECT s.sporsmal, s.verdi, s.mal_id, s.mal_versjon, s.veileder, s.tidspunkt "
                            "FROM svar s JOIN kartlegging k ON k.id = s.kartlegging_id WHERE k.niva = 1 ORDER BY s.id")
    assert {r[0]: r[1] for r in rows} == LEVEL1_JA_STORED
    assert len(rows) == 16
    assert {(r[2], r[3], r[4]) for r in rows} == {("registreringsskjema", "1", VEILEDER)}
    assert all(r[5] for r in rows)
    mal_id, mal_versjon, who, done = level_row(kt_home, person, 1)
    assert (mal_id, mal_versjon, who) == ("registreringsskjema", "1", VEILEDER)
    assert done is not None
    assert count(kt_home, "svar_historikk") == 0
    assert (VEILEDER, "kartlegging nivå 1 fullført", person) in db_rows(
        kt_home, "SELECT veileder, handling, person FROM logg")
    # the log names kt's short id only, never the fødselsnummer
    fnrs = [r[0] for r in db_rows(kt_home, "SELECT fnr FROM person")]
    assert not any(fnr in str(row) for row in db_rows(kt_home, "SELECT * FROM logg") for fnr in fnrs)
    assert not any(fnr in result.output for fnr in fnrs)


def test_svar_json_with_skipped_answer_completes_the_level(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    answers = {**LEVEL1_NEI, "utdanning": None, "samtaleform": 3}  # null = skipped (Ubesvart); 3 = third choice
    result = kartlegg(person, answer_file(tmp_path, answers, "svar.json"))
    assert result.code == 0, result.output
    assert "Nivå 1 er fullført" in result.stdout
    values = stored(kt_home, person, 1)
    assert values["utdanning"] is None and "utdanning" in values
    assert values["samtaleform"] == "oppmote"
    assert values["aktuell"] == "nei" and values["hovedaarsak_ikke_aktuell"] == "tilbake_opprinnelig"
    assert "informert_inntekt" not in values
    assert len(values) == 14
    assert db_rows(kt_home, "SELECT DISTINCT mal_id, mal_versjon, veileder FROM svar") == [
        ("registreringsskjema", "1", VEILEDER)]
    assert level_row(kt_home, person, 1)[3] is not None


def test_svar_file_with_answers_missing_leaves_the_level_open(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    partial = {k: LEVEL1_JA[k] for k in ("samtaledato", "samtaleform", "aktuell")}
    result = kartlegg(person, answer_file(tmp_path, partial))
    assert result.code == 0, result.output
    assert "ikke fullført" in result.stdout and "identifisert_av" in result.stdout
    assert "informert_inntekt" in result.stdout  # shown because aktuell = ja
    assert "hovedaarsak_ikke_aktuell" not in result.stdout
    assert len(stored(kt_home, person, 1)) == 3
    assert level_row(kt_home, person, 1)[3] is None
    # the rest in a second file completes it
    rest = {k: v for k, v in LEVEL1_JA.items() if k not in partial}
    again = kartlegg(person, answer_file(tmp_path, rest, "resten.toml"))
    assert again.code == 0 and "Nivå 1 er fullført" in again.stdout
    assert stored(kt_home, person, 1) == LEVEL1_JA_STORED


BAD_FILES = {
    "unknown_id": ({**LEVEL1_JA, "favorittfarge": "blå"}, ["«favorittfarge» finnes ikke i malen"]),
    "bad_key": ({**LEVEL1_JA, "samtaleform": "brevdue"},
                ["«samtaleform»", "telefon", "video", "oppmote"]),
    "bad_scale_key": ({**LEVEL1_JA, "aktuell": "kanskje"}, ["«aktuell»", "ja", "nei", "delvis", "vet_ikke"]),
    "date_in_wrong_format": ({**LEVEL1_JA, "samtaledato": "7. mars 2022"}, ["«samtaledato»", "dd.mm.åååå"]),
    "date_iso_order_with_dots": ({**LEVEL1_JA, "samtaledato": "2022.03.07"}, ["«samtaledato»", "dd.mm.åååå"]),
    "date_in_the_future": ({**LEVEL1_JA, "samtaledato": "01.01.2099"}, ["«samtaledato»", "frem i tid"]),
    "answer_to_hidden_question": ({**LEVEL1_JA, "hovedaarsak_ikke_aktuell": "annet"},
                                  ["«hovedaarsak_ikke_aktuell» stilles bare når aktuell er nei"]),
    "hidden_follow_up": ({**LEVEL1_NEI, "hovedaarsak_annet": "Noe annet"},
                         ["«hovedaarsak_annet» stilles bare når hovedaarsak_ikke_aktuell er annet"]),
    "level_2_question_in_level_1_file": ({**LEVEL1_JA, "kurs": "Sveisekurs"}, ["«kurs» hører til nivå 2"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_svar_file_exits_1_and_stores_no_answer(tmp_path: Path, kt_home: Path, veileder: str, case: str) -> None:
    (person,) = screened_persons(tmp_path)
    answers, fragments = BAD_FILES[case]
    result = kartlegg(person, answer_file(tmp_path, answers, "feil.toml"))
    assert result.code == 1, result.output
    assert result.stderr.startswith("Feil:")
    assert "ingenting er lagret" in result.stderr
    line = next((x for x in result.stderr.splitlines() if fragments[0] in x), "")
    assert line.strip().startswith("- feil.toml:"), result.stderr
    assert all(f in line for f in fragments), result.stderr
    assert count(kt_home, "svar") == 0
    assert count(kt_home, "svar_historikk") == 0
    assert "Traceback" not in result.output


def test_bad_svar_file_lists_every_problem_at_once(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    answers = {**LEVEL1_JA, "favorittfarge": "blå", "samtaleform": "brevdue", "samtaledato": "2022.03.07",
               "hovedaarsak_ikke_aktuell": "annet"}
    result = kartlegg(person, answer_file(tmp_path, answers, "feil.json"))
    assert result.code == 1
    problems = [x for x in result.stderr.splitlines() if x.strip().startswith("- feil.json:")]
    assert len(problems) == 4, result.stderr
    for qid in ("favorittfarge", "samtaleform", "samtaledato", "hovedaarsak_ikke_aktuell"):
        assert any(f"«{qid}»" in p for p in problems)
    assert count(kt_home, "svar") == 0


def test_bad_svar_file_after_good_answers_changes_nothing(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    before = db_rows(kt_home, "SELECT * FROM svar ORDER BY id")
    # a good change and a bad one in the same file: neither is stored
    result = kartlegg(person, answer_file(tmp_path, {"samtaleform": "video", "utdanning": "doktorgrad"}, "feil.toml"))
    assert result.code == 1
    assert "«utdanning»" in result.stderr and "grunnskole" in result.stderr
    assert db_rows(kt_home, "SELECT * FROM svar ORDER BY id") == before
    assert count(kt_home, "svar_historikk") == 0
    # an answer hidden by the stored answers (aktuell = ja) is refused too
    hidden = kartlegg(person, answer_file(tmp_path, {"hovedaarsak_ikke_aktuell": "annet"}, "skjult.toml"))
    assert hidden.code == 1 and "«hovedaarsak_ikke_aktuell»" in hidden.stderr
    assert db_rows(kt_home, "SELECT * FROM svar ORDER BY id") == before


def test_rejected_svar_file_leaves_no_trace_in_the_stages(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL1_JA, "samtaleform": "brevdue"}, "feil.toml"))
    assert result.code == 1
    listed = json.loads(run_kt("liste", "--json").stdout)
    assert listed[0]["status"] == "kandidat"
    assert count(kt_home, "kartlegging") == 0


def test_unreadable_svar_files(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    broken = tmp_path / "ødelagt.toml"
    broken.write_text("samtaleform = \n", encoding="utf-8")
    result = kartlegg(person, broken)
    assert result.code == 1 and "ødelagt.toml" in result.stderr
    listed = tmp_path / "liste.json"
    listed.write_text('["ja", "nei"]', encoding="utf-8")
    result = kartlegg(person, listed)
    assert result.code == 1 and "liste.json" in result.stderr
    missing = kartlegg(person, tmp_path / "finnes_ikke.toml")
    assert missing.code == 1 and "finnes_ikke.toml" in missing.stderr
    assert count(kt_home, "svar") == 0


def test_unknown_person_and_level(tmp_path: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    path = answer_file(tmp_path, LEVEL1_JA)
    unknown = kartlegg("zzzzz", path)
    assert unknown.code == 2 and "Fant ingen person med id «zzzzz»" in unknown.stderr
    wrong_level = kartlegg(person, path, "--niva", "4")
    assert wrong_level.code == 2 and "--niva" in wrong_level.stderr


BROKEN_FILES = {  # file name, content, the whole message
    "value_missing": ("ødelagt.toml", "samtaleform = \n",
                      "Feil: ødelagt.toml: ugyldig TOML på linje 1, kolonne 15."),
    "no_equals_sign": ("feil.toml", 'samtaledato = "07.03.2022"\naktuell ja\n',
                       "Feil: feil.toml: ugyldig TOML på linje 2, kolonne 9."),
    "unterminated_string": ("feil.toml", 'notat = "Ønsker kurs',
                            "Feil: feil.toml: ugyldig TOML på slutten av filen."),
    "json": ("feil.json", '{\n  "samtaleform": \n}', "Feil: feil.json: ugyldig JSON på linje 3, kolonne 1."),
}


@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_broken_svar_file_says_where_in_norwegian(tmp_path: Path, kt_home: Path, veileder: str, case: str) -> None:
    (person,) = screened_persons(tmp_path)
    name, content, message = BROKEN_FILES[case]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = kartlegg(person, path)
    assert result.code == 1
    assert result.stderr.strip() == message
    assert count(kt_home, "svar") == 0


def test_broken_toml_is_said_alike_by_svar_mal_sjekk_and_regler_sjekk(tmp_path: Path, kt_home: Path,
                                                                      veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_text("x = \n", encoding="utf-8")
    expected = "Feil: bad.toml: ugyldig TOML på linje 1, kolonne 5."
    for result in (kartlegg(person, path), run_kt("mal", "sjekk", str(path)), run_kt("regler", "sjekk", str(path))):
        assert result.code == 1
        assert result.stderr.strip() == expected


@pytest.mark.parametrize("value", ["to", "0", "4", "1.5", ""])
def test_niva_other_than_1_2_3_is_refused_in_norwegian(tmp_path: Path, kt_home: Path, veileder: str,
                                                      value: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = kartlegg(person, answer_file(tmp_path, LEVEL1_JA), "--niva", value)
    assert result.code == 2
    assert result.stderr.strip() == "Feil: --niva skal være 1, 2 eller 3."
    assert count(kt_home, "kartlegging") == 0 and count(kt_home, "svar") == 0


def test_arguments_are_checked_before_asking_for_a_terminal(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    """Without a terminal (and without --svar), a mistyped id or level is still said as such."""
    (person,) = screened_persons(tmp_path)
    unknown = run_kt("kartlegg", "zzzzz")
    assert unknown.code == 2
    assert unknown.stderr.startswith("Feil: Fant ingen person med id «zzzzz».") and "terminal" not in unknown.stderr
    wrong_level = run_kt("kartlegg", person, "--niva", "4")
    assert wrong_level.code == 2 and wrong_level.stderr.strip() == "Feil: --niva skal være 1, 2 eller 3."
    not_yet = run_kt("kartlegg", person, "--niva", "2")
    assert not_yet.code == 2
    assert "Nivå 2 (planlagt tiltak) gjelder bare" in not_yet.stderr and "terminal" not in not_yet.stderr
    # only a valid id and level gets as far as the terminal
    good = run_kt("kartlegg", person)
    assert good.code == 2 and "trenger en terminal" in good.stderr
    assert count(kt_home, "kartlegging") == 0


def test_unknown_id_is_said_before_the_missing_veileder_ident(tmp_path: Path, kt_home: Path) -> None:
    screened_persons(tmp_path)
    result = kartlegg("zzzzz", answer_file(tmp_path, LEVEL1_JA))
    assert result.code == 2
    assert "Fant ingen person med id «zzzzz»" in result.stderr and "veileder" not in result.stderr


# ---------- level gating ----------

@pytest.mark.parametrize("aktuell", ["nei", "vet_ikke", None])
def test_level_2_refused_unless_aktuell(tmp_path: Path, kt_home: Path, veileder: str, aktuell: str | None) -> None:
    (person,) = screened_persons(tmp_path)
    answers = LEVEL1_NEI if aktuell == "nei" else {**{k: v for k, v in LEVEL1_JA.items() if k != "informert_inntekt"},
                                                   "aktuell": aktuell}
    complete_level_1(tmp_path, person, answers)
    result = kartlegg(person, answer_file(tmp_path, LEVEL2, "niva2.toml"), "--niva", "2")
    assert result.code == 2, result.output
    assert "Nivå 2" in result.stderr and "aktuelle (ja/delvis)" in result.stderr
    assert ("ikke besvart" if aktuell is None else f"«{aktuell}»") in result.stderr
    assert level_row(kt_home, person, 2) is None
    assert stored(kt_home, person, 2) == {}


def test_level_2_refused_before_any_level_1(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = kartlegg(person, answer_file(tmp_path, LEVEL2), "--niva", "2")
    assert result.code == 2 and "ikke besvart" in result.stderr
    assert count(kt_home, "kartlegging") == 0


@pytest.mark.parametrize("aktuell", ["ja", "delvis"])
def test_level_2_allowed_when_aktuell(tmp_path: Path, kt_home: Path, veileder: str, aktuell: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_JA, "aktuell": aktuell})
    result = kartlegg(person, answer_file(tmp_path, LEVEL2, "niva2.toml"), "--niva", "2")
    assert result.code == 0, result.output
    assert "Nivå 2 er fullført" in result.stdout
    # derived, never asked: 07.03 → 04.04 is 4 weeks; 04.04–24.06 is 12 weeks; sykepenger end 14.12.2022
    assert "Uker fra samtale til planlagt oppstart: 4" in result.stdout
    assert "Planlagt varighet: 12 uker" in result.stdout
    assert "Siste sykepengedag: 14.12.2022; går tiltaket utover: nei" in result.stdout
    assert stored(kt_home, person, 2) == {"tiltakstype": "amo", "kurs": "Førerkort klasse C", "tilbyder": "Testskolen AS",
                                          "vedtaksdato": "2022-03-14", "planlagt_start": "2022-04-04",
                                          "planlagt_slutt": "2022-06-24"}
    assert level_row(kt_home, person, 2) == ("registreringsskjema", "1", VEILEDER, level_row(kt_home, person, 2)[3])
    assert level_row(kt_home, person, 2)[3] is not None


def test_level_2_past_the_sykepengeperiode_is_said(tmp_path: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL2, "planlagt_slutt": "15.12.2022"}, "niva2.toml"),
                      "--niva", "2")
    assert result.code == 0, result.output
    assert "Siste sykepengedag: 14.12.2022; går tiltaket utover: ja" in result.stdout


def test_level_2_end_before_start_refused(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    result = kartlegg(person, answer_file(tmp_path, {**LEVEL2, "planlagt_slutt": "03.04.2022"}, "niva2.toml"),
                      "--niva", "2")
    assert result.code == 1, result.output
    assert "«planlagt_slutt»" in result.stderr and "04.04.2022" in result.stderr
    assert stored(kt_home, person, 2) == {}
    # also when the start is already stored and only the end comes in a later file
    first = {k: v for k, v in LEVEL2.items() if k != "planlagt_slutt"}
    assert kartlegg(person, answer_file(tmp_path, first, "start.toml"), "--niva", "2").code == 0
    late = kartlegg(person, answer_file(tmp_path, {"planlagt_slutt": "01.04.2022"}, "slutt.toml"), "--niva", "2")
    assert late.code == 1 and "04.04.2022" in late.stderr
    assert "planlagt_slutt" not in stored(kt_home, person, 2)


def test_level_3_only_after_level_2_is_complete(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    level3 = answer_file(tmp_path, LEVEL3, "niva3.toml")
    refused = kartlegg(person, level3, "--niva", "3")
    assert refused.code == 2 and "Nivå 3" in refused.stderr and "nivå 2 er fullført" in refused.stderr
    complete_level_1(tmp_path, person)
    # level 2 started but not complete
    partial = {k: LEVEL2[k] for k in ("tiltakstype", "kurs")}
    assert kartlegg(person, answer_file(tmp_path, partial, "delvis2.toml"), "--niva", "2").code == 0
    assert level_row(kt_home, person, 2)[3] is None
    still_refused = kartlegg(person, level3, "--niva", "3")
    assert still_refused.code == 2
    assert level_row(kt_home, person, 3) is None
    complete_level_2(tmp_path, person)
    allowed = kartlegg(person, level3, "--niva", "3")
    assert allowed.code == 0, allowed.output
    assert "Nivå 3 er fullført" in allowed.stdout
    assert stored(kt_home, person, 3) == {"gjennomfort": "ja", "nyttig": "ja",
                                          "situasjon_etter": "ny_stilling_samme_ag", "bidratt_til_jobb": "delvis"}


# ---------- changing answers keeps history ----------

def test_changed_answer_keeps_the_old_value_with_who_and_when(tmp_path: Path, kt_home: Path,
                                                              monkeypatch: pytest.MonkeyPatch, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    (first_stamp,) = db_rows(kt_home, "SELECT tidspunkt FROM svar WHERE sporsmal = 'samtaleform'")[0]
    monkeypatch.setenv("KT_VEILEDER", OTHER_VEILEDER)
    result = kartlegg(person, answer_file(tmp_path, {"samtaleform": "video", "samtale_av": "Prosjektgruppa"},
                                          "endring.toml"))
    assert result.code == 0, result.output
    assert stored(kt_home, person, 1)["samtaleform"] == "video"
    assert db_rows(kt_home, "SELECT veileder FROM svar WHERE sporsmal = 'samtaleform'") == [(OTHER_VEILEDER,)]
    assert db_rows(kt_home, "SELECT veileder FROM svar WHERE sporsmal = 'samtale_av'") == [(VEILEDER,)]  # unchanged
    history = db_rows(kt_home, "SELECT sporsmal, verdi, veileder, tidspunkt, endret_av, endret FROM svar_historikk")
    assert len(history) == 1  # the unchanged answer made no history
    sporsmal, verdi, who, when, changed_by, changed = history[0]
    assert (sporsmal, verdi, who, changed_by) == ("samtaleform", "telefon", VEILEDER, OTHER_VEILEDER)
    assert when == first_stamp
    assert dt.datetime.fromisoformat(changed) >= dt.datetime.fromisoformat(when)
    # the same file again changes nothing
    again = kartlegg(person, tmp_path / "endring.toml")
    assert again.code == 0
    assert count(kt_home, "svar_historikk") == 1


def test_changing_aktuell_to_nei_drops_the_hidden_answer_into_history(tmp_path: Path, kt_home: Path,
                                                                      veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    result = kartlegg(person, answer_file(tmp_path, {"aktuell": "nei", "hovedaarsak_ikke_aktuell": "helsebehandling"},
                                          "endring.toml"))
    assert result.code == 0, result.output
    values = stored(kt_home, person, 1)
    assert values["aktuell"] == "nei" and values["hovedaarsak_ikke_aktuell"] == "helsebehandling"
    assert "informert_inntekt" not in values
    assert sorted(db_rows(kt_home, "SELECT sporsmal, verdi FROM svar_historikk")) == [
        ("aktuell", "ja"), ("informert_inntekt", "ja")]


def test_changing_aktuell_to_ja_drops_the_whole_hidden_chain(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person, {**LEVEL1_NEI, "hovedaarsak_ikke_aktuell": "annet",
                                        "hovedaarsak_annet": "Skal flytte"})
    result = kartlegg(person, answer_file(tmp_path, {"aktuell": "ja", "informert_inntekt": "ja"}, "endring.toml"))
    assert result.code == 0, result.output
    values = stored(kt_home, person, 1)
    assert "hovedaarsak_ikke_aktuell" not in values
    assert "hovedaarsak_annet" not in values


# ---------- refusals before anything is asked ----------

def test_no_terminal_and_no_svar_exits_2(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = run_kt("kartlegg", person)
    assert result.code == 2
    assert "--svar" in result.stderr and "terminal" in result.stderr
    assert count(kt_home, "kartlegging") == 0


def test_missing_veileder_ident_with_svar_exits_2(tmp_path: Path, kt_home: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (person,) = screened_persons(tmp_path)
    monkeypatch.delenv("KT_VEILEDER")
    result = kartlegg(person, answer_file(tmp_path, LEVEL1_JA))
    assert result.code == 2
    assert "kt config set veileder" in result.stderr and "KT_VEILEDER" in result.stderr
    assert count(kt_home, "kartlegging") == 0 and count(kt_home, "svar") == 0


def test_veileder_from_config_is_used(tmp_path: Path, kt_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (person,) = screened_persons(tmp_path)
    monkeypatch.delenv("KT_VEILEDER")
    assert run_kt("config", "set", "veileder", "c765432").code == 0
    result = kartlegg(person, answer_file(tmp_path, LEVEL1_JA))
    assert result.code == 0, result.output
    assert db_rows(kt_home, "SELECT DISTINCT veileder FROM svar") == [("C765432",)]
    assert level_row(kt_home, person, 1)[2] == "C765432"


def test_file_argument_without_importer_is_refused(tmp_path: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    result = run_kt("kartlegg", person, str(answer_file(tmp_path, LEVEL1_JA)))
    assert result.code == 2 and "--svar" in result.stderr


# ---------- kt kartlegg importer ----------

IMPORT_COLUMNS = ["fnr", "fylke", "kontor", "navn", "samtaledato", "samtaleform", "utdanning", "onsker_annet_arbeid",
                  "trenger_ny_kompetanse", "aktuell", "hovedaarsak_ikke_aktuell", "karriereveiledning",
                  "informert_inntekt", "tiltakstype", "kurs", "planlagt_start", "planlagt_slutt"]


def import_rows(*, date_cells: bool) -> tuple[list[list[object]], dict[str, str]]:
    """Rows as a project group keeps them: keys and labels mixed; returns rows and each good row's fnr by name."""
    fnrs = {name: synthetic_fnr(born) for name, born in [
        ("en", dt.date(1980, 5, 17)), ("to", dt.date(1981, 6, 18)), ("tre", dt.date(1982, 7, 19)),
        ("fire", dt.date(1983, 8, 20)), ("fem", dt.date(1984, 9, 21))]}
    day = (lambda d: d) if date_cells else (lambda d: d.strftime("%d.%m.%Y"))
    rows = [
        # 2: aktuell delvis with a planned AMO course (labels: Telefon, Delvis, Ja, …)
        [fnrs["en"], "Agder", "NAV Lister", "Testperson En", day(dt.date(2022, 3, 7)), "Telefon",
         "Fag- eller mesterbrev (ev. fagskole)", "Ja", "Delvis", "Delvis", "", "Ja, fra karrieresenteret", "Ja",
         "Arbeidsmarkedsopplæring (AMO-kurs)", "Førerkort klasse C", day(dt.date(2022, 4, 4)),
         day(dt.date(2022, 6, 24))],
        # 3: invalid fødselsnummer
        ["12345678901", "agder", "NAV Lister", "Testperson Ugyldig", day(dt.date(2022, 3, 7)), "video", "ukjent",
         "nei", "", "ja", "", "nei", "ja", "", "", "", ""],
        # 4: unknown answer key
        [fnrs["to"], "agder", "NAV Arendal", "Testperson To", day(dt.date(2022, 3, 8)), "brevdue", "master", "nei",
         "", "ja", "", "nei", "nei", "", "", "", ""],
        # 5: level 2 answers although aktuell is nei
        [fnrs["tre"], "agder", "NAV Arendal", "Testperson Tre", day(dt.date(2022, 3, 8)), "video", "bachelor", "nei",
         "", "nei", "helsebehandling", "nei", "", "amo", "Truckførerkurs", "", ""],
        # 6: aktuell nei with the reason as a label, keys elsewhere
        [fnrs["fire"], "Agder", "NAV Kristiansand", "Testperson Fire", "9.3.2022", "oppmote", "vgs_yrkesfag",
         "vet_ikke", "", "Nei", "Vet ikke", "vet_ikke", "", "", "", "", ""],
        # 7: level 1 only, aktuell ja
        [fnrs["fem"], "agder", "NAV Kristiansand", "Testperson Fem", day(dt.date(2022, 3, 10)), "Video", "Bachelorgrad",
         "delvis", "ja", "ja", "", "Nei", "Nei", "", "", "", ""],
    ]
    return rows, fnrs


def write_import_xlsx(path: Path) -> dict[str, str]:
    rows, fnrs = import_rows(date_cells=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Registreringer"
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    workbook.save(path)
    return fnrs


def write_import_csv(path: Path, delimiter: str = ";") -> dict[str, str]:
    rows, fnrs = import_rows(date_cells=False)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(IMPORT_COLUMNS)
        writer.writerows(rows)
    return fnrs


EXPECTED_IMPORT = {
    "en": ({"samtaledato": "2022-03-07", "samtaleform": "telefon", "utdanning": "fagbrev",
            "onsker_annet_arbeid": "ja", "trenger_ny_kompetanse": "delvis", "aktuell": "delvis",
            "karriereveiledning": "karrieresenteret", "informert_inntekt": "ja"},
           {"tiltakstype": "amo", "kurs": "Førerkort klasse C", "planlagt_start": "2022-04-04",
            "planlagt_slutt": "2022-06-24"}),
    "fire": ({"samtaledato": "2022-03-09", "samtaleform": "oppmote", "utdanning": "vgs_yrkesfag",
              "onsker_annet_arbeid": "vet_ikke", "aktuell": "nei", "hovedaarsak_ikke_aktuell": "vet_ikke",
              "karriereveiledning": "vet_ikke"}, {}),
    "fem": ({"samtaledato": "2022-03-10", "samtaleform": "video", "utdanning": "bachelor",
             "onsker_annet_arbeid": "delvis", "trenger_ny_kompetanse": "ja", "aktuell": "ja",
             "karriereveiledning": "nei", "informert_inntekt": "nei"}, {}),
}


def stored_by_fnr(home: Path, fnr: str, niva: int) -> dict[str, str | None]:
    return dict(db_rows(home, "SELECT s.sporsmal, s.verdi FROM svar s JOIN kartlegging k ON k.id = s.kartlegging_id "
                              "JOIN person p ON p.id = k.person_id WHERE p.fnr = ? AND k.niva = ?", (fnr, niva)))


@pytest.mark.parametrize("kind", ["xlsx", "csv_semicolon", "csv_comma"])
def test_import_stores_good_rows_and_reports_bad_ones(tmp_path: Path, kt_home: Path, veileder: str,
                                                      kind: str) -> None:
    if kind == "xlsx":
        path = tmp_path / "registreringer.xlsx"
        fnrs = write_import_xlsx(path)
        sheet = "Registreringer"
    else:
        path = tmp_path / "registreringer.csv"
        fnrs = write_import_csv(path, ";" if kind == "csv_semicolon" else ",")
        sheet = "registreringer.csv"
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert f"ark «{sheet}»: 6 rader lest, 3 nye personer" in result.stdout
    assert "3 avvist" in result.stdout
    assert f"ark «{sheet}», rad 3, kolonne «fnr»: ugyldig fødselsnummer" in result.stdout
    line4 = next(x for x in result.stdout.splitlines() if "rad 4," in x)
    assert "kolonne «samtaleform»" in line4 and all(k in line4 for k in ("telefon", "video", "oppmote"))
    line5 = next(x for x in result.stdout.splitlines() if "rad 5," in x)
    assert "kolonne «aktuell»" in line5 and "nivå 2" in line5
    for row_number in (2, 6, 7):
        assert f"rad {row_number}," not in result.stdout
    # no fødselsnummer in the output
    assert not any(fnr in result.output for fnr in fnrs.values()) and "12345678901" not in result.output
    # persons: the three good rows, created by the import, with fylke/kontor/navn from the row
    assert sorted(db_rows(kt_home, "SELECT fnr, fylke, kontor, navn, kilde FROM person")) == sorted([
        (fnrs["en"], "agder", "NAV Lister", "Testperson En", "import"),
        (fnrs["fire"], "agder", "NAV Kristiansand", "Testperson Fire", "import"),
        (fnrs["fem"], "agder", "NAV Kristiansand", "Testperson Fem", "import")])
    for name, (first, second) in EXPECTED_IMPORT.items():
        assert stored_by_fnr(kt_home, fnrs[name], 1) == first, name
        assert stored_by_fnr(kt_home, fnrs[name], 2) == second, name
    assert db_rows(kt_home, "SELECT DISTINCT mal_id, mal_versjon, veileder FROM svar") == [
        ("registreringsskjema", "1", VEILEDER)]
    assert db_rows(kt_home, "SELECT COUNT(*), COUNT(fullfort) FROM kartlegging") == [(4, 4)]
    assert count(kt_home, "svar_historikk") == 0
    # rejected rows left nothing behind
    for name in ("to", "tre"):
        assert db_rows(kt_home, "SELECT COUNT(*) FROM person WHERE fnr = ?", (fnrs[name],)) == [(0,)]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path, kt_home: Path, veileder: str,
                                                       kind: str) -> None:
    path = tmp_path / f"registreringer.{kind}"
    (write_import_xlsx if kind == "xlsx" else write_import_csv)(path)
    assert run_kt("kartlegg", "importer", str(path)).code == 0
    snapshot = {table: db_rows(kt_home, f"SELECT * FROM {table} ORDER BY id")
                for table in ("person", "kartlegging", "svar")}
    again = run_kt("kartlegg", "importer", str(path))
    assert again.code == 0, again.output
    assert "0 nye personer, 0 svar lagret, 3 uendret, 3 avvist" in again.stdout
    for table, rows in snapshot.items():
        assert db_rows(kt_home, f"SELECT * FROM {table} ORDER BY id") == rows, table
    assert count(kt_home, "svar_historikk") == 0


def test_import_adds_to_a_screened_person_and_keeps_history(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)
    (fnr,) = db_rows(kt_home, "SELECT fnr FROM person WHERE kort_id = ?", (person,))[0]
    path = tmp_path / "registreringer.csv"
    path.write_text("fnr;fylke;kontor;samtaleform;aktuell\n"
                    f"{fnr};agder;NAV Lister;Video;Ja\n", encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "1 rader lest, 0 nye personer, 1 svar lagret" in result.stdout
    assert count(kt_home, "person") == 1
    assert stored(kt_home, person, 1)["samtaleform"] == "video"
    assert db_rows(kt_home, "SELECT sporsmal, verdi, endret_av FROM svar_historikk") == [
        ("samtaleform", "telefon", VEILEDER)]


def test_import_of_level_2_for_a_person_already_aktuell(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    complete_level_1(tmp_path, person)  # aktuell = ja
    (fnr,) = db_rows(kt_home, "SELECT fnr FROM person WHERE kort_id = ?", (person,))[0]
    path = tmp_path / "tiltak.csv"
    path.write_text(f"fnr;fylke;kontor;tiltakstype;planlagt_start\n{fnr};agder;NAV Lister;AMO;04.04.2022\n",
                    encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "0 avvist" in result.stdout, result.stdout
    assert stored(kt_home, person, 2) == {"tiltakstype": "amo", "planlagt_start": "2022-04-04"}


def test_import_without_question_columns_is_refused(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    path = tmp_path / "feil.csv"
    path.write_text("fnr;fylke;kontor;navn\n", encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 1
    assert "feil.csv" in result.stderr and "samtaledato" in result.stderr
    missing_file = run_kt("kartlegg", "importer")
    assert missing_file.code == 2 and "kt kartlegg importer" in missing_file.stderr


@pytest.mark.parametrize("header, missing", [
    ("fnr;navn;samtaledato;aktuell", "kolonnene «fylke» og «kontor»"),
    ("navn;samtaledato;aktuell", "kolonnene «fnr», «fylke» og «kontor»"),
    ("fnr;fylke;samtaledato", "kolonnen «kontor»"),
])
def test_import_names_every_missing_column_at_once(tmp_path: Path, kt_home: Path, veileder: str, header: str,
                                                   missing: str) -> None:
    path = tmp_path / "registreringer.csv"
    path.write_text(header + "\n" + "12345678901;x;07.03.2022;ja\n", encoding="utf-8")
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"Feil: registreringer.csv, ark «registreringer.csv»: mangler {missing}. "
                        "Påkrevde kolonner: fnr, fylke, kontor.")
    assert lines[1] == "Tips: `kt kartlegg mal registreringer.xlsx` lager et tomt regneark med riktig overskriftsrad."
    assert "12345678901" not in result.output
    assert count(kt_home, "person") == 0 and count(kt_home, "svar") == 0


@pytest.mark.parametrize("command", [["kartlegg", "--help"], ["kartlegg", "importer", "--help"]])
def test_help_lists_the_import_columns_and_the_blank_workbook(command: list[str]) -> None:
    result = run_kt(*command)
    assert result.code == 0
    text = " ".join(result.stdout.split())
    assert "Påkrevde kolonner: fnr, fylke, kontor (navn kan være med), og én kolonne per spørsmåls-id" in text
    assert "kt kartlegg mal registreringer.xlsx" in text and "--overskriv" in text


TEMPLATE_HEADER = [
    "fnr", "fylke", "kontor", "navn",
    "samtaledato", "samtaleform", "identifisert_av", "samtale_av", "utdanning", "helse_naavaerende_jobb",
    "ag_tilrettelagt", "ag_gjenvaerende_muligheter", "manglende_kompetanse", "onsker_annet_arbeid",
    "onsker_annen_arbeidsgiver", "trenger_ny_kompetanse", "aktuell", "hovedaarsak_ikke_aktuell", "hovedaarsak_annet",
    "karriereveiledning", "informert_inntekt", "notat",
    "tiltakstype", "kurs", "tilbyder", "vedtaksdato", "planlagt_start", "planlagt_slutt",
    "gjennomfort", "nyttig", "situasjon_etter", "bidratt_til_jobb",
    "oppfolgingsdato_6", "situasjon_6", "sykmeldt_na_6", "kilde_6",
    "oppfolgingsdato_12", "situasjon_12", "sykmeldt_na_12", "kilde_12",
]


def read_workbook(path: Path) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_mal_writes_a_blank_workbook_with_the_import_header(tmp_path: Path, kt_home: Path) -> None:
    path = tmp_path / "registreringer.xlsx"
    result = run_kt("kartlegg", "mal", str(path))
    assert result.code == 0, result.output
    assert "40 kolonner" in result.stdout and "kt kartlegg importer registreringer.xlsx" in result.stdout
    sheets = read_workbook(path)
    assert list(sheets) == ["Registreringer", "Forklaring", "Valg"]
    assert sheets["Registreringer"] == [TEMPLATE_HEADER]
    guide = sheets["Forklaring"]
    assert guide[0] == ["Kolonne", "Nivå", "Hva kolonnen tar"]
    assert [row[0] for row in guide[1:]] == TEMPLATE_HEADER
    by_column = {row[0]: row for row in guide[1:]}
    assert by_column["fnr"][2] == "Fødselsnummer eller D-nummer (11 sifre). Påkrevd."
    assert by_column["samtaleform"] == ["samtaleform", 1.0, "Hvordan ble samtalen gjennomført? "
                                        "Velg i nedtrekkslisten: Telefon; Video; Fysisk oppmøte. "
                                        "Nøkkelen (telefon, video, oppmote) godtas også."]
    assert by_column["hovedaarsak_annet"][2].endswith("Bare når hovedaarsak_ikke_aktuell er annet.")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_blank_workbook_filled_in_is_imported(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    path = tmp_path / "registreringer.xlsx"
    assert run_kt("kartlegg", "mal", str(path)).code == 0
    fnr = synthetic_fnr(dt.date(1985, 2, 3))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registreringer"]
    row = dict.fromkeys(TEMPLATE_HEADER)
    row.update(fnr=fnr, fylke="agder", kontor="NAV Lister", samtaledato="07.03.2022", samtaleform="Telefon",
               aktuell="nei", hovedaarsak_ikke_aktuell="helsebehandling")
    sheet.append([row[name] for name in TEMPLATE_HEADER])
    workbook.save(path)
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "ark «Registreringer»: 1 rader lest, 1 ny person, 4 svar lagret" in result.stdout
    assert "0 avvist" in result.stdout and "Kolonner ikke brukt" not in result.stdout
    assert stored_by_fnr(kt_home, fnr, 1) == {"samtaledato": "2022-03-07", "samtaleform": "telefon",
                                              "aktuell": "nei", "hovedaarsak_ikke_aktuell": "helsebehandling"}


def _drop_downs(path: Path) -> dict[str, list[str]]:
    """Column name → the labels its drop-down offers, read back from the workbook as Excel would:
    the validation's sqref gives the column, its formula the defined name, the name the cells."""
    from openpyxl.utils import column_index_from_string, range_boundaries

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registreringer"]
    header = [cell.value for cell in sheet[1]]
    found: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.showErrorMessage and validation.errorStyle == "stop"
        (cells,) = str(validation.sqref).split()
        first, last = cells.split(":")
        column = "".join(c for c in first if c.isalpha())
        assert first == f"{column}2" and last == f"{column}1048576"  # the whole column under the header
        sheet_name, reference = list(workbook.defined_names[validation.formula1].destinations)[0]
        min_col, min_row, max_col, max_row = range_boundaries(reference.replace("$", ""))
        values = [workbook[sheet_name].cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
        found[header[column_index_from_string(column) - 1]] = values
    assert workbook["Valg"].sheet_state == "hidden"
    return found


def test_mal_has_a_drop_down_with_the_labels_for_every_coded_answer(tmp_path: Path, kt_home: Path) -> None:
    from kompetanse_cli.interview.template import load_template

    path = tmp_path / "registreringer.xlsx"
    assert run_kt("kartlegg", "mal", str(path)).code == 0
    lists = _drop_downs(path)
    template = load_template()
    from kompetanse_cli.interview.bulk import level_columns

    coded = {column: q for _, pairs in level_columns(template) for column, q in pairs if q.has_choices}
    assert sorted(lists) == sorted(["fylke", *coded])
    for column, question in coded.items():
        assert lists[column] == list(question.valg.values())
    assert lists["situasjon_6"] == lists["situasjon_12"]  # the follow-ups' columns carry the months
    assert lists["samtaleform"] == ["Telefon", "Video", "Fysisk oppmøte"]
    assert lists["utdanning"][1] == "Videregående, studiespesialisering"  # a comma: why the lists are cells
    assert lists["aktuell"] == ["Ja", "Nei", "Delvis", "Vet ikke"]
    assert "Agder" in lists["fylke"] and "Møre og Romsdal" in lists["fylke"]
    for free in ("samtaledato", "notat", "kurs", "hovedaarsak_annet", "fnr", "kontor", "navn"):
        assert free not in lists


def test_workbook_filled_in_from_the_drop_downs_is_imported(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    path = tmp_path / "registreringer.xlsx"
    assert run_kt("kartlegg", "mal", str(path)).code == 0
    lists = _drop_downs(path)
    fnr, other = synthetic_fnr(dt.date(1985, 2, 3)), synthetic_fnr(dt.date(1979, 6, 12))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Registreringer"]
    first = dict.fromkeys(TEMPLATE_HEADER)
    first.update(fnr=fnr, fylke="Agder", kontor="NAV Lister", samtaledato="07.03.2022",
                 samtaleform=lists["samtaleform"][2], utdanning="Videregående, studiespesialisering",
                 helse_naavaerende_jobb="Vet ikke", onsker_annet_arbeid="Delvis",
                 onsker_annen_arbeidsgiver="Ja", aktuell="Nei",
                 hovedaarsak_ikke_aktuell=lists["hovedaarsak_ikke_aktuell"][11],
                 karriereveiledning="Ja, fra karrieresenteret")
    second = dict.fromkeys(TEMPLATE_HEADER)
    second.update(fnr=other, fylke="Møre og Romsdal", kontor="NAV Molde", samtaledato="08.03.2022", aktuell="Ja",
                  informert_inntekt="Ja", tiltakstype="Fag- og yrkesopplæring på videregående skole eller fagskole",
                  planlagt_start="01.04.2022", planlagt_slutt="30.06.2022")
    for row in (first, second):
        sheet.append([row[name] for name in TEMPLATE_HEADER])
    workbook.save(path)
    result = run_kt("kartlegg", "importer", str(path))
    assert result.code == 0, result.output
    assert "2 rader lest, 2 nye personer" in result.stdout and "0 avvist" in result.stdout
    assert stored_by_fnr(kt_home, fnr, 1) == {
        "samtaledato": "2022-03-07", "samtaleform": "oppmote", "utdanning": "vgs_studiespes",
        "helse_naavaerende_jobb": "vet_ikke", "onsker_annet_arbeid": "delvis", "onsker_annen_arbeidsgiver": "ja",
        "aktuell": "nei", "hovedaarsak_ikke_aktuell": "kortvarig_ikke_tilgjengelig",
        "karriereveiledning": "karrieresenteret"}
    assert stored_by_fnr(kt_home, other, 2)["tiltakstype"] == "fag_yrke"
    assert db_rows(kt_home, "SELECT fylke FROM person WHERE fnr = ?", (other,)) == [("more-og-romsdal",)]


def test_mal_refuses_to_overwrite_unless_asked(tmp_path: Path, kt_home: Path) -> None:
    path = tmp_path / "registreringer.xlsx"
    path.write_bytes(b"veileders egne registreringer")
    refused = run_kt("kartlegg", "mal", str(path))
    assert refused.code == 2
    assert "finnes allerede. Bruk --overskriv" in refused.stderr
    assert path.read_bytes() == b"veileders egne registreringer"
    replaced = run_kt("kartlegg", "mal", str(path), "--overskriv")
    assert replaced.code == 0, replaced.output
    assert read_workbook(path)["Registreringer"] == [TEMPLATE_HEADER]


@pytest.mark.parametrize("args, message", [
    ([], "Feil: Oppgi filen som skal lages: kt kartlegg mal registreringer.xlsx"),
    (["registreringer.csv"], "Feil: registreringer.csv: malen lages som Excel-fil; gi filen endelsen .xlsx."),
])
def test_mal_needs_an_xlsx_file_name(tmp_path: Path, kt_home: Path, args: list[str], message: str) -> None:
    result = run_kt("kartlegg", "mal", *[str(tmp_path / a) for a in args])
    assert result.code == 2
    assert result.stderr.strip() == message
    assert list(tmp_path.iterdir()) == []


# ---------- kt liste ----------

def test_liste_shows_every_stage(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    kandidat, kartlagt, aktuell, planlagt, gjennomfort, listet = screened_persons(tmp_path, candidates=5, others=1)
    complete_level_1(tmp_path, kartlagt, LEVEL1_NEI)
    for person in (aktuell, planlagt, gjennomfort):
        complete_level_1(tmp_path, person)
    for person in (planlagt, gjennomfort):
        complete_level_2(tmp_path, person)
    done = kartlegg(gjennomfort, answer_file(tmp_path, LEVEL3, "niva3.toml"), "--niva", "3")
    assert done.code == 0, done.output

    result = run_kt("liste", "--json")
    assert result.code == 0, result.output
    stages = {row["id"]: row["status"] for row in json.loads(result.stdout)}
    assert stages == {kandidat: "kandidat", kartlagt: "kartlagt", aktuell: "aktuell", planlagt: "startet",
                      gjennomfort: "fullfort", listet: "ikke_kandidat"}
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows[listet]["date"] == "2022-03-07" and rows[kandidat]["date"] == "2022-03-07"
    assert rows[kartlagt]["date"] is not None
    assert all(row["fnr"].endswith("*****") and row["fylke"] == "agder" for row in rows.values())

    only = run_kt("liste", "--json", "--status", "kartlagt")  # everyone kartlagt, as the report counts them
    assert only.code == 0
    assert sorted(row["id"] for row in json.loads(only.stdout)) == sorted([kartlagt, aktuell, planlagt, gjennomfort])
    planned = json.loads(run_kt("liste", "--json", "--status", "vedtak").stdout)
    assert sorted(row["id"] for row in planned) == sorted([planlagt, gjennomfort])

    table = run_kt("liste")
    assert table.code == 0
    for stage in ("Kandidat", "Kartlagt", "Aktuell", "Startet", "Fullført", "Ikke kandidat"):
        assert stage in table.stdout
    fnrs = [r[0] for r in db_rows(kt_home, "SELECT fnr FROM person")]
    assert not any(fnr in table.output for fnr in fnrs)


def test_liste_stage_while_level_1_is_open_and_after_import(tmp_path: Path, kt_home: Path, veileder: str) -> None:
    (person,) = screened_persons(tmp_path)
    assert kartlegg(person, answer_file(tmp_path, {"samtaledato": "07.03.2022"})).code == 0
    listed = json.loads(run_kt("liste", "--json", "--status", "under kartlegging").stdout)
    assert [row["id"] for row in listed] == [person]
    path = tmp_path / "registreringer.csv"
    fnr = synthetic_fnr(dt.date(1990, 2, 2))
    path.write_text(f"fnr;fylke;kontor;samtaledato;aktuell\n{fnr};agder;NAV Lister;07.03.2022;Nei\n", encoding="utf-8")
    assert run_kt("kartlegg", "importer", str(path)).code == 0
    kartlagt = json.loads(run_kt("liste", "--json", "--status", "kartlagt").stdout)
    assert len(kartlagt) == 1 and kartlagt[0]["id"] != person


def test_liste_unknown_status_and_empty(tmp_path: Path) -> None:
    empty = run_kt("liste")
    assert empty.code == 0 and "Ingen personer" in empty.stdout
    assert json.loads(run_kt("liste", "--json").stdout) == []
    bad = run_kt("liste", "--status", "ferdig")
    assert bad.code == 2 and "Ukjent status «ferdig»" in bad.stderr and "kartlagt" in bad.stderr


# ---------- kt config ----------

@pytest.mark.parametrize("ident", ["123456", "AB12345", "A12345", "A1234567", "Å123456", "A12 456", ""])
def test_config_set_veileder_validates_the_ident(kt_home: Path, ident: str) -> None:
    result = run_kt("config", "set", "veileder", ident)
    assert result.code == 2, result.output
    assert "NAV-ident" in result.stderr and "A123456" in result.stderr
    assert not (kt_home / "config.toml").exists()


def test_config_set_and_vis(kt_home: Path) -> None:
    result = run_kt("config", "set", "veileder", " a123456 ")
    assert result.code == 0, result.output
    assert "veileder = A123456" in result.stdout
    assert run_kt("config", "set", "fylke", "agder").code == 0
    shown = run_kt("config", "vis")
    assert shown.code == 0
    assert "A123456" in shown.stdout and "agder" in shown.stdout
    unknown = run_kt("config", "set", "farge", "blå")
    assert unknown.code == 2 and "Ukjent innstilling «farge»" in unknown.stderr


def test_person_ny_needs_a_terminal(kt_home: Path) -> None:
    result = run_kt("person", "ny")
    assert result.code == 2 and "terminal" in result.stderr


# ---------- help ----------

@pytest.mark.parametrize("command", [
    ["kartlegg"], ["person", "ny"], ["liste"], ["config", "set"], ["config", "vis"], ["mal", "sjekk"],
])
def test_every_new_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_kt(*command, "--help")
    assert result.code == 0, result.output
    assert "Eksempel:" in result.stdout or "Eksempler:" in result.stdout
    assert "kt " + " ".join(command) in result.stdout
