"""The personal-data sweep: one synthetic person with a known fødselsnummer and name is run through every
command, good input and bad, and no output (stdout, stderr, kt.log) may show the number, in any of its
forms, or the name, except where showing them is the point (person vis, innsyn files, referat,
exported workbooks, the masked «ddmmyy*****»).

To extend: add a `Case` to CASES. Placeholders: {id} the person's kt-id, {other} another person's,
{d} the folder with the prepared files. Personal data never goes into test ids or assertion messages;
failures name the case's label only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from kompetanse_cli.logs import MaskNumbers
from tests.conftest import run_kt, synthetic_fnr
from tests.test_cli_screen import person_row, write_list

FNR = synthetic_fnr(dt.date(1980, 1, 5))  # 05418012481: starts with 0
NAME = "Åsmund Ødegård-Testperson"
OTHER_FNR = synthetic_fnr(dt.date(1975, 2, 3))
OTHER_NAME = "Berit Annenperson"
VEILEDER = "A123456"
START = dt.date(2022, 1, 3)
REPO = Path(__file__).resolve().parent.parent


def fnr_forms(fnr: str = FNR) -> tuple[str, ...]:
    """The number as stored, without its leading zero (a number column), and as «ddmmyy nnnnn»."""
    return fnr, fnr.lstrip("0"), f"{fnr[:6]} {fnr[6:]}"


def shows_fnr(text: str) -> bool:
    return any(form in text for form in fnr_forms())


def shows_name(text: str) -> bool:
    return NAME in text or NAME.split()[-1] in text


def check(ok: bool, what: str) -> None:
    """Assert without pytest's introspection, so a failure never prints personal data."""
    __tracebackhide__ = True
    if not ok:
        raise AssertionError(what)


@dataclass
class Case:
    label: str
    args: list[str]
    codes: tuple[int, ...] = (0,)
    name_ok: bool = False  # lists persons for the veileder (screen, liste, forklar) or writes a letter: name shown
    meant_to_show: bool = False  # exists to show the person (person vis, innsyn): full number and name shown
    needs: str | None = None  # a command that only exists in newer kt (rapport, referat)
    clean_files: tuple[str, ...] = ()  # files the command writes that must not hold the person either


