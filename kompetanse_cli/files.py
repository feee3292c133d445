"""Writing files people asked for (workbooks, letters, reports, innsyn): atomically, owner-only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kompetanse_cli.errors import InputError, UsageError


OVERWRITE_OPTION = "--overskriv"


def check_output(path: Path, *, replace: bool = False) -> Path:
    """A file the user asked kt to write, checked before any work is done: its folder exists and
    may be written to, it is not a folder, and an existing file is replaced only when asked
    (a workbook may hold the veileder's own notes)."""
    target = path.expanduser()
    if target.is_dir():
        raise UsageError(f"{target} er en mappe. Oppgi et filnavn, f.eks. {target / ('kt' + (path.suffix or '.xlsx'))}.")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"Mappen {folder} finnes ikke; opprett den, eller velg en annen plassering.")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"Har ikke skrivetilgang til mappen {folder}; velg en annen plassering.")
    if target.exists() and not replace:
        raise UsageError(f"{target} finnes allerede. Bruk {OVERWRITE_OPTION} for å erstatte den, eller velg et annet "
                         "filnavn.")
    return target


def write_private(path: Path, content: bytes | Callable[[str], None]) -> None:
    """Write `content` (bytes, or a function that writes to the path it is given) to a private
    temporary file beside `path`, then rename it into place: all or nothing, mode 0600."""
    target = path.expanduser()
    if not target.parent.is_dir():
        raise UsageError(f"Mappen {target.parent} finnes ikke; opprett den, eller velg en annen plassering.")
    try:
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".kt-", suffix=target.suffix)  # 0600
    except PermissionError:
        raise InputError(f"Har ikke skrivetilgang til mappen {target.parent}.") from None
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
        if not isinstance(content, bytes):
            content(tmp)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"Kunne ikke skrive {target}. Er filen åpen i et annet program?") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
