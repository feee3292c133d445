"""Recognising the columns of an office list by what their names mean, whatever the office wrote.

A header is read as words: lower case, æøå folded, notes in brackets set aside, abbreviations
(tidl., sykm., ant., nr., SP) read as the words they stand for. The well-known spellings are looked
up first; the rest is matched by meaning, with the columns that only resemble a field
(«Bostedskommune», «Stillingsprosent», «Gjenstående sykepengedager») ruled out with a reason.
A bare «Ident» or «Prosent» is only a candidate: the list's own values decide (`confirm_weak`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Field → the names offices use for it, written as `normalize_header` leaves them: looked up first.
ALIASES: dict[str, tuple[str, ...]] = {
    "fnr": ("fnr", "fodselsnr", "fodselsnummer", "fodselsnrdnr", "fnrdnr", "personident", "personnr",
            "personnummer", "fnrdnummer", "fodselsnummerdnummer", "brukerident", "dnummer", "dnr"),
    "navn": ("navn", "name", "fulltnavn", "sykmeldtnavn", "brukernavn", "personnavn", "etternavnfornavn",
             "fornavnetternavn", "navnsykmeldt", "sykmeldtesnavn"),
    "fornavn": ("fornavn",),
    "etternavn": ("etternavn",),
    "sykmeldt_fom": ("sykmeldtfom", "sykmeldtfra", "sykmeldtfradato", "fraogmed", "fom", "fomdato", "fradato",
                     "sykmeldingsstart", "sykmeldingfom", "sykmeldingfra", "startsykmelding", "startdato",
                     "sykefravaerstart", "sykefravaerfom", "forstesykedag", "sykmeldtfraogmed", "tilfellestart"),
    "sykmeldt_tom": ("sykmeldttom", "sykmeldttil", "sykmeldttildato", "tilogmed", "tom", "tomdato", "tildato",
                     "sykmeldingslutt", "sykmeldingtom", "sykmeldingtil", "sluttdato", "sykefravaerslutt",
                     "sykefravaertom", "sykmeldttilogmed", "friskmeldt", "friskmeldtdato"),
    "grad": ("grad", "sykmgrad", "sykmeldingsgrad", "sykmeldtgrad", "sykefravaersgrad", "sykmeldingsprosent",
             "gradprosent", "gradering"),
    "diagnose": ("diagnose", "diagnosekode", "icpc2", "icpc", "icpc2kode", "hoveddiagnose", "diagnosekodeicpc2",
                 "diagnoseicpc2", "dx"),
    "arbeidsgiver": ("arbeidsgiver", "arbeidsgivernavn", "virksomhet", "virksomhetsnavn", "bedrift", "ag",
                     "agnavn", "arbeidssted", "arbeidsgiversnavn"),
    "orgnr": ("orgnr", "organisasjonsnummer", "orgnummer", "virksomhetsnummer", "virksomhetsnr", "agorgnr",
              "arbeidsgiverorgnr", "underenhet"),
    "yrke": ("yrke", "stilling", "styrk", "styrk08", "yrkeskode", "stillingstittel", "yrkestittel", "stillingskode",
             "styrkkode", "yrkestyrk"),
    "kommune": ("kommune", "kommunenr", "kommunenummer", "arbeidsstedkommune", "kommunearbeidssted",
                "agkommune", "arbeidsgiverkommune", "kommunenavn"),
    "kontor": ("navkontor", "enhet", "kontor", "navenhet", "enhetsnavn", "oppfolgingsenhet", "navkontornavn"),
    "tidligere_tilfeller": ("tidligeresykefravaer", "antalltidligeretilfeller", "tidligeretilfeller",
                            "antalltidligeresykefravaer", "tidligeresykefravaerstilfeller", "antallsykefravaer",
                            "tidligeresykmeldinger", "antalltidligeresykmeldinger"),
    "sykepengedager_5ar": ("sykepengedagersiste5ar", "spdagersiste5ar", "sykepengedager5ar", "sykepengedager",
                           "spdager5ar", "antallsykepengedagersiste5ar", "sykepengedagerfemar",
                           "sykepengedagersistefemar"),
}

REQUIRED = ("fnr", "sykmeldt_fom")

# Human names of the fields, for messages and the "recognised columns" summary.
FIELD_LABELS: dict[str, str] = {
    "fnr": "fødselsnummer", "navn": "navn", "fornavn": "fornavn", "etternavn": "etternavn",
    "sykmeldt_fom": "sykmeldt fra og med", "sykmeldt_tom": "sykmeldt til og med", "grad": "sykmeldingsgrad",
    "diagnose": "diagnose (ICPC-2)", "arbeidsgiver": "arbeidsgiver", "orgnr": "organisasjonsnummer",
    "yrke": "yrke/STYRK", "kommune": "arbeidsgiverens kommune", "kontor": "NAV-kontor",
    "tidligere_tilfeller": "tidligere sykefravær", "sykepengedager_5ar": "sykepengedager siste 5 år",
}

_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_BRACKETS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Usual abbreviations, as whole words → the word written out (after folding)
_ABBREVIATIONS = {"tidl": "tidligere", "sykm": "sykmelding", "ant": "antall", "nr": "nummer", "sp": "sykepenge",
                  "spdager": "sykepengedager", "f": "fra", "t": "til", "o": "og", "m": "med", "ag": "arbeidsgiver",
                  "org": "organisasjons", "dnr": "dnummer", "fnr": "fodselsnummer", "tom": "tilogmed",
                  "fom": "fraogmed", "kommnr": "kommunenummer", "komm": "kommune", "kom": "kommune",
                  "syk": "syke", "sykefr": "sykefravaer", "sf": "sykefravaer"}

# Columns that resemble a field but do not mean it: (pattern on the folded header, brackets kept) → why
# not used. Checked before any field.
NOT_MEANT: tuple[tuple[str, str], ...] = (
    (r"bosted|folkereg|bostad|hjemkommune|adresse",
     "bostedet er ikke arbeidsgiverens kommune; forsøket gjelder kommunen der arbeidsgiveren er"),
    (r"gjenstaende|igjen|resterende|rest(?:dager|erende)?\b|maksdato|makdato",
     "gjenstående sykepengedager eller maksdato, ikke dager som er brukt"),
    (r"stillingsprosent|stillingsandel|stillingsst|uforegrad|ufore|arbeidstid",
     "gjelder stillingen eller uføretrygd, ikke sykmeldingsgraden"),
    (r"bidiagnose|diagnosetekst|diagnosebeskrivelse|diagnosenavn",
     "ikke hoveddiagnosens ICPC-2-kode"),
    (r"saksbehandler|veileder|navident|behandler|lege|sykmelder",
     "gjelder NAV-ansatte eller behandler, ikke den sykmeldte"),
    (r"leder|kontaktperson|kontakt",
     "gjelder en kontaktperson, ikke den sykmeldte"),
    (r"ansatt|ansettelse|arbeidsforhold(?!s?kommune)",
     "gjelder arbeidsforholdet, ikke sykmeldingen"),
    (r"fodselsdato|fodt|alder",
     "kt regner alder ut fra fødselsnummeret"),
    (r"^(antall)?uker|ukersykmeldt|varighet",
     "kt regner uker sykmeldt ut fra «sykmeldt fra og med» og listedatoen"),
)

# Whole headers that say too little to use on their own (e.g. «Sykmeldt»: a name? a date? ja/nei?)
AMBIGUOUS: dict[str, str] = {
    "sykmeldt": "sier ikke hva kolonnen inneholder (navn, dato eller ja/nei?)",
    "dato": "sier ikke hvilken dato",
    "status": "sier ikke hva slags status",
}

# Matched by meaning, in this order, on the header's words joined (abbreviations written out,
# brackets removed). A field first: more specific meanings before the general ones.
MEANINGS: tuple[tuple[str, str], ...] = (
    ("orgnr", r"organisasjonsnummer|orgnummer|orgnr|virksomhetsnummer|underenhet|organisasjonsnr"),
    ("fnr", r"fodselsnummer|fodselsnr|dnummer|personident|personnummer|brukerident|^fodsels"),
    ("kontor", r"navkontor|navenhet|oppfolgingsenhet|^enhet|^kontor|kontornavn|enhetsnavn|^nav$"),
    ("kommune", r"kommune"),
    ("sykepengedager_5ar", r"sykepengedag|sykepengedg"),
    ("tidligere_tilfeller",
     r"tidligere.*(sykefravaer|sykmelding|tilfelle|fravaer|sykemelding)|sykefravaerstilfelle|"
     r"antall.*(sykefravaer|sykmeldinger|tilfeller)|tidligeresyk"),
    ("arbeidsgiver", r"arbeidsgiver|virksomhet|bedrift|firma|foretak|arbeidssted"),
    ("fornavn", r"^fornavn$"),
    ("etternavn", r"^etternavn$"),
    ("navn", r"navn"),
    ("diagnose", r"diagnose|icpc|^dx$"),
    ("grad", r"grad|sykmeldingsprosent|sykefravaersprosent"),
    ("yrke", r"yrke|styrk|stillingstittel|^stilling$|stillingskode|tittel"),
    ("sykmeldt_tom", r"tilogmed|tildato|sluttdato|slutt|friskmeld|sykmelding.*til$|sykmeldttil|^til$|"
                     r"tomdato|sykefravaertil"),
    ("sykmeldt_fom", r"fraogmed|fradato|start|forstesykedag|forstefravaersdag|forste.*dag|sykmelding.*fra$|"
                     r"sykmeldtfra|^fra$|sykefravaerfra"),
)
_MEANINGS = [(name, re.compile(pattern)) for name, pattern in MEANINGS]
_NOT_MEANT = [(re.compile(pattern), why) for pattern, why in NOT_MEANT]

# A bare header that may mean a field, if the values say so: header → field
WEAK: dict[str, str] = {"ident": "fnr", "prosent": "grad", "pnr": "fnr"}

# Words in a header that make a column look relevant to screening, for «not recognised» hints
_RELEVANT_RE = re.compile(r"syk|fravaer|diagnos|grad|arbeid|kommune|dato|fnr|fodsel|ident|navn|yrke|stilling|"
                          r"kontor|enhet|dager|tilfelle|icpc|prosent|orgn|virksom|periode")
_HINT_WORDS: dict[str, str] = {  # a word in a header → the field it suggests
    "syk": "sykmeldt_fom", "fravaer": "tidligere_tilfeller", "diagnos": "diagnose", "grad": "grad",
    "prosent": "grad", "arbeid": "arbeidsgiver", "kommune": "kommune", "dato": "sykmeldt_fom", "ident": "fnr",
    "fodsel": "fnr", "fnr": "fnr", "navn": "navn", "yrke": "yrke", "stilling": "yrke", "kontor": "kontor",
    "enhet": "kontor", "dager": "sykepengedager_5ar", "tilfelle": "tidligere_tilfeller", "icpc": "diagnose",
    "orgn": "orgnr", "virksom": "arbeidsgiver", "periode": "sykmeldt_fom",
}


def _fold(text: object) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split())).lower().translate(_FOLD)


def normalize_header(text: object) -> str:
    """`Sykm. grad (%)` → `sykmgrad`: lower case, æøå folded, everything but letters and digits removed."""
    return re.sub(r"[^a-z0-9]", "", _fold(text))


def meaning_key(text: object) -> str:
    """The header as words with abbreviations written out and notes in brackets removed, joined:
    `Tidl. sykefravær (antall)` → `tidligeresykefravaer`."""
    words = re.findall(r"[a-z0-9]+", _BRACKETS_RE.sub(" ", _fold(text)))
    return "".join(_ABBREVIATIONS.get(word, word) for word in words)


@dataclass(frozen=True)
class Meaning:
    """What one header means: a field (or None), and why not, when it resembles one."""

    field: str | None
    weak: bool = False  # a bare «Ident»/«Prosent»: only if the values agree
    why_not: str | None = None


def classify(text: object) -> Meaning:
    """What a header means, from its words."""
    flat = normalize_header(text)
    if not flat:
        return Meaning(None)
    found = _LOOKUP.get(flat)
    if found is not None:
        return Meaning(found)
    if flat in WEAK:
        return Meaning(WEAK[flat], weak=True)
    if flat in AMBIGUOUS:
        return Meaning(None, why_not=AMBIGUOUS[flat])
    full = re.sub(r"[^a-z0-9]", "", _fold(text))  # brackets kept: «Kommune (bosted)»
    for pattern, why in _NOT_MEANT:
        if pattern.search(full):
            return Meaning(None, why_not=why)
    key = meaning_key(text)
    found = _LOOKUP.get(key)
    if found is not None:
        return Meaning(found)
    for name, pattern in _MEANINGS:
        if pattern.search(key):
            return Meaning(name)
    return Meaning(None)


def closest_field(text: object) -> str | None:
    """For a column kt did not recognise but that looks relevant: the field it most resembles."""
    key = normalize_header(text)
    if not _RELEVANT_RE.search(key):
        return None
    best = difflib.get_close_matches(key, list(_LOOKUP), n=1, cutoff=0.8)  # a misspelling
    if best:
        return _LOOKUP[best[0]]
    found = [(key.find(word), name) for word, name in _HINT_WORDS.items() if word in key]
    return min(found)[1] if found else None  # the first meaningful word


@dataclass
class ColumnMap:
    """Which column index holds which field, and what was left out."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # field → header text as written in the file
    ignored: list[str] = field(default_factory=list)
    not_used: dict[str, str] = field(default_factory=dict)  # header → why it was not used
    hints: dict[str, str] = field(default_factory=dict)  # unrecognised header → the field it resembles
    weak: set[str] = field(default_factory=set)  # fields mapped from a bare header; values must confirm
    by_hand: dict[str, str] = field(default_factory=dict)  # header → field, mapped as the user said
    also: dict[str, list[str]] = field(default_factory=dict)  # field → other headers meaning it, not used

    @property
    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.fields]

    def drop(self, name: str, why: str) -> None:
        """Do not use the column mapped to `name` after all, saying why."""
        header = self.headers.pop(name)
        del self.fields[name]
        self.weak.discard(name)
        self.ignored.append(header)
        self.not_used[header] = why


