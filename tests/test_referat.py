"""`kt referat`: the letter to the candidate (bokmål/nynorsk; txt, html, docx), the notice to the
NAV-kontor, fylke templates from KT_HOME in a sandbox, and the record in `brev` and the audit log.

Persons come from a small synthetic list through `kt screen`, answers through `kt kartlegg --svar`.
Golden files are in tests/golden/; regenerate them with KT_UPDATE_GOLDEN=1 after a deliberate change.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from kompetanse_cli.report import referat as core
from kompetanse_cli.store import backend
from tests import dbrows
from tests.conftest import run_kt, synthetic_fnr

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2022, 3, 15)
VEILEDER = "A123456"
FNR = synthetic_fnr(dt.date(1980, 5, 17))
DIAGNOSIS = "P74"
HEADER = ["Fødselsnr", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose", "Arbeidsgiver", "Yrke",
          "Kommunenr", "Tidligere sykefravær"]

LEVEL_1 = """\
samtaledato = 2022-03-10
samtaleform = "telefon"
identifisert_av = "nav_veileder"
samtale_av = "prosjektgruppa"
utdanning = "fagbrev"
helse_naavaerende_jobb = "nei"
ag_tilrettelagt = "delvis"
ag_gjenvaerende_muligheter = "nei"
manglende_kompetanse = "ja"
onsker_annet_arbeid = "ja"
onsker_annen_arbeidsgiver = "ja"
trenger_ny_kompetanse = "ja"
aktuell = "ja"
karriereveiledning = "nei"
informert_inntekt = "ja"
notat = "Du vil gjerne jobbe med transport, og har allerede sett på førerkort klasse C."
"""
LEVEL_2 = """\
tiltakstype = "amo"
kurs = "Førerkort klasse C"
tilbyder = "Sørlandet Trafikkskole AS"
vedtaksdato = 2022-03-21
planlagt_start = 2022-04-04
planlagt_slutt = 2022-12-23
"""
NOT_RELEVANT = {  # as JSON, since only JSON can say «skipped» (null)
    "samtaledato": "10.03.2022", "samtaleform": "video", "identifisert_av": "nav_veileder",
    "samtale_av": "nav_veileder", "utdanning": "vgs_yrkesfag", "helse_naavaerende_jobb": "vet_ikke",
    "ag_tilrettelagt": "ja", "ag_gjenvaerende_muligheter": "ja", "manglende_kompetanse": "nei",
    "onsker_annet_arbeid": "nei", "aktuell": "nei", "hovedaarsak_ikke_aktuell": "helsebehandling",
    "karriereveiledning": "vet_ikke", "notat": None,
}


# ---------- set-up through the real commands ----------

def write_list(path: Path, fnr: str) -> Path:
    """A one-person office list (as in test_cli_screen), with a diagnosis code the letter must never show."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Liste"
    sheet.append(["Uttak 07.03.2022"])
    sheet.append(HEADER)
    sheet.append([fnr, "Testesen, Kari", dt.date(2022, 1, 3), None, 100, DIAGNOSIS, "Testbygg AS", "7115 Tømrer",
                  "4206", 2])
    workbook.save(path)
    return path


