"""Cleaning single cell values as offices write them.

Each parser takes the raw cell (str, int, float, date, datetime or "") and returns a clean
value, `None` for an empty cell, or raises `ValueProblem` with a reason in Norwegian that
never repeats the cell's content (it may be a fødselsnummer or a diagnosis).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer

# Excel's 1900 date system, including its 1900-02-29 bug: serial 1 is 1900-01-01.
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials from 1950 to 2100: a plain number in a date column outside this is not a date.
SERIAL_MIN, SERIAL_MAX = 18264, 73051

ICPC_CHAPTERS = frozenset("ABDFHKLNPRSTUWXYZ")
_ICPC_RE = re.compile(r"^([A-Za-z])\s*-?\s*(\d{2})(?:[.,]?(\d{1,2}))?\b", re.ASCII)
_DATE_RE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$", re.ASCII)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$", re.ASCII)
_GRADE_RE = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*%?$", re.ASCII)
_STYRK_RE = re.compile(r"^(\d{1,4})\b\s*(.*)$", re.ASCII)


# What Excel shows in a cell whose formula failed, in English and Norwegian: not empty, but unknown
ERROR_CELLS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
                         "#I/T", "#VERDI!", "#NAVN?", "#TALL!", "#NULL", "#FEIL", "#GETTING_DATA"})
FIRST_YEAR, LAST_YEAR = 1900, 2100  # dates outside these are typing errors or placeholders (31.12.9999)
MAX_COUNT = 100_000  # earlier cases, sykepengedager: more is not a count
MAX_TEXT = 1000  # characters in a name, an employer …: a longer cell is garbage, not kept


ERROR_REASON = "cellen har en feilverdi fra Excel (som #N/A eller #I/T), ikke en verdi"


def error_reason(cell: object) -> str:
    """Why a row with an error cell in a required column is rejected (a fixed text: never the cell)."""
    return ERROR_REASON


class ValueProblem(ValueError):
    """A cell that cannot be used; `reason` says what was expected, without the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_ascii_digits(text: str) -> bool:
    """Only 0–9: `str.isdigit()` also accepts ², ① and other scripts' digits."""
    return text.isascii() and text.isdigit()


