"""The referat after a kartleggingssamtale, and the notice to the candidate's NAV-kontor.

Letters are rendered from jinja2 templates in `templates/referat/`; a fylke may put its own files
with the same names in `KT_HOME/maler/referat/` (each file overrides the shipped one of that name).
All templates run in jinja2's sandbox with StrictUndefined, so a template cannot reach the file
system or run code, and a misspelt variable stops the letter (naming file, line and variable)
instead of leaving a gap. A letter is rendered fully to memory before anything is written.

What a template can see is deliberately little. The candidate's letter gets the conversation's
date and form, the candidate's wishes for future work, the outcome, the veileder's `notat` (the
free-text field meant for the letter) and the planned measure; never the fødselsnummer, the
diagnosis or the health answers of the interview. The notice to the NAV-kontor gets only who, when
and by whom. The variables are listed in `templates/referat/LESMEG.md`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import jinja2.runtime
import jinja2.sandbox
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kompetanse_cli import paths
from kompetanse_cli.errors import InputError, KtError, UsageError
from kompetanse_cli.files import check_output, write_private
from kompetanse_cli.interview.derived import measure_facts
from kompetanse_cli.interview.diagnoses import find_diagnosis
from kompetanse_cli.interview.session import AKTUELL_FOR_TILTAK, PersonCard, answers_at, person_card
from kompetanse_cli.interview.template import show_value, template_for_fylke
from kompetanse_cli.store import interviews, persons
from kompetanse_cli.store import letters as store
from kompetanse_cli.store.api import Db
from kompetanse_cli.store.persons import Person

REFERAT = "referat"
TIL_VEILEDER = "melding_kontor"
FORMATS = ("txt", "html", "docx", "pdf")
SUFFIXES = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}
LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO"}
MALFORMER = {"nb": "bokmål", "nn": "nynorsk"}
TEXT_WIDTH = 76

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")  # the same in bokmål and nynorsk

# Labels in the letter's målform; the interview template's (bokmål) label is the fallback for a key
# a fylke variant added.
TILTAKSTYPER = {
    "nb": {"amo": "Arbeidsmarkedsopplæring (AMO-kurs)",
           "fag_yrke": "Fag- og yrkesopplæring på videregående skole eller fagskole",
           "hoyere_utdanning": "Høyere utdanning på universitet eller høyskole"},
    "nn": {"amo": "Arbeidsmarknadsopplæring (AMO-kurs)",
           "fag_yrke": "Fag- og yrkesopplæring på vidaregåande skule eller fagskule",
           "hoyere_utdanning": "Høgare utdanning på universitet eller høgskule"},
}
# The candidate's wishes for future work, in the letter's målform (REGISTRERINGSSKJEMA: onsker_annet_arbeid,
# onsker_annen_arbeidsgiver, trenger_ny_kompetanse). Not health answers, so the letter may repeat them.
WISHES = {
    "nb": {"ja": "Du fortalte at du ønsker deg annet arbeid", "delvis": "Du fortalte at du er åpen for annet arbeid",
           "ny_ag": ", gjerne hos en ny arbeidsgiver", "samme_ag": " hos den arbeidsgiveren du har i dag",
           "kompetanse": ", og at du trenger ny kompetanse for å komme dit",
           "nei": "Du fortalte at du helst vil fortsette i det arbeidet du har i dag.",
           "ukjent": "Hva slags arbeid du ønsker deg fremover."},
    "nn": {"ja": "Du fortalde at du ønskjer deg anna arbeid", "delvis": "Du fortalde at du er open for anna arbeid",
           "ny_ag": ", gjerne hos ein ny arbeidsgivar", "samme_ag": " hos den arbeidsgivaren du har i dag",
           "kompetanse": ", og at du treng ny kompetanse for å kome dit",
           "nei": "Du fortalde at du helst vil halde fram i det arbeidet du har i dag.",
           "ukjent": "Kva slags arbeid du ønskjer deg framover."},
}
HOLDT_AV = {"prosjektgruppa": "prosjektgruppa for kompetansetiltak", "nav_veileder": "en Nav-veileder",
            "andre": "andre i Nav"}
# The topics «Dette snakket vi om» may name, each with the level 1 questions that show it was
# covered: a topic is named only when one of them has an answer («Vet ikke» counts; skipped does not).
TOPICS = {
    "helse": ("helse_naavaerende_jobb",),
    "tilrettelegging": ("ag_tilrettelagt", "ag_gjenvaerende_muligheter"),
    "kompetanse": ("utdanning", "manglende_kompetanse", "trenger_ny_kompetanse"),
    "onsker": ("onsker_annet_arbeid",),
}
NAV_PREFIX = re.compile(r"^nav\b[\s-]*", re.IGNORECASE)


@dataclass(frozen=True)
class RenderedLetter:
    """A finished letter in memory, with what is needed to record it."""

    person_id: int
    short_id: str
    kind: str
    format: str
    malform: str
    template: str
    custom_template: bool
    content: bytes
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The letter as text (txt and html only)."""
        return self.content.decode("utf-8")

    @property
    def template_label(self) -> str:
        """Which template was used, as recorded in `brev`: the file name, marked when it is the fylke's own."""
        return f"{self.template} (egen mal)" if self.custom_template else self.template


