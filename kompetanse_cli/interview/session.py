"""A kartlegging for one person: who it is, which level may be run, and storing answers.

Used by the terminal interview, by `--svar` files and by the bulk import alike.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.interview.derived import MeasureFacts, measure_facts
from kompetanse_cli.interview.diagnoses import diagnosis_warning
from kompetanse_cli.interview.template import (
    FOLLOW_UP_LEVELS,
    AnswerProblem,
    Template,
    hidden_answers,
    is_shown,
    parse_answer,
    shown_questions,
    template_for_fylke,
)
from kompetanse_cli.store import interviews as store
from kompetanse_cli.store import persons
from kompetanse_cli.tomlfile import parse_toml
from kompetanse_cli.store.api import Db

AKTUELL_FOR_TILTAK = ("ja", "delvis")


@dataclass
class PersonCard:
    """Who the interview is about, as the veileder sees it at the top of the screen."""

    person_id: int
    short_id: str
    fnr_masked: str
    navn: str | None
    fylke: str | None
    kontor: str | None
    arbeidsgiver: str | None
    sykmeldt_fom: dt.date | None
    weeks_on_leave: int | None
    list_date: dt.date | None
    decision: str | None


def person_card(conn: Db, short_id: str) -> PersonCard:
    person = persons.require(conn, short_id)
    seen = store.latest_appearance(conn, person.id)
    fom_text = (seen.sykmeldt_fom if seen else None) or person.sykmeldt_fom
    fom = dt.date.fromisoformat(fom_text) if fom_text else None
    # weeks on sick leave as the list showed them; for a person from outside the lists, as of today
    weeks = seen.uker_sykmeldt if seen and seen.uker_sykmeldt is not None else (
        max((dt.date.today() - fom).days // 7, 0) if fom else None)
    list_date = dt.date.fromisoformat(seen.listedato) if seen else None
    return PersonCard(
        person_id=person.id, short_id=person.kort_id, fnr_masked=person.fnr_masked, navn=person.navn,
        fylke=(seen.fylke if seen else None) or person.fylke, kontor=(seen.kontor if seen else None) or person.kontor,
        arbeidsgiver=(seen.arbeidsgiver if seen else None) or person.arbeidsgiver, sykmeldt_fom=fom,
        weeks_on_leave=weeks, list_date=list_date, decision=seen.beslutning if seen else None)


@dataclass
class LevelSession:
    """One person's interview at one level, with its stored answers.

    The level's row is created with the first answer, so opening a level (or a rejected
    answer file) leaves no trace in the person's stage.
    """

    conn: Db
    card: PersonCard
    template: Template
    niva: int
    level: store.Level | None
    answers: dict[str, str | None]
    veileder: str | None

    def _level_id(self) -> int:
        if self.level is None:
            self.level = store.start_level(self.conn, self.card.person_id, self.niva, mal_id=self.template.id,
                                           mal_versjon=self.template.versjon, veileder=self.veileder)
        return self.level.id

    @property
    def complete_already(self) -> bool:
        return self.level is not None and self.level.complete

    def save(self, question: str, value: str | None) -> None:
        store.save_answer(self.conn, self._level_id(), question, value, mal_id=self.template.id,
                          mal_versjon=self.template.versjon, veileder=self.veileder)

    def remove(self, question: str) -> None:
        if self.level is not None:
            store.remove_answer(self.conn, self.level.id, question, veileder=self.veileder)

    def reopen(self) -> None:
        """A level that gained unanswered questions (a changed condition) is no longer complete."""
        if self.level is not None:
            store.reopen_level(self.conn, self.level.id)

    def complete(self) -> None:
        store.complete_level(self.conn, self._level_id())
        store.log(self.conn, veileder=self.veileder, handling=f"kartlegging {level_text(self.niva)} fullført",
                  person=self.card.short_id)

    def known_dates(self) -> dict[str, str | None]:
        """What this level's dates are checked against: when the sick leave began, and the answers
        of the other levels (the conversation's date for the vedtak, and the vedtak's for a
        conversation date changed afterwards)."""
        known: dict[str, str | None] = {}
        for other in (1, 2, 3):
            if other != self.niva:
                known.update(answers_at(self.conn, self.card.person_id, other))
        if self.card.sykmeldt_fom is not None:
            known["sykmeldt_fom"] = self.card.sykmeldt_fom.isoformat()
        return known

    def measure(self) -> MeasureFacts:
        """Derived values for level 2 (and later), from the stored answers."""
        first = answers_at(self.conn, self.card.person_id, 1)
        second = self.answers if self.niva == 2 else answers_at(self.conn, self.card.person_id, 2)
        return measure_facts(first, second, self.card.sykmeldt_fom)


def answers_at(conn: Db, person_id: int, niva: int) -> dict[str, str | None]:
    level = store.get_level(conn, person_id, niva)
    return store.answers(conn, level.id) if level else {}


def check_level_allowed(conn: Db, card: PersonCard, niva: int) -> None:
    """Level 2 only for a person judged aktuell (ja/delvis) at level 1; level 3 only after level 2."""
    if niva == 2:
        aktuell = answers_at(conn, card.person_id, 1).get("aktuell")
        if aktuell not in AKTUELL_FOR_TILTAK:
            shown = "ikke besvart" if aktuell is None else f"«{aktuell}»"
            raise UsageError(f"Nivå 2 (planlagt tiltak) gjelder bare personer som er aktuelle (ja/delvis) på nivå 1; "
                             f"for {card.short_id} er «aktuell» {shown}.")
    if niva == 3:
        level = store.get_level(conn, card.person_id, 2)
        if level is None or not level.complete:
            raise UsageError(f"Nivå 3 (status etter tiltaket) kan først fylles ut når nivå 2 er fullført for {card.short_id}.")
    if niva in FOLLOW_UP_LEVELS.values():
        level = store.get_level(conn, card.person_id, 1)
        if level is None or not level.complete:
            raise UsageError(f"Oppfølgingen kan først fylles ut når kartleggingssamtalen (nivå 1) er fullført "
                             f"for {card.short_id}.")


NIVA_PROBLEM = "--niva skal være 1, 2 eller 3."
FOLLOW_UP_PROBLEM = "--oppfolging skal være 6 eller 12 (måneder etter samtalen)."


def follow_up_level(months: str | int) -> int:
    """The stored level of the follow-up `months` after the conversation (6 → 4, 12 → 5)."""
    text = str(months).strip()
    if not text.isdigit() or int(text) not in FOLLOW_UP_LEVELS:
        raise UsageError(FOLLOW_UP_PROBLEM)
    return FOLLOW_UP_LEVELS[int(text)]


def level_text(niva: int) -> str:
    """How a level is named to the veileder: «nivå 2», «oppfølging 6 mnd»."""
    months = {level: m for m, level in FOLLOW_UP_LEVELS.items()}
    return f"oppfølging {months[niva]} mnd" if niva in months else f"nivå {niva}"


def level_card(conn: Db, short_id: str, niva: int) -> PersonCard:
    """The person, once the level is known to exist and be open to them.

    Every refusal about the arguments comes from here, so `kt kartlegg` can give it before it
    asks for a terminal or a veileder ident: a typo in the id is said as a typo.
    """
    if niva not in (1, 2, 3, *FOLLOW_UP_LEVELS.values()):
        raise UsageError(NIVA_PROBLEM)
    card = person_card(conn, short_id)
    check_level_allowed(conn, card, niva)
    return card


def open_level(conn: Db, short_id: str, niva: int, *, veileder: str | None,
               template: Template | None = None) -> LevelSession:
    """Start (or resume) a level for a person, after checking the level may be run."""
    card = level_card(conn, short_id, niva)
    template = template or template_for_fylke(card.fylke)
    level = store.get_level(conn, card.person_id, niva)
    store.log(conn, veileder=veileder, handling=f"kartlegging {level_text(niva)} åpnet", person=card.short_id)
    return LevelSession(conn, card, template, niva, level, store.answers(conn, level.id) if level else {}, veileder)


# ---------- answers from a file (--svar) ----------

def read_answer_file(path: Path) -> dict[str, object]:
    """A TOML or JSON file of `id = value`; JSON null means «skipped» (Ubesvart)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"Fant ikke svarfilen {path}.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: svarfilen må være lagret som UTF-8.") from None
    data = _parse_json(text, path.name) if path.suffix.lower() == ".json" else parse_toml(text, path.name)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: filen skal være en samling «id = svar».")
    return data


