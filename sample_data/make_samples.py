"""Generate synthetic weekly sick-leave lists ("sykmeldt-lister") for kt.

Everything this script writes is made up: names, employers, organisation
numbers and fødselsnummer. The fødselsnummer are *synthetic* (birth month + 40,
NAV's convention for test persons), so they cannot belong to a real person,
yet they still pass the official check-digit validation.

Three files are written into the folder this script lives in, each imitating
how a NAV office really exports its weekly list:

* ``uke10_lister.xlsx``        NAV Lister: title rows above the header,
  fødselsnummer stored as numbers (leading zeros lost), blank and bad rows.
* ``uke8_midt-agder.csv``      NAV Midt-Agder: Norwegian Excel "Lagre som CSV"
  (cp1252, ``;``, CRLF, decimal comma, minimal quoting).
* ``uke10_kristiansand.xlsx``  NAV Kristiansand: an "Info" sheet first, the list
  on "Sykmeldte", fødselsnummer as text, start dates as a mix of serial numbers
  and real dates, grades as fractions formatted as percent.

The output is deterministic: a fixed seed, fixed list dates and fixed
timestamps inside the xlsx files, so regenerating gives identical bytes.

Usage::

    python sample_data/make_samples.py
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from stdnum.no import fodselsnummer, orgnr

SEED = 2022
OUT_DIR = Path(__file__).resolve().parent
FIXED_TIMESTAMP = datetime(2022, 3, 7, 8, 0, 0)
EXCEL_EPOCH = date(1899, 12, 30)
DATE_FORMAT = "dd.mm.yyyy"

CellValue = str | int | float | date | None
Row = list[CellValue]


# --------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------

KOMMUNER: dict[str, str] = {
    "1103": "Stavanger",
    "4204": "Kristiansand",
    "4206": "Farsund",
    "4207": "Flekkefjord",
    "4218": "Iveland",
    "4219": "Evje og Hornnes",
    "4220": "Bygland",
    "4221": "Valle",
    "4222": "Bykle",
    "4223": "Vennesla",
    "4224": "Åseral",
    "4225": "Lyngdal",
    "4226": "Hægebostad",
    "4227": "Kvinesdal",
    "4228": "Sirdal",
}

MALE_NAMES = (
    "Ole", "Lars", "Jan", "Per", "Bjørn", "Kjell", "Hans", "Arne", "Knut",
    "Svein", "Thomas", "Martin", "Andreas", "Jonas", "Eirik", "Håkon",
    "Sindre", "Øyvind", "Tor", "Geir", "Magnus", "Kristian", "Tobias", "Even",
    "Åsmund", "Gunnar", "Terje", "Stian", "Ørjan", "Espen", "Torbjørn",
    "Sigurd", "Piotr", "Tomasz", "Ahmad", "Mohammed",
)
FEMALE_NAMES = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit",
    "Astrid", "Åse", "Solveig", "Hilde", "Nina", "Silje", "Ingeborg",
    "Camilla", "Ida", "Emma", "Nora", "Marte", "Sigrid", "Tone", "Randi",
    "Gro", "Bente", "Kjersti", "Mari", "Synnøve", "Ragnhild", "Tove",
    "Gunhild", "Agnieszka", "Fatima", "Anna",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen",
    "Berg", "Haugen", "Hagen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen",
    "Halvorsen", "Henriksen", "Lund", "Sørensen", "Sæther", "Strøm", "Løvås",
    "Tveit", "Vatne", "Egeland", "Sandvik", "Skjævesland", "Åsland",
    "Kvinlaug", "Hægeland", "Bjørnestad", "Tjørhom", "Øvland", "Gyland",
    "Frøysland", "Ljosland", "Homme", "Bjørndal", "Reinertsen", "Tønnessen",
    "Salvesen", "Gundersen", "Kowalski", "Nowak", "Ahmadi", "Hussein",
)


@dataclass(frozen=True)
class Occupation:
    """A job title with its STYRK-08 code."""

    styrk: str
    title: str

    @property
    def major_group(self) -> int:
        return int(self.styrk[0])

    @property
    def label(self) -> str:
        return f"{self.styrk} {self.title}"


def _occupations(*labels: str) -> tuple[Occupation, ...]:
    """Build occupations from "CODE Title" labels; repeats act as weights."""
    return tuple(Occupation(*label.split(" ", 1)) for label in labels)


SECTOR_OCCUPATIONS: dict[str, tuple[Occupation, ...]] = {
    "kommune": _occupations(
        "2223 Sykepleier", "5321 Helsefagarbeider", "5321 Helsefagarbeider",
        "5322 Hjemmehjelper", "5311 Barnehageassistent", "2342 Barnehagelærer",
        "2341 Lærer", "9112 Renholder", "5153 Vaktmester",
        "8342 Anleggsmaskinfører", "4110 Konsulent", "2422 Rådgiver",
    ),
    "helse": _occupations(
        "2223 Sykepleier", "5321 Helsefagarbeider", "5321 Helsefagarbeider",
        "5322 Hjemmehjelper", "9112 Renholder", "4110 Konsulent",
    ),
    "barnehage": _occupations(
        "2342 Barnehagelærer", "5311 Barnehageassistent",
        "5311 Barnehageassistent", "9412 Kjøkkenassistent",
    ),
    "bygg": _occupations(
        "7115 Tømrer", "7115 Tømrer", "7115 Tømrer", "7112 Murer", "7131 Maler",
        "7411 Elektriker", "7126 Rørlegger", "8342 Anleggsmaskinfører",
        "9313 Hjelpearbeider", "3112 Byggtekniker", "1323 Prosjektleder",
        "4110 Konsulent",
    ),
    "industri": _occupations(
        "8121 Prosessoperatør", "8121 Prosessoperatør", "7212 Sveiser",
        "7233 Industrimekaniker", "9329 Produksjonsarbeider",
        "4321 Lagermedarbeider", "3115 Maskiningeniør", "3115 Maskintekniker",
        "4110 Konsulent",
    ),
    "trevare": _occupations(
        "8172 Sagbruksoperatør", "7522 Møbelsnekker", "9329 Produksjonsarbeider",
        "9329 Produksjonsarbeider", "4321 Lagermedarbeider", "8344 Truckfører",
    ),
    "renhold": _occupations(
        "9112 Renholder", "9112 Renholder", "9112 Renholder", "9112 Renholder",
        "5151 Renholdsleder", "4110 Konsulent",
    ),
    "transport": _occupations(
        "8332 Yrkessjåfør", "8332 Yrkessjåfør", "8331 Bussjåfør",
        "9333 Lagerarbeider", "4321 Lagermedarbeider", "8344 Truckfører",
        "4323 Transportkoordinator",
    ),
    "handel": _occupations(
        "5223 Butikkmedarbeider", "5223 Butikkmedarbeider",
        "5223 Butikkmedarbeider", "4321 Lagermedarbeider", "1420 Butikksjef",
        "5230 Kasserer",
    ),
    "hotell": _occupations(
        "5120 Kokk", "5131 Servitør", "9412 Kjøkkenassistent",
        "4224 Resepsjonist", "9112 Renholder",
    ),
    "kontor": _occupations(
        "4110 Konsulent", "2411 Regnskapsfører", "4311 Regnskapsmedarbeider",
        "2512 Systemutvikler", "2422 Rådgiver", "3322 Selger",
    ),
    "naering": _occupations(
        "8160 Produksjonsmedarbeider", "7512 Baker", "9321 Pakkeriarbeider",
        "5223 Butikkmedarbeider", "4321 Lagermedarbeider",
    ),
    "kraft": _occupations(
        "7413 Energimontør", "7411 Elektriker", "3113 Elektrotekniker",
        "3113 Elkraftingeniør", "4110 Konsulent",
    ),
}

# (name, kommunenr, sector). Orgnr are generated, one per name.
EMPLOYER_SPECS: tuple[tuple[str, str, str], ...] = (
    ("Kristiansand kommune", "4204", "kommune"),
    ("Farsund kommune", "4206", "kommune"),
    ("Flekkefjord kommune", "4207", "kommune"),
    ("Lyngdal kommune", "4225", "kommune"),
    ("Hægebostad kommune", "4226", "kommune"),
    ("Kvinesdal kommune", "4227", "kommune"),
    ("Sirdal kommune", "4228", "kommune"),
    ("Vennesla kommune", "4223", "kommune"),
    ("Iveland kommune", "4218", "kommune"),
    ("Evje og Hornnes kommune", "4219", "kommune"),
    ("Bygland kommune", "4220", "kommune"),
    ("Valle kommune", "4221", "kommune"),
    ("Bykle kommune", "4222", "kommune"),
    ("Åseral kommune", "4224", "kommune"),
    # Lister
    ("Lista Metallverk AS", "4206", "industri"),
    ("Lister Renhold AS", "4206", "renhold"),
    ("Farsund Fiskeindustri AS", "4206", "naering"),
    ("Fjordbyen Mekaniske AS", "4207", "industri"),
    ("Lister Helse og Omsorg AS", "4207", "helse"),
    ("Lister Bygg og Tak AS", "4225", "bygg"),
    ("Lyngdal Trelast AS", "4225", "handel"),
    ("Lyngdal Regnskap AS", "4225", "kontor"),
    ("Eiken Sag og Høvleri AS", "4226", "trevare"),
    ("Kvinesdal Smelteverk AS", "4227", "industri"),
    ("Feda Transport AS", "4227", "transport"),
    ("Tonstad Hytteservice AS", "4228", "bygg"),
    ("Sirdal Fjellstue AS", "4228", "hotell"),
    ("Agder Lager og Logistikk AS", "4204", "transport"),
    ("Stavanger Offshore Service AS", "1103", "industri"),
    ("Rogaland Entreprenør AS", "1103", "bygg"),
    # Midt-Agder
    ("Otra Papir AS", "4223", "industri"),
    ("Vennesla Trevare AS", "4223", "trevare"),
    ("Moseidmoen Transport AS", "4223", "transport"),
    ("Vennesla Dagligvare AS", "4223", "handel"),
    ("Vennesla Renhold AS", "4223", "renhold"),
    ("Iveland Pukkverk AS", "4218", "industri"),
    ("Evje Bil og Maskin AS", "4219", "industri"),
    ('Bakeri "Gullkorn" Evje AS', "4219", "naering"),
    ("Setesdal Renhold AS", "4219", "renhold"),
    ("Byglandsfjord Sag AS", "4220", "trevare"),
    ("Setesdal Bygg AS; avd. Valle", "4221", "bygg"),
    ("Hovden Hytteservice AS", "4222", "bygg"),
    ("Hovden Fjellhotell AS", "4222", "hotell"),
    ("Åseral Kraftmontasje AS", "4224", "kraft"),
    # Kristiansand
    ("Sørlandet Bygg AS", "4204", "bygg"),
    ("Sørlandsparken Lager AS", "4204", "transport"),
    ("Agder Havnelogistikk AS", "4204", "transport"),
    ("Vågsbygd Rør AS", "4204", "bygg"),
    ("Kvadraturen Hotell AS", "4204", "hotell"),
    ("Tangen Renhold AS", "4204", "renhold"),
    ("Randesund Barnehager AS", "4204", "barnehage"),
    ("Sørkyst Kraftservice AS", "4204", "kraft"),
    ("Dvergsnes Verft AS", "4204", "industri"),
    ("Sørlandets Regnskapskontor AS", "4204", "kontor"),
    ("Digital Agder AS", "4204", "kontor"),
    ("Lund Bakeri AS", "4204", "naering"),
    ("Baneheia Omsorg AS", "4204", "helse"),
    ("Markens Mote AS", "4204", "handel"),
    ("Sør Transport AS", "4204", "transport"),
    ("Kjevik Flyservice AS", "4204", "transport"),
)

# ICPC-2 codes grouped the way the screening rules care about them.
DIAGNOSES: dict[str, tuple[str, ...]] = {
    "L": ("L01", "L02", "L03", "L15", "L18", "L83", "L84", "L86", "L87",
          "L92", "L93", "L96"),
    "P_mild": ("P02", "P03", "P29", "P74", "P76", "P78", "P79", "P82"),
    "P_other": ("P06", "P15", "P72", "P73", "P99"),
    "R_covid": ("R991", "R992"),
    "R": ("R05", "R74", "R75", "R78", "R80"),
    "A": ("A04", "A29", "A77"),
    "K": ("K74", "K77", "K86", "K90"),
    "D": ("D01", "D73", "D93", "D94"),
    "N": ("N01", "N17", "N89"),
    "W": ("W05", "W78", "W84"),
    "cancer": ("A79", "D75", "L71", "R84", "X76", "Y77"),
    "other": ("H82", "S70", "S88", "T90", "U71"),
}
# Relative frequency of each group for physical vs. other work.
PHYSICAL_DIAGNOSIS_WEIGHTS: dict[str, float] = {
    "L": 44, "P_mild": 11, "P_other": 2, "R_covid": 6, "R": 6, "A": 5,
    "K": 4, "D": 4, "N": 4, "W": 3, "cancer": 2, "other": 9,
}
OTHER_DIAGNOSIS_WEIGHTS: dict[str, float] = {
    "L": 24, "P_mild": 26, "P_other": 3, "R_covid": 7, "R": 7, "A": 6,
    "K": 5, "D": 4, "N": 5, "W": 4, "cancer": 2, "other": 7,
}
FEMALE_ONLY_PREFIXES = ("W", "X")
MALE_ONLY_PREFIXES = ("Y",)

GRADES = (100, 80, 70, 60, 50, 40, 20)
GRADE_WEIGHTS = (47, 14, 4, 9, 13, 8, 5)
EARLIER_CASE_WEIGHTS = (64, 14, 9, 6, 3, 2, 2)  # for 0..6 earlier cases


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Employer:
    name: str
    orgnr: str
    kommunenr: str
    sector: str

    @property
    def kommune(self) -> str:
        return KOMMUNER[self.kommunenr]


@dataclass(frozen=True)
class Office:
    """One NAV office and the shape of its weekly list."""

    name: str
    list_date: date
    row_count: int
    weeks_on_leave: int
    employer_weights: dict[str, float]
    residence_kommuner: tuple[str, ...]
    missing_employer_share: float = 0.03


@dataclass(frozen=True)
class SickLeave:
    """One person on a sick-leave list (one row)."""

    fnr: str
    first_name: str
    last_name: str
    birth_date: date
    employer: Employer | None
    occupation: Occupation | None
    kommunenr: str
    start: date
    end: date | None
    grade: int
    diagnosis: str
    earlier_cases: int
    sickpay_days: int

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def reversed_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"


# --------------------------------------------------------------------------
# Identifiers
# --------------------------------------------------------------------------


def synthetic_fnr(rng: random.Random, birth: date, male: bool,
                  taken: set[str]) -> str:
    """Return an unused synthetic fødselsnummer (month + 40) for *birth*.

    The individnummer's last digit carries the gender (odd = male); its range
    carries the century (000-499 for 1900-1999, 500-999 for 2000-2039).
    """
    low, high = (0, 499) if birth.year < 2000 else (500, 999)
    date_part = f"{birth.day:02d}{birth.month + 40:02d}{birth.year % 100:02d}"
    while True:
        individ = rng.randrange(low + int(male), high + 1, 2)
        base = f"{date_part}{individ:03d}"
        check1 = fodselsnummer.calc_check_digit1(base)
        if check1 == "10":
            continue
        check2 = fodselsnummer.calc_check_digit2(base + check1)
        if check2 == "10":
            continue
        number = base + check1 + check2
        if number in taken:
            continue
        assert fodselsnummer.validate(number) == number
        assert fodselsnummer.get_birth_date(number) == birth
        taken.add(number)
        return number


def with_wrong_check_digit(number: str) -> str:
    """Return *number* with its last check digit changed (a typo)."""
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not fodselsnummer.is_valid(wrong)
    return wrong


def random_orgnr(rng: random.Random, taken: set[str]) -> str:
    """Return an unused 9-digit organisation number with a valid check digit."""
    while True:
        number = "9" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        if orgnr.is_valid(number) and number not in taken:
            taken.add(number)
            return number


def build_employers(rng: random.Random) -> dict[str, Employer]:
    """Create every employer once, so a name always has the same orgnr."""
    taken: set[str] = set()
    return {
        name: Employer(name, random_orgnr(rng, taken), kommunenr, sector)
        for name, kommunenr, sector in EMPLOYER_SPECS
    }


# --------------------------------------------------------------------------
# Person and sick-leave generation
# --------------------------------------------------------------------------


def random_name(rng: random.Random, male: bool) -> tuple[str, str]:
    """Return (first names, last name), sometimes with a middle or double name."""
    first_names = MALE_NAMES if male else FEMALE_NAMES
    first = rng.choice(first_names)
    if rng.random() < 0.15:
        first = f"{first} {rng.choice([n for n in first_names if n != first])}"
    last = rng.choice(LAST_NAMES)
    if rng.random() < 0.08:
        last = f"{last} {rng.choice([n for n in LAST_NAMES if n != last])}"
    return first, last


def random_birth_date(rng: random.Random, list_date: date) -> date:
    """Birth date of someone aged 20-66 on *list_date*."""
    age = rng.randint(20, 66)
    latest = list_date.replace(year=list_date.year - age)
    earliest = list_date.replace(year=list_date.year - age - 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def random_start(rng: random.Random, office: Office) -> date:
    """Sick-leave start: around the office's week count, a few long-term."""
    if rng.random() < 0.03:
        days = rng.randint(290, 360)
    else:
        typical = office.weeks_on_leave * 7
        days = round(rng.gauss(typical, 9))
        days = max(typical - 21, min(typical + 28, days))
    return office.list_date - timedelta(days=days)