@dataclass
class LetterData:
    """Everything a template can see, and who the letter is about."""

    person_id: int
    short_id: str
    malform: str
    context: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# ---------- small helpers ----------

def long_date(day: dt.date | None) -> str:
    """«7. mars 2022» (the same in bokmål and nynorsk); empty for no date."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}" if day else ""


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def letter_name(navn: str | None) -> str:
    """A name as a letter addresses it: «Testesen, Kari» → «Kari Testesen», «KARI TESTESEN» → «Kari Testesen»."""
    name = " ".join((navn or "").split())
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    if name.isupper():
        name = name.title()
    return name


def office_name(kontor: str | None) -> str:
    """The sender line: «Nav Lister», as Nav has written its name since 2023 (lists write the
    office with or without «NAV», in any case)."""
    kontor = NAV_PREFIX.sub("", " ".join((kontor or "").split()))
    return f"Nav {kontor}" if kontor else "Nav"


def topics(answers: dict[str, str | None]) -> dict[str, bool]:
    """Which topics the conversation covered, from the level 1 answers (TOPICS); `inntekt` only when
    the candidate is registered as informed about income after the sykepengeperiode."""
    covered = {topic: any(answers.get(q) is not None for q in questions) for topic, questions in TOPICS.items()}
    covered["inntekt"] = answers.get("informert_inntekt") == "ja"
    covered["noen"] = any(covered.values())
    return covered


def format_for_path(path: Path) -> str:
    """The format an output file's extension asks for."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"Ukjent filtype «{path.suffix or '(ingen)'}» for --ut. Bruk .docx, .pdf, .html eller .txt.")
    return fmt


def template_dirs() -> list[Path]:
    """KT_HOME/maler/referat first (the fylke's own files), then the templates shipped with kt."""
    shipped = Path(str(resources.files("kompetanse_cli.templates").joinpath("referat")))
    return [paths.kt_home() / "maler" / "referat", shipped]


def template_file_name(kind: str, fmt: str, malform: str) -> str:
    """The template a format is made from; a PDF is made from the HTML letter."""
    if fmt not in FORMATS:
        raise UsageError(f"Ukjent format «{fmt}». Gyldige: {', '.join(FORMATS)}.")
    fmt = "html" if fmt == "pdf" else fmt
    return f"til_veileder.{fmt}" if kind == TIL_VEILEDER else f"referat_{malform}.{fmt}"


def _inside(folder: Path, candidate: Path) -> bool:
    """`candidate` is a file in `folder` (or below it), also once links are followed."""
    try:
        return candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def find_template(name: str) -> tuple[Path, bool]:
    """The template file to use and whether it is the fylke's own (from KT_HOME). A link in
    maler/referat that points out of the folder is not followed: it would pull any readable file
    into a letter."""
    for number, folder in enumerate(template_dirs()):
        candidate = folder / name
        if candidate.is_symlink() and not _inside(folder, candidate):
            raise InputError(f"Referatmalen {candidate} er en lenke ut av malmappen; kt følger ikke slike lenker.",
                             hint="Kopier malen inn i mappen i stedet for å lenke til den.")
        if _inside(folder, candidate):
            return candidate, number == 0
    raise InputError(f"Fant ikke referatmalen {name} (lette i {', '.join(str(d) for d in template_dirs())}).")


