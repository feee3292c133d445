"""kt's entry point. Before the rest of kt is imported, `kt screen` starts reading its list.

On a long list, loading the spreadsheet is the longest single step, and kt's start-up (imports,
the command line, the database) takes about a fifth of a second: the two overlap. Nothing here
may import more than the standard library and the reader.
"""

from __future__ import annotations

import sys

EXIT_OUTPUT_LOST = 120  # as Python exits when it cannot flush its output at exit
# `kt screen`'s options that take a value: the word after them is not the list file.
SCREEN_VALUE_OPTIONS = frozenset({"--fylke", "-f", "--ark", "--listedato", "--kontor", "--eksport", "--kolonne"})


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
            from kompetanse_cli.ingest import ahead

            ahead.start(name)
        from kompetanse_cli.cli.app import main as run
    except KeyboardInterrupt:  # Ctrl-C while kt is still starting: nothing has been done yet
        from kompetanse_cli.errors import EXIT_INTERRUPTED

        sys.stderr.write("\nAvbrutt.\n")
        sys.exit(EXIT_INTERRUPTED)
    try:
        run()
    except SystemExit as exit_:
        if exit_.code not in (0, None) or exit_.__context__ is not None:
            # An error, Ctrl-C or a reader that went away: Python ends as usual, finalising what
            # may still be open (a cursor held by the error's traceback keeps the database open).
            raise
    leave()


def leave() -> None:
    """Exit after a command that succeeded, without tearing the interpreter down object by object:
    after a long list that would free hundreds of thousands of cells one at a time (≈ 0.07 s at
    50 000 rows), for nothing. What exit must still do is done first: the exit handlers (the log,
    any worker process, openpyxl's temporary files), and the output flushed. A flush that fails for
    another reason than a reader that has gone (`kt … | head`), e.g. a full disk, is an error, as
    Python itself would make it."""
    import atexit
    import os

    atexit._run_exitfuncs()  # what Python runs at exit; os._exit does not
    code = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as error:
            code = EXIT_OUTPUT_LOST
            from kompetanse_cli.paths import why_not

            why = why_not(error) if isinstance(error, OSError) else "utdataene er lukket"
            try:
                os.write(2, f"Feil: utdataene kunne ikke skrives ferdig: {why}.\n".encode())
            except OSError:
                pass
    os._exit(code)
