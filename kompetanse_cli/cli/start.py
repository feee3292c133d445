"""kt's entry point. Before the rest of kt is imported, `kt screen` starts reading its list.

On a long list, loading the spreadsheet is the longest single step, and kt's start-up (imports,
the command line, the database) takes about a fifth of a second: the two overlap. Nothing here
may import more than the standard library and the reader.
"""

from __future__ import annotations

import sys

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
        leave(exit_.code)
    leave(0)


def leave(code: int | str | None) -> None:
    """Exit with `code` without tearing the interpreter down object by object: after a long list
    that would free hundreds of thousands of cells one at a time (≈ 0.07 s at 50 000 rows), for
    nothing. What exit must still do is done first: the log closed, the output flushed. (The
    database is closed and any worker process joined before the command returns.)"""
    import logging
    import os

    if isinstance(code, str):  # as sys.exit("message") would: the message on stderr, exit code 1
        sys.stderr.write(code + "\n")
        code = 1
    logging.shutdown()
    if "multiprocessing" in sys.modules:  # as multiprocessing's own exit handler: no worker outlives kt
        for child in sys.modules["multiprocessing"].active_children():
            child.terminate()
            child.join()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader has gone (`kt … | head`), or the stream is closed
            pass
    os._exit(code or 0)