def random_end(rng: random.Random, start: date, list_date: date) -> date | None:
    """Mostly ongoing (None); some back at work, some with a planned end."""
    roll = rng.random()
    if roll < 0.07:
        return start + timedelta(days=rng.randint(7, (list_date - start).days - 1))
    if roll < 0.11:
        return list_date + timedelta(days=rng.randint(3, 45))
    return None


def random_diagnosis(rng: random.Random, occupation: Occupation | None,
                     male: bool) -> str:
    """ICPC-2 code; physical jobs get more L, office jobs more P."""
    physical = occupation is not None and occupation.major_group in (5, 7, 8, 9)
    weights = PHYSICAL_DIAGNOSIS_WEIGHTS if physical else OTHER_DIAGNOSIS_WEIGHTS
    excluded = FEMALE_ONLY_PREFIXES if male else MALE_ONLY_PREFIXES
    while True:
        group = rng.choices(list(weights), weights=list(weights.values()))[0]
        code = rng.choice(DIAGNOSES[group])
        if not code.startswith(excluded):
            return code


def weekdays_between(first: date, last: date) -> int:
    """Number of Monday-Friday days from *first* up to, not including, *last*."""
    return sum(
        1 for offset in range((last - first).days)
        if (first + timedelta(days=offset)).weekday() < 5
    )


