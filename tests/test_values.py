"""Table-driven tests for cleaning single cells and recognising column headers.

All fødselsnummer here are synthetic (birth month + 40) and built at import time, so that no
number is written in the source; test ids describe the case, never the value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from stdnum.no import fodselsnummer

from kompetanse_cli.ingest.columns import normalize_header, recognise
from kompetanse_cli.ingest.listfile import styrk_titles
from kompetanse_cli.ingest.values import (
    ValueProblem,
    birth_date,
    parse_date,
    parse_fnr,
    parse_grade,
    parse_icpc,
    parse_styrk,
)
from tests.conftest import synthetic_fnr


def _with_check_digits(base: str) -> str | None:
    """`base` (9 digits) + both check digits, or None when a check digit would be 10."""
    first = fodselsnummer.calc_check_digit1(base)
    if len(first) != 1:
        return None
    second = fodselsnummer.calc_check_digit2(base + first)
    if len(second) != 1:
        return None
    return base + first + second


def _synthetic_d_nummer(born: dt.date) -> str:
    """A synthetic D-nummer: day + 40 and month + 40, valid check digits."""
    for individual in range(123, 500):
        number = _with_check_digits(f"{born.day + 40:02d}{born.month + 40:02d}{born:%y}{individual:03d}")
        if number and fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid synthetic D-nummer in range")


def _impossible_date_number() -> str:
    """Eleven digits with correct check digits whose birth date (day 32) does not exist."""
    for individual in range(123, 500):
        number = _with_check_digits(f"3241{80:02d}{individual:03d}")
        if number:
            assert not fodselsnummer.is_valid(number)
            return number
    raise AssertionError("no candidate in range")


def _bad_check_digit(number: str) -> str:
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not fodselsnummer.is_valid(bad)
    return bad


# Starts with 0, so it loses a digit when Excel stores it as a number.
LEADING_ZERO = synthetic_fnr(dt.date(1980, 1, 5))
PLAIN = synthetic_fnr(dt.date(1975, 12, 23))
D_NUMMER = _synthetic_d_nummer(dt.date(1992, 2, 3))
assert LEADING_ZERO.startswith("0") and not PLAIN.startswith("0")
assert fodselsnummer.is_valid(LEADING_ZERO.lstrip("0").zfill(11))
# Ten digits that are *not* a number with a lost leading zero: padding does not make it valid.
TEN_DIGITS_INVALID = PLAIN[:10]
assert not fodselsnummer.is_valid(TEN_DIGITS_INVALID.zfill(11))


def _contains_token(text: str, value: object) -> bool:
    """Does `value` appear in `text` as a whole token (not as part of a longer word or number)?"""
    needle = str(value).strip()
    if not needle:
        return False
    return re.search(rf"(?<![0-9A-Za-zÆØÅæøå]){re.escape(needle)}(?![0-9A-Za-zÆØÅæøå])", text) is not None


def assert_problem_hides_value(parse, value, *args) -> ValueProblem:
    """`parse(value)` raises ValueProblem whose reason does not repeat the input."""
    with pytest.raises(ValueProblem) as caught:
        parse(value, *args)
    reason = caught.value.reason
    assert reason, "a ValueProblem must say what was expected"
    assert str(caught.value) == reason
    # Booleans only, so that a failing assertion does not print the value.
    repeated = _contains_token(reason, value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        repeated = repeated or _contains_token(reason, int(value))
    digits = re.sub(r"\D", "", str(value))
    if len(digits) >= 6:  # a fødselsnummer-like input: not even its digits may leak
        repeated = repeated or digits in re.sub(r"\D", "", reason)
    assert not repeated, "the reason repeats the cell's content"
    return caught.value


# --------------------------------------------------------------------------- parse_fnr

FNR_OK = [
    pytest.param(LEADING_ZERO, LEADING_ZERO, id="text-11-digits-leading-zero"),
    pytest.param(PLAIN, PLAIN, id="text-11-digits"),
    pytest.param(int(LEADING_ZERO), LEADING_ZERO, id="int-lost-leading-zero"),
    pytest.param(float(int(LEADING_ZERO)), LEADING_ZERO, id="float-lost-leading-zero"),
    pytest.param(int(PLAIN), PLAIN, id="int-11-digits"),
    pytest.param(float(int(PLAIN)), PLAIN, id="float-11-digits"),
    pytest.param(LEADING_ZERO[1:], LEADING_ZERO, id="text-10-digits-padded"),
    pytest.param(f"{PLAIN[:6]} {PLAIN[6:]}", PLAIN, id="space-after-birth-date"),
    pytest.param(f"  {PLAIN}\t", PLAIN, id="surrounding-whitespace"),
    pytest.param(f"{PLAIN[:2]} {PLAIN[2:4]} {PLAIN[4:6]} {PLAIN[6:]}", PLAIN, id="spaces-everywhere"),
    pytest.param(f"{PLAIN[:2]}.{PLAIN[2:4]}.{PLAIN[4:6]} {PLAIN[6:]}", PLAIN, id="dots-and-space"),
    pytest.param(f"{PLAIN[:6]}-{PLAIN[6:]}", PLAIN, id="dash-after-birth-date"),
    pytest.param(D_NUMMER, D_NUMMER, id="d-nummer"),
    pytest.param(int(D_NUMMER), D_NUMMER, id="d-nummer-as-int"),
]


@pytest.mark.parametrize(("value", "expected"), FNR_OK)
def test_parse_fnr_accepts(value, expected):
    assert parse_fnr(value) == expected


FNR_PROBLEMS = [
    pytest.param(_bad_check_digit(PLAIN), id="bad-check-digit"),
    pytest.param(_bad_check_digit(LEADING_ZERO), id="bad-check-digit-leading-zero"),
    pytest.param(int(_bad_check_digit(PLAIN)), id="bad-check-digit-as-int"),
    pytest.param(TEN_DIGITS_INVALID, id="10-digits-invalid-after-padding"),
    pytest.param(int(TEN_DIGITS_INVALID), id="10-digits-int-invalid-after-padding"),
    pytest.param(PLAIN[:9], id="9-digits"),
    pytest.param(PLAIN + "0", id="12-digits"),
    pytest.param(_impossible_date_number(), id="impossible-birth-date"),
    pytest.param("abcdefghijk", id="letters"),
    pytest.param(PLAIN[:5] + "X" + PLAIN[6:], id="letter-among-digits"),
    pytest.param(1.5, id="float-with-fraction"),
    pytest.param(-float(int(PLAIN)), id="negative-number"),
    pytest.param("\uff11" * 11, id="fullwidth-digits"),
    pytest.param(True, id="boolean"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="blank"),
    pytest.param(None, id="none"),
]


@pytest.mark.parametrize("value", FNR_PROBLEMS)
def test_parse_fnr_rejects(value):
    assert_problem_hides_value(parse_fnr, value)


def test_parse_fnr_empty_says_missing():
    assert "mangler" in assert_problem_hides_value(parse_fnr, "").reason


@pytest.mark.parametrize("day_month", ["0101", "2902", "4541", "3213"],
                         ids=["1-jan", "29-feb", "d-and-h-nummer", "no-day-32"])
def test_birth_date_is_python_stdnums_for_every_year_and_individual_number(day_month):
    """birth_date decodes each birth date once per range of individual numbers: for every year
    and every one of the thousand individual numbers (which give the century), the date (or the
    error) is the one the installed python-stdnum gives for the number itself."""
    for year in range(100):
        for individual in range(1000):
            digits = f"{day_month}{year:02d}{individual:03d}00"
            try:
                expected = fodselsnummer.get_birth_date(digits)
            except ValueError as error:
                with pytest.raises(type(error)):
                    birth_date(digits)
            else:
                assert birth_date(digits) == expected, (year, individual)


# --------------------------------------------------------------------------- parse_date

MARCH_7 = dt.date(2022, 3, 7)

DATE_OK = [
    pytest.param(MARCH_7, MARCH_7, id="date"),
    pytest.param(dt.datetime(2022, 3, 7, 0, 0), MARCH_7, id="datetime-midnight"),
    pytest.param(dt.datetime(2022, 3, 7, 13, 45), MARCH_7, id="datetime-afternoon"),
    pytest.param(44627, MARCH_7, id="excel-serial-int"),
    pytest.param(44627.0, MARCH_7, id="excel-serial-float"),
    pytest.param(44627.5, MARCH_7, id="excel-serial-with-time"),
    pytest.param("44627", MARCH_7, id="excel-serial-as-text"),
    pytest.param("07.03.2022", MARCH_7, id="dd.mm.yyyy"),
    pytest.param("7.3.2022", MARCH_7, id="d.m.yyyy"),
    pytest.param("7.3.22", MARCH_7, id="d.m.yy"),
    pytest.param("07.03.22", MARCH_7, id="dd.mm.yy"),
    pytest.param(" 07.03.2022 ", MARCH_7, id="surrounding-whitespace"),
    pytest.param("2022-03-07", MARCH_7, id="iso"),
    pytest.param("2022-03-07 00:00:00", MARCH_7, id="iso-with-time"),
    pytest.param("2022-03-07T08:30:00", MARCH_7, id="iso-with-T-time"),
    pytest.param("29.02.2024", dt.date(2024, 2, 29), id="leap-day"),
    pytest.param("", None, id="empty"),
    pytest.param("   ", None, id="blank"),
    pytest.param(None, None, id="none"),
    pytest.param("07.03.2022 00:00", MARCH_7, id="dd.mm.yyyy-with-time"),
]


@pytest.mark.parametrize(("value", "expected"), DATE_OK)
def test_parse_date_accepts(value, expected):
    assert parse_date(value) == expected


DATE_PROBLEMS = [
    pytest.param("31.02.2022", id="31-february"),
    pytest.param("29.02.2023", id="29-february-not-leap-year"),
    pytest.param("2022-13-01", id="iso-month-13"),
    pytest.param("32.01.2022", id="day-32"),
    pytest.param("abc", id="letters"),
    pytest.param("i går", id="words"),
    pytest.param("2022-03-07abc", id="iso-with-junk"),
    pytest.param(5, id="small-number"),
    pytest.param(100000, id="number-after-2100"),
    pytest.param(True, id="boolean"),
]


@pytest.mark.parametrize("value", DATE_PROBLEMS)
def test_parse_date_rejects(value):
    assert_problem_hides_value(parse_date, value)


def test_parse_date_impossible_date_says_so():
    assert "umulig" in assert_problem_hides_value(parse_date, "31.02.2022").reason


# --------------------------------------------------------------------------- parse_grade

GRADE_OK = [
    pytest.param("100", 100, id="text-100"),
    pytest.param("100 %", 100, id="text-100-space-percent"),
    pytest.param("100%", 100, id="text-100-percent"),
    pytest.param("100,0", 100, id="text-decimal-comma"),
    pytest.param("80.0", 80, id="text-decimal-point"),
    pytest.param(" 50 ", 50, id="text-whitespace"),
    pytest.param("80%", 80, id="text-80-percent"),
    pytest.param(1.0, 100, id="percent-cell-1.0"),
    pytest.param(0.8, 80, id="percent-cell-0.8"),
    pytest.param(0.5, 50, id="percent-cell-0.5"),
    pytest.param("0,6", 60, id="text-fraction-comma"),
    pytest.param(80, 80, id="int-80"),
    pytest.param(100, 100, id="int-100"),
    pytest.param(20, 20, id="lowest-allowed"),
    pytest.param(60.0, 60, id="float-60"),
    pytest.param("", None, id="empty"),
    pytest.param("  ", None, id="blank"),
    pytest.param(None, None, id="none"),
]


@pytest.mark.parametrize(("value", "expected"), GRADE_OK)
def test_parse_grade_accepts(value, expected):
    assert parse_grade(value) == expected


GRADE_PROBLEMS = [
    pytest.param(150, id="above-100"),
    pytest.param("101", id="text-above-100"),
    pytest.param(10, id="below-20"),
    pytest.param(19, id="just-below-20"),
    pytest.param(0, id="zero"),
    pytest.param(-50, id="negative"),
    pytest.param("abc", id="letters"),
    pytest.param("full", id="word"),
    pytest.param("50-100", id="range"),
    pytest.param(True, id="boolean"),
    pytest.param("0,5 %", id="explicit-percent-sign-half-percent"),
]


@pytest.mark.parametrize("value", GRADE_PROBLEMS)
def test_parse_grade_rejects(value):
    assert_problem_hides_value(parse_grade, value)


# --------------------------------------------------------------------------- parse_icpc

ICPC_OK = [
    pytest.param("L03", "L03", id="canonical"),
    pytest.param("l03", "L03", id="lower-case"),
    pytest.param("L 03", "L03", id="space"),
    pytest.param("l 03", "L03", id="lower-case-space"),
    pytest.param("L-03", "L03", id="dash"),
    pytest.param(" r 991 ", "R991", id="three-digits-spaces"),
    pytest.param("R991", "R991", id="three-digits"),
    pytest.param("P74 Angst", "P74", id="code-with-text"),
    pytest.param("p74 angst", "P74", id="code-with-text-lower-case"),
    pytest.param("A04", "A04", id="chapter-a"),
    pytest.param("Z29", "Z29", id="chapter-z"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="none"),
]


@pytest.mark.parametrize(("value", "expected"), ICPC_OK)
def test_parse_icpc_accepts(value, expected):
    assert parse_icpc(value) == expected


ICPC_PROBLEMS = [
    pytest.param("XYZ", id="letters-only"),
    pytest.param("C03", id="no-such-chapter"),
    pytest.param("L3", id="one-digit"),
    pytest.param("03", id="no-letter"),
    pytest.param(12, id="number"),
    pytest.param("Angst", id="text-only"),
]


@pytest.mark.parametrize("value", ICPC_PROBLEMS)
def test_parse_icpc_rejects(value):
    assert_problem_hides_value(parse_icpc, value)


# --------------------------------------------------------------------------- parse_styrk

STYRK_CASES = [
    pytest.param("7115", 7, id="four-digit-code"),
    pytest.param(7115, 7, id="code-as-int"),
    pytest.param(7115.0, 7, id="code-as-float"),
    pytest.param("7 Tømrer", 7, id="major-group-and-title"),
    pytest.param("7115 Tømrer", 7, id="code-and-title"),
    pytest.param("2221 Sykepleier", 2, id="code-and-title-group-2"),
    pytest.param("Tømrer", 7, id="title-from-table"),
    pytest.param("TØMRER", 7, id="title-upper-case"),
    pytest.param("  Renholder ", 9, id="title-whitespace"),
    pytest.param("Ukjent tittel", None, id="unknown-title"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="none"),
]


@pytest.mark.parametrize(("value", "expected"), STYRK_CASES)
def test_parse_styrk(value, expected):
    assert parse_styrk(value, styrk_titles()) == expected


def test_styrk_title_table_is_shipped_and_lower_case():
    titles = styrk_titles()
    assert titles["tømrer"] == 7
    assert all(key == key.lower().strip() for key in titles)
    assert all(1 <= group <= 9 for group in titles.values())


# --------------------------------------------------------------------------- headers

NORMALIZE_CASES = [
    pytest.param("Fødselsnr", "fodselsnr", id="oe-folded"),
    pytest.param("FØDSELSNR", "fodselsnr", id="upper-case-oe"),
    pytest.param("fodsels nr", "fodselsnr", id="space-removed"),
    pytest.param("Sykm. grad (%)", "sykmgrad", id="punctuation-removed"),
    pytest.param("Tidligere sykefravær", "tidligeresykefravaer", id="ae-folded"),
    pytest.param("Sykepengedager siste 5 år", "sykepengedagersiste5ar", id="aa-folded-digit-kept"),
    pytest.param("  NAV-kontor ", "navkontor", id="dash-and-whitespace"),
    pytest.param("ICPC-2", "icpc2", id="icpc-2"),
    pytest.param("Sykmeldt\nfom", "sykmeldtfom", id="line-break-in-cell"),
    pytest.param(2022, "2022", id="number-cell"),
]


@pytest.mark.parametrize(("header", "expected"), NORMALIZE_CASES)
def test_normalize_header(header, expected):
    assert normalize_header(header) == expected


# The aliases named in the issue, exactly as written there.
ISSUE_ALIASES = [
    ("Fødselsnr", "fnr"),
    ("Fodselsnummer", "fnr"),
    ("Personident", "fnr"),
    ("fnr", "fnr"),
    ("Sykmeldt fom", "sykmeldt_fom"),
    ("Fra og med", "sykmeldt_fom"),
    ("Sykmeldingsstart", "sykmeldt_fom"),
    ("Grad", "grad"),
    ("Sykm.grad", "grad"),
    ("Sykmeldingsgrad", "grad"),
    ("Diagnose", "diagnose"),
    ("Diagnosekode", "diagnose"),
    ("ICPC-2", "diagnose"),
    ("Arbeidsgiver", "arbeidsgiver"),
    ("Virksomhet", "arbeidsgiver"),
    ("Orgnr", "orgnr"),
    ("Yrke", "yrke"),
    ("Stilling", "yrke"),
    ("STYRK", "yrke"),
    ("Kommune", "kommune"),
    ("Kommunenr", "kommune"),
    ("NAV-kontor", "kontor"),
    ("Enhet", "kontor"),
    ("Kontor", "kontor"),
    ("Tidligere sykefravær", "tidligere_tilfeller"),
    ("Antall tidligere tilfeller", "tidligere_tilfeller"),
    ("Sykepengedager siste 5 år", "sykepengedager_5ar"),
]

# Spellings an office could reasonably use for the same columns.
VARIANT_ALIASES = [
    ("FØDSELSNR", "fnr"),
    ("fodsels nr", "fnr"),
    ("Fødselsnr.", "fnr"),
    ("Fødselsnummer", "fnr"),
    ("Fnr/D-nr", "fnr"),
    ("Fødselsnr/D-nr", "fnr"),
    ("F.nr.", "fnr"),
    ("Sykmeldt f.o.m.", "sykmeldt_fom"),
    ("SYKMELDT FOM", "sykmeldt_fom"),
    ("Sykmeldt\nfom", "sykmeldt_fom"),
    ("Sykmeldt fra og med", "sykmeldt_fom"),
    ("Sykmeldt tom", "sykmeldt_tom"),
    ("Til og med", "sykmeldt_tom"),
    ("Sykm. grad (%)", "grad"),
    ("Grad (%)", "grad"),
    ("  Grad  ", "grad"),
    ("Diagnose (ICPC-2)", "diagnose"),
    ("ICPC2", "diagnose"),
    ("Org.nr.", "orgnr"),
    ("Org nr", "orgnr"),
    ("Organisasjonsnummer", "orgnr"),
    ("STYRK-08", "yrke"),
    ("Kommune nr.", "kommune"),
    ("NAV kontor", "kontor"),
    ("Nav-kontor", "kontor"),
    ("TIDLIGERE SYKEFRAVÆR", "tidligere_tilfeller"),
    ("Tidligere sykefravaer", "tidligere_tilfeller"),
    ("Sykepengedager (siste 5 år)", "sykepengedager_5ar"),
    ("Sykepengedager siste 5 ar", "sykepengedager_5ar"),
    ("Antall sykepengedager siste 5 år", "sykepengedager_5ar"),
    # Decomposed å (a + combining ring), as some Mac exports write it.
    (unicodedata.normalize("NFD", "Sykepengedager siste 5 år"), "sykepengedager_5ar"),
    (unicodedata.normalize("NFD", "Tidligere sykefravær"), "tidligere_tilfeller"),
]


def _alias_id(case: tuple[str, str]) -> str:
    header, name = case
    return f"{name}:{normalize_header(header) or 'blank'}:{' '.join(header.split())}"


@pytest.mark.parametrize(("header", "field"), ISSUE_ALIASES + VARIANT_ALIASES,
                         ids=[_alias_id(case) for case in ISSUE_ALIASES + VARIANT_ALIASES])
def test_recognise_alias(header, field):
    columns = recognise(["Ukjent kolonne", header])
    assert columns.fields == {field: 1}
    assert columns.headers[field] == " ".join(header.split())
    assert columns.ignored == ["Ukjent kolonne"]


def test_recognise_does_not_take_uforegrad_for_sick_leave_grade():
    columns = recognise(["Fødselsnr", "Sykmeldt fom", "Uføregrad", "Sykmeldingsgrad"])
    assert columns.fields.get("grad") == 3


def test_recognise_whole_header_row():
    header = ["Personident", "Navn", "Sykmeldingsstart", "Sykm.grad", "Diagnosekode", "Arbeidsgiver",
              "Yrke", "Kommune", "NAV-kontor", "Tidligere sykefravær", "Sykepengedager siste 5 år",
              "Kommentar"]
    columns = recognise(header)
    assert columns.fields == {
        "fnr": 0, "navn": 1, "sykmeldt_fom": 2, "grad": 3, "diagnose": 4, "arbeidsgiver": 5, "yrke": 6,
        "kommune": 7, "kontor": 8, "tidligere_tilfeller": 9, "sykepengedager_5ar": 10,
    }
    assert columns.ignored == ["Kommentar"]
    assert columns.missing_required == []


def test_recognise_first_matching_column_wins():
    columns = recognise(["Fødselsnr", "Personident", "Sykmeldt fom", "Fra og med"])
    assert columns.fields == {"fnr": 0, "sykmeldt_fom": 2}
    assert columns.ignored == ["Personident", "Fra og med"]


def test_recognise_skips_blank_cells_and_reports_missing_required():
    columns = recognise([None, "", "   ", "Navn", "Grad"])
    assert columns.fields == {"navn": 3, "grad": 4}
    assert columns.ignored == []
    assert columns.missing_required == ["fnr", "sykmeldt_fom"]


@pytest.mark.parametrize("header", ["Kommentar", "Merknad", "Telefon", "Adresse", "Status"])
def test_recognise_ignores_unknown_columns(header):
    columns = recognise([header])
    assert columns.fields == {}
    assert columns.ignored == [header]