CASES = [
    # screening
    Case("screen", ["screen", "{d}/liste.xlsx", "--fylke", "agder"], name_ok=True),
    Case("screen --alle", ["screen", "{d}/liste.xlsx", "--fylke", "agder", "--alle"], name_ok=True),
    Case("screen --json", ["screen", "{d}/liste.xlsx", "--fylke", "agder", "--json"], name_ok=True),
    Case("screen csv", ["screen", "{d}/liste2.csv", "--fylke", "agder"], name_ok=True),
    Case("screen --eksport", ["screen", "{d}/liste.xlsx", "--fylke", "agder", "--alle", "--eksport",
                              "{d}/eksport.xlsx"], name_ok=True),
    Case("screen bad rows --eksport", ["screen", "{d}/feil.xlsx", "--fylke", "agder", "--alle", "--eksport",
                                       "{d}/feil-eksport.xlsx"], clean_files=("{d}/feil-eksport.xlsx",)),
    Case("screen bad rows", ["screen", "{d}/feil.xlsx", "--fylke", "agder", "--alle"]),
    Case("screen bad rows --json", ["screen", "{d}/feil.xlsx", "--fylke", "agder", "--json"]),
    Case("screen unknown fylke", ["screen", "{d}/liste.xlsx", "--fylke", "mars"], codes=(2,)),
    Case("screen bad --listedato", ["screen", "{d}/liste.xlsx", "--fylke", "agder", "--listedato", "31.02.2022"],
         codes=(2,)),
    Case("screen missing file", ["screen", "{d}/finnes-ikke.xlsx", "--fylke", "agder"], codes=(1,)),
    Case("screen corrupt file", ["screen", "{d}/korrupt.xlsx", "--fylke", "agder"], codes=(1,)),
    Case("screen no header", ["screen", "{d}/uten-overskrift.csv", "--fylke", "agder"], codes=(1,)),
    Case("screen missing column", ["screen", "{d}/mangler-kolonne.csv", "--fylke", "agder"], codes=(1,)),
    Case("screen unknown file type", ["screen", "{d}/liste.pdf", "--fylke", "agder"], codes=(1,)),
    Case("screen bad --eksport", ["screen", "{d}/liste.xlsx", "--fylke", "agder", "--eksport", "{d}/x.csv"],
         codes=(2,)),
    Case("forklar", ["forklar", "{id}"], name_ok=True),
    Case("forklar --json", ["forklar", "{id}", "--json"], name_ok=True),
    Case("forklar unknown id", ["forklar", "zzzzz"], codes=(2,)),
    Case("regler vis", ["regler", "vis", "--fylke", "agder"]),
    Case("regler sjekk bad file", ["regler", "sjekk", "{d}/regler-feil.toml"], codes=(1,)),
    # overview
    Case("liste", ["liste"], name_ok=True),
    Case("liste --json", ["liste", "--json"], name_ok=True),
    Case("liste filtered", ["liste", "--fylke", "agder", "--status", "kandidat"], name_ok=True),
    Case("liste bad status", ["liste", "--status", "ukjent-status"], codes=(2,)),
    Case("liste unknown fylke", ["liste", "--fylke", "mars"], codes=(2,)),
    # interviews
    Case("kartlegg --svar", ["kartlegg", "{id}", "--svar", "{d}/svar.toml"]),
    Case("kartlegg --svar changed", ["kartlegg", "{id}", "--svar", "{d}/svar-endret.toml"]),
    Case("kartlegg --svar bad values", ["kartlegg", "{id}", "--svar", "{d}/svar-feil.toml"], codes=(1,)),
    Case("kartlegg --svar bad json", ["kartlegg", "{id}", "--svar", "{d}/svar-feil.json"], codes=(1,)),
    Case("kartlegg --svar bad toml", ["kartlegg", "{id}", "--svar", "{d}/svar-ugyldig.toml"], codes=(1,)),
    Case("kartlegg --svar missing", ["kartlegg", "{id}", "--svar", "{d}/finnes-ikke.toml"], codes=(1,)),
    Case("kartlegg no terminal", ["kartlegg", "{id}"], codes=(2,)),
    Case("kartlegg niva 2 not allowed", ["kartlegg", "{other}", "--niva", "2", "--svar", "{d}/svar.toml"],
         codes=(2,)),
    Case("kartlegg importer", ["kartlegg", "importer", "{d}/registreringer.xlsx"]),
    Case("kartlegg importer bad rows", ["kartlegg", "importer", "{d}/registreringer-feil.xlsx"]),
    Case("kartlegg importer no header", ["kartlegg", "importer", "{d}/liste.xlsx"], codes=(1,)),
    Case("kartlegg importer missing", ["kartlegg", "importer", "{d}/finnes-ikke.xlsx"], codes=(1,)),
    Case("mal sjekk bad file", ["mal", "sjekk", "{d}/mal-feil.toml"], codes=(1,)),
    # personvern
    Case("person vis", ["person", "vis", "{id}"], meant_to_show=True),
    Case("person vis other", ["person", "vis", "{other}"]),
    Case("person ny no terminal", ["person", "ny"], codes=(2,)),
    Case("innsyn json", ["innsyn", "{id}", "--ut", "{d}/innsyn.json"]),
    Case("innsyn xlsx", ["innsyn", "{id}", "--ut", "{d}/innsyn.xlsx"]),
    Case("innsyn other", ["innsyn", "{other}", "--ut", "{d}/annen.json"], clean_files=("{d}/annen.json",)),
    Case("innsyn bad suffix", ["innsyn", "{id}", "--ut", "{d}/innsyn.csv"], codes=(2,)),
    Case("innsyn missing folder", ["innsyn", "{id}", "--ut", "{d}/finnes-ikke/innsyn.json"], codes=(2,)),
    Case("logg", ["logg"]),
    Case("logg --person --json", ["logg", "--person", "{id}", "--json"]),
    Case("logg bad date", ["logg", "--fra", "99.99.9999"], codes=(2,)),
    Case("rydd --vis", ["rydd", "--vis"]),
    Case("slett no terminal", ["slett", "{id}"], codes=(2,)),
    Case("backup", ["backup", "{d}/kopi.db"]),
    Case("backup exists", ["backup", "{d}/liste.xlsx"], codes=(2,)),
    Case("gjenopprett not a database", ["gjenopprett", "{d}/svar.toml", "--ja"], codes=(1,)),
    Case("config vis", ["config", "vis"]),
    Case("config set unknown", ["config", "set", "ukjent", "x"], codes=(2,)),
    Case("config set bad ident", ["config", "set", "veileder", "Kari"], codes=(2,)),
    Case("version", ["--version"]),
    # newer commands, run only when they exist
    Case("kartlegg niva 2 --svar", ["kartlegg", "{id}", "--niva", "2", "--svar", "{d}/niva2-endret.toml"]),
    Case("rapport no fylke", ["rapport"], codes=(2,), needs="rapport"),
    Case("rapport", ["rapport", "--fylke", "agder"], needs="rapport"),
    Case("rapport alle --json", ["rapport", "--fylke", "alle", "--json"], needs="rapport"),
    Case("rapport --terskel 1", ["rapport", "--fylke", "agder", "--terskel", "1"], codes=(0, 2), needs="rapport"),
    Case("rapport files", ["rapport", "--fylke", "agder", "--xlsx", "{d}/rapport.xlsx", "--html", "{d}/rapport.html"],
         needs="rapport", clean_files=("{d}/rapport.xlsx", "{d}/rapport.html")),
    Case("rapport bad date", ["rapport", "--fylke", "agder", "--fra", "31.02.2022"], codes=(2,), needs="rapport"),
    Case("rapport unknown kontor", ["rapport", "--fylke", "agder", "--kontor", "Finnes ikke"], codes=(0, 1, 2),
         needs="rapport"),
    Case("referat", ["referat", "{id}"], name_ok=True, needs="referat"),  # the letter is to the person
    Case("referat nynorsk", ["referat", "{id}", "--malform", "nn"], name_ok=True, needs="referat"),
    Case("referat til veileder", ["referat", "{id}", "--til-veileder"], name_ok=True, needs="referat"),
    Case("referat --ut", ["referat", "{id}", "--ut", "{d}/referat.docx"], needs="referat"),
    Case("referat --ut exists", ["referat", "{id}", "--ut", "{d}/liste.xlsx"], codes=(1, 2), needs="referat"),
    Case("referat --ut pdf", ["referat", "{id}", "--ut", "{d}/referat.pdf"], needs="referat"),
    Case("referat bad format", ["referat", "{id}", "--ut", "{d}/referat.rtf"], codes=(1, 2), needs="referat"),
    Case("referat bad malform", ["referat", "{id}", "--malform", "svensk"], codes=(2,), needs="referat"),
    Case("referat not kartlagt", ["referat", "{other}"], codes=(2,), needs="referat"),
    Case("referat unknown id", ["referat", "zzzzz"], codes=(2,), needs="referat"),
]