def random_sickpay_days(rng: random.Random, start: date, end: date | None,
                        list_date: date, earlier_cases: int) -> int:
    """Sykepengedager last 5 years: this case so far plus earlier cases."""
    current_end = min(end, list_date) if end else list_date
    earlier = sum(rng.randint(10, 120) for _ in range(earlier_cases))
    return min(600, weekdays_between(start, current_end) + earlier)


def random_sick_leave(rng: random.Random, office: Office,
                      employers: dict[str, Employer],
                      taken_fnr: set[str]) -> SickLeave:
    """Draw one person on *office*'s list."""
    male = rng.random() < 0.45
    first, last = random_name(rng, male)
    birth = random_birth_date(rng, office.list_date)

    employer: Employer | None = None
    occupation: Occupation | None = None
    kommunenr = rng.choice(office.residence_kommuner)
    if rng.random() >= office.missing_employer_share:
        names = list(office.employer_weights)
        name = rng.choices(names, weights=list(office.employer_weights.values()))[0]
        employer = employers[name]
        occupation = rng.choice(SECTOR_OCCUPATIONS[employer.sector])
        kommunenr = employer.kommunenr

    start = random_start(rng, office)
    end = random_end(rng, start, office.list_date)
    earlier_cases = rng.choices(range(7), weights=EARLIER_CASE_WEIGHTS)[0]
    return SickLeave(
        fnr=synthetic_fnr(rng, birth, male, taken_fnr),
        first_name=first,
        last_name=last,
        birth_date=birth,
        employer=employer,
        occupation=occupation,
        kommunenr=kommunenr,
        start=start,
        end=end,
        grade=rng.choices(GRADES, weights=GRADE_WEIGHTS)[0],
        diagnosis=random_diagnosis(rng, occupation, male),
        earlier_cases=earlier_cases,
        sickpay_days=random_sickpay_days(
            rng, start, end, office.list_date, earlier_cases),
    )