def screen_person(tmp_path: Path, fnr: str = FNR) -> str:
    import json

    result = run_kt("screen", str(write_list(tmp_path / "liste.xlsx", fnr)), "--fylke", "agder",
                    "--kontor", "Lister", "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)["persons"][0]["id"]


def answer(tmp_path: Path, short_id: str, answers: str | dict, *, niva: int = 1) -> None:
    """Answers through `kt kartlegg --svar`: TOML text, or a dict written as JSON."""
    import json

    if isinstance(answers, dict):
        path = tmp_path / f"svar{niva}.json"
        path.write_text(json.dumps(answers), encoding="utf-8")
    else:
        path = tmp_path / f"svar{niva}.toml"
        path.write_text(answers, encoding="utf-8")
    result = run_kt("kartlegg", short_id, "--niva", str(niva), "--svar", str(path))
    assert result.code == 0, result.output


@pytest.fixture
def veileder(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KT_VEILEDER", VEILEDER)
    return VEILEDER


@pytest.fixture
def candidate(tmp_path: Path, veileder: str) -> str:
    """A person with level 1 (aktuell) and level 2 (AMO course past the sykepengeperiode) completed."""
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, LEVEL_1)
    answer(tmp_path, short_id, LEVEL_2, niva=2)
    return short_id


def rows(home: Path, sql: str, *args: object) -> list[tuple]:
    return dbrows.tuples(sql, args)  # `home` is KT_HOME: kt's own database


def set_malform(home: Path, short_id: str, malform: str) -> None:
    dbrows.execute("UPDATE person SET malform = ? WHERE kort_id = ?", (malform, short_id))


NAVN, TELEFON = "Vera Veiledersen", "12 34 56 78"


def render(short_id: str, **options: object) -> core.RenderedLetter:
    options = {"veileder_navn": NAVN, "telefon": TELEFON, **options}
    conn, _ = backend.connect()  # whichever database kt uses
    try:
        return core.render_referat(conn, short_id, today=TODAY, veileder=VEILEDER, **options)
    finally:
        conn.close()


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KT_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path} (KT_UPDATE_GOLDEN=1 to update)"


def flat(text: str) -> str:
    """The text with line breaks and runs of spaces as single spaces (the .txt letter is wrapped)."""
    return " ".join(text.split())


def docx_text(path: Path) -> str:
    """The Word letter's text in reading order: paragraphs, and tables cell by cell where they stand."""
    from docx.table import Table

    parts = []
    for block in Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def html_text(text: str) -> str:
    """The HTML letter's words: line breaks for <br> and blocks, no tags, entities resolved."""
    import html as htmllib
    import re

    text = re.sub(r"<(br|/p|/li|/h[12]|/tr)\b[^>]*>", "\n", text)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", text))


def letter_text(path: Path) -> str:
    """What a letter file says, whatever its format."""
    if path.suffix == ".docx":
        return docx_text(path)
    if path.suffix == ".pdf":
        return pdf_text(path)
    text = path.read_text(encoding="utf-8")
    return html_text(text) if path.suffix == ".html" else text


def set_signature(navn: str = NAVN, telefon: str = "12345678") -> None:
    for key, value in (("navn", navn), ("telefon", telefon)):
        result = run_kt("config", "set", key, value)
        assert result.code == 0, result.output


# ---------- golden letters ----------

def test_referat_in_bokmal_matches_golden(candidate: str) -> None:
    letter = render(candidate)
    assert (letter.malform, letter.template, letter.format) == ("nb", "referat_nb.txt", "txt")
    assert_golden("referat_nb.txt", letter.text)
    for expected in ("10. mars 2022", "Førerkort klasse C", "Sørlandet Trafikkskole AS", "4. april 2022",
                     "23. desember 2022", "ikke sikkert at du har rett til inntekt", "lenger enn sykepengeperioden"):
        assert expected in flat(letter.text)


def test_referat_follows_the_persons_nynorsk_malform(candidate: str, kt_home: Path) -> None:
    set_malform(kt_home, candidate, "nn")
    letter = render(candidate)
    assert (letter.malform, letter.template) == ("nn", "referat_nn.txt")
    assert_golden("referat_nn.txt", letter.text)
    assert "REFERAT FRÅ SAMTALEN" in letter.text and "Med venleg helsing" in letter.text
    assert "ikkje sikkert" in flat(letter.text) and "Arbeidsmarknadsopplæring" in letter.text


def test_notice_to_the_office_matches_golden_and_holds_no_answers(candidate: str) -> None:
    letter = render(candidate, til_veileder=True)
    assert letter.kind == core.TIL_VEILEDER
    assert_golden("til_veileder.txt", letter.text.replace(candidate, "<kt-id>"))
    answers_part = letter.text.replace(f"Telefon {TELEFON}", "")  # the veileder's number signs it
    for never in ("transport", "Førerkort", "Trafikkskole", "telefon", "AMO", "aktuell", DIAGNOSIS, FNR, FNR[6:],
                  "Fagbrev", "tilrettelegg"):
        assert never.lower() not in answers_part.lower()
    assert "10.03.2022" in flat(letter.text) and "prosjektgruppa" in flat(letter.text) and VEILEDER in letter.text


