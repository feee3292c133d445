"""Generate the reader test fixtures in tests/data/ and their manifest.

Run:  python tests/data/make_fixtures.py

Every input file is produced by a *different* writer than the reader under
test uses (the reader uses python-calamine for xlsx/xls/ods and the csv
module for CSV):

* CSV files are written byte-for-byte by hand (no csv module).
* .xlsx files are written with openpyxl.
* .xls is written with xlwt (real BIFF8).
* .ods is written with odfpy (real OpenDocument spreadsheet).

All people, employers and organisation numbers are synthetic.  Fødselsnummer
are "synthetic" style: birth month + 40 (and for D-nummer also day + 40), with
correct check digits (python-stdnum), so they can never collide with a real
person's number.

The output is deterministic: zip containers (xlsx/ods) are rewritten with a
fixed timestamp and openpyxl's "modified" document property is pinned, so
running the script twice produces identical bytes.

expected.json describes what a correct reader must produce from each file
(canonical field names, cleaned values, spreadsheet row numbers as shown in
Excel/LibreOffice: 1-based, counting title and blank rows).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import xlwt
from odf.number import DateStyle, Day, Month, Number, PercentageStyle, Year
from odf.number import Text as NumText
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P
from stdnum.no import fodselsnummer, orgnr

HERE = Path(__file__).resolve().parent

# Fixed timestamp used for zip entries and document properties.
FIXED_TS = dt.datetime(2022, 3, 7, 8, 0, 0)


# ---------------------------------------------------------------------------
# Synthetic identifiers
# ---------------------------------------------------------------------------

def make_fnr(day: int, month: int, year: int, indiv: int = 123,
             d_nummer: bool = False) -> str:
    """Synthetic fødselsnummer: month + 40 (and day + 40 for D-nummer).

    Uses the first individnummer >= ``indiv`` (range 000-499, i.e. born
    1900-1999) for which both check digits are single digits.
    """
    assert 1900 <= year <= 1999
    dd = day + 40 if d_nummer else day
    mm = month + 40
    for i in range(indiv, 500):
        base = f"{dd:02d}{mm:02d}{year % 100:02d}{i:03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if len(k1) == 1 and len(k2) == 1:
            fnr = base + k1 + k2
            assert fodselsnummer.validate(fnr) == fnr
            assert fodselsnummer.get_birth_date(fnr) == dt.date(year, month, day)
            return fnr
    raise ValueError(f"no valid individnummer >= {indiv} for {day}.{month}.{year}")


def make_orgnr(base8: str) -> str:
    """9-digit organisasjonsnummer with a valid MOD11 check digit."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    rest = sum(w * int(n) for w, n in zip(weights, base8)) % 11
    check = (11 - rest) % 11
    if check == 10:
        raise ValueError(f"{base8}: no valid check digit")
    number = base8 + str(check)
    assert orgnr.validate(number) == number
    return number


def broken_checksum(fnr: str) -> str:
    """Same number with the last check digit changed -> invalid checksum."""
    bad = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    assert not fodselsnummer.is_valid(bad)
    return bad


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d is not None else None


def excel_serial(d: dt.date) -> int:
    """Excel 1900-system serial (with the Lotus leap-year bug)."""
    return (d - dt.date(1899, 12, 30)).days


def write_bytes(name: str, data: bytes) -> Path:
    path = HERE / name
    path.write_bytes(data)
    return path


_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CREATED_RE = re.compile(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)")


def normalize_zip(path: Path) -> None:
    """Rewrite a zip container with fixed timestamps (deterministic output).

    Keeps entry order and per-entry compression (ODF needs an uncompressed
    'mimetype' entry first).  Pins openpyxl's core-property timestamps.
    """
    stamp = FIXED_TS.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
                data = _CREATED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TS.timetuple()[:6])
            zi.compress_type = info.compress_type
            zi.create_system = 0
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)


def new_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.properties.creator = "make_fixtures.py"
    wb.properties.created = FIXED_TS
    return wb


def save_xlsx(wb: openpyxl.Workbook, name: str) -> Path:
    path = HERE / name
    wb.save(path)
    normalize_zip(path)
    return path


EXPECTED: dict[str, dict] = {}