def random_list(rng: random.Random, office: Office,
                employers: dict[str, Employer],
                taken_fnr: set[str]) -> list[SickLeave]:
    return [random_sick_leave(rng, office, employers, taken_fnr)
            for _ in range(office.row_count)]


# --------------------------------------------------------------------------
# Cell formatting helpers (how people type things into Excel)
# --------------------------------------------------------------------------


def messy_diagnosis(rng: random.Random, code: str, share: float) -> str:
    """Sometimes lower-case, add a space after the chapter letter, or pad."""
    if rng.random() >= share:
        return code
    variants = (code.lower(), f"{code[0]} {code[1:]}", f"{code} ",
                f"{code[0].lower()} {code[1:]}")
    return rng.choice(variants)


def occupation_text(rng: random.Random, occupation: Occupation | None,
                    coded_share: float) -> str | None:
    """"7115 Tømrer" or just "Tømrer"."""
    if occupation is None:
        return None
    return occupation.label if rng.random() < coded_share else occupation.title


def norwegian_date(value: date, short: bool = False) -> str:
    """dd.mm.yyyy, or d.m.yy as typed by hand."""
    if short:
        return f"{value.day}.{value.month}.{value.year % 100:02d}"
    return value.strftime("%d.%m.%Y")


def excel_serial(value: date) -> int:
    return (value - EXCEL_EPOCH).days


