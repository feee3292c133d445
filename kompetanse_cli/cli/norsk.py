"""`--help` in bokmål: typer writes its own headings («Usage», «Options») in English.

The parser's words are swapped for Norwegian ones where typer lets us reach them. This leans on
typer internals, so every step is guarded: if a future typer moves them, help stays in English
(and the help test says so) rather than kt breaking.
"""

from __future__ import annotations

import re

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
HELP_TEXT = "Vis denne hjelpen og avslutt."
USAGE = "Bruk: "
# type labels and placeholders in the finished help text
TOKENS = {"[OPTIONS]": "[VALG]", "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]...", "<str>": "<tekst>",
          "<path>": "<fil>", "<int>": "<tall>", "<integer>": "<tall>", "{fil}": "FIL", "fil <fil>": "FIL"}


def install() -> None:
    """Swap typer's English help words for Norwegian ones (once, before the app runs)."""
    try:
        import typer.core as typer_core

        typer_core._ = lambda text: WORDS.get(text, text)
    except (ImportError, AttributeError):
        pass
    try:
        from typer._click import core as click_core
        from typer._click import formatting

        original_usage = formatting.HelpFormatter.write_usage
        if not getattr(original_usage, "_kt", False):
            def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
                original_usage(self, prog, args, USAGE if prefix is None else prefix)

            write_usage._kt = True  # type: ignore[attr-defined]
            formatting.HelpFormatter.write_usage = write_usage

        original_get_help = click_core.Command.get_help
        if not getattr(original_get_help, "_kt", False):
            def get_help(self, ctx):  # type: ignore[no-untyped-def]
                text = original_get_help(self, ctx)
                for english, norwegian in TOKENS.items():
                    text = text.replace(english, norwegian)
                text = re.sub(r"\{([A-ZÆØÅ]+)\}", r"\1", text)  # «{ID}» → «ID»
                return text.replace("[[", "[").replace("]]", "]")

            get_help._kt = True  # type: ignore[attr-defined]
            click_core.Command.get_help = get_help

        original_help = click_core.Command.get_help_option
        if not getattr(original_help, "_kt", False):
            def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
                option = original_help(self, ctx)
                if option is not None:
                    option.help = HELP_TEXT
                return option

            get_help_option._kt = True  # type: ignore[attr-defined]
            click_core.Command.get_help_option = get_help_option
    except (ImportError, AttributeError):
        pass
