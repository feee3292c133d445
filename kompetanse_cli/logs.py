"""kt's log file: `KT_HOME/kt.log` (0600), for unexpected errors and what ran.

Nothing personal is ever logged on purpose; as a second line of defence, as NAV's own services
do, a filter on every handler masks any run of 11 digits (a fødselsnummer) and of 10 digits (one
that lost its leading zero) before a record is written.
"""

from __future__ import annotations

import logging
import traceback

from kompetanse_cli import paths
from kompetanse_cli.errors import KtError, mask_numbers

LOGGER_NAME = "kt"


class MaskNumbers(logging.Filter):
    """Replace anything that looks like a fødselsnummer in the message and traceback with stars."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_numbers(record.getMessage())
        record.args = ()
        if record.exc_info:
            # the frames (code lines, no local variables) and the type, but not the message:
            # an exception's message may quote a cell, a name or a diagnosis
            kind, _, trace = record.exc_info
            text = "Traceback (most recent call last):\n" + "".join(traceback.format_tb(trace))
            record.exc_text = mask_numbers(text) + f"{kind.__name__ if kind else 'Exception'} (melding utelatt)"
            record.exc_info = None
        return True


class QuietFileHandler(logging.FileHandler):
    """A file handler that never prints: when kt.log cannot be written (a full or write-protected
    disk), logging's default prints «--- Logging error ---» and a traceback to the terminal, in
    the middle of what the user is reading. Here the failure is only remembered (`failed`)."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True


def get_logger() -> logging.Logger:
    """The kt logger, writing to KT_HOME/kt.log through the masking filter (set up once). When
    the log file cannot be opened, records go nowhere (and nothing is printed)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler: logging.Handler
        try:
            home = paths.kt_home()
            paths.ensure_private_dir(home)
            path = home / "kt.log"
            if not path.exists():
                path.touch(mode=0o600)
            paths.ensure_private_file(path)
            handler = QuietFileHandler(path, encoding="utf-8")
        except (OSError, KtError):
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler.addFilter(MaskNumbers())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def log_file_written(logger: logging.Logger) -> str | None:
    """The log file's path when every record so far was written to it, else None."""
    handler = logger.handlers[0] if logger.handlers else None
    if isinstance(handler, QuietFileHandler) and not handler.failed:
        return str(handler.baseFilename)
    return None