# ---------- the command ----------

def test_prints_the_letter_and_records_it(candidate: str, kt_home: Path) -> None:
    result = run_kt("referat", candidate)
    assert result.code == 0, result.output
    assert result.stdout.startswith("Nav Lister\n")
    assert "REFERAT FRA SAMTALEN OM KOMPETANSETILTAK" in result.stdout
    assert rows(kt_home, "SELECT type, mal, format, veileder FROM brev") == [
        ("referat", "referat_nb.txt", "txt", VEILEDER)]
    logged = rows(kt_home, "SELECT handling, person, veileder, detaljer FROM logg WHERE handling LIKE 'referat%'")
    assert logged == [("referat laget", candidate, VEILEDER,
                       "mal referat_nb.txt, format txt, målform nb, til skjerm")]
    assert run_kt("referat", candidate, "--til-veileder").code == 0
    assert rows(kt_home, "SELECT type FROM brev ORDER BY id") == [("referat",), ("melding_kontor",)]
    assert rows(kt_home, "SELECT handling FROM logg WHERE handling LIKE '%laget' ORDER BY id") == [
        ("referat laget",), ("melding til NAV-kontoret laget",)]


def test_docx_is_a_word_file_with_the_measure(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "brev.docx"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 0, result.output
    assert "Referatet (bokmål) er lagret" in result.stdout
    text = docx_text(out)
    for expected in ("Referat fra samtalen om kompetansetiltak", "Førerkort klasse C", "Sørlandet Trafikkskole AS",
                     "4. april 2022", "23. desember 2022", "Vi ble enige om at du skal delta",
                     "ikke sikkert at du har rett til inntekt"):
        assert expected in text
    assert "{{" not in text and "{%" not in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a letter holds personal data
    assert not list(tmp_path.glob(".kt-brev-*"))
    assert rows(kt_home, "SELECT type, mal, format FROM brev") == [("referat", "referat_nb.docx", "docx")]


def test_nynorsk_docx(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    set_malform(kt_home, candidate, "nn")
    out = tmp_path / "brev.docx"
    assert run_kt("referat", candidate, "--ut", str(out)).code == 0
    text = docx_text(out)
    assert "Referat frå samtalen om kompetansetiltak" in text and "Tilbydar" in text
    assert "Førerkort klasse C" in text and "Med venleg helsing" in text


def test_html_contains_the_course_and_escapes_the_note(tmp_path: Path, veileder: str, kt_home: Path) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, LEVEL_1.replace(
        'notat = "Du vil gjerne', 'notat = "<script>alert(1)</script> & <b>fet</b>\\nDu vil gjerne'))
    answer(tmp_path, short_id, LEVEL_2, niva=2)
    out = tmp_path / "brev.html"
    assert run_kt("referat", short_id, "--ut", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "Førerkort klasse C" in html and '<html lang="nb">' in html
    assert "<script>" not in html and "<b>fet</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in html
    assert rows(kt_home, "SELECT format FROM brev") == [("html",)]


@pytest.mark.parametrize("til_veileder", [False, True])
@pytest.mark.parametrize("suffix", ["txt", "html", "docx"])
def test_no_letter_holds_the_fnr_or_the_diagnosis(candidate: str, tmp_path: Path, suffix: str,
                                                  til_veileder: bool) -> None:
    out = tmp_path / f"brev.{suffix}"
    result = run_kt("referat", candidate, "--ut", str(out), *(["--til-veileder"] if til_veileder else []))
    assert result.code == 0, result.output
    text = docx_text(out) if suffix == "docx" else out.read_text(encoding="utf-8")
    assert FNR not in text and FNR[6:] not in text
    assert DIAGNOSIS not in text
    assert "Testbygg" not in text  # the employer is not needed in either letter
    if not til_veileder:
        assert FNR[:6] not in text  # not even the masked number


HEALTH_SENTENCES = {  # what the letter says about health, and (with a note) about the note
    "nb": ("Vi skriver ikke diagnoser i dette referatet.", "Notatet nedenfor er det vi ble enige om å ta med."),
    "nn": ("Vi skriv ikkje diagnosar i dette referatet.", "Notatet nedanfor er det vi vart samde om å ta med."),
}


@pytest.mark.parametrize("with_note", [True, False])
@pytest.mark.parametrize("malform", ["nb", "nn"])
@pytest.mark.parametrize("suffix", ["txt", "html", "docx"])
def test_letter_promises_only_what_is_true_about_health_and_the_note(tmp_path: Path, veileder: str, kt_home: Path,
                                                                     suffix: str, malform: str,
                                                                     with_note: bool) -> None:
    """The free-text note is printed in the letter, so the letter must not promise «no health
    information» in it: it says no diagnoses, and that the note is what was agreed to include."""
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, LEVEL_1 if with_note else NOT_RELEVANT)
    set_malform(kt_home, short_id, malform)
    out = tmp_path / f"brev.{suffix}"
    result = run_kt("referat", short_id, "--ut", str(out))
    assert result.code == 0, result.output
    text = flat(docx_text(out) if suffix == "docx" else out.read_text(encoding="utf-8"))
    no_diagnoses, note_agreed = HEALTH_SENTENCES[malform]
    assert no_diagnoses in text
    assert (note_agreed in text) == with_note
    assert ("Du vil gjerne jobbe med transport" in text) == with_note
    assert "helseopplysning" not in text.lower()
    assert "{%" not in text and "{{" not in text


def test_person_who_is_not_relevant_gets_no_reason_and_no_measure(tmp_path: Path, veileder: str) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, NOT_RELEVANT)
    text = flat(render(short_id).text)
    assert "et kompetansetiltak ikke er aktuelt for deg nå" in text
    assert "fortsette i det arbeidet du har i dag" in text
    assert "på video" in text
    assert "helsebehandling" not in text.lower()  # the reason is health information
    assert "Type tiltak" not in text and "DETTE NOTERTE VI" not in text
    assert "ikke sikkert at du har rett til inntekt" in text  # the reminder is always there


