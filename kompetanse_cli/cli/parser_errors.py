"""The command-line parser's own usage errors, told in Norwegian.

typer's parser writes its messages in English ("No such option: --x"); a veileder gets the
same message in bokmål, with where to find help. Unknown messages are shown as they are.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

_TRANSLATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (-\d+)$"), "Ugyldig verdi {0}: negative tall gjelder ikke her."),
    (re.compile(r"^No such option: (\S+) \(Possible options: (.*)\)"), "Ukjent valg: {0}. Mente du {1}?"),
    (re.compile(r"^Option '([^']+)' does not take a value\."), "Valget {0} tar ingen verdi."),
    (re.compile(r"^No such option: (\S+)"), "Ukjent valg: {0}."),
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


# Words from other tools a veileder may try, and kt's word for the same thing (when the group has it).
SYNONYMS = {"get": "vis", "show": "vis", "list": "vis", "ls": "vis", "view": "vis", "print": "vis",
            "new": "ny", "add": "ny", "create": "ny", "find": "finn", "search": "finn",
            "delete": "slett", "remove": "slett", "rm": "slett"}


def norwegian(message: str) -> str:
    for pattern, template in _TRANSLATIONS:
        match = pattern.match(message)
        if match:
            return template.format(*(g or "" for g in match.groups()))
    return message


def describe(error: Exception, argv: list[str] | None = None) -> tuple[str, str | None]:
    """(message, the command to get help from) for a parser usage error.

    Some errors come without the command they belong to; then it is the one named in `argv`
    (the command line after `kt`), if that is one of kt's commands.
    """
    message = norwegian(error.format_message() if hasattr(error, "format_message") else str(error))
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "kt"
    group = getattr(context, "command", None) if context is not None else None
    names = list(getattr(group, "commands", {}) or {})
    typed = re.match(r"^Ukjent kommando «(.+)»\.$", message)
    if typed and names:
        word = typed.group(1)
        close = ([SYNONYMS[word.lower()]] if SYNONYMS.get(word.lower()) in names
                 else difflib.get_close_matches(word, names, n=1, cutoff=0.6))
        if close:
            message += f" Mente du «{close[0]}»?"
    if command == "kt" and argv and not argv[0].startswith("-") and argv[0] in _root_commands(context):
        command = f"kt {argv[0]}"
    return message, f"{command} --help"


def _root_commands(context: Any) -> list[str]:
    root = context.find_root().command if context is not None else None
    if root is None:
        from typer.main import get_command

        from kompetanse_cli.cli.app import app

        root = get_command(app)
    return list(getattr(root, "commands", {}) or {})