# ---------- what the letter says ----------

def _person(conn: Db, short_id: str) -> Person:
    return persons.require(conn, short_id)


def letter_data(conn: Db, short_id: str, *, kind: str = REFERAT, today: dt.date | None = None,
                malform: str | None = None, veileder: str | None = None, veileder_navn: str | None = None,
                telefon: str | None = None, allow_diagnoses: bool = False) -> LetterData:
    """Build what the template sees, after checking the person has a completed level 1, and
    that no free text the letter prints seems to name a diagnosis (unless `allow_diagnoses`).

    `veileder_navn` and `telefon` sign the letter (`kt config set navn/telefon`)."""
    card = person_card(conn, short_id)
    person = _person(conn, short_id)
    level_1 = interviews.get_level(conn, card.person_id, 1)
    if level_1 is None or not level_1.complete:
        state = "ikke startet" if level_1 is None else "ikke fullført"
        raise UsageError(f"Kartleggingssamtalen (nivå 1) for {card.short_id} er {state}; referatet bygger på den. "
                         f"Fullfør den først med: kt kartlegg {card.short_id}")
    chosen = malform or person.malform or "nb"
    if chosen not in MALFORMER:
        chosen = "nb"
    today = today or dt.date.today()
    first = answers_at(conn, card.person_id, 1)
    talk_day = _date(first.get("samtaledato"))
    warnings: list[str] = []
    if talk_day is None:
        warnings.append("Samtaledatoen er ikke registrert; brevet nevner ingen dato for samtalen.")
    common: dict[str, Any] = {
        "malform": chosen,
        "kt_id": card.short_id,
        "navn": letter_name(card.navn),
        "dato": short_date(today),
        "dato_lang": long_date(today),
        "veileder": veileder or "",
        "veileder_navn": " ".join((veileder_navn or "").split()),
        "telefon": (telefon or "").strip(),
        "samtale": {"dato": short_date(talk_day), "dato_lang": long_date(talk_day)},
    }
    if kind == TIL_VEILEDER:
        common.update({
            "malform": "nb",
            "kontor": office_name(card.kontor),
            "avsender": veileder or "Nav",
            "fnr_maskert": person.fnr_masked,
            "holdt_av": HOLDT_AV.get(first.get("samtale_av") or "", ""),
            "registrert_av": store.interview_veileder(conn, card.person_id, 1) or "",
        })
        return LetterData(card.person_id, card.short_id, "nb", common, warnings)

    aktuell = first.get("aktuell")
    level_2 = interviews.get_level(conn, card.person_id, 2)
    tiltak = None
    if aktuell in AKTUELL_FOR_TILTAK and level_2 is not None:
        if level_2.complete:
            tiltak = _measure(conn, card, first, chosen)
        else:
            warnings.append("Nivå 2 (planlagt tiltak) er ikke fullført; tiltaket er ikke med i referatet. "
                            f"Fullfør med: kt kartlegg {card.short_id} --niva 2")
    elif level_2 is not None and level_2.complete:
        warnings.append("Nivå 2 er fylt ut, men personen er ikke registrert som aktuell på nivå 1; "
                        "tiltaket er ikke med i referatet.")
    if aktuell in AKTUELL_FOR_TILTAK:
        utfall = "tiltak" if tiltak else "planlegges"
    elif aktuell == "nei":
        utfall = "ikke_aktuell"
    else:
        utfall = "uavklart"
    notat = (first.get("notat") or "").strip()
    if not common["veileder_navn"]:
        warnings.append("Referatet er ikke signert med navnet ditt. Sett navn og telefon med "
                        "`kt config set navn \"Kari Nordmann\"` og `kt config set telefon 12345678`.")
    second = answers_at(conn, card.person_id, 2) if tiltak else {}
    _check_diagnoses(card, {"notat": notat, **{k: second.get(k) for k in ("kurs", "tilbyder")}},
                     allowed=allow_diagnoses, warnings=warnings)
    common.update({
        "avsender": office_name(card.kontor),
        "samtale": {**common["samtale"], "form": first.get("samtaleform") or ""},
        "onsker": {"annet_arbeid": first.get("onsker_annet_arbeid") or "",
                   "annen_arbeidsgiver": first.get("onsker_annen_arbeidsgiver") or "",
                   "ny_kompetanse": first.get("trenger_ny_kompetanse") or "",
                   "tekst": wishes_sentence(first, chosen)},
        "utfall": utfall,
        "tema": topics(first),
        "informert_inntekt": first.get("informert_inntekt") == "ja",
        "notat": notat,
        "notat_avsnitt": [line.strip() for line in notat.splitlines() if line.strip()],
        "tiltak": tiltak,
    })
    return LetterData(card.person_id, card.short_id, chosen, common, warnings)