def expect(name: str, *, sheet: str | None, header_row: int | None,
           rows: list[dict], rejected: list[dict] | None = None,
           list_date: str | None = None, error: str | None = None,
           **extra) -> None:
    entry = {
        "sheet": sheet,
        "header_row": header_row,
        "list_date": list_date,
        "rows": rows,
        "rejected": rejected or [],
        "error": error,
    }
    entry.update(extra)
    EXPECTED[name] = entry


# ---------------------------------------------------------------------------
# 1. cp1252, semicolon, CRLF, Excel-style quoting
# ---------------------------------------------------------------------------

def fixture_cp1252_semikolon() -> None:
    name = "cp1252_semikolon.csv"
    f1 = make_fnr(12, 3, 1975, 123)
    f2 = make_fnr(5, 1, 1980, 197)          # starts with 0 ("0541 80 ...")
    f3 = make_fnr(23, 11, 1968, 311)
    f4 = make_fnr(30, 7, 1990, 412)
    lines = [
        "Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose;Arbeidsgiver",
        f"{f1};Kåre Ødegård;10.01.2022;100;L03;Ødegård Bygg og Anlegg AS",
        f'{f2};Åse Bjørnstad;3.1.22;80,0;P74;"Rør; Varme og Sanitær AS"',
        f'{f3};Sigrun Æsøy;17.01.2022;100 %;R991;"Kafé ""Blåbær"" DA"',
        f"{f4};Ørjan Håland;7.2.22;50;L84;Trøndelag Transport AS",
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    assert "ø".encode("cp1252") in data.splitlines()[0]
    write_bytes(name, data)
    expect(name, sheet=None, header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Kåre Ødegård", "sykmeldt_fom": "2022-01-10",
         "grad": 100, "diagnose": "L03", "arbeidsgiver": "Ødegård Bygg og Anlegg AS"},
        {"row": 3, "fnr": f2, "navn": "Åse Bjørnstad", "sykmeldt_fom": "2022-01-03",
         "grad": 80, "diagnose": "P74", "arbeidsgiver": "Rør; Varme og Sanitær AS"},
        {"row": 4, "fnr": f3, "navn": "Sigrun Æsøy", "sykmeldt_fom": "2022-01-17",
         "grad": 100, "diagnose": "R991", "arbeidsgiver": 'Kafé "Blåbær" DA'},
        {"row": 5, "fnr": f4, "navn": "Ørjan Håland", "sykmeldt_fom": "2022-02-07",
         "grad": 50, "diagnose": "L84", "arbeidsgiver": "Trøndelag Transport AS"},
    ], encoding="cp1252", delimiter=";")


# ---------------------------------------------------------------------------
# 2. UTF-8 with BOM, comma, LF
# ---------------------------------------------------------------------------

def fixture_utf8_bom_komma() -> None:
    name = "utf8_bom_komma.csv"
    f1 = make_fnr(8, 6, 1985, 140)          # starts with 0
    f2 = make_fnr(15, 9, 1979, 250, d_nummer=True)   # D-nummer "5549.."
    f3 = make_fnr(19, 2, 1962, 333)
    lines = [
        "Fnr,Navn,Fra og med,Sykmeldingsgrad,ICPC-2,Virksomhet,Kommunenr",
        f"{f1},Bjørn Kvæfjord,2022-01-10,100,l 03,Kvæfjord Fiskeoppdrett AS,0301",
        f'{f2},Solveig Lærum,2022-01-24,60,p74,"Lærum, Sønner & Co AS",3024',
        f"{f3}, Tor Ærøy ,2022-02-01,100,r 991 ,Ærøy Elektro AS,5001",
    ]
    data = b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8")
    write_bytes(name, data)
    expect(name, sheet=None, header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Bjørn Kvæfjord", "sykmeldt_fom": "2022-01-10",
         "grad": 100, "diagnose": "L03", "arbeidsgiver": "Kvæfjord Fiskeoppdrett AS",
         "kommune": "0301"},
        {"row": 3, "fnr": f2, "navn": "Solveig Lærum", "sykmeldt_fom": "2022-01-24",
         "grad": 60, "diagnose": "P74", "arbeidsgiver": "Lærum, Sønner & Co AS",
         "kommune": "3024"},
        {"row": 4, "fnr": f3, "navn": "Tor Ærøy", "sykmeldt_fom": "2022-02-01",
         "grad": 100, "diagnose": "R991", "arbeidsgiver": "Ærøy Elektro AS",
         "kommune": "5001"},
    ], encoding="utf-8-sig", delimiter=",")


