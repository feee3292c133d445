"""`--help` in bokmål: typer writes its own headings («Usage», «Options») in English.

The parser's words are swapped for Norwegian ones where typer lets us reach them. This leans on
typer internals, so every step is guarded: if a future typer moves them, help stays in English
(and the help test says so) rather than kt breaking.
"""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Callable

WORDS = {
    "Arguments": "Argumenter",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "required": "påkrevd",
    "default: {default}": "standard: {default}",
    "(dynamic)": "(beregnes)",
    "env var: {var}": "miljøvariabel: {var}",
    "Aborted!": "Avbrutt.",
}
DATE_HINT = "dd.mm.åååå"  # what every date option's help says
HELP_TEXT = "Vis denne hjelpen og avslutt."
USAGE = "Bruk: "
# type labels and placeholders in the finished help text
TOKENS = {"[OPTIONS]": "[VALG]", "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]...", "<str>": "<tekst>",
          "<path>": "<fil>", "<int>": "<tall>", "<integer>": "<tall>", "{fil}": "FIL", "fil <fil>": "FIL"}


def install() -> None:
    """Swap typer's English help words for Norwegian ones (once, before the app runs)."""
    try:
        import typer.core as typer_core

        setattr(typer_core, "_", lambda text: WORDS.get(text, text))
    except (ImportError, AttributeError):
        pass
    try:
        from typer._click import core as click_core
        from typer._click import formatting

        _wrap_once(formatting.HelpFormatter, "write_usage",
                   lambda original: lambda self, prog, args="", prefix=None:
                   original(self, prog, args, USAGE if prefix is None else prefix))
        _wrap_once(click_core.Command, "get_help",
                   lambda original: lambda self, ctx: _norwegian_help(original(self, ctx)))
        _wrap_once(click_core.Command, "get_help_option",
                   lambda original: lambda self, ctx: _with_help_text(original(self, ctx)))
        # the option column is translated before it is laid out, so the descriptions line up
        _wrap_once(formatting.HelpFormatter, "write_dl",
                   lambda original: lambda self, rows, *args, **kwargs:
                   original(self, [(_option_words(first, second), second) for first, second in rows], *args, **kwargs))
    except (ImportError, AttributeError):
        pass


def _wrap_once(owner: type, name: str, make: Callable[[Callable], Callable]) -> None:
    """Replace `owner.name` with `make(original)`, unless kt has done so already."""
    original = getattr(owner, name)
    if getattr(original, "_kt", False):
        return
    wrapped = make(original)
    wrapped._kt = True  # type: ignore[attr-defined]
    setattr(owner, name, wrapped)


def _option_words(first: str, second: str) -> str:
    """An option's names and value placeholder in Norwegian; a date option takes <dato>."""
    for english, norwegian in TOKENS.items():
        first = first.replace(english, norwegian)
    if DATE_HINT in second:
        first = first.replace("<tekst>", "<dato>")
    return first


def _norwegian_help(text: str) -> str:
    for english, norwegian in TOKENS.items():
        text = text.replace(english, norwegian)
    text = re.sub(r"\{([A-ZÆØÅ]+)\}", r"\1", text)  # «{ID}» → «ID»
    return text.replace("[[", "[").replace("]]", "]")


def _with_help_text(option: Any) -> Any:
    if option is not None:
        option.help = HELP_TEXT
        if option.default is None:
            option.default = False  # typer skips checking a bool; checking None loaded pydantic for every `--help`
    return option