def _check_diagnoses(card: PersonCard, printed: dict[str, str | None], *, allowed: bool,
                     warnings: list[str]) -> None:
    """The letter says it holds no diagnoses, and prints these answers word for word: refuse
    one that seems to name a diagnosis (naming the question, never the text), unless allowed."""
    template = template_for_fylke(card.fylke)
    for qid, value in printed.items():
        kind = find_diagnosis(value)
        if kind is None:
            continue
        question = template.question(qid)
        label = f"«{question.tekst}» ({qid})" if question is not None else f"«{qid}»"
        if allowed:
            warnings.append(f"Svaret på {label} ser ut til å nevne en diagnose ({kind}); tatt med i brevet "
                            "fordi du ba om det med --likevel.")
            continue
        raise KtError(f"Svaret på {label} ser ut til å nevne en diagnose ({kind}), og det står ordrett i "
                      f"brevet, som sier at det ikke har diagnoser. Brevet er ikke laget.",
                      hint=f"Rett svaret med `kt kartlegg {card.short_id}"
                           + (" --niva 2" if question is not None and question.niva == 2 else "")
                           + "`; er det ikke en diagnose, lag brevet med --likevel.")


def wishes_sentence(answers: dict[str, str | None], malform: str) -> str:
    """One sentence on what work the candidate wants, from the level 1 answers."""
    words = WISHES[malform]
    other = answers.get("onsker_annet_arbeid")
    if other not in ("ja", "delvis"):
        return words["nei"] if other == "nei" else words["ukjent"]
    sentence = words[other]
    employer = answers.get("onsker_annen_arbeidsgiver")
    if employer in ("ja", "nei"):
        sentence += words["ny_ag" if employer == "ja" else "samme_ag"]
    if answers.get("trenger_ny_kompetanse") in ("ja", "delvis"):
        sentence += words["kompetanse"]
    return sentence + "."


def _measure(conn: Db, card: PersonCard, first: dict[str, str | None], malform: str) -> dict[str, Any]:
    second = answers_at(conn, card.person_id, 2)
    facts = measure_facts(first, second, card.sykmeldt_fom)
    kind = second.get("tiltakstype") or ""
    label = TILTAKSTYPER[malform].get(kind)
    if label is None and kind:
        question = template_for_fylke(card.fylke).question("tiltakstype")
        label = show_value(question, kind) if question else kind
    start, end, decided = (_date(second.get(k)) for k in ("planlagt_start", "planlagt_slutt", "vedtaksdato"))
    return {
        "type": kind, "type_tekst": label or "",
        "kurs": second.get("kurs") or "", "tilbyder": second.get("tilbyder") or "",
        "start": short_date(start), "start_lang": long_date(start),
        "slutt": short_date(end), "slutt_lang": long_date(end),
        "vedtaksdato": short_date(decided), "vedtaksdato_lang": long_date(decided),
        "varighet_uker": facts.duration_weeks or 0,
        "etter_sykepengeperioden": bool(facts.past_sykepengeperiode),
    }


# ---------- rendering ----------