def _parse_json(text: str, name: str) -> object:
    """JSON text, with a syntax error said the way TOML errors are (line and column, in Norwegian)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{name}: ugyldig JSON på linje {error.lineno}, kolonne {error.colno}.") from None


@dataclass
class FileResult:
    stored: int
    missing: list[str]
    complete: bool
    warnings: list[str] = field(default_factory=list)  # e.g. a free-text answer that names a diagnosis


def validate_answers(template: Template, niva: int, given: dict[str, object], *, source: str,
                     earlier: dict[str, str | None] | None = None,
                     known: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """Check every answer of a file against the template; all problems at once, nothing stored."""
    problems: list[str] = []
    values: dict[str, str | None] = {}
    level_ids = {q.id for q in template.level(niva)}
    for qid in given:
        if qid not in level_ids:
            other = template.question(qid)
            where = (("hører til oppfølgingen" if other.niva == 4 else f"hører til nivå {other.niva}")
                     if other else "finnes ikke i malen")
            problems.append(f"{source}: «{qid}» {where}.")
    # what the file gives replaces what was stored: a date is not checked against the value it replaces
    context = {qid: value for qid, value in (earlier or {}).items() if qid not in given}
    for question in template.level(niva):
        if question.id not in given:
            continue
        raw = given[question.id]
        if raw is None:
            values[question.id] = context[question.id] = None
            continue
        if isinstance(raw, (dt.date, dt.datetime)):
            raw = raw.strftime("%d.%m.%Y")
        try:
            value = parse_answer(question, str(raw), context, known=known)
        except AnswerProblem as problem:
            allowed = f" Gyldige nøkler: {', '.join(question.valg)}." if question.has_choices else ""
            problems.append(f"{source}: «{question.id}»: {problem}{'' if allowed and 'nøkkel' in str(problem) else allowed}")
            continue
        values[question.id] = context[question.id] = value
    for qid in values:
        asked = template.question(qid)
        if asked and not is_shown(asked, context):
            conditions = ", ".join(f"{k} er {'/'.join(v)}" for k, v in asked.vis_naar.items())
            problems.append(f"{source}: «{qid}» stilles bare når {conditions}.")
    if problems:
        raise InputError("Svarfilen har feil; ingenting er lagret:\n" + "\n".join(f"  - {p}" for p in problems))
    return values


def apply_answer_file(session: LevelSession, path: Path) -> FileResult:
    """Validate the whole file first, then store every answer; complete the level when all are there.

    A level that was complete stays complete, unless the new answers open a question that was not
    asked before (e.g. «aktuell» changed to nei opens «hovedårsak»): then it needs that answer.
    """
    values = validate_answers(session.template, session.niva, read_answer_file(path), source=path.name,
                              earlier=session.answers, known=session.known_dates())
    warnings = answer_warnings(session.template, values)
    shown_before = {q.id for q in shown_questions(session.template, session.niva, session.answers)}
    for qid, value in values.items():
        session.save(qid, value)
        session.answers[qid] = value
    for qid in hidden_answers(session.template, session.niva, session.answers):
        session.remove(qid)
        del session.answers[qid]
    shown = shown_questions(session.template, session.niva, session.answers)
    missing = [q.id for q in shown if q.id not in session.answers]
    if session.complete_already:
        missing = [qid for qid in missing if qid not in shown_before]
        if missing:
            session.reopen()
        return FileResult(stored=len(values), missing=missing, complete=not missing, warnings=warnings)
    if not missing:
        session.complete()
    return FileResult(stored=len(values), missing=missing, complete=not missing, warnings=warnings)


def answer_warnings(template: Template, values: dict[str, str | None]) -> list[str]:
    """Warnings about answers that are accepted but should be looked at: free text naming a diagnosis."""
    found = []
    for qid, value in values.items():
        question = template.question(qid)
        warning = diagnosis_warning(question, value) if question is not None else None
        if warning:
            found.append(warning)
    return found