def test_unfinished_level_2_is_left_out_with_a_warning(tmp_path: Path, veileder: str) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, LEVEL_1)
    answer(tmp_path, short_id, 'tiltakstype = "amo"\nkurs = "Helsesekretær"\n', niva=2)
    result = run_kt("referat", short_id)
    assert result.code == 0, result.output
    assert "Helsesekretær" not in result.stdout
    assert "se nærmere på et kompetansetiltak" in flat(result.stdout)
    assert "Nivå 2 (planlagt tiltak) er ikke fullført" in result.stderr


# ---------- refusals ----------

def test_person_without_completed_level_1_is_a_usage_error(tmp_path: Path, veileder: str, kt_home: Path) -> None:
    short_id = screen_person(tmp_path)
    result = run_kt("referat", short_id)
    assert result.code == 2
    assert "nivå 1" in result.stderr and "ikke startet" in result.stderr
    assert f"kt kartlegg {short_id}" in flat(result.stderr)
    answer(tmp_path, short_id, 'samtaledato = 2022-03-10\n')
    result = run_kt("referat", short_id)
    assert result.code == 2 and "ikke fullført" in result.stderr
    assert "Traceback" not in result.output
    assert rows(kt_home, "SELECT COUNT(*) FROM brev") == [(0,)]


def test_unknown_person_is_a_usage_error(veileder: str) -> None:
    result = run_kt("referat", "zzzzz")
    assert result.code == 2 and "Fant ingen person" in result.stderr


def test_output_into_a_missing_folder_is_a_clear_error(candidate: str, tmp_path: Path, kt_home: Path) -> None:
    out = tmp_path / "finnes-ikke" / "brev.docx"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 2
    assert "finnes ikke" in result.stderr and "finnes-ikke" in result.stderr
    assert not out.parent.exists()
    assert rows(kt_home, "SELECT COUNT(*) FROM brev") == [(0,)]