# --------------------------------------------------------------------------
# Workbook helpers
# --------------------------------------------------------------------------


def write_row(ws: Worksheet, row: int, values: Sequence[CellValue],
              formats: dict[int, str] | None = None) -> None:
    """Write *values* on *row*; *formats* maps 0-based column to number_format.

    Date cells always get dd.mm.yyyy; *formats* adds formats for other types.
    """
    for column, value in enumerate(values, start=1):
        if value is None:
            continue
        cell = ws.cell(row=row, column=column, value=value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif formats and column - 1 in formats:
            cell.number_format = formats[column - 1]


def new_workbook(first_sheet: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose first (active) sheet is named *first_sheet*."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = first_sheet
    return wb, ws


def write_header(ws: Worksheet, row: int, header: Sequence[str]) -> None:
    write_row(ws, row, header)
    for cell in ws[row]:
        cell.font = Font(bold=True)


def set_column_widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(index + 1)].width = width


def save_reproducibly(wb: Workbook, path: Path) -> None:
    """Save *wb* with fixed timestamps so reruns give identical bytes."""
    wb.properties.creator = "kt make_samples.py (syntetiske data)"
    wb.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with ZipFile(buffer) as source, ZipFile(path, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                              rb"\g<1>" + stamp, data)
            fixed = ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            target.writestr(fixed, data, compress_type=ZIP_DEFLATED)


# --------------------------------------------------------------------------
# File 1: NAV Lister, xlsx with title rows and bad rows
# --------------------------------------------------------------------------

LISTER = Office(
    name="NAV Lister",
    list_date=date(2022, 3, 7),
    row_count=320,
    weeks_on_leave=10,
    employer_weights={
        "Farsund kommune": 8, "Lista Metallverk AS": 6, "Lister Renhold AS": 4,
        "Farsund Fiskeindustri AS": 3, "Flekkefjord kommune": 7,
        "Fjordbyen Mekaniske AS": 4, "Lister Helse og Omsorg AS": 3,
        "Lyngdal kommune": 7, "Lister Bygg og Tak AS": 5,
        "Lyngdal Trelast AS": 3, "Lyngdal Regnskap AS": 2,
        "Hægebostad kommune": 2, "Eiken Sag og Høvleri AS": 2,
        "Kvinesdal kommune": 4, "Kvinesdal Smelteverk AS": 5,
        "Feda Transport AS": 3, "Sirdal kommune": 2,
        "Tonstad Hytteservice AS": 2, "Sirdal Fjellstue AS": 2,
        # Employers outside the Lister region.
        "Kristiansand kommune": 1.5, "Agder Lager og Logistikk AS": 1,
        "Stavanger Offshore Service AS": 1, "Rogaland Entreprenør AS": 1,
    },
    residence_kommuner=("4206", "4207", "4225", "4226", "4227", "4228"),
)
LISTER_HEADER = (
    "Fødselsnr", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose",
    "Arbeidsgiver", "Orgnr", "Yrke", "Kommunenr", "Tidligere sykefravær",
    "Sykepengedager siste 5 år",
)
LISTER_FNR, LISTER_FOM, LISTER_GRADE = 0, 2, 4
LISTER_BLANK_AFTER = (118, 236)          # data-row indexes followed by a blank row
LISTER_BAD_FNR, LISTER_BAD_DATE, LISTER_BAD_GRADE = 41, 97, 188


def lister_grade(rng: random.Random, grade: int) -> int | str:
    return "100 %" if grade == 100 and rng.random() < 0.04 else grade


def lister_row(rng: random.Random, leave: SickLeave) -> Row:
    employer = leave.employer
    return [
        int(leave.fnr),  # stored as a number: a leading 0 is lost
        leave.full_name,
        leave.start,
        leave.end,
        lister_grade(rng, leave.grade),
        messy_diagnosis(rng, leave.diagnosis, share=0.12),
        employer.name if employer else None,
        int(employer.orgnr) if employer else None,
        occupation_text(rng, leave.occupation, coded_share=0.6),
        int(leave.kommunenr),
        leave.earlier_cases,
        leave.sickpay_days,
    ]


def add_lister_errors(rows: list[Row]) -> None:
    """The three deliberately bad rows a real list tends to contain."""
    rows[LISTER_BAD_FNR][LISTER_FNR] = int(
        with_wrong_check_digit(f"{rows[LISTER_BAD_FNR][LISTER_FNR]:011d}"))
    rows[LISTER_BAD_DATE][LISTER_FOM] = "31.02.2022"
    rows[LISTER_BAD_GRADE][LISTER_GRADE] = 150


def write_lister(path: Path, rng: random.Random, leaves: list[SickLeave]) -> None:
    rows = [lister_row(rng, leave) for leave in leaves]
    add_lister_errors(rows)

    wb, ws = new_workbook("Ark1")
    ws["A1"] = "Sykmeldte 10 uker – NAV Lister"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Uttak {norwegian_date(LISTER.list_date)}"
    write_header(ws, 4, LISTER_HEADER)

    excel_row = 5
    for index, row in enumerate(rows):
        write_row(ws, excel_row, row)
        excel_row += 2 if index in LISTER_BLANK_AFTER else 1
    set_column_widths(ws, (13, 28, 13, 13, 7, 9, 30, 11, 26, 11, 11, 12))
    save_reproducibly(wb, path)


# --------------------------------------------------------------------------
# File 2: NAV Midt-Agder, Excel "Lagre som CSV" (semikolondelt)
# --------------------------------------------------------------------------

MIDT_AGDER = Office(
    name="NAV Midt-Agder",
    list_date=date(2022, 2, 28),
    row_count=240,
    weeks_on_leave=8,
    employer_weights={
        "Vennesla kommune": 9, "Otra Papir AS": 5, "Vennesla Trevare AS": 4,
        "Moseidmoen Transport AS": 3, "Vennesla Dagligvare AS": 3,
        "Vennesla Renhold AS": 2, "Iveland kommune": 2,
        "Iveland Pukkverk AS": 2, "Evje og Hornnes kommune": 4,
        "Evje Bil og Maskin AS": 2, 'Bakeri "Gullkorn" Evje AS': 2,
        "Setesdal Renhold AS": 2, "Bygland kommune": 2,
        "Byglandsfjord Sag AS": 2, "Valle kommune": 2,
        "Setesdal Bygg AS; avd. Valle": 2, "Bykle kommune": 2,
        "Hovden Hytteservice AS": 2, "Hovden Fjellhotell AS": 2,
        "Åseral kommune": 2, "Åseral Kraftmontasje AS": 2,
        "Kristiansand kommune": 2, "Sørlandsparken Lager AS": 1.5,
    },
    residence_kommuner=("4223", "4218", "4219", "4220", "4221", "4222", "4224"),
)
MIDT_AGDER_HEADER = (
    "Fødselsnummer", "Navn", "Fra og med", "Til og med", "Sykm.grad",
    "Diagnosekode", "Virksomhet", "Orgnr", "Stilling", "Kommune", "NAV-kontor",
    "Antall tidligere tilfeller",
)


def csv_date(rng: random.Random, value: date | None) -> str:
    if value is None:
        return ""
    return norwegian_date(value, short=rng.random() < 0.15)


def csv_grade(rng: random.Random, grade: int) -> str:
    """Grade as Excel shows it: "100", or with a decimal comma, "80,0"."""
    return f"{grade},0" if rng.random() < 0.25 else str(grade)


def midt_agder_row(rng: random.Random, leave: SickLeave) -> list[str]:
    employer = leave.employer
    return [
        leave.fnr,
        leave.reversed_name,
        csv_date(rng, leave.start),
        csv_date(rng, leave.end),
        csv_grade(rng, leave.grade),
        messy_diagnosis(rng, leave.diagnosis, share=0.06),
        employer.name if employer else "",
        employer.orgnr if employer else "",
        occupation_text(rng, leave.occupation, coded_share=0.2) or "",
        KOMMUNER[leave.kommunenr],
        MIDT_AGDER.name,
        str(leave.earlier_cases),
    ]


def write_midt_agder(path: Path, rng: random.Random,
                     leaves: list[SickLeave]) -> None:
    """Write like Norwegian Excel: cp1252, ';', CRLF, quote only when needed."""
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n",
                            quoting=csv.QUOTE_MINIMAL)
        writer.writerow(MIDT_AGDER_HEADER)
        writer.writerows(midt_agder_row(rng, leave) for leave in leaves)