# ---------- the prepared world ----------

def _write_workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    workbook.save(path)
    return path


def _prepare_files(d: Path) -> None:
    bad_fnr = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # check digit wrong
    write_list(d / "liste.xlsx", [person_row(FNR, start=START, name=NAME),
                                  person_row(OTHER_FNR, start=START, name=OTHER_NAME)], title="Uttak 07.03.2022")
    (d / "liste2.csv").write_text(
        "Uttak 14.03.2022\nFødselsnr;Navn;Sykmeldt fom;Grad;Diagnose;Arbeidsgiver;Yrke;Kommunenr\n"
        f"{FNR.lstrip('0')};{NAME};03.01.2022;100 %;L03;Testbygg AS;Tømrer;4206\n", encoding="utf-8")
    # every row about the person is bad, the personal data sitting in the wrong columns
    write_list(d / "feil.xlsx", [
        person_row(FNR, start=START, name=NAME, grade=FNR),                        # fnr as grade
        person_row(FNR, start=START, name=NAME, grade=NAME),                       # name as grade
        person_row(FNR, start=START, name=NAME, diagnosis=FNR),                    # fnr as diagnosis
        person_row(bad_fnr, start=START, name=NAME),                               # wrong check digit
        person_row(NAME, start=START, name=FNR),                                   # columns swapped
        person_row(int(FNR), start=START, name=NAME, earlier=NAME),                # a number; count wrong
        [FNR, NAME, FNR, None, 100, "L03", "Testbygg AS", "7115", "4206", 2],      # fnr as start date
        [FNR, NAME, NAME, None, 100, "L03", "Testbygg AS", "7115", "4206", 2],     # name as start date
        [FNR, NAME, START, FNR, 100, "L03", "Testbygg AS", "7115", "4206", 2],     # fnr as end date
        [f"{FNR[:6]} {FNR[6:]}", NAME, "32.01.2022", None, 100, "L03", "", "", "", ""],  # impossible date
    ], title="Uttak 21.03.2022")
    (d / "korrupt.xlsx").write_bytes(b"PK\x03\x04" + FNR.encode() + NAME.encode() + b"\x00" * 64)
    (d / "uten-overskrift.csv").write_text(f"{FNR};{NAME};03.01.2022;100\n", encoding="utf-8")
    (d / "mangler-kolonne.csv").write_text(f"Navn;Grad;Diagnose\n{NAME};100;L03\n", encoding="utf-8")
    (d / "liste.pdf").write_bytes(FNR.encode())
    (d / "regler-feil.toml").write_text('[grad]\nmin_grad = "høy"\n', encoding="utf-8")
    (d / "mal-feil.toml").write_text('id = "feil"\nversjon = "1"\n[[sporsmal]]\nid = "a"\nniva = 1\n'
                                     'tekst = "A"\ntype = "valg"\nvis_naar = { b = ["ja"] }\n', encoding="utf-8")
    (d / "svar.toml").write_text('samtaledato = "10.03.2022"\nsamtaleform = "telefon"\n'
                                 f'notat = "Snakket med {NAME}."\n', encoding="utf-8")
    (d / "svar-full.toml").write_text(
        'samtaledato = "10.03.2022"\nsamtaleform = "telefon"\nidentifisert_av = "nav_veileder"\n'
        'samtale_av = "prosjektgruppa"\nutdanning = "fagbrev"\nhelse_naavaerende_jobb = "nei"\n'
        'ag_tilrettelagt = "delvis"\nag_gjenvaerende_muligheter = "nei"\nmanglende_kompetanse = "ja"\n'
        'onsker_annet_arbeid = "ja"\nonsker_annen_arbeidsgiver = "ja"\ntrenger_ny_kompetanse = "ja"\n'
        'aktuell = "ja"\ninformert_inntekt = "ja"\nkarriereveiledning = "nei"\n'
        f'notat = "Avtalt med {NAME}: truckførerkurs."\n', encoding="utf-8")
    (d / "niva2.toml").write_text(
        'tiltakstype = "amo"\nkurs = "Truckførerkurs"\ntilbyder = "Kurs AS"\nvedtaksdato = "20.03.2022"\n'
        'planlagt_start = "01.04.2022"\nplanlagt_slutt = "01.06.2022"\n', encoding="utf-8")
    (d / "niva2-endret.toml").write_text('planlagt_slutt = "01.07.2022"\n', encoding="utf-8")
    (d / "svar-endret.toml").write_text('samtaleform = "video"\n', encoding="utf-8")
    (d / "svar-feil.toml").write_text(
        f'samtaledato = "{FNR}"\nsamtaleform = "{NAME}"\nutdanning = {int(FNR)}\nfnr = "{FNR}"\n'
        f'navn = "{NAME}"\n', encoding="utf-8")
    (d / "svar-feil.json").write_text('{"samtaledato": ' + FNR + ', "notat": "' + NAME + '"}', encoding="utf-8")
    (d / "svar-ugyldig.toml").write_text(f"notat = {FNR}\n{NAME} = ja\n", encoding="utf-8")
    head = ["fnr", "fylke", "kontor", "navn", "samtaledato", "samtaleform", "aktuell"]
    _write_workbook(d / "registreringer.xlsx", [head, [FNR, "agder", "NAV Lister", NAME, START, "telefon", "ja"]])
    _write_workbook(d / "registreringer-feil.xlsx", [
        head,
        [FNR, NAME, "NAV Lister", NAME, START, "telefon", "ja"],                  # name as fylke
        [FNR, "agder", "NAV Lister", NAME, FNR, "telefon", "ja"],                 # fnr as date
        [FNR, "agder", "NAV Lister", NAME, START, NAME, "ja"],                    # name as answer
        [FNR, "agder", "NAV Lister", NAME, START, "telefon", FNR],                # fnr as answer
        [NAME, "agder", "NAV Lister", FNR, START, "telefon", "ja"],               # swapped
        [bad_fnr, "agder", "NAV Lister", NAME, START, "telefon", "ja"],           # wrong check digit
        [int(FNR), "agder", "NAV Lister", NAME, "=" + FNR, "telefon", "ja"],      # formula-looking date
    ])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("sweep")
    d = root / "filer"
    d.mkdir()
    _prepare_files(d)
    home = root / "kt-home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KT_HOME", str(home))
        patch.setenv("KT_VEILEDER", VEILEDER)
        result = run_kt("screen", str(d / "liste.xlsx"), "--fylke", "agder", "--json")
        assert result.code == 0, result.stderr
        persons = json.loads(result.stdout)["persons"]
        for level, answers in (("1", "svar-full.toml"), ("2", "niva2.toml")):
            done = run_kt("kartlegg", persons[0]["id"], "--niva", level, "--svar", str(d / answers))
            assert done.code == 0 and "fullført" in done.stdout, done.stderr
        available = {name for name in ("rapport", "referat") if run_kt(name, "--help").code == 0}
    return {"home": home, "dir": d, "id": persons[0]["id"], "other": persons[1]["id"], "available": available}


