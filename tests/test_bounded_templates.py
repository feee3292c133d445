"""Templates and rule files are bounded (issue 15, point 13): a fylke's referat templates get a
size and step limit, links out of maler/ are not followed, `basert_paa` stays inside maler/, a
broken interview variant never stops innsyn, deeply nested TOML is a clear error, and
`kt kartlegg mal` writes a local template's formula text as text."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_kt
from tests.test_referat import candidate, own_template, rows, veileder  # noqa: F401 - fixtures


@pytest.mark.parametrize("body", [
    "{{ 'x' * 300000000 }}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{{ '%999999999s' % 'x' }}",
    "{{ '{:>999999999}'.format('x') }}",
    "{{ 'x' | center(999999999) }}",
    "{% for i in range(99999) %}{{ 'ord ' * 99 }}{% endfor %}",
], ids=["repeat", "nested-range", "percent-width", "format-width", "center", "long-output"])
def test_a_template_that_would_make_a_huge_letter_is_stopped(body: str, candidate: str, kt_home: Path,
                                                             tmp_path: Path) -> None:
    own_template(kt_home, "referat_nb.txt", f"Hei\n{body}\n")
    out = tmp_path / "brev.txt"
    result = run_kt("referat", candidate, "--ut", str(out))
    assert result.code == 1, result.output[:500]
    said = " ".join(result.stderr.split())
    assert "referat_nb.txt" in said and "Ingen fil er skrevet" in said
    assert "langt mer enn noe brev" in said
    assert not out.exists() and rows(kt_home, "SELECT COUNT(*) FROM brev") == [(0,)]


def test_a_link_out_of_the_template_folder_is_not_followed(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    secret = tmp_path / "hemmelig.txt"
    secret.write_text("HEMMELIG INNHOLD\n", encoding="utf-8")
    folder = own_template(kt_home, "referat_nb.html", "<p>{{ navn }}</p>\n").parent
    (folder / "referat_nb.txt").symlink_to(secret)
    direct = run_kt("referat", candidate)
    assert direct.code == 1 and "lenke ut av malmappen" in " ".join(direct.stderr.split())
    assert "HEMMELIG" not in direct.output
    own_template(kt_home, "referat_nb.txt", 'Hei\n{% include "med.txt" %}\n')
    (folder / "med.txt").symlink_to(secret)
    included = run_kt("referat", candidate)
    assert included.code == 1 and "lenke ut av malmappen" in " ".join(included.stderr.split())
    assert "HEMMELIG" not in included.output


def test_a_link_inside_the_template_folder_works(candidate: str, kt_home: Path) -> None:
    folder = own_template(kt_home, "felles.txt", "Hei {{ navn }}!\n").parent
    (folder / "referat_nb.txt").symlink_to(folder / "felles.txt")
    result = run_kt("referat", candidate)
    assert result.code == 0, result.output
    assert result.stdout == "Hei Kari Testesen!\n"


VARIANT = """id = "agder"
versjon = "1"
basert_paa = "{base}"
"""


@pytest.mark.parametrize("base", ["../../hemmelig", "/tmp/hemmelig", "undermappe/mal"])
def test_basert_paa_names_a_template_in_maler_only(base: str, kt_home: Path, tmp_path: Path) -> None:
    (kt_home / "maler").mkdir(parents=True)
    path = kt_home / "maler" / "agder.toml"
    path.write_text(VARIANT.format(base=base), encoding="utf-8")
    (tmp_path / "hemmelig.toml").write_text('id = "x"\nversjon = "1"\n', encoding="utf-8")
    result = run_kt("mal", "sjekk", str(path))
    assert result.code == 1
    assert "ikke et malnavn" in " ".join(result.stderr.split()) and "Traceback" not in result.output


def test_a_template_link_out_of_maler_is_not_followed(kt_home: Path, tmp_path: Path) -> None:
    (kt_home / "maler").mkdir(parents=True)
    outside = tmp_path / "annen.toml"
    outside.write_text('id = "annen"\nversjon = "1"\n[[sporsmal]]\nid = "x"\nniva = 1\ntekst = "X"\n',
                       encoding="utf-8")
    (kt_home / "maler" / "annen.toml").symlink_to(outside)
    path = kt_home / "maler" / "agder.toml"
    path.write_text(VARIANT.format(base="annen"), encoding="utf-8")
    result = run_kt("mal", "sjekk", str(path))
    assert result.code != 0 and "Fant ingen intervjumal «annen»" in " ".join(result.stderr.split())


def test_a_broken_fylke_variant_never_stops_innsyn(candidate: str, kt_home: Path, tmp_path: Path) -> None:
    (kt_home / "maler").mkdir(parents=True, exist_ok=True)
    (kt_home / "maler" / "agder.toml").write_text('id = "agder"\nversjon = \n', encoding="utf-8")  # broken TOML
    interview = run_kt("kartlegg", candidate, "--niva", "3", "--svar", str(tmp_path / "ingen.toml"))
    assert interview.code != 0  # the commands that need the variant stop
    out = tmp_path / "innsyn.json"
    result = run_kt("innsyn", candidate, "--ut", str(out))
    assert result.code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data and "agder.toml" not in result.stderr
    shown = run_kt("person", "vis", candidate)
    assert shown.code == 0, shown.stderr
    assert "Kartlegging (2)" in shown.stdout


def test_deeply_nested_rule_file_is_a_clear_error(kt_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "regler.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = run_kt("regler", "sjekk", str(path))
    assert result.code == 1, result.output
    assert "nestet for dypt" in " ".join(result.stderr.split()) and "RecursionError" not in result.output


def test_kartlegg_mal_writes_a_local_templates_formula_text_as_text(kt_home: Path, tmp_path: Path) -> None:
    (kt_home / "maler").mkdir(parents=True)
    (kt_home / "maler" / "registreringsskjema.toml").write_text(
        'id = "registreringsskjema"\nversjon = "lokal"\n[[sporsmal]]\nid = "utdanning"\nniva = 1\n'
        'tekst = "=HYPERLINK(\\"http://example.invalid\\",\\"Klikk\\")"\ntype = "tekst"\n', encoding="utf-8")
    out = tmp_path / "registreringer.xlsx"
    result = run_kt("kartlegg", "mal", str(out))
    assert result.code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    texts = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    assert any("HYPERLINK" in text for text in texts)
    assert not any(text.startswith("=") for text in texts)
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