# --------------------------------------------------------------------------
# File 3: NAV Kristiansand, two sheets, text fnr, percent grades
# --------------------------------------------------------------------------

KRISTIANSAND = Office(
    name="NAV Kristiansand",
    list_date=date(2022, 3, 7),
    row_count=730,
    weeks_on_leave=10,
    employer_weights={
        "Kristiansand kommune": 20, "Sørlandet Bygg AS": 6,
        "Sørlandsparken Lager AS": 3, "Agder Havnelogistikk AS": 4,
        "Vågsbygd Rør AS": 3, "Kvadraturen Hotell AS": 3,
        "Tangen Renhold AS": 3, "Randesund Barnehager AS": 3,
        "Sørkyst Kraftservice AS": 3, "Dvergsnes Verft AS": 3,
        "Sørlandets Regnskapskontor AS": 3, "Digital Agder AS": 3,
        "Lund Bakeri AS": 2, "Baneheia Omsorg AS": 3, "Markens Mote AS": 3,
        "Sør Transport AS": 3, "Kjevik Flyservice AS": 2,
        "Agder Lager og Logistikk AS": 2,
    },
    residence_kommuner=("4204",),
)
KRISTIANSAND_HEADER = (
    "Personident", "Navn", "Sykmeldingsstart", "Sykmeldingsgrad", "ICPC-2",
    "Arbeidsgiver", "STYRK", "Kommune", "Enhet", "Sykepengedager siste 5 år",
)
KRISTIANSAND_INFO = (
    "Sykmeldte med arbeidsgiver – NAV Kristiansand",
    f"Uttak: {norwegian_date(KRISTIANSAND.list_date)} (uke 10)",
    "Utvalg: sykmeldt i ca. 8–12 uker, alle grader.",
    "Listen ligger på arket «Sykmeldte».",
    "Syntetiske testdata – ingen ekte personer eller virksomheter.",
)
KRISTIANSAND_GRADE = 3