# ---------------------------------------------------------------------------
# 3. Tab separated, plain UTF-8, .csv extension
# ---------------------------------------------------------------------------

def fixture_tab_utf8() -> None:
    name = "tab_utf8.csv"
    f1 = make_fnr(27, 4, 1988, 201)
    f2 = make_fnr(2, 12, 1971, 87)          # starts with 0
    f3 = make_fnr(14, 8, 1983, 455)
    o1 = make_orgnr("91000010")
    o2 = make_orgnr("91000020")
    o3 = make_orgnr("91000030")
    # Commas and semicolons inside unquoted fields: a delimiter sniffer
    # must still choose TAB.
    lines = [
        "Fødselsnummer\tNavn\tFra og med\tTil og med\tGrad\tDiagnose\tArbeidsgiver\tOrgnr",
        f"{f1}\tIngrid Sæther\t12.01.2022\t13.02.2022\t100\tP76\tBø, Sande & Co AS\t{o1}",
        f"{f2}\tPål Fjære\t19.01.2022\t\t40\tL86\tFjære Regnskap; avd. Grimstad\t{o2}",
        f"{f3}\tHege Brøndbo\t26.01.2022\t27.02.2022\t100\tA04\tBrøndbo Barnehage SA\t{o3}",
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    write_bytes(name, data)
    expect(name, sheet=None, header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Ingrid Sæther", "sykmeldt_fom": "2022-01-12",
         "sykmeldt_tom": "2022-02-13", "grad": 100, "diagnose": "P76",
         "arbeidsgiver": "Bø, Sande & Co AS", "orgnr": o1},
        {"row": 3, "fnr": f2, "navn": "Pål Fjære", "sykmeldt_fom": "2022-01-19",
         "sykmeldt_tom": None, "grad": 40, "diagnose": "L86",
         "arbeidsgiver": "Fjære Regnskap; avd. Grimstad", "orgnr": o2},
        {"row": 4, "fnr": f3, "navn": "Hege Brøndbo", "sykmeldt_fom": "2022-01-26",
         "sykmeldt_tom": "2022-02-27", "grad": 100, "diagnose": "A04",
         "arbeidsgiver": "Brøndbo Barnehage SA", "orgnr": o3},
    ], encoding="utf-8", delimiter="\t")


# ---------------------------------------------------------------------------
# 4. Title rows, int fnr, percent grades, serial date (openpyxl)
# ---------------------------------------------------------------------------