def test_unknown_extension_and_existing_file(candidate: str, tmp_path: Path) -> None:
    result = run_kt("referat", candidate, "--ut", str(tmp_path / "brev.rtf"))
    assert result.code == 2 and ".docx, .pdf, .html eller .txt" in result.stderr
    existing = tmp_path / "brev.txt"
    existing.write_text("gammelt", encoding="utf-8")
    result = run_kt("referat", candidate, "--ut", str(existing))
    assert result.code == 2 and "--overskriv" in result.stderr
    assert existing.read_text(encoding="utf-8") == "gammelt"
    assert run_kt("referat", candidate, "--ut", str(existing), "--overskriv").code == 0
    assert "REFERAT FRA SAMTALEN" in existing.read_text(encoding="utf-8")


def test_without_a_veileder_ident_nothing_is_made(tmp_path: Path, veileder: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, LEVEL_1)
    monkeypatch.delenv("KT_VEILEDER")
    result = run_kt("referat", short_id)
    assert result.code == 2 and "kt config set veileder" in result.stderr


# ---------- a fylke's own templates ----------

def own_template(kt_home: Path, name: str, text: str) -> Path:
    folder = kt_home / "maler" / "referat"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_own_template_overrides_one_file(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    own_template(kt_home, "referat_nb.txt", "Hei {{ navn }}!\nKurs: {{ tiltak.kurs }}\n")
    result = run_kt("referat", candidate)
    assert result.code == 0, result.output
    assert result.stdout == "Hei Kari Testesen!\nKurs: Førerkort klasse C\n"
    out = tmp_path / "brev.html"  # the other files are still the shipped ones
    assert run_kt("referat", candidate, "--ut", str(out)).code == 0
    assert "Førerkort klasse C" in out.read_text(encoding="utf-8")
    assert rows(kt_home, "SELECT mal FROM brev ORDER BY id") == [("referat_nb.txt (egen mal)",), ("referat_nb.html",)]


def test_undefined_variable_names_file_line_and_variable(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    own_template(kt_home, "referat_nb.txt", "Hei {{ navn }}!\n\nKjære {{ fornavn }}\n")
    out = tmp_path / "brev.txt"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 1
    assert "referat_nb.txt" in result.stderr and "linje 3" in result.stderr and "«fornavn»" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob(".kt-brev-*"))
    assert rows(kt_home, "SELECT COUNT(*) FROM brev") == [(0,)]


def test_syntax_error_names_file_and_line(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    own_template(kt_home, "referat_nb.html", "<p>Hei</p>\n{% if navn %}\n<p>{{ navn }}</p>\n")
    out = tmp_path / "brev.html"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 1 and not out.exists()
    assert "referat_nb.html" in result.stderr and "syntaksfeil" in result.stderr and "linje" in result.stderr


@pytest.mark.parametrize("attack", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self.__dict__ }}",
    "{{ lipsum.__globals__['os'].listdir('/') }}",
])
def test_templates_run_in_a_sandbox(candidate: str, kt_home: Path, tmp_path: Path, attack: str) -> None:
    own_template(kt_home, "referat_nb.txt", f"Hei\n{attack}\n")
    out = tmp_path / "brev.txt"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 1, result.output
    assert "sandkasse" in result.stderr and "referat_nb.txt, linje 2" in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_templates_cannot_include_files_outside_their_folder(candidate: str, kt_home: Path) -> None:
    own_template(kt_home, "referat_nb.txt", '{% include "../../kt.db" %}\n')
    result = run_kt("referat", candidate)
    assert result.code == 1 and "som ikke finnes" in result.stderr
    assert "SQLite" not in result.output