# A fylke's templates are run in a sandbox, and bounded: a letter is a page or two.
MAX_LETTER_CHARS = 2_000_000  # text a template may produce (a long letter is ≈ 10 000)
MAX_LOOP_STEPS = 2_000_000  # steps of `range` in one letter, all loops together
MAX_RENDER_SECONDS = 20.0
_WIDE_FORMAT = re.compile(r"\d{6,}")  # a field width or precision of a million or more: "%999999999s"


class TemplateTooLarge(Exception):
    """A template would make a letter far larger than any letter (or loop for ever)."""


class LinkOutside(Exception):
    """A template includes a file through a link out of the template folder."""


class _Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_LOOP_STEPS:
            raise TemplateTooLarge("løkker")
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise TemplateTooLarge("tid")


class _ContainedLoader(jinja2.FileSystemLoader):
    """Loads templates only from inside the template folders, links followed or not."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise LinkOutside(filename)
        return source, filename, uptodate


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with the few operations that can make a huge string in one step checked first
    (`'x' * 300000000`, `'%999999999s' % x`, `'{:>999999999}'.format(x)`) and `range` counted."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, budget: _Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.globals["range"] = self._range
        for name in ("center", "indent", "format", "wordwrap", "truncate"):
            self.filters[name] = self._bounded_filter(self.filters[name])

    def _range(self, *args: int) -> Iterator[int]:
        numbers = jinja2.sandbox.safe_range(*args)
        for number in numbers:
            self.budget.step()
            yield number

    def _bounded_filter(self, original: Any) -> Any:
        def bounded(*args: Any, **kwargs: Any) -> Any:
            values = list(args[1:] if args and isinstance(args[0], jinja2.runtime.Context) else args)
            values += list(kwargs.values())
            if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_LETTER_CHARS for v in values) or \
                    any(isinstance(v, str) and _WIDE_FORMAT.search(v) for v in values[:1]):
                raise TemplateTooLarge("tekst")
            return original(*args, **kwargs)
        for attribute in ("jinja_pass_arg",):
            if hasattr(original, attribute):
                setattr(bounded, attribute, getattr(original, attribute))
        return bounded

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for repeated, times in ((left, right), (right, left)):
                if isinstance(repeated, (str, list, tuple)) and isinstance(times, int) and \
                        len(repeated) * times > MAX_LETTER_CHARS:
                    raise TemplateTooLarge("tekst")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise TemplateTooLarge("tall")
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise TemplateTooLarge("tekst")
        return super().call_binop(context, operator, left, right)

    def format_string(self, s: str, args: Any, kwargs: Any, format_func: Any = None) -> str:
        if _WIDE_FORMAT.search(s):
            raise TemplateTooLarge("tekst")
        return super().format_string(s, args, kwargs, format_func)  # type: ignore[misc]


def _environment(loader: jinja2.BaseLoader | None = None) -> ImmutableSandboxedEnvironment:
    return _BoundedEnvironment(
        _Budget(), loader=loader, undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _bounded_render(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render piece by piece, stopping once the letter outgrows any letter or its time."""
    budget: _Budget = template.environment.budget  # type: ignore[attr-defined]
    parts, size = [], 0
    for part in template.generate(context):
        size += len(part)
        if size > MAX_LETTER_CHARS:
            raise TemplateTooLarge("tekst")
        if time.monotonic() > budget.deadline:
            raise TemplateTooLarge("tid")
        parts.append(part)
    return "".join(parts)