def fixture_tittelrader() -> None:
    name = "tittelrader.xlsx"
    sheet = "Sykmeldte"
    f1 = make_fnr(7, 10, 1977, 123)         # starts with 0 -> lost when int
    f2 = make_fnr(21, 5, 1966, 260)
    f3 = make_fnr(3, 2, 1992, 123, d_nummer=True)   # D-nummer "4342.."
    f4 = make_fnr(11, 11, 1959, 377)
    serial_date = dt.date(1899, 12, 30) + dt.timedelta(days=44600)
    assert serial_date == dt.date(2022, 2, 8) and excel_serial(serial_date) == 44600

    wb = new_workbook()
    ws = wb.active
    ws.title = sheet
    header = ["Personident", "Navn", "Sykmeldingsstart", "Sykm.grad", "Diagnosekode",
              "Arbeidsgiver", "Yrke", "Kommune", "NAV-kontor", "Tidligere sykefravær",
              "Sykepengedager siste 5 år", "Kommentar"]
    ws["A1"] = "Sykmeldte 8 uker"
    ws["A2"] = "Uttak 07.03.2022"
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    # row 3 stays blank
    for col, text in enumerate(header, start=1):
        ws.cell(row=4, column=col, value=text)

    def person(row, fnr, navn, fom, grad, diag, ag, yrke, kommune, kontor, tidl, dager,
               kommentar, *, fom_format="DD.MM.YYYY"):
        ws.cell(row=row, column=1, value=int(fnr))        # fnr stored as number
        ws.cell(row=row, column=2, value=navn)
        c = ws.cell(row=row, column=3, value=fom)
        if fom_format:
            c.number_format = fom_format
        g = ws.cell(row=row, column=4, value=grad)
        g.number_format = "0%"
        ws.cell(row=row, column=5, value=diag)
        ws.cell(row=row, column=6, value=ag)
        ws.cell(row=row, column=7, value=yrke)
        ws.cell(row=row, column=8, value=kommune)
        ws.cell(row=row, column=9, value=kontor)
        ws.cell(row=row, column=10, value=tidl)
        ws.cell(row=row, column=11, value=dager)
        if kommentar is not None:
            ws.cell(row=row, column=12, value=kommentar)

    person(5, f1, "  Mette Blåsund ", dt.datetime(2022, 1, 10), 1.0, "L03",
           "Blåsund Bygg AS", "7115 Tømrer", "Bærum", "NAV Bærum", 2, 180,
           "Ring før møte")
    # row 6: blank row between persons
    person(7, f2, "Eivind Østgård", 44600, 0.8, "P76", "Renhold Øst AS",
           "Renholder", "Oslo", "NAV Grünerløkka", 0, 45, None, fom_format=None)
    person(8, f3, "Randi Kjærnes", dt.date(2022, 1, 31), 1.0, "L92",
           "Trondheim kommune", "2221 Sykepleier", "Trondheim", "NAV Lerkendal", 1, 96,
           "D-nummer")
    person(9, f4, "Jørgen Mæland", dt.datetime(2022, 2, 14), 0.5, "R74",
           "Mæland Transport AS", "8332 Lastebilsjåfør", "Stavanger", "NAV Stavanger",
           3, 230, None)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["C"].width = 14
    save_xlsx(wb, name)
    assert len(str(int(f1))) == 10   # the leading zero really is lost

    expect(name, sheet=sheet, header_row=4, list_date="2022-03-07", rows=[
        {"row": 5, "fnr": f1, "navn": "Mette Blåsund", "sykmeldt_fom": "2022-01-10",
         "grad": 100, "diagnose": "L03", "arbeidsgiver": "Blåsund Bygg AS",
         "yrke": "7115 Tømrer", "kommune": "Bærum", "kontor": "NAV Bærum",
         "tidligere_tilfeller": 2, "sykepengedager_5ar": 180},
        {"row": 7, "fnr": f2, "navn": "Eivind Østgård", "sykmeldt_fom": iso(serial_date),
         "grad": 80, "diagnose": "P76", "arbeidsgiver": "Renhold Øst AS",
         "yrke": "Renholder", "kommune": "Oslo", "kontor": "NAV Grünerløkka",
         "tidligere_tilfeller": 0, "sykepengedager_5ar": 45},
        {"row": 8, "fnr": f3, "navn": "Randi Kjærnes", "sykmeldt_fom": "2022-01-31",
         "grad": 100, "diagnose": "L92", "arbeidsgiver": "Trondheim kommune",
         "yrke": "2221 Sykepleier", "kommune": "Trondheim", "kontor": "NAV Lerkendal",
         "tidligere_tilfeller": 1, "sykepengedager_5ar": 96},
        {"row": 9, "fnr": f4, "navn": "Jørgen Mæland", "sykmeldt_fom": "2022-02-14",
         "grad": 50, "diagnose": "R74", "arbeidsgiver": "Mæland Transport AS",
         "yrke": "8332 Lastebilsjåfør", "kommune": "Stavanger", "kontor": "NAV Stavanger",
         "tidligere_tilfeller": 3, "sykepengedager_5ar": 230},
    ], ignored_columns=["Kommentar"])


# ---------------------------------------------------------------------------
# 5. Two sheets: cover page + list (openpyxl)
# ---------------------------------------------------------------------------