def test_own_word_template_with_an_undefined_variable(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    shipped, _ = core.find_template("referat_nb.docx")
    document = Document(str(shipped))
    greeting = next(p for p in document.paragraphs if p.text == "Hei!")
    greeting.runs[0].text = "Hei {{ fornavn }}!"
    folder = kt_home / "maler" / "referat"
    folder.mkdir(parents=True)
    document.save(str(folder / "referat_nb.docx"))
    out = tmp_path / "brev.docx"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 1
    assert "referat_nb.docx" in result.stderr and "«fornavn»" in result.stderr
    assert "«Hei {{ fornavn }}!»" in result.stderr  # the paragraph, since a Word file has no lines to name
    assert not out.exists()


def test_help_has_examples() -> None:
    result = run_kt("referat", "--help")
    assert result.code == 0
    assert "Eksempler:" in result.stdout and "--til-veileder" in result.stdout and "--ut" in result.stdout


# ---------- small pieces ----------

@pytest.mark.parametrize("raw, expected", [
    ("Testesen, Kari", "Kari Testesen"), ("KARI  TESTESEN", "Kari Testesen"), ("Kari Testesen", "Kari Testesen"),
    (None, ""), ("Nordmann, Ola-Petter", "Ola-Petter Nordmann"),
])
def test_letter_name(raw: str | None, expected: str) -> None:
    assert core.letter_name(raw) == expected


@pytest.mark.parametrize("raw, expected", [("Lister", "Nav Lister"), ("NAV Lister", "Nav Lister"),
                                           ("nav  Lister", "Nav Lister"), ("NAV-Lister", "Nav Lister"),
                                           ("Navestad", "Nav Navestad"), (None, "Nav")])
def test_office_name(raw: str | None, expected: str) -> None:
    assert core.office_name(raw) == expected


@pytest.mark.parametrize("answers, malform, expected", [
    ({"onsker_annet_arbeid": "ja", "onsker_annen_arbeidsgiver": "nei", "trenger_ny_kompetanse": "nei"}, "nb",
     "Du fortalte at du ønsker deg annet arbeid hos den arbeidsgiveren du har i dag."),
    ({"onsker_annet_arbeid": "delvis", "trenger_ny_kompetanse": "delvis"}, "nn",
     "Du fortalde at du er open for anna arbeid, og at du treng ny kompetanse for å kome dit."),
    ({"onsker_annet_arbeid": "vet_ikke"}, "nb", "Hva slags arbeid du ønsker deg fremover."),
    ({}, "nn", "Kva slags arbeid du ønskjer deg framover."),
])
def test_wishes_sentence(answers: dict, malform: str, expected: str) -> None:
    assert core.wishes_sentence(answers, malform) == expected


def test_wrap_text_keeps_list_items_indented() -> None:
    text = "- " + "ord " * 30 + "\nkort linje\n"
    wrapped = core.wrap_text(text, width=40).split("\n")
    assert all(len(line) <= 40 for line in wrapped)
    assert wrapped[0].startswith("- ord") and wrapped[1].startswith("  ord")
    assert wrapped[-2:] == ["kort linje", ""]


def test_word_templates_match_their_script(tmp_path: Path) -> None:
    from kompetanse_cli.templates.referat import make_docx_templates

    for made in make_docx_templates.main(tmp_path):
        shipped, custom = core.find_template(made.name)
        assert not custom
        assert made.read_bytes() == shipped.read_bytes(), f"run make_docx_templates.py again ({made.name})"


# ---------- issue 17, point 16: signature, «Nav», topics, one page, PDF ----------

SIGNATURE = {"nb": ["Med vennlig hilsen", NAVN, "Nav Lister", f"Telefon {TELEFON}"],
             "nn": ["Med venleg helsing", NAVN, "Nav Lister", f"Telefon {TELEFON}"]}


@pytest.mark.parametrize("malform", ["nb", "nn"])
@pytest.mark.parametrize("suffix", ["txt", "html", "docx", "pdf"])
def test_letter_is_signed_with_the_veileders_name_and_phone(candidate: str, kt_home: Path, tmp_path: Path,
                                                            suffix: str, malform: str) -> None:
    set_signature()
    set_malform(kt_home, candidate, malform)
    out = tmp_path / f"brev.{suffix}"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 0, result.output
    lines = [line.strip() for line in letter_text(out).splitlines() if line.strip()]
    assert lines[-4:] == SIGNATURE[malform]
    assert f"Ring meg på {TELEFON}" in flat(letter_text(out))
    assert "Advarsel" not in result.stderr


def test_letter_without_a_name_says_how_to_sign_it(candidate: str) -> None:
    result = run_kt("referat", candidate)
    assert result.code == 0, result.output
    assert result.stdout.rstrip().endswith("Med vennlig hilsen\nNav Lister")
    assert "55 55 33 33" in result.stdout  # without a phone number, Nav's own
    assert "kt config set navn" in flat(result.stderr)


@pytest.mark.parametrize("typed, stored", [("12345678", "12 34 56 78"), ("+47 123 45 678", "12 34 56 78"),
                                           ("12 34 56 78", "12 34 56 78")])
def test_config_keeps_a_phone_number_as_letters_write_it(typed: str, stored: str, kt_home: Path) -> None:
    assert run_kt("config", "set", "telefon", typed).code == 0
    assert f'telefon = "{stored}"' in (kt_home / "config.toml").read_text(encoding="utf-8")


def test_config_refuses_a_phone_number_that_is_not_one(kt_home: Path) -> None:
    result = run_kt("config", "set", "telefon", "1234")
    assert result.code == 2 and "8 sifre" in result.stderr
    assert not (kt_home / "config.toml").exists()


@pytest.mark.parametrize("malform, til_veileder", [("nb", False), ("nn", False), ("nb", True)])  # notice: bokmål
@pytest.mark.parametrize("suffix", ["txt", "html", "docx", "pdf"])
def test_letters_write_nav_as_nav_has_since_2023(candidate: str, kt_home: Path, tmp_path: Path, suffix: str,
                                                 malform: str, til_veileder: bool) -> None:
    import re

    set_signature()
    set_malform(kt_home, candidate, malform)
    out = tmp_path / f"brev.{suffix}"
    result = run_kt("referat", candidate, "--ut", str(out), *(["--til-veileder"] if til_veileder else []))
    assert result.code == 0, result.output
    text = letter_text(out)
    assert re.findall(r"\bNAV\b", text) == []
    assert "Nav Lister" in text


NOT_RELEVANT_SKIPPED_HEALTH = {**NOT_RELEVANT, "helse_naavaerende_jobb": None, "ag_tilrettelagt": None,
                               "ag_gjenvaerende_muligheter": None}


@pytest.mark.parametrize("suffix", ["txt", "html", "docx", "pdf"])
def test_letter_names_only_the_topics_the_conversation_covered(tmp_path: Path, veileder: str, suffix: str) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, NOT_RELEVANT_SKIPPED_HEALTH)  # not aktuell, so never told about income
    out = tmp_path / f"brev.{suffix}"
    assert run_kt("referat", short_id, "--ut", str(out)).code == 0
    text = flat(letter_text(out))
    assert "Inntekt:" not in text
    assert "Helse og arbeid:" not in text and "Tilrettelegging:" not in text  # skipped in the conversation
    assert "Kompetanse: utdanningen din" in text and "Ønsker for fremtidig arbeid:" in text
    assert "Vi skriver ikke diagnoser i dette referatet." in text


