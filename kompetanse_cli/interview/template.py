"""Interview templates: the registreringsskjema as data, and fylke variants of it.

A template is a TOML file with an `id`, a `versjon`, scales and questions. A variant names the
template it builds on (`basert_paa`), may reword labels (`[endre_tekst]`) and add questions
(`[[sporsmal]]` with `etter = "<id>"`), but never renames or drops a question of its base, so
the ids and answer keys stay a stable interface. Every problem names the file and the question.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from kompetanse_cli import paths
from kompetanse_cli.errors import InputError, KtError, UsageError
from kompetanse_cli.tomlfile import read_toml

DEFAULT_TEMPLATE = "registreringsskjema"
TYPES = ("valg", "skala", "dato", "tekst", "tall")
LEVELS = (1, 2, 3, 4)
# The template's follow-up section (level 4 in a template file) is asked twice: 6 and 12 months
# after the conversation. Each is a level of its own in the store (4 and 5), on the same questions.
OPPFOLGING = 4
FOLLOW_UP_LEVELS = {6: 4, 12: 5}  # months after samtaledato → stored level
# Dates a date answer may be checked against (`ikke_for`) that are not questions: the person's
# own, as the lists give them; with how they read in a message.
PERSON_DATES = {"sykmeldt_fom": "sykmeldingen begynte"}


@dataclass(frozen=True)
class Question:
    """One question: its id, level, label, answer type, choices and when it is shown."""

    id: str
    niva: int
    tekst: str
    type: str
    valg: dict[str, str] = field(default_factory=dict)  # key → label, for valg and skala
    vis_naar: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hjelp: str | None = None
    ikke_i_fremtiden: bool = False
    ikke_for: str | None = None  # a date that must not come after the one named here
    datonavn: str | None = None  # a date question's name in a sentence: «vedtaksdatoen»
    omtale: str | None = None  # what happened on that date, in a sentence: «vedtaket», «samtalen»
    ikke_for_tekst: str | None = None  # `ikke_for` in words («samtalen»), from that question's `omtale`
    # the later dates that may not come before this one: (question id, in words), from their `ikke_for`
    ikke_etter: tuple[tuple[str, str], ...] = ()

    @property
    def has_choices(self) -> bool:
        return self.type in ("valg", "skala")


@dataclass(frozen=True)
class Template:
    id: str
    versjon: str
    navn: str
    nivaer: dict[int, str]
    questions: tuple[Question, ...]
    source: str

    def level(self, niva: int) -> list[Question]:
        """The questions of a stored level (4 and 5, the follow-ups, both ask the follow-up section)."""
        section = OPPFOLGING if niva in FOLLOW_UP_LEVELS.values() else niva
        return [q for q in self.questions if q.niva == section]

    def level_name(self, niva: int) -> str:
        months = {level: months for months, level in FOLLOW_UP_LEVELS.items()}
        if niva in months:
            return f"{self.nivaer.get(OPPFOLGING, 'Oppfølging')} etter {months[niva]} måneder"
        return self.nivaer.get(niva, "")

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


def _template_dirs() -> list[Path]:
    """KT_HOME/maler first (a fylke's own), then the templates shipped with kt."""
    shipped = Path(str(resources.files("kompetanse_cli.templates").joinpath("kartlegging")))
    return [paths.kt_home() / "maler", shipped]


_TEMPLATE_NAME = re.compile(r"[^\W][\w-]*")


def _inside(folder: Path, candidate: Path) -> bool:
    """The file is in `folder` itself: a link in maler/ that points out of it is not followed
    (it would pull any readable file into kt)."""
    try:
        return candidate.is_file() and candidate.resolve().parent == folder.resolve()
    except OSError:
        return False


def find_template_file(name: str) -> Path:
    """A template by name, in KT_HOME/maler or among kt's own; a name is a plain file name without
    a folder (`basert_paa = "registreringsskjema"`), never a path out of maler/."""
    if not isinstance(name, str) or not _TEMPLATE_NAME.fullmatch(name):
        raise InputError(f"«{name}» er ikke et malnavn: skriv bare navnet på en mal i maler-mappen, uten mappe "
                         "og uten .toml, f.eks. «registreringsskjema».")
    for folder in _template_dirs():
        candidate = folder / f"{name}.toml"
        if _inside(folder, candidate):
            return candidate
    raise UsageError(f"Fant ingen intervjumal «{name}» (lette i {', '.join(str(d) for d in _template_dirs())}).")


def load_template(name: str = DEFAULT_TEMPLATE) -> Template:
    """A template by name (a fylke's variant if one exists), validated."""
    return load_template_file(find_template_file(name))


def template_for_fylke(fylke: str | None) -> Template:
    """The fylke's own variant when there is one, else the registreringsskjema."""
    if fylke:
        for folder in _template_dirs():
            if _inside(folder, folder / f"{fylke}.toml"):
                return load_template_file(folder / f"{fylke}.toml")
    return load_template(DEFAULT_TEMPLATE)


def template_for_reading(fylke: str | None) -> Template:
    """The template to show stored answers with (innsyn, person vis): the fylke's variant, or the
    registreringsskjema when the variant cannot be used. A broken variant stops the interview, never
    a person's right to see what is stored (the question ids are the registreringsskjema's anyway)."""
    try:
        return template_for_fylke(fylke)
    except KtError:
        return load_template(DEFAULT_TEMPLATE)


def _read(path: Path) -> dict[str, Any]:
    return read_toml(path, "malfilen")


def load_template_file(path: Path) -> Template:
    """Load and validate one template file; raise InputError listing every problem."""
    template, problems = check_template_file(path)
    if problems or template is None:
        raise InputError(f"Malen {path.name} har feil:\n" + "\n".join(f"  - {p}" for p in problems))
    return template


def check_template_file(path: Path) -> tuple[Template | None, list[str]]:
    """Parse and validate a template; returns it (when usable) and every problem found."""
    data = _read(path)
    name = path.name
    problems: list[str] = []
    base_name = data.get("basert_paa")
    if base_name is not None:
        if base_name == path.stem:
            return None, [f"{name}: «basert_paa» kan ikke peke på malen selv."]
        base_path = find_template_file(str(base_name))
        if base_path.resolve() == path.resolve():
            return None, [f"{name}: «basert_paa» kan ikke peke på malen selv."]
        base = load_template_file(base_path)
        raw = _merge_variant(base, data, name, problems)
        scales = {**_base_scales(base_path), **data.get("skalaer", {})}
    else:
        raw = data.get("sporsmal", [])
        scales = data.get("skalaer", {})
    for key in ("id", "versjon"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(f"{name}: mangler «{key}» (tekst).")
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: malen har ingen spørsmål ([[sporsmal]]).")
        return None, problems
    questions = _build_questions(raw, scales, name, problems)
    levels = {int(k): str(v) for k, v in data.get("nivaer", {}).items()} if "nivaer" in data else {}
    if base_name is not None and not levels:
        levels = load_template_file(find_template_file(str(base_name))).nivaer
    if problems:
        return None, problems
    return Template(id=data["id"], versjon=str(data["versjon"]), navn=str(data.get("navn", data["id"])),
                    nivaer=levels or {1: "Nivå 1", 2: "Nivå 2", 3: "Nivå 3", 4: "Oppfølging"}, questions=tuple(questions),
                    source=str(path)), []


def _base_scales(path: Path) -> dict[str, Any]:
    return _read(path).get("skalaer", {})


def _merge_variant(base: Template, data: dict[str, Any], name: str, problems: list[str]) -> list[dict[str, Any]]:
    """The base's questions as raw tables, with reworded labels and inserted extra questions."""
    raw = [_question_as_raw(q) for q in base.questions]
    known = {q["id"] for q in raw}
    for qid, label in data.get("endre_tekst", {}).items():
        if qid not in known:
            problems.append(f"{name}: [endre_tekst] nevner ukjent spørsmål «{qid}».")
        elif not isinstance(label, str) or not label.strip():
            problems.append(f"{name}: [endre_tekst] «{qid}» skal være en tekst.")
        else:
            next(q for q in raw if q["id"] == qid)["tekst"] = label
    for extra in data.get("sporsmal", []):
        qid = extra.get("id")
        if qid in known:
            problems.append(f"{name}: spørsmålet «{qid}» finnes i {base.id} og kan ikke defineres på nytt "
                            "(bruk [endre_tekst] for å endre teksten).")
            continue
        after = extra.get("etter")
        position = len(raw)
        if after is not None:
            indices = [i for i, q in enumerate(raw) if q["id"] == after]
            if not indices:
                problems.append(f"{name}: spørsmål «{qid}»: «etter» peker på ukjent spørsmål «{after}».")
                continue
            position = indices[0] + 1
        raw.insert(position, {k: v for k, v in extra.items() if k != "etter"})
        known.add(qid)
    return raw


def _question_as_raw(q: Question) -> dict[str, Any]:
    raw: dict[str, Any] = {"id": q.id, "niva": q.niva, "tekst": q.tekst, "type": q.type}
    if q.has_choices:
        raw["valg"] = dict(q.valg)  # a scale arrives with its choices already looked up
    if q.vis_naar:
        raw["vis_naar"] = {k: list(v) for k, v in q.vis_naar.items()}
    for key in ("hjelp", "ikke_for", "datonavn", "omtale"):
        if getattr(q, key):
            raw[key] = getattr(q, key)
    if q.ikke_i_fremtiden:
        raw["ikke_i_fremtiden"] = True
    return raw


_QUESTION_KEYS = {"id", "niva", "tekst", "type", "valg", "skala", "vis_naar", "hjelp", "ikke_i_fremtiden", "ikke_for",
                  "datonavn", "omtale"}


def _build_questions(raw: list[Any], scales: dict[str, Any], name: str, problems: list[str]) -> list[Question]:
    questions: list[Question] = []
    seen: dict[str, Question] = {}
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(f"{name}: spørsmål nr. {number} er ikke en tabell.")
            continue
        qid = item.get("id")
        where = f"{name}: spørsmål «{qid}»" if isinstance(qid, str) else f"{name}: spørsmål nr. {number}"
        if not isinstance(qid, str) or not qid.isidentifier():
            problems.append(f"{where}: «id» mangler eller er ugyldig (bruk små bokstaver og _).")
            continue
        if qid in seen:
            problems.append(f"{where}: id-en er brukt to ganger.")
            continue
        for key in item:
            if key not in _QUESTION_KEYS:
                problems.append(f"{where}: ukjent nøkkel «{key}». Gyldige: {', '.join(sorted(_QUESTION_KEYS))}.")
        kind = item.get("type")
        if kind not in TYPES:
            problems.append(f"{where}: «type» skal være en av {', '.join(TYPES)}.")
            continue
        level = item.get("niva")
        if level not in LEVELS:
            problems.append(f"{where}: «niva» skal være 1, 2, 3 eller 4 (oppfølging).")
            continue
        if not isinstance(item.get("tekst"), str) or not item["tekst"].strip():
            problems.append(f"{where}: «tekst» mangler.")
            continue
        choices: dict[str, str] = {}
        if kind == "skala" and "skala" not in item and item.get("valg"):
            choices = {str(k): str(v) for k, v in item["valg"].items()}
        elif kind == "skala":
            scale = scales.get(item.get("skala", ""))
            if not isinstance(scale, dict):
                problems.append(f"{where}: ukjent skala «{item.get('skala')}». Kjente: {', '.join(scales) or '(ingen)'}.")
                continue
            choices = {str(k): str(v) for k, v in scale.items()}
        elif kind == "valg":
            choices = {str(k): str(v) for k, v in (item.get("valg") or {}).items()}
        if kind in ("valg", "skala") and not choices:
            problems.append(f"{where}: listen med svaralternativer er tom.")
            continue
        condition: dict[str, tuple[str, ...]] = {}
        for other, keys in (item.get("vis_naar") or {}).items():
            target = seen.get(other)
            if target is None:
                comes_later = any(isinstance(r, dict) and r.get("id") == other for r in raw)
                problems.append(f"{where}: «vis_naar» viser til "
                                + (f"et senere spørsmål «{other}»; det må stå før." if comes_later
                                   else f"ukjent spørsmål «{other}»."))
                continue
            if target.niva != level:
                problems.append(f"{where}: «vis_naar» viser til «{other}» på nivå {target.niva}; "
                                "vilkår må gjelde spørsmål på samme nivå.")
                continue
            keys = tuple(keys) if isinstance(keys, list) else (keys,)
            unknown = [k for k in keys if k not in target.valg]
            if not target.has_choices or unknown:
                problems.append(f"{where}: «vis_naar» bruker svar som «{other}» ikke har: {', '.join(map(str, unknown or keys))}.")
                continue
            condition[other] = keys
        before = item.get("ikke_for")
        if before is not None and before not in PERSON_DATES and (before not in seen or seen[before].type != "dato"):
            problems.append(f"{where}: «ikke_for» skal peke på et tidligere datospørsmål "
                            f"(eller {', '.join(PERSON_DATES)}).")
            continue
        words = {key: item.get(key) for key in ("datonavn", "omtale")}
        if any(value is not None and (not isinstance(value, str) or not value.strip()) for value in words.values()):
            problems.append(f"{where}: «datonavn» og «omtale» skal være tekster.")
            continue
        question = Question(id=qid, niva=level, tekst=item["tekst"].strip(), type=kind, valg=choices,
                            vis_naar=condition, hjelp=item.get("hjelp"),
                            ikke_i_fremtiden=bool(item.get("ikke_i_fremtiden", False)), ikke_for=before,
                            datonavn=words["datonavn"], omtale=words["omtale"],
                            ikke_for_tekst=None if before is None else (
                                PERSON_DATES.get(before) or seen[before].omtale or f"«{seen[before].tekst}»"))
        seen[qid] = question
        questions.append(question)
    # A date also may not be moved past a later one that must not come before it (the conversation
    # moved after the vedtak): each date learns which later dates point at it.
    later: dict[str, list[tuple[str, str]]] = {}
    for question in questions:
        if question.ikke_for in seen:
            later.setdefault(question.ikke_for, []).append(
                (question.id, question.omtale or f"«{question.tekst}»"))
    return [replace(q, ikke_etter=tuple(later[q.id])) if q.id in later else q for q in questions]


# ---------- answers: parsing and skip logic (pure) ----------

class AnswerProblem(ValueError):
    """An answer that cannot be accepted; the message says what is allowed."""


def is_shown(question: Question, answers: dict[str, str | None]) -> bool:
    """Whether the question is asked, given the answers so far (all conditions must hold)."""
    return all(answers.get(other) in keys for other, keys in question.vis_naar.items())


def shown_questions(template: Template, niva: int, answers: dict[str, str | None]) -> list[Question]:
    return [q for q in template.level(niva) if is_shown(q, answers)]


def hidden_answers(template: Template, niva: int, answers: dict[str, str | None]) -> list[str]:
    """Answered questions whose condition no longer holds, including whole chains: when
    `aktuell` turns to ja, `hovedaarsak_ikke_aktuell` goes, and with it `hovedaarsak_annet`."""
    remaining = dict(answers)
    gone: list[str] = []
    while True:
        shown = {q.id for q in shown_questions(template, niva, remaining)}
        newly = [q.id for q in template.level(niva) if q.id in remaining and q.id not in shown]
        if not newly:
            return gone
        for qid in newly:
            del remaining[qid]
            gone.append(qid)


def parse_answer(question: Question, text: str, answers: dict[str, str | None], *,
                 today: dt.date | None = None, known: Mapping[str, str | None] | None = None) -> str:
    """Turn what the veileder typed into the stored value: a key, an ISO date, text or a number.

    Choices may be given by number (1, 2, …), by key (`vet_ikke`) or by label (`Vet ikke`).
    `known` holds what a date may be checked against besides this level's answers: the answers of
    the other levels (`samtaledato`, `vedtaksdato`) and the person's own dates (`sykmeldt_fom`),
    as ISO text.
    """
    text = text.strip()
    if not text:
        raise AnswerProblem("Svaret er tomt.")
    if question.has_choices:
        return _parse_choice(question, text)
    if question.type == "dato":
        return _parse_date_answer(question, text, {**(known or {}), **answers}, today or dt.date.today())
    if question.type == "tall":
        try:
            number = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise AnswerProblem("Skriv et tall, f.eks. 12 eller 7,5.") from None
        return str(int(number)) if number.is_integer() else str(number)
    return text


def _parse_choice(question: Question, text: str) -> str:
    keys = list(question.valg)
    if text.isdigit() and 1 <= int(text) <= len(keys):
        return keys[int(text) - 1]
    folded = text.casefold()
    for key, label in question.valg.items():
        if folded in (key.casefold(), label.casefold()):
            return key
    allowed = ", ".join(f"{i} {k}" for i, k in enumerate(keys, start=1))
    raise AnswerProblem(f"Ukjent svar. Velg et nummer eller en nøkkel: {allowed}.")


# Words a veileder may type for a date, and how many days before today they mean.
DAY_WORDS = {"i dag": 0, "idag": 0, "i går": 1, "igår": 1, "i gar": 1, "igar": 1}


def _parse_date_answer(question: Question, text: str, answers: dict[str, str | None], today: dt.date) -> str:
    from kompetanse_cli.ingest.values import ValueProblem, parse_date

    try:
        day = today - dt.timedelta(days=DAY_WORDS[" ".join(text.casefold().split())])
    except KeyError:
        day = None
    try:
        day = day or parse_date(text)
    except ValueProblem as problem:
        if "umulig" in problem.reason:  # the form was right, the date does not exist (31.02)
            raise AnswerProblem("Datoen finnes ikke (dagen eller måneden er for stor).") from None
        day = None
    if day is None or isinstance(day, str):
        raise AnswerProblem("Skriv datoen som dd.mm.åååå, f.eks. 07.03.2022.")
    if question.ikke_i_fremtiden and day > today:
        raise AnswerProblem(f"{_date_name(question)} kan ikke være frem i tid (i dag er {today:%d.%m.%Y}).")
    before = answers.get(question.ikke_for) if question.ikke_for else None
    if before:
        earlier = dt.date.fromisoformat(before)
        if day < earlier:
            raise AnswerProblem(f"{_date_name(question)} kan ikke være før {question.ikke_for_tekst} "
                                f"{earlier:%d.%m.%Y}.")
    for other, words in question.ikke_etter:
        given = answers.get(other)
        if given and day > dt.date.fromisoformat(given):
            raise AnswerProblem(f"{_date_name(question)} kan ikke være etter {words} "
                                f"{dt.date.fromisoformat(given):%d.%m.%Y}.")
    return day.isoformat()


def _date_name(question: Question) -> str:
    """The date in a message: «Vedtaksdatoen», else «Datoen»."""
    name = question.datonavn or "datoen"
    return name[:1].upper() + name[1:]


def show_value(question: Question, value: str | None) -> str:
    """A stored value as the veileder reads it: the label, a Norwegian date, or «Ubesvart»."""
    if value is None:
        return "Ubesvart"
    if question.has_choices:
        return question.valg.get(value, value)
    if question.type == "dato":
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    if question.type == "tall":
        return value.replace(".", ",")
    return value