def fixture_to_ark() -> None:
    name = "to_ark.xlsx"
    f1 = make_fnr(16, 6, 1987, 123)
    f2 = make_fnr(9, 9, 1974, 222)          # starts with 0
    f3 = make_fnr(28, 1, 1995, 318)
    o1 = make_orgnr("91000040")
    o2 = make_orgnr("91000050")
    o3 = make_orgnr("91000060")

    wb = new_workbook()
    forside = wb.active
    forside.title = "Forside"
    forside["A1"] = "Sykmeldte – ukeliste"
    forside["A3"] = "Selve listen ligger i arket «Liste». Opplysningene er fortrolige."

    ws = wb.create_sheet("Liste")
    ws.append(["Fødselsnummer", "Navn", "Sykmeldt fom", "Sykmeldt tom", "Grad",
               "Diagnose", "Arbeidsgiver", "Orgnr"])
    rows = [
        (f1, "Astrid Hæreid", dt.datetime(2022, 1, 5), dt.datetime(2022, 3, 1), 100, "P02",
         "Hæreid Sko AS", int(o1)),
        (f2, "Håkon Grønlie", dt.datetime(2022, 1, 20), None, 50, "L03",
         "Grønlie Maskin AS", int(o2)),
        (f3, "Liv Fæste", dt.datetime(2022, 2, 2), dt.datetime(2022, 2, 27), 100, "K86",
         "Fæste Frisør", int(o3)),
    ]
    for r in rows:
        ws.append(list(r))
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "@"             # fnr as text cell
        row[2].number_format = "DD.MM.YYYY"
        row[3].number_format = "DD.MM.YYYY"
    save_xlsx(wb, name)

    expect(name, sheet="Liste", header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Astrid Hæreid", "sykmeldt_fom": "2022-01-05",
         "sykmeldt_tom": "2022-03-01", "grad": 100, "diagnose": "P02",
         "arbeidsgiver": "Hæreid Sko AS", "orgnr": o1},
        {"row": 3, "fnr": f2, "navn": "Håkon Grønlie", "sykmeldt_fom": "2022-01-20",
         "sykmeldt_tom": None, "grad": 50, "diagnose": "L03",
         "arbeidsgiver": "Grønlie Maskin AS", "orgnr": o2},
        {"row": 4, "fnr": f3, "navn": "Liv Fæste", "sykmeldt_fom": "2022-02-02",
         "sykmeldt_tom": "2022-02-27", "grad": 100, "diagnose": "K86",
         "arbeidsgiver": "Fæste Frisør", "orgnr": o3},
    ], other_sheets=["Forside"])


# ---------------------------------------------------------------------------
# 6. Legacy BIFF8 .xls (xlwt)
# ---------------------------------------------------------------------------

def fixture_gammel_xls() -> None:
    name = "gammel.xls"
    sheet = "Sykmeldte"
    f1 = make_fnr(4, 4, 1970, 123)          # starts with 0
    f2 = make_fnr(19, 12, 1981, 264)
    f3 = make_fnr(25, 3, 1964, 160)

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    text_style = xlwt.easyxf(num_format_str="@")
    header = ["Fødselsnr", "Navn", "Fom", "Tom", "Grad", "Diagnose", "Arbeidsgiver",
              "Kommune"]
    for c, h in enumerate(header):
        ws.write(0, c, h)
    rows = [
        (f1, "Øystein Bråten", dt.date(2022, 1, 3), dt.date(2022, 2, 28), 100, "L84",
         "Bråten Sag AS", "Ringsaker"),
        (f2, "Gro Sælen", dt.date(2022, 1, 17), None, 60, "P76",
         "Sælen Legekontor", "Bergen"),
        (f3, "Nils Åmodt", dt.date(2022, 2, 9), dt.date(2022, 3, 20), 100, "L03",
         "Åmodt Rør AS", "Tromsø"),
    ]
    for r, (fnr, navn, fom, tom, grad, diag, ag, kommune) in enumerate(rows, start=1):
        ws.write(r, 0, fnr, text_style)     # fnr as text
        ws.write(r, 1, navn)
        ws.write(r, 2, fom, date_style)
        if tom is not None:
            ws.write(r, 3, tom, date_style)
        ws.write(r, 4, grad)
        ws.write(r, 5, diag)
        ws.write(r, 6, ag)
        ws.write(r, 7, kommune)
    wb.save(str(HERE / name))

    expect(name, sheet=sheet, header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Øystein Bråten", "sykmeldt_fom": "2022-01-03",
         "sykmeldt_tom": "2022-02-28", "grad": 100, "diagnose": "L84",
         "arbeidsgiver": "Bråten Sag AS", "kommune": "Ringsaker"},
        {"row": 3, "fnr": f2, "navn": "Gro Sælen", "sykmeldt_fom": "2022-01-17",
         "sykmeldt_tom": None, "grad": 60, "diagnose": "P76",
         "arbeidsgiver": "Sælen Legekontor", "kommune": "Bergen"},
        {"row": 4, "fnr": f3, "navn": "Nils Åmodt", "sykmeldt_fom": "2022-02-09",
         "sykmeldt_tom": "2022-03-20", "grad": 100, "diagnose": "L03",
         "arbeidsgiver": "Åmodt Rør AS", "kommune": "Tromsø"},
    ])


# ---------------------------------------------------------------------------
# 7. OpenDocument spreadsheet (odfpy)
# ---------------------------------------------------------------------------