def test_topics_follow_the_answers() -> None:
    assert core.topics({"informert_inntekt": "ja", "helse_naavaerende_jobb": "vet_ikke"}) == {
        "helse": True, "tilrettelegging": False, "kompetanse": False, "onsker": False, "inntekt": True,
        "noen": True}
    assert core.topics({"informert_inntekt": "nei"})["inntekt"] is False
    assert core.topics({})["noen"] is False


def test_letter_with_no_topic_has_no_topic_heading(tmp_path: Path, veileder: str) -> None:
    short_id = screen_person(tmp_path)
    answer(tmp_path, short_id, {"samtaledato": "10.03.2022", "aktuell": "vet_ikke", "notat": None,
                                **{q: None for q in ("samtaleform", "identifisert_av", "samtale_av", "utdanning",
                                                     "helse_naavaerende_jobb", "ag_tilrettelagt",
                                                     "ag_gjenvaerende_muligheter", "manglende_kompetanse",
                                                     "onsker_annet_arbeid", "karriereveiledning")}})
    for suffix in ("txt", "docx"):
        out = tmp_path / f"brev.{suffix}"
        assert run_kt("referat", short_id, "--ut", str(out)).code == 0
        text = letter_text(out)
        assert "snakket vi om" not in text.lower() and "{%" not in text


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_word_letter_fits_one_page(candidate: str, kt_home: Path, tmp_path: Path, malform: str) -> None:
    """The longest standard letter (a measure past the sykepengeperiode, a note, the signature) on
    one A4 page, as LibreOffice lays it out (a desktop tool: skipped where it is not installed)."""
    import shutil
    import subprocess

    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice er ikke installert")
    set_signature()
    set_malform(kt_home, candidate, malform)
    out = tmp_path / "brev.docx"
    assert run_kt("referat", candidate, "--ut", str(out)).code == 0
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profil'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "brev.pdf"
    assert _pages(pdf) == 1
    assert f"Telefon {TELEFON}" in pdf_text(pdf) and "Spørsmål?" in pdf_text(pdf)


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_pdf_letter_is_made_from_the_html_template_on_one_page(candidate: str, kt_home: Path, tmp_path: Path,
                                                               malform: str) -> None:
    set_signature()
    set_malform(kt_home, candidate, malform)
    out = tmp_path / "brev.pdf"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _pages(out) == 1
    text = flat(pdf_text(out))
    title = "Referat fra samtalen om kompetansetiltak" if malform == "nb" else "Referat frå samtalen om kompetansetiltak"
    for expected in (title, "Til Kari Testesen", "Førerkort klasse C", "Sørlandet Trafikkskole AS",
                     "4. april 2022", "Type tiltak: Arbeidsm", "Du vil gjerne jobbe med transport"):
        assert expected in text
    assert FNR not in text and DIAGNOSIS not in text and "{{" not in text
    assert rows(kt_home, "SELECT mal, format FROM brev") == [(f"referat_{malform}.html", "pdf")]


