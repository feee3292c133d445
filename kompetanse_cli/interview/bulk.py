"""`kt kartlegg importer`: registrations a project group already keeps in a spreadsheet.

One row per person: `fnr`, `fylke`, `kontor` (and optionally `navn`), then one column per
question id, with answer keys or the labels of REGISTRERINGSSKJEMA.md. Bad rows are reported
by sheet, row and column like `kt screen` does; good rows are stored; importing the same file
again changes nothing. The whole import is one transaction.

`kt kartlegg mal FIL.xlsx` writes a blank workbook with this header row (write_blank_workbook),
so a project group need not guess the column ids, and with a drop-down list of the labels for
every coded answer (and the fylke), so that no one typing in Excel can enter a key that does not
exist. The import takes a label as well as a key, so what the lists offer is what it reads.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from kompetanse_cli.errors import InputError, KtError
from kompetanse_cli.fylker import resolve_fylke
from kompetanse_cli.ingest import values
from kompetanse_cli.ingest.columns import ALIASES, normalize_header
from kompetanse_cli.ingest.listfile import RowError
from kompetanse_cli.ingest.readers import open_sheets
from kompetanse_cli.interview.diagnoses import find_diagnosis
from kompetanse_cli.interview.template import (
    FOLLOW_UP_LEVELS,
    AnswerProblem,
    Question,
    Template,
    is_shown,
    load_template,
    parse_answer,
)
from kompetanse_cli.store import interviews as store
from kompetanse_cli.store import persons
from kompetanse_cli.store.db import transaction
from kompetanse_cli.store.api import Db

PERSON_COLUMNS = ("fnr", "fylke", "kontor", "navn")
REQUIRED_COLUMNS = ("fnr", "fylke", "kontor")
HEADER_SEARCH_ROWS = 20
TEMPLATE_HINT = "`kt kartlegg mal registreringer.xlsx` lager et tomt regneark med riktig overskriftsrad."
CHOICES_SHEET = "Valg"
LAST_ROW = 1_048_576  # Excel's last row: a drop-down covers the whole column under the header
DIAGNOSIS_WARNING = ("svaret ser ut til å nevne en diagnose (en ICPC-2-kode eller et diagnoseord); lagret, men "
                     "`kt referat` tar det ikke med i brevet uten --likevel")
PERSON_COLUMN_HELP = {
    "fnr": "Fødselsnummer eller D-nummer (11 sifre). Påkrevd.",
    "fylke": "Fylket: velg i nedtrekkslisten (f.eks. Agder, Innlandet eller Troms). Påkrevd.",
    "kontor": "NAV-kontoret, f.eks. NAV Lister. Påkrevd.",
    "navn": "Navnet. Valgfritt.",
}


@dataclass
class BulkResult:
    file: str
    sheet: str
    rows_read: int = 0
    persons_created: int = 0
    answers_stored: int = 0
    unchanged_rows: int = 0
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # stored, but to be looked at (a diagnosis in free text)
    question_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


_PERSON_ALIASES = {alias: name for name in ("fnr", "navn", "kontor") for alias in ALIASES[name]}


def level_columns(template: Template) -> list[tuple[int, list[tuple[str, Question]]]]:
    """Per stored level, its (column, question) pairs: a question's id is its column, except in
    the follow-ups, asked twice, where the months follow it (`situasjon_6`, `situasjon_12`)."""
    found = [(level, [(q.id, q) for q in template.level(level)]) for level in (1, 2, 3)]
    for months, level in FOLLOW_UP_LEVELS.items():
        found.append((level, [(f"{q.id}_{months}", q) for q in template.level(level)]))
    return found


def _column_questions(template: Template) -> dict[str, Question]:
    return {column: question for _, pairs in level_columns(template) for column, question in pairs}


def _column_name(cell: object, question_ids: set[str]) -> str:
    """A question id as written, or a person column under any of the names lists use (Fødselsnr …)."""
    text = str(cell).strip().lower()
    if text in question_ids or text == "fylke":
        return text
    return _PERSON_ALIASES.get(normalize_header(text), text)


def _find_sheet(path: Path, template: Template):
    """The header row: the first with «fnr» and question ids; failing that, the first with question
    ids and one more known column, so that a missing «fnr» is said together with the other
    missing columns instead of as «no header row»."""
    question_ids = set(_column_questions(template))
    known = question_ids | set(PERSON_COLUMNS)
    fallback = None
    for sheet in open_sheets(path):
        for index, cells in enumerate(itertools.islice(sheet.rows(), HEADER_SEARCH_ROWS)):
            names = [_column_name(c, question_ids) for c in cells]
            if not question_ids & set(names):
                continue
            if "fnr" in names:
                return sheet, index + 1, names
            if fallback is None and len(known & set(names)) >= 2:
                fallback = sheet, index + 1, names
    if fallback is not None:
        return fallback
    raise InputError(f"{path.name}: fant ingen overskriftsrad med «fnr» og spørsmåls-id-er fra malen "
                     f"(f.eks. «samtaledato», «aktuell»).", hint=TEMPLATE_HINT)


def _check_required(path: Path, sheet_name: str, columns: dict[str, int]) -> None:
    """Every missing required column in one message: fixing them one rerun at a time is tedious."""
    missing = [f"«{name}»" for name in REQUIRED_COLUMNS if name not in columns]
    if not missing:
        return
    if len(missing) == 1:
        what = f"kolonnen {missing[0]}"
    else:
        what = f"kolonnene {', '.join(missing[:-1])} og {missing[-1]}"
    raise InputError(f"{path.name}, ark «{sheet_name}»: mangler {what}. Påkrevde kolonner: "
                     f"{', '.join(REQUIRED_COLUMNS)}.", hint=TEMPLATE_HINT)


def template_columns(template: Template) -> list[str]:
    """The header row the import reads: the person columns, then every question id in the template's order."""
    return [*PERSON_COLUMNS, *_column_questions(template)]