def _args(case: Case, world: dict[str, object]) -> list[str]:
    return [a.format(id=world["id"], other=world["other"], d=world["dir"]) for a in case.args]


def _file_text(path: Path) -> str:
    """What a file shows: cell values of a workbook, the XML of a .docx, else the text."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path)
        return "\n".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def _log_text(home: Path) -> str:
    path = home / "kt.log"
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_no_command_shows_the_person_where_it_should_not(case: Case, world: dict[str, object],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if case.needs and case.needs not in world["available"]:
        pytest.skip(f"kt {case.needs} does not exist yet")
    home: Path = world["home"]  # type: ignore[assignment]
    monkeypatch.setenv("KT_HOME", str(home))
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    try:
        result = run_kt(*_args(case, world))
    except Exception as error:  # noqa: BLE001 - in tests kt re-raises; the message may hold personal data
        pytest.fail(f"{case.label}: unexpected {type(error).__name__} (kt would say «uventet feil»)", pytrace=False)
    assert result.code in case.codes, f"{case.label}: exit {result.code}"
    check("Traceback" not in result.output, f"{case.label}: traceback shown")
    for template in case.clean_files:
        path = Path(template.format(d=world["dir"]))
        check(path.exists(), f"{case.label}: {path.name} not written")
        text = _file_text(path)
        check(not shows_fnr(text) and not shows_name(text), f"{case.label}: the person is in {path.name}")
    if case.meant_to_show:
        check(shows_fnr(result.stdout) and NAME in result.stdout, f"{case.label}: should show the person")
        check(not shows_fnr(result.stderr), f"{case.label}: fødselsnummer in stderr")
        return
    check(not shows_fnr(result.stdout), f"{case.label}: fødselsnummer in stdout")
    check(not shows_fnr(result.stderr), f"{case.label}: fødselsnummer in stderr")
    check(not shows_name(result.stderr), f"{case.label}: name in stderr")
    if not case.name_ok:
        check(not shows_name(result.stdout), f"{case.label}: name in stdout")
    if result.code != 0:  # an error message never names the person, whatever the command
        check(not shows_name(result.output), f"{case.label}: name in an error")
    log = _log_text(home)
    check(not shows_fnr(log) and not shows_name(log), f"{case.label}: personal data in kt.log")


def test_masked_number_is_what_lists_show(world: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_HOME", str(world["home"]))
    result = run_kt("liste", "--json")
    mine = [p for p in json.loads(result.stdout) if p["id"] == world["id"]]
    assert len(mine) == 1
    check(mine[0]["fnr"] == FNR[:6] + "*****", "liste --json does not show the masked form")
    screened = run_kt("screen", str(world["dir"] / "liste.xlsx"), "--fylke", "agder")
    check((FNR[:6] + "*****") in screened.stdout, "screen does not show the masked form")


def test_files_meant_to_hold_the_person_do(world: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """The exceptions of the sweep, checked the other way round: innsyn and exports do hold the person."""
    monkeypatch.setenv("KT_HOME", str(world["home"]))
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    d: Path = world["dir"]  # type: ignore[assignment]
    assert run_kt("innsyn", str(world["id"]), "--ut", str(d / "eget-innsyn.json")).code == 0
    text = (d / "eget-innsyn.json").read_text(encoding="utf-8")
    check(FNR in text and NAME in text, "the innsyn file lacks the person")
    assert run_kt("screen", str(d / "liste.xlsx"), "--fylke", "agder", "--eksport", str(d / "eget.xlsx")).code == 0
    cells = [c.value for row in openpyxl.load_workbook(d / "eget.xlsx").active.iter_rows() for c in row]
    check(FNR in cells and NAME in cells, "the exported workbook lacks the person")


# ---------- a fødselsnummer typed where the kt-id belongs ----------

ID_COMMANDS = {
    "forklar": ["forklar", "{fnr}"],
    "person vis": ["person", "vis", "{fnr}"],
    "kartlegg": ["kartlegg", "{fnr}", "--svar", "{d}/svar.toml"],
    "innsyn": ["innsyn", "{fnr}", "--ut", "{d}/feil-innsyn.json"],
    "slett": ["slett", "{fnr}", "--ja"],
    # where the parser, not kt, complains: it repeats what was typed
    "person finn with an argument": ["person", "finn", "{fnr}"],
    "screen with an extra argument": ["screen", "{d}/liste.xlsx", "{fnr}", "--fylke", "agder"],
    "logg with a number as date": ["logg", "--person", "{fnr}"],
    "kartlegg with a number as niva": ["kartlegg", "{fnr}", "--niva", "{fnr}"],
}


@pytest.mark.parametrize("label", list(ID_COMMANDS))
def test_a_fodselsnummer_given_as_id_is_not_echoed(label: str, world: dict[str, object],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KT_HOME", str(world["home"]))
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    result = run_kt(*[a.format(fnr=FNR, d=world["dir"]) for a in ID_COMMANDS[label]])
    assert result.code == 2
    check(not shows_fnr(result.output), f"{label}: fødselsnummer echoed")


# ---------- kt.log in a real process ----------

def test_unexpected_error_does_not_write_a_name_to_kt_log(tmp_path: Path) -> None:
    home = tmp_path / "home"
    listing = tmp_path / "liste.csv"
    listing.write_text("Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose;Arbeidsgiver;Yrke;Kommunenr\n"
                       f"{FNR};Åsmund\x01Ødegård-Testperson;03.01.2022;100;L03;Testbygg AS;7115;4206\n",
                       encoding="utf-8")
    env = {**os.environ, "KT_HOME": str(home), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "kompetanse_cli", "screen", str(listing), "--fylke", "agder",
                           "--listedato", "07.03.2022", "--alle", "--eksport", str(tmp_path / "ut.xlsx")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    log = _log_text(home)
    check(not shows_fnr(output) and not shows_fnr(log), "fødselsnummer in the output or kt.log")
    check("Ødegård-Testperson" not in log, "name in kt.log")
    assert done.returncode == 0, "export failed"


# ---------- the masking filter itself ----------

def _masked(record: logging.LogRecord) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(MaskNumbers())
    handler.handle(record)
    return stream.getvalue()


def test_mask_numbers_in_messages() -> None:
    for form in fnr_forms():
        record = logging.LogRecord("kt", logging.ERROR, __file__, 1, "fant %s i rad %d", (form, 12), None)
        text = _masked(record)
        check(not shows_fnr(text), "a form of the number was not masked")
        check("***********" in text and "i rad 12" in text, "message mangled by the filter")
    plain = logging.LogRecord("kt", logging.INFO, __file__, 1, f"screen ferdig: {FNR}, orgnr 988271047", (), None)
    text = _masked(plain)
    check(not shows_fnr(text), "number left in a plain message")
    check("988271047" in text, "a 9-digit orgnr was masked")  # a 9-digit orgnr is not a fødselsnummer


def test_mask_numbers_in_a_traceback() -> None:
    def failing() -> None:
        person = {"fnr": FNR}
        raise KeyError(f"ukjent {person['fnr']} og {FNR.lstrip('0')}")

    try:
        failing()
    except KeyError:
        record = logging.LogRecord("kt", logging.ERROR, __file__, 1, "uventet feil i %s", ("screen",),
                                   sys.exc_info())
    raw = "".join(traceback.format_exception(*record.exc_info))
    check(shows_fnr(raw), "the raw traceback should hold the number")  # so the test is meaningful
    text = _masked(record)
    check(not shows_fnr(text), "number left in the logged traceback")
    check("Traceback" in text and "KeyError" in text and "uventet feil i screen" in text,
          "traceback lost by the filter")


def test_a_fodselsnummer_typed_as_an_argument_gets_told_where_it_belongs() -> None:
    result = run_kt("person", "finn", FNR)
    assert result.code == 2
    assert "For mange argumenter: ***********." in result.stderr
    assert "kt tar aldri fødselsnummer på kommandolinjen" in " ".join(result.stderr.split())
    assert "`kt person finn` spør etter fødselsnummeret" in " ".join(result.stderr.split())