def fixture_libreoffice_ods() -> None:
    name = "libreoffice.ods"
    sheet = "Ark1"
    f1 = make_fnr(1, 8, 1986, 160)          # starts with 0
    f2 = make_fnr(13, 5, 1972, 301)
    f3 = make_fnr(22, 10, 1990, 123, d_nummer=True)  # D-nummer "6250.."

    doc = OpenDocumentSpreadsheet()
    # Number styles, as LibreOffice writes them.
    date_style = DateStyle(name="N37")
    date_style.addElement(Day(style="long"))
    date_style.addElement(NumText(text="."))
    date_style.addElement(Month(style="long"))
    date_style.addElement(NumText(text="."))
    date_style.addElement(Year(style="long"))
    doc.automaticstyles.addElement(date_style)
    pct_style = PercentageStyle(name="N11")
    pct_style.addElement(Number(decimalplaces="0", minintegerdigits="1"))
    pct_style.addElement(NumText(text="%"))
    doc.automaticstyles.addElement(pct_style)
    ce_date = Style(name="ce1", family="table-cell", parentstylename="Default",
                    datastylename="N37")
    ce_pct = Style(name="ce2", family="table-cell", parentstylename="Default",
                   datastylename="N11")
    doc.automaticstyles.addElement(ce_date)
    doc.automaticstyles.addElement(ce_pct)

    table = Table(name=sheet)
    table.addElement(TableColumn(numbercolumnsrepeated=5))

    def string_cell(text):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=text))
        return cell

    def float_cell(value, shown):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=shown))
        return cell

    def pct_cell(value, shown):
        cell = TableCell(valuetype="percentage", value=value, stylename=ce_pct)
        cell.addElement(P(text=shown))
        return cell

    def date_cell(d):
        cell = TableCell(valuetype="date", datevalue=d.isoformat(), stylename=ce_date)
        cell.addElement(P(text=d.strftime("%d.%m.%Y")))
        return cell

    def add_row(cells):
        tr = TableRow()
        for c in cells:
            tr.addElement(c)
        table.addElement(tr)

    add_row([string_cell(h) for h in
             ["Fødselsnummer", "Navn", "Fra og med", "Grad", "Diagnose"]])
    add_row([string_cell(f1), string_cell("Marit Løvås"), date_cell(dt.date(2022, 1, 12)),
             float_cell(100, "100"), string_cell("L03")])
    add_row([string_cell(f2), string_cell("Svein Ærvik"), date_cell(dt.date(2022, 1, 26)),
             float_cell(50, "50"), string_cell("P74")])
    # Grade as a LibreOffice percentage cell (value 0.6, shown "60%").
    add_row([string_cell(f3), string_cell("Tone Bækkelund"),
             date_cell(dt.date(2022, 2, 16)), pct_cell("0.6", "60%"),
             string_cell("R991")])
    doc.spreadsheet.addElement(table)
    path = HERE / name
    doc.save(str(path))
    normalize_zip(path)

    expect(name, sheet=sheet, header_row=1, rows=[
        {"row": 2, "fnr": f1, "navn": "Marit Løvås", "sykmeldt_fom": "2022-01-12",
         "grad": 100, "diagnose": "L03"},
        {"row": 3, "fnr": f2, "navn": "Svein Ærvik", "sykmeldt_fom": "2022-01-26",
         "grad": 50, "diagnose": "P74"},
        {"row": 4, "fnr": f3, "navn": "Tone Bækkelund", "sykmeldt_fom": "2022-02-16",
         "grad": 60, "diagnose": "R991"},
    ])


# ---------------------------------------------------------------------------
# 8. Rows with exactly one error each (openpyxl)
# ---------------------------------------------------------------------------

