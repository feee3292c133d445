"""Reading office lists end to end: the fixtures in tests/data against expected.json.

The fixtures were written by other writers than the reader uses (hand-written CSV bytes,
openpyxl, xlwt, odfpy); see tests/data/make_fixtures.py. Test ids are file names, never data.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from pathlib import Path

import openpyxl
import pytest

from kompetanse_cli.errors import InputError, KtError, UsageError
from kompetanse_cli.ingest.listfile import ListFile, ListRow, RowError, open_list
from tests.conftest import DATA, synthetic_fnr, synthetic_fnrs

MANIFEST: dict[str, dict] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(MANIFEST)
OK_FILES = [name for name in FILES if MANIFEST[name]["error"] is None]
ERROR_FILES = [name for name in FILES if MANIFEST[name]["error"] is not None]

# What a rejection's reason talks about, per kind in the manifest.
KIND_WORDS = {"fnr": "fødselsnummer", "dato": "dato", "grad": "sykmeldingsgrad", "diagnose": "ICPC"}


def _as_json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _read(listfile: ListFile) -> tuple[list[ListRow], list[RowError]]:
    rows, errors = [], []
    for item in listfile.rows():
        (errors if isinstance(item, RowError) else rows).append(item)
    return rows, errors


# --------------------------------------------------------------------------- the manifest


def test_manifest_covers_every_fixture():
    on_disk = {p.name for p in DATA.iterdir() if p.is_file() and p.name not in {"expected.json", "make_fixtures.py"}}
    assert on_disk == set(MANIFEST)


@pytest.mark.parametrize("name", FILES, ids=FILES)
def test_fixture(name):
    expected = MANIFEST[name]
    path = DATA / name
    if expected["error"] is not None:
        with pytest.raises(InputError) as caught:
            open_list(path)
        error = caught.value
        assert error.exit_code == 1
        assert name in error.message
        if expected["error"] == "missing_column":
            assert "«fødselsnummer»" in error.message
            book = openpyxl.load_workbook(path, read_only=True)
            header = [c for c in next(book[expected["sheet"]].iter_rows(values_only=True)) if c]
            assert header, "the fixture has a header row"
            for text in header:
                assert f"«{text}»" in error.message, "the message lists the columns that were found"
            assert f"«{expected['sheet']}»" in error.message
        return

    listfile = open_list(path)
    if expected["sheet"] is not None:  # CSV files have no sheet of their own
        assert listfile.sheet.name == expected["sheet"]
    assert listfile.header_row == expected["header_row"]
    assert _as_json(listfile.title_date) == expected["list_date"]
    if "ignored_columns" in expected:
        assert listfile.columns.ignored == expected["ignored_columns"]
    if "other_sheets" in expected:
        assert listfile.other_sheets == expected["other_sheets"]

    rows, errors = _read(listfile)
    by_row = {row.row: row for row in rows}
    assert len(by_row) == len(rows), "each spreadsheet row is reported once"
    assert sorted(by_row) == [want["row"] for want in expected["rows"]]
    for want in expected["rows"]:
        got = by_row[want["row"]]
        assert got.sheet == listfile.sheet.name
        for field, value in want.items():
            assert _as_json(getattr(got, field)) == value, f"row {want['row']}, field {field}"

    assert {(e.row, e.column) for e in errors} == {(r["row"], r["column"]) for r in expected["rejected"]}
    assert len(errors) == len(expected["rejected"])
    kinds = {r["row"]: r["kind"] for r in expected["rejected"]}
    for error in errors:
        assert error.file == name
        assert error.sheet == listfile.sheet.name
        assert KIND_WORDS[kinds[error.row]] in error.reason
        assert f"rad {error.row}" in error.describe()


# --------------------------------------------------------------------------- sheets (--ark)


def test_sheet_chosen_by_name():
    listfile = open_list(DATA / "to_ark.xlsx", sheet="Liste")
    assert listfile.sheet.name == "Liste"
    assert listfile.header_row == 1
    rows, errors = _read(listfile)
    assert [row.row for row in rows] == [2, 3, 4] and errors == []
    assert listfile.other_sheets == ["Forside"]


def test_sheet_name_is_case_insensitive():
    assert open_list(DATA / "to_ark.xlsx", sheet="liste").sheet.name == "Liste"


def test_unknown_sheet_is_a_usage_error_listing_the_sheets():
    with pytest.raises(UsageError) as caught:
        open_list(DATA / "to_ark.xlsx", sheet="Finnes ikke")
    error = caught.value
    assert error.exit_code == 2
    assert "to_ark.xlsx" in error.message
    assert "«Finnes ikke»" in error.message
    assert "«Forside»" in error.message and "«Liste»" in error.message


def test_chosen_sheet_without_a_list_is_an_input_error():
    with pytest.raises(InputError) as caught:
        open_list(DATA / "to_ark.xlsx", sheet="Forside")
    assert caught.value.exit_code == 1
    assert "to_ark.xlsx" in caught.value.message
    assert "«Forside»" in caught.value.message


# --------------------------------------------------------------------------- unusable files


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as caught:
        open_list(tmp_path / "finnes_ikke.xlsx")
    assert caught.value.exit_code == 1
    assert "finnes_ikke.xlsx" in caught.value.message


def test_directory_is_not_a_list(tmp_path):
    folder = tmp_path / "liste.xlsx"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        open_list(folder)
    assert "liste.xlsx" in caught.value.message


def test_unknown_file_type(tmp_path):
    path = tmp_path / "liste.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(InputError) as caught:
        open_list(path)
    assert "liste.pdf" in caught.value.message


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b";;;\n;;;\n"], ids=["zero-bytes", "blank-lines", "only-delimiters"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "tom.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        open_list(path)
    assert "tom.csv" in caught.value.message


def test_csv_with_only_a_header_has_no_rows(tmp_path):
    path = tmp_path / "bare_overskrift.csv"
    path.write_text("Fødselsnr;Navn;Sykmeldt fom\n", encoding="utf-8")
    assert list(open_list(path).rows()) == []


# --------------------------------------------------------------------------- privacy


def _fixture_people() -> tuple[set[str], set[str]]:
    """Every fødselsnummer and name in the fixtures: from the manifest, and read with openpyxl
    from the .xlsx files whose rows the manifest does not list (rejected rows, error files)."""
    numbers, names = set(), set()
    for entry in MANIFEST.values():
        for row in entry["rows"]:
            numbers.add(row["fnr"])
            names.add(row["navn"])
    for path in sorted(DATA.glob("*.xlsx")):
        try:
            book = openpyxl.load_workbook(path, read_only=True)
        except Exception:
            continue  # the corrupt fixture
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            if not rows:
                continue
            header = [str(c or "") for c in rows[0]]
            for row in rows[1:]:
                for title, cell in zip(header, row):
                    if cell in (None, ""):
                        continue
                    if title.startswith("Fødsels"):
                        numbers.add(str(cell))
                    elif title == "Navn":
                        names.add(" ".join(str(cell).split()))
    assert len(numbers) > 20 and len(names) > 20
    return numbers, names


def _assert_no_personal_data(text: str, numbers: set[str], names: set[str]) -> None:
    """Counts only, so that a failing assertion does not print the data it found."""
    digits = re.sub(r"\D", "", text)
    leaked_numbers = sum(1 for n in numbers if n in digits or n.lstrip("0") in digits)
    assert leaked_numbers == 0, "a fødselsnummer leaked into a message"
    folded = text.casefold()
    leaked_names = sum(1 for name in names for part in name.split()
                       if re.search(rf"\b{re.escape(part.casefold())}\b", folded))
    assert leaked_names == 0, "(part of) a name leaked into a message"


def test_no_personal_data_in_row_errors_or_input_errors():
    numbers, names = _fixture_people()
    messages = []
    for name in FILES:
        try:
            listfile = open_list(DATA / name)
        except KtError as error:
            messages.append(error.message)
            messages.append(error.hint or "")
            continue
        messages.extend(item.reason for item in listfile.rows() if isinstance(item, RowError))
    with pytest.raises(UsageError) as caught:
        open_list(DATA / "to_ark.xlsx", sheet="Finnes ikke")
    messages.append(caught.value.message)
    assert len(messages) > 8
    for message in messages:
        _assert_no_personal_data(message, numbers, names)


def test_no_personal_data_when_a_list_has_no_header(tmp_path):
    fnr = synthetic_fnr(dt.date(1971, 4, 9))
    path = tmp_path / "uten_overskrift.csv"
    path.write_text(f"{fnr};Kari Nordmann;03.01.2022;100\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_list(path)
    _assert_no_personal_data(caught.value.message + (caught.value.hint or ""), {fnr}, {"Kari Nordmann"})


def test_row_error_reasons_never_repeat_the_bad_cell(tmp_path):
    fnr = synthetic_fnr(dt.date(1971, 4, 9))
    bad_fnr = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    good = synthetic_fnr(dt.date(1983, 6, 1))
    path = tmp_path / "feil.csv"
    path.write_text(
        "Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose\n"
        f"{bad_fnr};Kari Nordmann;03.01.2022;100;L03\n"
        f"{good};Ola Nordmann;30.02.2022;100;L03\n"
        f"{good};Per Hansen;03.01.2022;sju;L03\n"
        f"{good};Anne Olsen;03.01.2022;100;Brukket arm\n",
        encoding="utf-8")
    errors = [item for item in open_list(path).rows() if isinstance(item, RowError)]
    assert [(e.row, e.column) for e in errors] == [(2, "Fødselsnr"), (3, "Sykmeldt fom"), (4, "Grad"), (5, "Diagnose")]
    for error, cell in zip(errors, [bad_fnr, "30.02.2022", "sju", "Brukket arm"]):
        repeated = cell.casefold() in error.describe().casefold()
        assert not repeated, f"row {error.row}: the message repeats the cell"
    names = {"Kari Nordmann", "Ola Nordmann", "Per Hansen", "Anne Olsen"}
    for error in errors:
        _assert_no_personal_data(error.describe(), {bad_fnr, good}, names)


# --------------------------------------------------------------------------- row numbers


def _write_xlsx_with_header_at_row_4(path: Path, *, title_rows: bool, first_column: int, people: list[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Liste"
    if title_rows:
        sheet.cell(row=1, column=first_column, value="Sykmeldte 8 uker")
        sheet.cell(row=2, column=first_column, value="Uttak 07.03.2022")
    for offset, text in enumerate(["Fødselsnr", "Sykmeldt fom", "Grad"]):
        sheet.cell(row=4, column=first_column + offset, value=text)
    for row, fnr in zip((5, 7, 8), people):  # row 6 left blank
        sheet.cell(row=row, column=first_column, value=fnr)
        sheet.cell(row=row, column=first_column + 1, value=dt.datetime(2022, 1, 3)).number_format = "DD.MM.YYYY"
        sheet.cell(row=row, column=first_column + 2, value=100)
    book.save(path)


def _write_csv_with_header_at_row_4(path: Path, *, title_rows: bool, first_column: int, people: list[str]) -> None:
    pad = ";" * (first_column - 1)
    lines = [f"{pad}Sykmeldte 8 uker", f"{pad}Uttak 07.03.2022", ""] if title_rows else ["", "", ""]
    lines.append(f"{pad}Fødselsnr;Sykmeldt fom;Grad")
    lines += [f"{pad}{people[0]};03.01.2022;100", "", f"{pad}{people[1]};03.01.2022;100",
              f"{pad}{people[2]};03.01.2022;100"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("suffix", "title_rows", "first_column"),
    [
        (".xlsx", True, 1),
        (".xlsx", False, 1),
        (".xlsx", True, 3),
        (".xlsx", False, 3),
        (".csv", True, 1),
        (".csv", False, 1),
        (".csv", True, 3),
    ],
    ids=["xlsx-title-rows", "xlsx-empty-top-rows", "xlsx-title-rows-column-c", "xlsx-empty-top-rows-column-c",
         "csv-title-rows", "csv-empty-top-rows", "csv-title-rows-column-c"],
)
def test_header_at_row_4_keeps_spreadsheet_row_numbers(tmp_path, suffix, title_rows, first_column):
    people = [synthetic_fnr(dt.date(1970 + i, 2, 10 + i)) for i in range(3)]
    path = tmp_path / f"liste{suffix}"
    writer = _write_xlsx_with_header_at_row_4 if suffix == ".xlsx" else _write_csv_with_header_at_row_4
    writer(path, title_rows=title_rows, first_column=first_column, people=people)
    listfile = open_list(path)
    assert listfile.header_row == 4
    assert listfile.title_date == (dt.date(2022, 3, 7) if title_rows else None)
    rows, errors = _read(listfile)
    assert errors == []
    assert [(row.row, row.fnr) for row in rows] == list(zip((5, 7, 8), people))


def test_header_at_row_4_in_the_fixture():
    rows, _ = _read(open_list(DATA / "tittelrader.xlsx"))
    assert [row.row for row in rows] == [5, 7, 8, 9]  # row 6 is blank in the sheet


def test_styrk_group_from_yrke_column():
    rows, _ = _read(open_list(DATA / "tittelrader.xlsx"))
    # «7115 Tømrer», «Renholder» (from the title table), «2221 Sykepleier», «8332 Lastebilsjåfør»
    assert [row.styrk for row in rows] == [7, 9, 2, 8]


def test_first_and_last_name_columns_make_navn(tmp_path):
    fnr = synthetic_fnr(dt.date(1985, 8, 20))
    path = tmp_path / "navn.csv"
    path.write_text(f"Fødselsnr;Fornavn;Etternavn;Sykmeldt fom\n{fnr};Kari;Nordmann;03.01.2022\n", encoding="utf-8")
    listfile = open_list(path)
    assert listfile.has("navn")
    (row,) = listfile.rows()
    assert isinstance(row, ListRow)
    assert row.navn == "Kari Nordmann"


def test_utf16_text_export(tmp_path):
    people = [synthetic_fnr(dt.date(1979, 3, 14)), synthetic_fnr(dt.date(1988, 11, 2))]
    path = tmp_path / "unicode_tekst.txt"
    lines = ["Fødselsnr\tNavn\tSykmeldt fom\tGrad"] + [f"{p}\tKari Nordmann\t03.01.2022\t100" for p in people]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))  # with BOM, as Excel writes it
    rows, errors = _read(open_list(path))
    assert errors == []
    assert [(row.row, row.fnr) for row in rows] == [(2, people[0]), (3, people[1])]


# --------------------------------------------------------------------------- a big list


def test_three_thousand_rows_csv(tmp_path):
    count = 3000
    start = dt.date(1950, 1, 1)
    people = [synthetic_fnr(start + dt.timedelta(days=i)) for i in range(count)]
    assert len(set(people)) == count
    lines = ["Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose;Arbeidsgiver"]
    for i, fnr in enumerate(people):
        fom = dt.date(2022, 1, 1) + dt.timedelta(days=i % 60)
        lines.append(f"{fnr};Person {i};{fom:%d.%m.%Y};{20 + i % 81};L{i % 100:02d};Firma {i % 37} AS")
    path = tmp_path / "stor.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    listfile = open_list(path)
    assert listfile.header_row == 1
    assert listfile.estimated_rows >= count
    rows, errors = _read(listfile)
    assert errors == []
    assert len(rows) == count
    assert [row.row for row in rows] == list(range(2, count + 2))
    assert [row.fnr for row in rows] == people
    for i in (0, 1, count // 2, count - 1):
        row = rows[i]
        assert row.navn == f"Person {i}"
        assert row.sykmeldt_fom == dt.date(2022, 1, 1) + dt.timedelta(days=i % 60)
        assert row.grad == 20 + i % 81
        assert row.diagnose == f"L{i % 100:02d}"


def test_rejected_rows_leave_no_reference_cycles(tmp_path: Path) -> None:
    """kt screen reads a list with the cyclic garbage collector off: a rejected row must not be kept
    alive through a cycle (e.g. a remembered exception holding the row in its traceback)."""
    fnrs = synthetic_fnrs(300, dt.date(1970, 1, 1))
    path = tmp_path / "liste.csv"
    path.write_text("Fødselsnr;Navn;Sykmeldt fom;Grad;Diagnose\n" + "".join(
        f"{fnr};Testperson {n};03.01.2022;100;Korsrygg, kontroll uke {n}\n" for n, fnr in enumerate(fnrs)),
        encoding="utf-8")
    listfile = open_list(path)
    gc.collect()
    gc.disable()
    try:
        rows = list(listfile.rows())
        assert [r.column for r in rows if isinstance(r, RowError)] == ["Diagnose"] * 300
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_the_names_suggested_for_a_missing_column_are_names_kt_recognises():
    from kompetanse_cli.ingest.columns import REQUIRED, recognise
    from kompetanse_cli.ingest.listfile import NAME_EXAMPLES

    assert set(NAME_EXAMPLES) == set(REQUIRED)
    for field, examples in NAME_EXAMPLES.items():
        names = re.findall(r"«([^»]+)»", examples)
        assert len(names) == 3
        assert all(recognise([name]).fields == {field: 0} for name in names)


def test_a_missing_column_gets_names_for_that_column():
    with pytest.raises(InputError) as caught:
        open_list(DATA / "mangler_kolonne.xlsx")
    assert "mangler kolonne for «fødselsnummer»" in caught.value.message
    assert caught.value.hint == ("Gi kolonnen et navn kt kjenner: for fødselsnummer f.eks. «Fødselsnr», "
                                 "«Personident» eller «Fnr».")


def test_a_csv_with_another_separator_gets_a_hint_about_separators(tmp_path):
    path = tmp_path / "pipe.csv"
    number = synthetic_fnr(dt.date(1980, 5, 17))
    path.write_text(f"Fødselsnr|Navn|Sykmeldt fom|Grad\n{number}|A|01.01.2022|100\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_list(path)
    assert "fant ingen overskriftsrad" in caught.value.message
    assert "kt leser semikolon, komma og tabulator" in caught.value.hint


def test_batches_are_counted_in_sheet_rows(tmp_path):
    """`kt screen` cleans a list in batches of given sizes; blank rows count, so the batches are
    the same whatever the rows hold."""
    path = tmp_path / "liste.csv"
    numbers = synthetic_fnrs(23, dt.date(1980, 1, 1))
    lines = ["Fødselsnr;Sykmeldt fom;Grad"]
    for index, number in enumerate(numbers):
        lines.append(f"{number};03.01.2022;{150 if index == 4 else 100}")
        if index % 6 == 2:
            lines.append(";;")  # blank rows, which are not rows read
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    listfile = open_list(path)
    whole = list(listfile.rows())
    batches = list(listfile.row_batches(7))
    assert [r for batch in batches for r in batch] == whole
    assert [len(batch) for batch in batches] == [6, 6, 6, 5]
    assert [r.row for r in batches[0]] == [2, 3, 4, 6, 7, 8]
    uneven = list(listfile.row_batches(iter([3, 10, 100])))
    assert [r for batch in uneven for r in batch] == whole
    assert [[r.row for r in batch] for batch in uneven][:2] == [[2, 3, 4], [6, 7, 8, 9, 10, 11, 13, 14]]
    assert sum(isinstance(r, RowError) for r in whole) == 1 and len(whole) == 23