def test_pdf_letter_holds_names_outside_latin_1(tmp_path: Path, veileder: str) -> None:
    """A Sámi name prints as it is (the font ships with kt)."""
    short_id = screen_person(tmp_path)
    dbrows.execute("UPDATE person SET navn = ? WHERE kort_id = ?", ("Áilu Ŋuvttáš", short_id))
    answer(tmp_path, short_id, LEVEL_1)
    out = tmp_path / "brev.pdf"
    result = run_kt("referat", short_id, "--ut", str(out))
    assert result.code == 0, result.output
    assert "Áilu Ŋuvttáš" in pdf_text(out)


def test_pdf_from_an_own_template_takes_no_file_from_the_disk(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    from PIL import Image

    secret = tmp_path / "hemmelig.png"
    Image.new("RGB", (8, 8), "red").save(secret)
    own_template(kt_home, "referat_nb.html", f'<main class="ark"><p>Hei {{{{ navn }}}}</p><img src="{secret}"></main>')
    out = tmp_path / "brev.pdf"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 0, result.output
    assert "Hei Kari Testesen" in pdf_text(out)
    assert b"/Subtype /Image" not in out.read_bytes()


@pytest.mark.parametrize("malform", ["nb", "nn"])
def test_html_letter_prints_on_one_page(candidate: str, kt_home: Path, tmp_path: Path, malform: str) -> None:
    """Printed from Chromium (a desktop tool: skipped where it is not installed)."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("Chromium er ikke installert")
    set_signature()
    set_malform(kt_home, candidate, malform)
    out = tmp_path / "brev.html"
    assert run_kt("referat", candidate, "--ut", str(out)).code == 0
    pdf = tmp_path / "utskrift.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    f"--user-data-dir={tmp_path / 'chromium'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    out.as_uri()], check=True, capture_output=True, timeout=180)
    assert _pages(pdf) == 1
    assert f"Telefon {TELEFON}" in pdf_text(pdf)


@pytest.mark.parametrize("suffix", ["txt", "html", "docx", "pdf"])
def test_notice_to_the_office_is_signed_with_the_veileders_name_and_phone(candidate: str, tmp_path: Path,
                                                                          suffix: str) -> None:
    set_signature()
    out = tmp_path / f"melding.{suffix}"
    assert run_kt("referat", candidate, "--til-veileder", "--ut", str(out)).code == 0
    text = letter_text(out)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[-3:] == ["Med vennlig hilsen", NAVN, f"Telefon {TELEFON}"]
    assert f"Fra: {NAVN} ({VEILEDER})" in text