def render_referat(conn: Db, short_id: str, *, fmt: str = "txt", til_veileder: bool = False,
                   today: dt.date | None = None, malform: str | None = None,
                   veileder: str | None = None, veileder_navn: str | None = None,
                   telefon: str | None = None, allow_diagnoses: bool = False) -> RenderedLetter:
    """Render the referat (or, with `til_veileder`, the notice to the NAV-kontor) fully in memory.

    `today` is the letter's date (default: today); `malform` overrides the person's; `veileder` is
    the ident of who makes the letter (the notice's sender); `veileder_navn` and `telefon` sign the
    letter to the candidate.
    """
    kind = TIL_VEILEDER if til_veileder else REFERAT
    data = letter_data(conn, short_id, kind=kind, today=today, malform=malform, veileder=veileder,
                       veileder_navn=veileder_navn, telefon=telefon, allow_diagnoses=allow_diagnoses)
    name = template_file_name(kind, fmt, data.malform)
    path, custom = find_template(name)
    if fmt == "docx":
        content = _render_docx(path, data.context)
    elif fmt == "pdf":
        content = _render_pdf(path, name, data)
    else:
        text = _render_text(name, data.context)
        content = (wrap_text(text) if fmt == "txt" else text).encode("utf-8")
    return RenderedLetter(person_id=data.person_id, short_id=data.short_id, kind=kind, format=fmt,
                          malform=data.malform, template=name, custom_template=custom, content=content,
                          warnings=tuple(data.warnings))


def _render_text(name: str, context: dict[str, Any]) -> str:
    env = _environment(_ContainedLoader([str(d) for d in template_dirs()]))
    try:
        return _bounded_render(env.get_template(name), context)
    except Exception as error:  # noqa: BLE001 - every template failure becomes one clear message
        raise template_error(error, fallback=name, context=context) from None


def _render_pdf(path: Path, name: str, data: LetterData) -> bytes:
    from kompetanse_cli.report.referat_pdf import html_to_pdf, title_of

    text = _render_text(name, data.context)
    try:
        return html_to_pdf(text, title=title_of(text, "Referat"), language=LANGUAGES.get(data.malform, "nb-NO"))
    except Exception as error:  # noqa: BLE001 - a fylke's own HTML that fpdf2 cannot lay out
        raise InputError(f"Referatmalen {path} kan ikke gjøres om til PDF ({type(error).__name__}). "
                         "Lag brevet som .docx eller .html i stedet, eller rett HTML-malen.") from None


def _render_docx(path: Path, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    try:
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=_environment(), autoescape=True)
    except Exception as error:  # noqa: BLE001 - every template failure becomes one clear message
        if isinstance(error, (jinja2.TemplateError, OverflowError, TypeError, ValueError, AttributeError,
                              ArithmeticError, LookupError, TemplateTooLarge, RecursionError, MemoryError)):
            raise template_error(error, fallback=str(path), context=context,
                                 docx_lines=_docx_source_lines(locals().get("document"))) from None
        raise InputError(f"Word-malen {path} kan ikke leses ({type(error).__name__}). "
                         "Er den lagret som .docx fra Word eller LibreOffice?") from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_source_lines(document: Any) -> list[str] | None:
    """The jinja source docxtpl rendered (one line per paragraph), to quote the paragraph an error is in."""
    try:
        part = document.current_rendering_part
        xml = document.get_xml() if part is document.docx._part else document.get_part_xml(part)
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(xml))
        return [re.sub(r"<[^>]+>", "", line).strip() for line in source.splitlines()]
    except Exception:  # noqa: BLE001 - only used to make the message better
        return None


_UNDEFINED = (re.compile(r"has no attribute '([^']+)'"), re.compile(r"'([^']+)' is undefined"))
_UNSAFE = re.compile(r"attribute '([^']+)'")


