"""kt's own exceptions and exit codes.

Every message is written for a veileder, in bokmål, and never contains personal data
(fødselsnummer, names, diagnoses): messages name files, sheets, rows and columns instead.
"""

import re

EXIT_OK = 0
EXIT_UNUSABLE = 1  # the input could not be used (unreadable file, missing column, ...)
EXIT_USAGE = 2  # wrong use of the command (unknown fylke, bad option value, ...)
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it


class KtError(Exception):
    """An error kt reports as one line `Feil: …` and a non-zero exit code."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(KtError):
    """The command was used wrongly: an unknown fylke, a malformed date option, ..."""

    exit_code = EXIT_USAGE


class InputError(KtError):
    """An input file (list, rule file, template) could not be used at all."""

    exit_code = EXIT_UNUSABLE


class DamagedDatabase(InputError):
    """kt's database file is damaged (SQLite: malformed, or not a database)."""


class Interrupted(KtError):
    """Ctrl-C, where the command can say what it means (e.g. that a list was not stored).
    Shown as it is, without «Feil:»."""

    exit_code = EXIT_INTERRUPTED


# A run of 11 digits (a fødselsnummer), or of 10 (one that lost its leading zero), perhaps with a
# space after the birth date.
_NUMBER_RE = re.compile(r"(?<!\d)\d{6}[ ]?\d{4,5}(?!\d)")
MASKED_NUMBER = "***********"


def mask_numbers(text: str) -> str:
    """`text` with anything that looks like a fødselsnummer replaced by stars: the last line of
    defence for what kt writes to the terminal and the log (a user may type one where it does not
    belong, and a message may repeat what was typed)."""
    return _NUMBER_RE.sub(MASKED_NUMBER, text)