def recognise(header: Sequence[object], by_hand: dict[str, str] | None = None) -> ColumnMap:
    """Map a header row to fields; the first column that means a field wins. `by_hand` maps
    headers (as `normalize_header` leaves them) to fields, before and above recognition."""
    columns = ColumnMap()
    by_hand = by_hand or {}
    for index, cell in enumerate(header):
        text = " ".join(str(cell).split()) if cell not in (None, "") else ""
        if not text:
            continue
        chosen = by_hand.get(normalize_header(text))
        if chosen is not None:
            if chosen == IGNORE:
                columns.ignored.append(text)
                columns.not_used[text] = "du har valgt at kolonnen ikke skal brukes"
                continue
            meaning = Meaning(chosen)
            if chosen in columns.fields and columns.headers[chosen] not in columns.by_hand:
                columns.drop(chosen, f"«{text}» er valgt for {FIELD_LABELS[chosen]}")
            columns.by_hand[text] = chosen
        else:
            meaning = classify(text)
        name = meaning.field
        if name is None:
            columns.ignored.append(text)
            if meaning.why_not:
                columns.not_used[text] = meaning.why_not
            else:
                hint = closest_field(text)
                if hint:
                    columns.hints[text] = hint
            continue
        if name in columns.fields:
            columns.ignored.append(text)
            columns.also.setdefault(name, []).append(text)
            columns.not_used[text] = (f"kolonnen «{columns.headers[name]}» er brukt for {FIELD_LABELS[name]} "
                                      "(den første som passer)")
            continue
        columns.fields[name] = index
        columns.headers[name] = text
        if meaning.weak:
            columns.weak.add(name)
    return columns


