"""The command-line parser's own usage errors, told in Norwegian.

typer's parser writes its messages in English ("No such option: --x"); a veileder gets the
same message in bokmål, with where to find help. Unknown messages are shown as they are.
"""

from __future__ import annotations

import re

_TRANSLATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (\S+)(?: \(Possible options: (.*)\))?"), "Ukjent valg: {0}."),
    (re.compile(r"^Missing argument '([^']+)'\."), "Mangler {0}."),
    (re.compile(r"^Missing option '([^']+)'\."), "Mangler valget {0}."),
    (re.compile(r"^Missing parameter: (\S+)"), "Mangler {0}."),
    (re.compile(r"^Missing command\."), "Mangler kommando."),
    (re.compile(r"^Option '([^']+)' requires an argument\."), "Valget {0} trenger en verdi."),
    (re.compile(r"^Got unexpected extra argument(?:\(s\)|s)? \((.*)\)"), "For mange argumenter: {0}."),
    (re.compile(r"^No such command '([^']+)'\."), "Ukjent kommando «{0}»."),
    (re.compile(r"^Invalid value for '?([^':]+)'?: .*valid integer.*"), "{0} må være et heltall."),
    (re.compile(r"^Invalid value for '?([^':]+)'?: (.*)"), "Ugyldig verdi for {0}: {1}"),
]


def norwegian(message: str) -> str:
    for pattern, template in _TRANSLATIONS:
        match = pattern.match(message)
        if match:
            return template.format(*(g or "" for g in match.groups()))
    return message


def describe(error: Exception) -> tuple[str, str | None]:
    """(message, the command to get help from) for a parser usage error."""
    message = error.format_message() if hasattr(error, "format_message") else str(error)
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "kt"
    return norwegian(message), f"{command} --help"
