"""The `kt` command: sub-commands, `--version`, and the one place errors become messages."""

from __future__ import annotations

import errno
import logging
import os
import sys

import typer
from rich.markup import escape

from kompetanse_cli import __version__
from kompetanse_cli.cli import (
    kartlegg,
    norsk,
    parser_errors,
    person,
    personvern,
    rapport,
    referat,
    regler,
    screen,
    settings,
    team,
)
from kompetanse_cli.cli.common import err_console
from kompetanse_cli.errors import EXIT_INTERRUPTED, EXIT_USAGE, Interrupted, KtError, mask_numbers
from kompetanse_cli.worker import WorkerError

norsk.install()

app = typer.Typer(
    name="kt",
    help="""kt: verktøy for kompetansetiltak for sykmeldte.

Leser ukelister over sykmeldte, finner kandidater etter fylkets regler og forklarer hver beslutning.

Eksempel:

    kt screen uke10.xlsx --fylke agder
""",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from kompetanse_cli.store import backend

        print(f"kt {__version__} ({backend.describe()})")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Vis versjonen og avslutt."),
) -> None:
    """kt: verktøy for kompetansetiltak for sykmeldte."""


screen.register(app)
kartlegg.register(app)
person.register(app)
app.add_typer(regler.app, name="regler")
settings.register(app)
personvern.register(app)
referat.register(app)
rapport.register(app)
team.register(app)


def _log_unexpected(error: Exception) -> str:
    """Write the traceback (numbers masked, no local variables) to kt.log; say where it went."""
    try:
        from kompetanse_cli.logs import get_logger, log_file_written

        logger = get_logger()
        # an error in screen's worker process: what and where it happened there, as well as here
        where = f" ({error.summary})\narbeidsprosessen:\n{error.trace}" if isinstance(error, WorkerError) else ""
        logger.error("uventet feil i %s%s", " ".join(sys.argv[1:2]), where, exc_info=error)
        return log_file_written(logger) or "kunne ikke skrive loggfilen"
    except (OSError, KtError):
        return "kunne ikke skrive loggfilen"


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning kt's errors into one line on stderr and an exit code."""
    try:
        code = app(args=argv, prog_name="kt", standalone_mode=False)
    except Interrupted as error:
        err_console.print(f"\n{escape(error.message)}")
        sys.exit(error.exit_code)
    except KtError as error:
        err_console.print(f"[bold red]Feil:[/] {escape(mask_numbers(error.message))}")
        if error.hint:
            err_console.print(f"[dim]Tips:[/] {escape(mask_numbers(error.hint))}")
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        code = EXIT_INTERRUPTED
    except SystemExit as exit_:
        # The reader stopped reading (`kt screen … | head`): typer and rich then exit with 1, which
        # kt uses for a list it could not read. The work itself is done (and stored).
        cause = exit_.__context__
        if isinstance(cause, OSError) and cause.errno == errno.EPIPE:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
            sys.exit(0)
        raise
    except Exception as error:  # noqa: BLE001 - last line of defence: never show a traceback
        if type(error).__name__ == "NoArgsIsHelpError":  # bare `kt`, `kt config`: the help, as git does
            sys.stdout.write(getattr(error, "ctx").get_help() + "\n")
            sys.exit(0)
        if hasattr(error, "show") and isinstance(getattr(error, "exit_code", None), int):
            message, help_command = parser_errors.describe(error, sys.argv[1:] if argv is None else argv)
            shown = mask_numbers(message)  # it may repeat what was typed
            err_console.print(f"[bold red]Feil:[/] {escape(shown)}")
            if shown != message:
                err_console.print("[dim]Tips:[/] kt tar aldri fødselsnummer på kommandolinjen (der blir det liggende i "
                                  "historikken). Bruk kt sine korte id-er; `kt person finn` spør etter fødselsnummeret.")
            else:
                err_console.print(f"[dim]Tips:[/] se `{help_command}` for bruk og eksempler.")
            sys.exit(EXIT_USAGE)
        from kompetanse_cli.store.db import describe_error

        known = describe_error(error)  # a damaged database, a full disk, another kt holding it …
        if known is not None:
            err_console.print(f"[bold red]Feil:[/] {escape(mask_numbers(known.message))}")
            if known.hint:
                err_console.print(f"[dim]Tips:[/] {escape(mask_numbers(known.hint))}")
            sys.exit(known.exit_code)
        if os.environ.get("KT_DEBUG") or "pytest" in sys.modules:
            raise
        where = _log_unexpected(error)
        what = f"{type(error).__name__}: {error.summary}" if isinstance(error, WorkerError) else type(error).__name__
        err_console.print(f"[bold red]Feil:[/] en uventet feil oppstod ({escape(what)}). "
                          f"Det som var ferdig lagret, er beholdt. Detaljer for feilsøking: {where}")
        sys.exit(1)
    if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C in a command into this exit code
        err_console.print("\nAvbrutt. Det som var ferdig lagret, er beholdt.")
    sys.exit(code if isinstance(code, int) else 0)
