"""Diagnoses in free text: an ICPC-2 code (P76) or a common diagnosis word (depresjon).

The letter to the candidate says that it holds no diagnoses, and prints the veileder's note word
for word, so a note like «går til behandling for depresjon (P76)» must not slip through. kt warns
when such text is given (interview, --svar, import) and `kt referat` refuses to print it unless
told to (--likevel). The words are data: `kompetanse_cli/data/diagnoseord.txt`, with a fylke's own
additions and removals in KT_HOME/diagnoseord.txt. Messages say what kind of thing was found,
never the word itself: a diagnosis does not belong in a message either.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kompetanse_cli import paths
from kompetanse_cli.errors import InputError
from kompetanse_cli.interview.template import Question

WORDS_FILE = "diagnoseord.txt"
ICPC2_CODE = "en ICPC-2-kode"
DIAGNOSIS_WORD = "et diagnoseord"
# An ICPC-2 code: a chapter letter and two digits (L03, P76, perhaps with a decimal), alone as a word.
_ICPC2_RE = re.compile(r"(?<!\w)[ABDFHKLNPRSTUWXYZ]\d{2}(?:[.,]\d{1,2})?(?!\w)", re.IGNORECASE)


def _entries(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return [line for line in lines if line.strip("*!")]


def _pattern_for(entry: str) -> str:
    """`ord` a whole word; `ord*` what begins with it; `*ord` what ends with it; `*ord*` what holds it."""
    core = r"\s+".join(re.escape(part) for part in entry.strip("*").split())
    head = r"\w*" if entry.startswith("*") else ""
    tail = r"\w*" if entry.endswith("*") else ""
    return rf"(?<!\w){head}{core}{tail}(?!\w)"


@lru_cache(maxsize=4)
def _compiled(local: str | None, _stamp: float) -> re.Pattern[str] | None:
    shipped = resources.files("kompetanse_cli.data").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    words = dict.fromkeys(_entries(shipped))
    if local is not None:
        try:
            own = Path(local).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            raise InputError(f"{local}: listen over diagnoseord kan ikke leses (lagre den som UTF-8-tekst, "
                             "ett ord per linje).") from None
        for entry in _entries(own):
            if entry.startswith("!"):
                words.pop(entry[1:].strip(), None)
            else:
                words[entry] = None
    if not words:
        return None
    return re.compile("|".join(_pattern_for(w) for w in words), re.IGNORECASE)


def _words() -> re.Pattern[str] | None:
    local = paths.kt_home() / WORDS_FILE
    try:
        stamp = local.stat().st_mtime
    except OSError:
        return _compiled(None, 0.0)
    return _compiled(str(local), stamp)


def find_diagnosis(text: str | None) -> str | None:
    """What in `text` looks like a diagnosis: ICPC2_CODE, DIAGNOSIS_WORD, or None."""
    if not text:
        return None
    if _ICPC2_RE.search(text):
        return ICPC2_CODE
    words = _words()
    if words is not None and words.search(text):
        return DIAGNOSIS_WORD
    return None


def diagnosis_warning(question: Question, value: str | None) -> str | None:
    """A warning for a free-text answer that seems to name a diagnosis; None for anything else."""
    if question.type != "tekst":
        return None
    kind = find_diagnosis(value)
    if kind is None:
        return None
    return (f"Svaret på «{question.tekst}» ({question.id}) ser ut til å nevne en diagnose ({kind}). "
            "Diagnoser hører ikke hjemme i fritekst, og `kt referat` tar ikke slik tekst med i brevet "
            "uten --likevel.")