def column_choices(template: Template) -> dict[str, list[str]]:
    """The labels a column's drop-down offers: the fylker, and every question with coded answers."""
    from kompetanse_cli.fylker import FYLKER

    choices = {"fylke": list(FYLKER.values())}
    choices.update({column: list(q.valg.values()) for column, q in _column_questions(template).items() if q.has_choices})
    return choices


def write_blank_workbook(path: Path, template: Template | None = None) -> list[str]:
    """A workbook to fill in and import: sheet «Registreringer» with only the header row and a
    drop-down list on every coded column, sheet «Forklaring» with what each column takes, and the
    hidden sheet «Valg» holding the lists. Returns the header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from kompetanse_cli.files import write_private
    from kompetanse_cli.report.workbook import neutralise

    template = template or load_template()
    header = template_columns(template)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Registreringer"
    # a fylke's own template is text anyone could have written: a formula in it is written as text
    sheet.append([neutralise(name) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Forklaring")
    guide.append(["Kolonne", "Nivå", "Hva kolonnen tar"])
    for name, text in PERSON_COLUMN_HELP.items():
        guide.append([name, None, text])
    for level, pairs in level_columns(template):
        months = {lv: m for m, lv in FOLLOW_UP_LEVELS.items()}
        for column, question in pairs:
            guide.append([neutralise(column), f"oppfølging {months[level]} mnd" if level in months else level,
                          neutralise(_column_help(question))])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    _add_drop_downs(workbook, sheet, header, template)
    write_private(path, workbook.save)
    return header


def _add_drop_downs(workbook, sheet, header: list[str], template: Template) -> None:
    """One list per coded column, kept on the hidden sheet «Valg» under a name (labels may hold
    commas, which a list typed into the validation itself cannot), and a validation that stops
    any other value with a message in Norwegian."""
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    lists = workbook.create_sheet(CHOICES_SHEET)
    lists.sheet_state = "hidden"
    for number, (column, labels) in enumerate(column_choices(template).items(), start=1):
        letter = get_column_letter(number)
        lists.cell(row=1, column=number, value=column)
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=number, value=label)
        name = f"valg_{column.replace('-', '_')}"
        reference = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        question = _column_questions(template).get(column)
        what = question.tekst if question else "Fylket"
        validation = DataValidation(
            type="list", formula1=name, allow_blank=True, showDropDown=False,
            showErrorMessage=True, errorStyle="stop", errorTitle="Velg fra listen",
            error=f"«{column}» tar bare svarene i nedtrekkslisten. La cellen stå tom hvis spørsmålet ikke ble besvart.",
            showInputMessage=True, promptTitle=column[:32], prompt=what[:250])
        target = get_column_letter(header.index(column) + 1)
        validation.add(f"{target}2:{target}{LAST_ROW}")
        sheet.add_data_validation(validation)


def _column_help(question: Question) -> str:
    """The question and what an answer may be: keys (or their labels) for choices, a date format, free text."""
    if question.has_choices:
        allowed = ("Velg i nedtrekkslisten: " + "; ".join(question.valg.values())
                   + ". Nøkkelen (" + ", ".join(question.valg) + ") godtas også.")
    else:
        allowed = {"dato": "Dato (dd.mm.åååå).", "tall": "Et tall."}.get(question.type, "Fritekst.")
    text = question.tekst if question.tekst.endswith((".", "?", ")")) else question.tekst + "."
    when = ""
    if question.vis_naar:
        when = " Bare når " + " og ".join(f"{k} er {'/'.join(v)}" for k, v in question.vis_naar.items()) + "."
    return f"{text} {allowed}{when}"


def import_registrations(conn: Db, path: Path, *, veileder: str | None,
                         template: Template | None = None) -> BulkResult:
    template = template or load_template()
    sheet, header_row, names = _find_sheet(path, template)
    result = BulkResult(file=path.name, sheet=sheet.name)
    columns = {name: i for i, name in enumerate(names) if name}
    _check_required(path, sheet.name, columns)
    by_column = _column_questions(template)
    result.question_columns = [n for n in columns if n in by_column]
    result.ignored_columns = [n for n in columns if n not in PERSON_COLUMNS and n not in by_column]
    people = persons.PersonIds(conn)
    with transaction(conn):
        for number, cells in enumerate(itertools.islice(sheet.rows(), header_row, None), start=header_row + 1):
            if all(values.is_blank(c) for c in cells):
                continue
            result.rows_read += 1
            row = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
            try:
                stored = _import_row(conn, people, template, row, veileder, result, where=f"{path.name}, rad {number}")
            except _RowProblem as problem:
                result.rejected.append(RowError(path.name, sheet.name, number, problem.column, problem.reason))
                continue
            for qid, value in stored.items():
                question = template.question(qid)
                if question is not None and question.type == "tekst" and find_diagnosis(value):
                    result.warnings.append(RowError(path.name, sheet.name, number, qid, DIAGNOSIS_WARNING))
        store.log(conn, veileder=veileder, handling="import av registreringer", person=None,
                  detaljer=f"{path.name}: {result.rows_read} rader, {len(result.rejected)} avvist")
    return result


def _sick_leave_start(conn: Db, person: persons.Person) -> str | None:
    """When the person's sick leave began, as their newest list (or their own record) has it."""
    seen = store.latest_appearance(conn, person.id)
    return (seen.sykmeldt_fom if seen else None) or person.sykmeldt_fom


