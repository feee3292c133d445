"""The list is cleaned a column at a time, each distinct cell once: it must give exactly what
cleaning every cell of every row on its own gives, whatever mix of cell types a column holds
(1, 1.0 and True are equal as dictionary keys, but not the same cell) and however the rows
are split into batches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kompetanse_cli.ingest import values
from kompetanse_cli.ingest.columns import recognise
from kompetanse_cli.ingest.listfile import ListFile, ListRow, RowError, styrk_titles
from kompetanse_cli.ingest.readers import Sheet
from tests.conftest import synthetic_fnr

HEADER = ["Fødselsnr", "Fornavn", "Etternavn", "Sykmeldt fom", "Sykmeldt tom", "Grad", "Diagnose", "Yrke",
          "Kommunenr", "Tidligere sykefravær", "Sykepengedager siste 5 år"]
FNR = synthetic_fnr(dt.date(1980, 5, 17))

# Cells as spreadsheets give them: text, numbers, booleans, dates, empty.
cells = st.sampled_from([
    None, "", "  ", 1, 1.0, True, False, 0, 0.8, 80, 100, "100 %", "80,0", "1.0", 2.5, -3, "abc", "L03", "l 03",
    "R991", "W78", "7 Tømrer", "Renholder", "7115", "4206", 4206, 4206.0, "12.01.2022", "1.2.22", "2022-01-12",
    44574, 44574.0, dt.date(2022, 1, 12), dt.datetime(2022, 1, 12, 0, 0), "31.02.2022", float("nan"),
])
fnr_cells = st.sampled_from([FNR, int(FNR), float(FNR), f"{FNR[:6]} {FNR[6:]}", FNR[:-1] + "0", "", None, 1.5, True])
rows = st.lists(st.tuples(fnr_cells, *([cells] * (len(HEADER) - 1))).map(list), max_size=30)


def one_cell_at_a_time(number: int, cells: list[object], listfile: ListFile) -> ListRow | RowError:
    """The reference: every cell of the row cleaned on its own, the first bad column rejecting it."""
    found: dict[str, object] = {}
    for name, index in listfile.columns.fields.items():
        parse = {"fnr": values.parse_fnr, "sykmeldt_fom": values.parse_date, "sykmeldt_tom": values.parse_date,
                 "grad": values.parse_grade, "diagnose": values.parse_icpc, "tidligere_tilfeller": values.parse_count,
                 "sykepengedager_5ar": values.parse_count}.get(name, values.parse_text)
        try:
            found[name] = parse(cells[index])
        except values.ValueProblem as problem:
            return RowError("liste.xlsx", "Ark1", number, listfile.columns.headers[name], problem.reason)
    if found.get("sykmeldt_fom") is None:
        return RowError("liste.xlsx", "Ark1", number, listfile.columns.headers["sykmeldt_fom"],
                        "dato for sykmeldingsstart mangler")
    first, last = found.pop("fornavn"), found.pop("etternavn")
    if first or last:
        found["navn"] = " ".join(part for part in (first, last) if part)
    found["styrk"] = values.parse_styrk(found["yrke"], styrk_titles())
    return ListRow(sheet="Ark1", row=number, **found)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(listed=rows, batch=st.integers(1, 12))
@example(listed=[[FNR, None, None, None, 1, *[None] * 6], [FNR, None, None, None, True, *[None] * 6]], batch=1)
def test_columns_clean_to_what_each_cell_cleans_to(listed, batch):
    listfile = ListFile(path=Path("liste.xlsx"), sheet=Sheet("Ark1", len(listed) + 1, [HEADER, *listed]),
                        header_row=1, columns=recognise(HEADER), title_date=None)
    expected = [one_cell_at_a_time(number, cells, listfile) for number, cells in enumerate(listed, start=2)
                if not all(values.is_blank(cell) for cell in cells)]
    found = [item for items in listfile.row_batches(batch) for item in items]
    assert repr(found) == repr(expected)  # repr: a NaN cell is not equal to itself


def test_columns_whose_values_mostly_differ_clean_as_each_cell_does():
    """Names, numbers and the like, different on every row, are cleaned directly instead of
    remembered (from the second batch on): text with empty cells, whole numbers as numbers."""
    listed = [[FNR, f" Kari  {i} ", None, "12.01.2022", None, 100, "L03", "" if i % 3 == 0 else f"Yrke {i}",
               float(4200 + i) if i < 8 else 4200 + i, i, None] for i in range(12)]
    listed[5][2], listed[6][7] = "Nordmann", None
    listfile = ListFile(path=Path("liste.xlsx"), sheet=Sheet("Ark1", len(listed) + 1, [HEADER, *listed]),
                        header_row=1, columns=recognise(HEADER), title_date=None)
    expected = [one_cell_at_a_time(number, cells, listfile) for number, cells in enumerate(listed, start=2)]
    found = [item for items in listfile.row_batches(4) for item in items]
    assert found == expected
    assert [row.kommune for row in found] == [str(4200 + i) for i in range(12)]
    assert [row.yrke for row in found][:4] == [None, "Yrke 1", "Yrke 2", None]
