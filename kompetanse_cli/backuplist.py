"""The backups a user has taken with `kt backup`, remembered in `KT_HOME/sikkerhetskopier.txt`.

Outside the database on purpose: when the database is damaged, kt can still say which copies
exist to restore from; and `kt slett` can say which of the user's own copies still hold the
person. One absolute path a line; only the user's own choice of names is stored, no content.
"""

from __future__ import annotations

import os
from pathlib import Path

from kompetanse_cli import paths

FILE_NAME = "sikkerhetskopier.txt"


def _list_path() -> Path:
    return paths.kt_home() / FILE_NAME


def record(target: Path) -> None:
    """Remember a backup just written; a list that cannot be written costs only the reminder."""
    try:
        path = _list_path()
        known = [str(p) for p in _read()]
        entry = str(target.expanduser().resolve())
        if entry not in known:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(entry + "\n")
    except OSError:
        pass


def _read() -> list[Path]:
    try:
        text = _list_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [Path(line) for line in text.splitlines() if line.strip()]


def existing() -> list[Path]:
    """The remembered backups that still exist, newest first."""
    found = [p for p in _read() if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