def _where(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line a rendering error happened on (jinja puts template frames in the traceback)."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        code_file = tb.tb_frame.f_code.co_filename
        if not code_file.endswith(".py") and code_file not in ("<unknown>",):
            filename, line = code_file, tb.tb_lineno
        tb = tb.tb_next
    if not filename or filename.startswith("<"):
        filename = fallback
    return filename, line


def template_error(error: BaseException, *, fallback: str, context: dict[str, Any],
                   docx_lines: list[str] | None = None) -> InputError:
    """A rendering failure as one Norwegian message naming the file, the line and the name involved."""
    if isinstance(error, jinja2.TemplateNotFound):
        return InputError(f"Referatmalen {fallback} viser til malen «{error.name}», som ikke finnes.")
    if isinstance(error, LinkOutside):
        return InputError(f"Referatmalen {fallback} tar med {error.args[0]}, som er en lenke ut av malmappen; kt "
                          "følger ikke slike lenker. Ingen fil er skrevet.",
                          hint="Kopier filen inn i malmappen i stedet for å lenke til den.")
    filename, line = _where(error, fallback)
    where = f"{filename}, linje {line}" if line is not None else filename
    if docx_lines and line is not None and 0 < line <= len(docx_lines) and docx_lines[line - 1]:
        # a Word template has no lines to speak of: quote the paragraph (docxtpl gives each its own line)
        snippet = docx_lines[line - 1]
        snippet = snippet if len(snippet) <= 80 else snippet[:77] + "…"
        where = f"{filename}, i avsnittet «{snippet}»"
    known = ", ".join(sorted(context))
    if isinstance(error, TemplateTooLarge):
        what = {"tid": f"brukte mer enn {MAX_RENDER_SECONDS:.0f} sekunder",
                "løkker": f"går gjennom mer enn {MAX_LOOP_STEPS:,} steg i løkker".replace(",", " ")}.get(
            error.args[0], f"ville laget mer enn {MAX_LETTER_CHARS:,} tegn".replace(",", " "))
        return InputError(f"Referatmalen {where}: malen {what}, langt mer enn noe brev. Ingen fil er skrevet.",
                          hint="Se etter en løkke eller en gjentakelse (*) som er blitt for stor.")
    if isinstance(error, RecursionError):
        return InputError(f"Referatmalen {where}: malen kaller seg selv uten ende. Ingen fil er skrevet.")
    if isinstance(error, jinja2.TemplateSyntaxError):
        return InputError(f"Referatmalen {where}: syntaksfeil ({error.message}). Ingen fil er skrevet.")
    if isinstance(error, jinja2.exceptions.SecurityError):
        match = _UNSAFE.search(str(error))
        name = match.group(1) if match else "?"
        return InputError(f"Referatmalen {where}: «{name}» er ikke tillatt i maler (malene kjøres i en sandkasse "
                          "uten tilgang til filer eller kode). Ingen fil er skrevet.")
    if isinstance(error, jinja2.UndefinedError):
        message = str(error)
        match = next((m for m in (p.search(message) for p in _UNDEFINED) if m), None)
        name = match.group(1) if match else message
        return InputError(f"Referatmalen {where}: variabelen «{name}» finnes ikke. Ingen fil er skrevet.",
                          hint=f"Malene kan bruke: {known} (se LESMEG.md ved standardmalene).")
    # anything else a template can trigger (a filter on the wrong type, a too large range, ...); the
    # exception's own text is left out, since it may quote a value from the letter
    return InputError(f"Referatmalen {where}: malen feilet ({type(error).__name__}). Ingen fil er skrevet.")


def wrap_text(text: str, width: int = TEXT_WIDTH) -> str:
    """Break long lines of a plain-text letter; a list item's continuation lines line up under its text."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if len(line) <= width:
            out.append(line)
            continue
        prefix = re.match(r"\s*(?:(?:[-•*]|\d+\.)\s+)?", line).group(0)  # type: ignore[union-attr]
        out.extend(textwrap.wrap(line[len(prefix):], width=width, initial_indent=prefix,
                                 subsequent_indent=" " * len(prefix), break_long_words=False,
                                 break_on_hyphens=False))
    return "\n".join(out)


# ---------- writing and recording ----------

def write_letter(letter: RenderedLetter, path: Path, *, overwrite: bool = False) -> Path:
    """Write the letter atomically (a private temporary file renamed into place): all or nothing."""
    check_output(path, replace=overwrite)
    write_private(path, letter.content)
    return path


def record_letter(conn: Db, letter: RenderedLetter, *, veileder: str | None,
                  destination: str) -> int:
    """Record the letter in `brev` and the audit log: when, which template, format, by whom."""
    details = (f"mal {letter.template_label}, format {letter.format}, målform {letter.malform}, "
               f"{destination}")
    return store.record_letter(conn, person_id=letter.person_id, short_id=letter.short_id, type=letter.kind,
                               mal=letter.template_label, format=letter.format, veileder=veileder, detaljer=details)