def is_blank(value: object) -> bool:
    """True for an empty cell (None, "" or only white space)."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: object) -> str | None:
    """Trimmed text with inner runs of white space folded; numbers without a trailing `.0`."""
    if type(value) is str:  # the common case, kept fast
        if len(value) > MAX_TEXT:
            raise ValueProblem("teksten er for lang (over 1 000 tegn)")
        return " ".join(value.split()) or None
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_fnr(value: object, today: dt.date | None = None) -> str:
    """An 11-digit fødselsnummer or D-nummer, validated with python-stdnum. A birth date after
    `today` (by default today's date) is impossible.

    Numbers stored as numbers lose their leading zero; spaces and dots are removed.
    """
    if value.__class__ is float and value.is_integer():  # the common case, kept fast
        if value < 0:
            raise ValueProblem("fødselsnummer skal bare inneholde sifre")
        digits = str(int(value))
    elif value.__class__ is str and _is_ascii_digits(value):
        digits = value
    else:
        digits = _fnr_digits(value)
        if not _is_ascii_digits(digits):
            raise ValueProblem("fødselsnummer skal bare inneholde sifre")
    if len(digits) == 10:
        digits = "0" + digits  # leading zero lost when the column was stored as a number
    if len(digits) != 11:
        raise ValueProblem("fødselsnummer skal ha 11 sifre")
    invalid = "ugyldig fødselsnummer (kontrollsifrene stemmer ikke, eller datoen er umulig)"
    # The same checks as fodselsnummer.validate(), through python-stdnum's own functions, but with
    # the birth date computed once: the age criterion needs it next, from the cache.
    if (digits[9] != fodselsnummer.calc_check_digit1(digits)
            or digits[10] != fodselsnummer.calc_check_digit2(digits)):
        raise ValueProblem(invalid)
    try:
        born = birth_date(digits)
    except ValidationError:
        raise ValueProblem(invalid) from None
    if born > (today or dt.date.today()):
        raise ValueProblem("ugyldig fødselsnummer (fødselsdatoen er i fremtiden)")
    return digits


def _fnr_digits(value: object) -> str:
    """The fødselsnummer's characters without spaces, dots and hyphens."""
    if is_blank(value):
        raise ValueProblem("fødselsnummer mangler")
    if value in ERROR_CELLS:
        raise ValueProblem(error_reason(value))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem("fødselsnummer er ikke et heltall")
        value = int(value)
    return re.sub(r"[\s.\-]", "", str(value))


def birth_date(fnr: str) -> dt.date:
    """Birth date of a fødselsnummer (D- and synthetic numbers included), via python-stdnum.

    The date depends only on the first six digits and on which range the individual number
    (digits 7–9) is in, which gives the century; python-stdnum reads nothing else. Each such
    pair is decoded once, so a long list decodes each birth date about once, not each person.
    """
    return _birth_date(fnr[:6] + _CENTURY_RANGE.get(fnr[6:9], fnr[6:9]))


# An individual number → the first number of its range (000–499, 500–749, 750–899, 900–999):
# python-stdnum decodes every number of a range alike (tests/test_values.py checks every year and
# individual number against the installed python-stdnum).
_CENTURY_RANGE = {f"{number:03d}": f"{max(start for start in (0, 500, 750, 900) if start <= number):03d}"
                  for number in range(1000)}


@lru_cache(maxsize=1 << 15)
def _birth_date(digits: str) -> dt.date:
    """python-stdnum's birth date of the first nine digits of a fødselsnummer."""
    return fodselsnummer.get_birth_date(digits)


def parse_date(value: object) -> dt.date | None:
    """A date from a real Excel date, an Excel serial, `dd.mm.yyyy`, `d.m.yy` or ISO text."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueProblem("datoen er før 1900 eller etter 2100 (skrivefeil eller plassholder)")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueProblem("forventet en dato (dd.mm.åååå), fant et tall")
    text = str(value).strip()
    if _is_ascii_digits(text.replace(".", "", 1)):
        return parse_date(float(text))
    match = _DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year < 70 else 1900
    else:
        match = _ISO_RE.match(text)
        if not match:
            raise ValueProblem("forventet en dato som dd.mm.åååå")
        year, month, day = (int(g) for g in match.groups())
    try:
        return parse_date(dt.date(year, month, day))
    except ValueError:
        raise ValueProblem("umulig dato (dagen eller måneden finnes ikke)") from None


OPEN_END_YEAR = 9999  # 31.12.9999 as an end date: systems' way to say «no end date»


def parse_end_date(value: object) -> dt.date | None:
    """An end date: as `parse_date`, but a date in the year 9999 means no end (None)."""
    try:
        return parse_date(value)
    except ValueProblem:
        text = str(value).strip()
        if isinstance(value, dt.date) and value.year == OPEN_END_YEAR or text.endswith(str(OPEN_END_YEAR)):
            return None
        raise


def parse_grade(value: object) -> int | None:
    """Sick-leave grade in percent: `100`, `100 %`, `80,0`, or `1.0`/`0.8` from a percent cell."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem("forventet sykmeldingsgrad i prosent (20–100)")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueProblem("forventet sykmeldingsgrad i prosent (20–100)")
    else:
        match = _GRADE_RE.match(str(value).strip())
        if not match:
            raise ValueProblem("forventet sykmeldingsgrad i prosent (20–100)")
        number = float(match.group(1).replace(",", "."))
        if "%" in str(value) and number <= 1:
            raise ValueProblem("sykmeldingsgrad må være mellom 20 og 100 prosent")
    if 0 < number <= 1:
        number *= 100  # a fraction from a percent-formatted cell: 1.0 is 100 %
    grade = round(number)
    if not 20 <= grade <= 100:
        raise ValueProblem("sykmeldingsgrad må være mellom 20 og 100 prosent")
    return grade


def parse_icpc(value: object) -> str | None:
    """An ICPC-2 code in any case or spacing (`l03`, `L 03`, `R991`), normalised to `L03`/`R991`."""
    if is_blank(value):
        return None
    match = _ICPC_RE.match(str(value).strip())
    if not match or match.group(1).upper() not in ICPC_CHAPTERS:
        raise ValueProblem("forventet en ICPC-2-kode: kapittelbokstav og to sifre, f.eks. L03")
    return match.group(1).upper() + match.group(2) + (match.group(3) or "")


def parse_count(value: object) -> int | None:
    """A non-negative whole number (earlier cases, sykepengedager)."""
    if is_blank(value):
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        raise ValueProblem("forventet et helt tall") from None
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise ValueProblem("forventet et helt tall, 0 eller mer")
    if number > MAX_COUNT:
        raise ValueProblem("urimelig stort tall (mer enn 100 000)")
    return int(number)


_YES = frozenset({"ja", "j", "yes", "x", "sann"})
_NO = frozenset({"nei", "n", "no", "usann"})


def parse_earlier(value: object) -> int | None:
    """Earlier sick leave: a count, or ja/nei (ja: at least one earlier case, nei: none)."""
    if type(value) is str:
        word = value.strip().lower()
        if word in _YES:
            return 1
        if word in _NO:
            return 0
    if isinstance(value, bool):
        return int(value)
    return parse_count(value)


def parse_styrk(value: object, titles: dict[str, int]) -> int | None:
    """STYRK-08 major group (1–9) from a code (`7115`), a `7 Tømrer` cell, or a known job title.

    An unknown title gives `None` (unknown), never a guess.
    """
    text = parse_text(value)
    if text is None:
        return None
    match = _STYRK_RE.match(text)
    if match and match.group(1)[0] != "0":
        return int(match.group(1)[0])
    return titles.get(text.lower().strip(" .,"))
