"""kt's entry point. Before the rest of kt is imported, `kt screen` starts reading its list.

On a long list, loading the spreadsheet is the longest single step, and kt's start-up (imports,
the command line, the database) takes about a fifth of a second: the two overlap. Nothing here
may import more than the standard library and the reader.
"""

from __future__ import annotations

import sys

from kompetanse_cli.errors import EXIT_INTERRUPTED

# `kt screen`'s options that take a value: the word after them is not the list file.
SCREEN_VALUE_OPTIONS = frozenset({"--fylke", "-f", "--ark", "--listedato", "--kontor", "--eksport"})


def list_argument(args: list[str]) -> str | None:
    """The list file a `kt screen …` command line names, or None for any other command."""
    if not args or args[0] != "screen" or "--help" in args or "-h" in args:
        return None
    value_follows = False
    for arg in args[1:]:
        if value_follows:
            value_follows = False
        elif arg.startswith("-"):
            value_follows = arg in SCREEN_VALUE_OPTIONS  # not "--fylke=agder": its value is in it
        else:
            return arg
    return None


def main() -> None:
    try:
        name = list_argument(sys.argv[1:])
        if name is not None:
            from pathlib import Path

            from kompetanse_cli.ingest.readers import read_ahead

            read_ahead(Path(name))
        from kompetanse_cli.cli.app import main as run
    except KeyboardInterrupt:  # Ctrl-C while kt is still starting: nothing has been done yet
        sys.stderr.write("\nAvbrutt.\n")
        sys.exit(EXIT_INTERRUPTED)
    run()