def fixture_feil_rader() -> None:
    name = "feil_rader.xlsx"
    sheet = "Sykmeldte"
    header = ["Fødselsnummer", "Navn", "Sykmeldt fom", "Grad", "Diagnose"]
    C_FNR, C_DATO, C_GRAD, C_DIAG = header[0], header[2], header[3], header[4]

    good1 = make_fnr(6, 3, 1982, 123)
    good2 = make_fnr(17, 7, 1969, 160)
    bad_check = broken_checksum(make_fnr(29, 9, 1978, 123))
    ten = make_fnr(10, 1, 1991, 123)[:10]           # 10 digits (last one dropped)
    # Also invalid if a reader zero-pads it back to 11 digits.
    assert not fodselsnummer.is_valid(ten.zfill(11))
    ok = {
        "d": make_fnr(2, 2, 1984, 123),
        "e": make_fnr(24, 6, 1973, 123),
        "f": make_fnr(18, 4, 1976, 123),
        "g": make_fnr(26, 11, 1989, 123),
        "h": make_fnr(31, 5, 1965, 123),
        "i": make_fnr(20, 8, 1980, 160),
    }
    d = dt.datetime
    # (fnr, navn, fom, grad, diagnose, rejection or None)
    data = [
        (good1, "Frøydis Nærø", d(2022, 1, 10), 100, "L03", None),
        (bad_check, "Kari Ødven", d(2022, 1, 11), 100, "P74", (C_FNR, "fnr")),
        (ten, "Per Håøy", d(2022, 1, 12), 100, "L84", (C_FNR, "fnr")),
        (ok["d"], "Ragnhild Sæbø", "31.02.2022", 100, "P76", (C_DATO, "dato")),
        (ok["e"], "Terje Bjørå", None, 100, "L03", (C_DATO, "dato")),
        (ok["f"], "Wenche Øyen", d(2022, 1, 14), 150, "R74", (C_GRAD, "grad")),
        (ok["g"], "Kjell Åsen", d(2022, 1, 17), "abc", "A04", (C_GRAD, "grad")),
        (ok["h"], "Sissel Fløtten", d(2022, 1, 18), 10, "L92", (C_GRAD, "grad")),
        (ok["i"], "Geir Tønnessen", d(2022, 1, 19), 100, "XYZ", (C_DIAG, "diagnose")),
        (good2, "Arne Støle", d(2022, 1, 24), 80, "P02", None),
    ]

    wb = new_workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    rows_expected, rejected = [], []
    for offset, (fnr, navn, fom, grad, diag, rej) in enumerate(data):
        row = 2 + offset
        ws.append([fnr, navn, fom, grad, diag])
        ws.cell(row=row, column=1).number_format = "@"
        if isinstance(fom, dt.datetime):
            ws.cell(row=row, column=3).number_format = "DD.MM.YYYY"
        if rej is None:
            rows_expected.append({"row": row, "fnr": fnr, "navn": navn,
                                  "sykmeldt_fom": fom.date().isoformat(), "grad": grad,
                                  "diagnose": diag})
        else:
            rejected.append({"sheet": sheet, "row": row, "column": rej[0], "kind": rej[1]})
    save_xlsx(wb, name)
    expect(name, sheet=sheet, header_row=1, rows=rows_expected, rejected=rejected)


# ---------------------------------------------------------------------------
# 9-11. Unusable files
# ---------------------------------------------------------------------------

def fixture_mangler_kolonne() -> None:
    name = "mangler_kolonne.xlsx"
    wb = new_workbook()
    ws = wb.active
    ws.title = "Sykmeldte"
    ws.append(["Navn", "Sykmeldt fom", "Grad"])
    ws.append(["Berit Ågotnes", dt.datetime(2022, 1, 10), 100])
    ws.append(["Jon Sætre", dt.datetime(2022, 1, 17), 50])
    for r in (2, 3):
        ws.cell(row=r, column=2).number_format = "DD.MM.YYYY"
    save_xlsx(wb, name)
    expect(name, sheet="Sykmeldte", header_row=1, rows=[],
           error="missing_column", missing=["fnr"])


def fixture_tom() -> None:
    name = "tom.xlsx"
    wb = new_workbook()          # one sheet, "Sheet", no cells
    save_xlsx(wb, name)
    expect(name, sheet="Sheet", header_row=None, rows=[], error="empty")


def fixture_korrupt() -> None:
    name = "korrupt.xlsx"
    write_bytes(name, b"this is not a workbook\n" * 10)
    expect(name, sheet=None, header_row=None, rows=[], error="unreadable")


# ---------------------------------------------------------------------------

def main() -> None:
    fixture_cp1252_semikolon()
    fixture_utf8_bom_komma()
    fixture_tab_utf8()
    fixture_tittelrader()
    fixture_to_ark()
    fixture_gammel_xls()
    fixture_libreoffice_ods()
    fixture_feil_rader()
    fixture_mangler_kolonne()
    fixture_tom()
    fixture_korrupt()
    manifest = EXPECTED
    (HERE / "expected.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for n in EXPECTED:
        print(f"wrote {n}")
    print("wrote expected.json")


if __name__ == "__main__":
    main()