IGNORE = "-"  # `--kolonne "Kolonne=-"`: a column not to use


def header_score(row: Sequence[object]) -> int:
    """How many distinct fields a row would map: used to find the header under title rows."""
    return len(recognise(row).fields)


def confirm_weak(columns: ColumnMap, sample: Callable[[int], list[object]]) -> None:
    """Keep a field mapped from a bare header («Ident», «Prosent») only if most of the column's
    first values fit it: `sample(index)` gives the column's first non-empty cells."""
    from kompetanse_cli.ingest import values

    checks = {"fnr": lambda cell: values.parse_fnr(cell), "grad": values.parse_grade}
    for name in sorted(columns.weak):
        cells = sample(columns.fields[name])
        good = 0
        for cell in cells:
            try:
                checks[name](cell)
                good += 1
            except values.ValueProblem:
                pass
        if not cells or good * 5 < len(cells) * 4:
            what = "fødselsnumre" if name == "fnr" else "sykmeldingsgrader"
            columns.drop(name, f"navnet er for generelt, og innholdet ser ikke ut som {what}; "
                               f"bruk --kolonne \"{columns.headers[name]}={FIELD_LABELS[name]}\" om den er det")
        else:
            columns.weak.discard(name)


def field_for(text: str) -> str | None:
    """A field named by the user (`--kolonne "X=tidligere sykefravær"`): its label, its key or any
    name kt recognises for it; `-` for a column not to use."""
    wanted = text.strip()
    if wanted in (IGNORE, "ingen", "ikke"):
        return IGNORE
    flat = normalize_header(wanted)
    for name, label in FIELD_LABELS.items():
        if flat in (normalize_header(label), normalize_header(name)):
            return name
    return classify(wanted).field