def _stored_answers(conn: Db, person_id: int, level: int) -> dict[str, str | None]:
    record = store.get_level(conn, person_id, level)
    return store.answers(conn, record.id) if record else {}


class _RowProblem(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def _import_row(conn: Db, people: persons.PersonIds, template: Template, row: dict[str, object],
                veileder: str | None, result: BulkResult, *, where: str) -> dict[str, str | None]:
    """Store one row's answers; returns them (question id → value)."""
    try:
        fnr = values.parse_fnr(row.get("fnr"))
    except values.ValueProblem as problem:
        raise _RowProblem("fnr", problem.reason) from None
    try:
        fylke = resolve_fylke(str(row.get("fylke") or "")).keys[0]
    except KtError:
        # the cell is not repeated: a misplaced name or number must not end up in the message
        raise _RowProblem("fylke", "ukjent fylke (skriv f.eks. agder, innlandet eller troms)") from None
    kontor = values.parse_text(row.get("kontor"))
    navn = values.parse_text(row.get("navn")) if "navn" in row else None
    person = persons.by_fnr(conn, fnr)
    stored = {level: _stored_answers(conn, person.id, level) if person else {} for level in (1, 2)}
    # what the dates are checked against: the sick leave's start, the earlier levels' answers, and
    # the stored later ones the row does not replace
    given = {qid for qid, raw in row.items() if not values.is_blank(raw)}
    known = {**{qid: value for qid, value in stored[2].items() if qid not in given},
             "sykmeldt_fom": _sick_leave_start(conn, person)} if person else {}
    by_level: dict[int, dict[str, str | None]] = {}
    for level, pairs in level_columns(template):
        context: dict[str, str | None] = {}
        columns = {question.id: column for column, question in pairs}
        for column, question in pairs:
            raw = row.get(column)
            if column not in row or values.is_blank(raw):
                continue
            text = raw.strftime("%d.%m.%Y") if hasattr(raw, "strftime") else values.parse_text(raw)
            try:
                context[question.id] = parse_answer(question, str(text), context, known=known)
            except AnswerProblem as problem:
                allowed = f" Gyldige: {', '.join(question.valg)}." if question.has_choices else ""
                raise _RowProblem(column, f"{problem}{allowed}" if "nøkkel" not in str(problem) else str(problem)) from None
        for qid in context:
            asked = template.question(qid)
            if asked is not None and not is_shown(asked, context):
                raise _RowProblem(columns[qid], "spørsmålet stilles ikke med de andre svarene på raden")
        if context:
            by_level[level] = context
        known.update({**stored.get(level, {}), **context})
    if 2 in by_level and {**stored[1], **by_level.get(1, {})}.get("aktuell") not in ("ja", "delvis"):
        raise _RowProblem("aktuell", "nivå 2 krever at «aktuell» er ja eller delvis")
    if 3 in by_level and 2 not in by_level and not stored[2]:
        raise _RowProblem("gjennomfort", "nivå 3 krever svar på nivå 2")
    for months, level in FOLLOW_UP_LEVELS.items():
        if level in by_level and 1 not in by_level and not stored[1]:
            first = next(iter(by_level[level]))
            raise _RowProblem(f"{first}_{months}", "oppfølgingen krever kartleggingssamtalen (nivå 1)")
    if person is None:
        person_id = people.resolve([fnr], [navn], [fylke], [kontor])[fnr]
        persons.set_source(conn, person_id, "import")
        result.persons_created += 1
    else:
        person_id = person.id
    changed = 0
    short_id = None
    for level, answers in by_level.items():
        record = store.start_level(conn, person_id, level, mal_id=template.id, mal_versjon=template.versjon,
                                   veileder=veileder)
        saved = [qid for qid, value in answers.items()
                 if store.save_answer(conn, record.id, qid, value, mal_id=template.id,
                                      mal_versjon=template.versjon, veileder=veileder)]
        # a registration kept in a spreadsheet is a submitted form: the level is complete,
        # and its blank cells count as «Ubesvart» in the report
        store.complete_level(conn, record.id)
        if saved:
            # in the person's log like answers given in an interview: which questions, never the answers
            short_id = short_id or persons.short_id(conn, person_id)
            store.log(conn, veileder=veileder, handling=f"kartlegging nivå {level} importert", person=short_id,
                      detaljer=f"{where}: {len(saved)} svar ({', '.join(saved)})")
        changed += len(saved)
    result.answers_stored += changed
    if not changed:
        result.unchanged_rows += 1
    return {qid: value for answers in by_level.values() for qid, value in answers.items()}