def kristiansand_start(rng: random.Random, start: date) -> date | int:
    """About a third are plain serial numbers (pasted without date format)."""
    return excel_serial(start) if rng.random() < 0.35 else start


def kristiansand_row(rng: random.Random, leave: SickLeave) -> Row:
    employer = leave.employer
    return [
        fodselsnummer.format(leave.fnr),  # text: "154385 12345"
        leave.full_name,
        kristiansand_start(rng, leave.start),
        leave.grade / 100,
        messy_diagnosis(rng, leave.diagnosis, share=0.03),
        employer.name if employer else None,
        leave.occupation.styrk if leave.occupation else None,
        leave.kommunenr,
        KRISTIANSAND.name,
        leave.sickpay_days,
    ]


def write_kristiansand(path: Path, rng: random.Random,
                       leaves: list[SickLeave]) -> None:
    wb, info = new_workbook("Info")
    for row, line in enumerate(KRISTIANSAND_INFO, start=1):
        info.cell(row=row, column=1, value=line)
    info["A1"].font = Font(bold=True, size=14)

    ws = wb.create_sheet("Sykmeldte")
    ws["A1"] = f"Uttak {norwegian_date(KRISTIANSAND.list_date)}"
    write_header(ws, 2, KRISTIANSAND_HEADER)
    percent = {KRISTIANSAND_GRADE: "0%"}
    for row, leave in enumerate(leaves, start=3):
        write_row(ws, row, kristiansand_row(rng, leave), formats=percent)
    set_column_widths(ws, (15, 28, 16, 15, 8, 30, 7, 9, 18, 12))
    save_reproducibly(wb, path)


# --------------------------------------------------------------------------


def main() -> None:
    rng = random.Random(SEED)
    employers = build_employers(rng)
    taken_fnr: set[str] = set()
    outputs = (
        ("uke10_lister.xlsx", LISTER, write_lister),
        ("uke8_midt-agder.csv", MIDT_AGDER, write_midt_agder),
        ("uke10_kristiansand.xlsx", KRISTIANSAND, write_kristiansand),
    )
    for filename, office, write in outputs:
        leaves = random_list(rng, office, employers, taken_fnr)
        path = OUT_DIR / filename
        write(path, rng, leaves)
        print(f"{path.name}: {len(leaves)} rader ({office.name})")


if __name__ == "__main__":
    main()
