"""Where kt keeps its data: `KT_HOME`, or the platform's user data folder.

The folder holds health data, so it is created 0700 and the database 0600, and both are
checked (and tightened) every time kt opens them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

DB_NAME = "kt.db"


def kt_home() -> Path:
    """The data folder: `$KT_HOME` if set, else the platform's user data folder for kt."""
    env = os.environ.get("KT_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("kt", appauthor=False))


def ensure_private_dir(path: Path) -> list[str]:
    """Create `path` (0700) if missing; tighten it if group/others can read it.

    Returns warnings (in Norwegian) about permissions that had to be fixed.
    """
    warnings: list[str] = []
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o700)
        warnings.append(f"Datamappen {path} var lesbar for andre ({oct(mode)}); tilgangen er strammet inn til 0700.")
    return warnings


def ensure_private_file(path: Path) -> list[str]:
    """Tighten an existing file to 0600 if group/others have any access."""
    warnings: list[str] = []
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)
            warnings.append(f"Databasefilen {path.name} var lesbar for andre ({oct(mode)}); tilgangen er strammet inn til 0600.")
    return warnings


def db_path() -> Path:
    """Path of the SQLite database inside the data folder."""
    return kt_home() / DB_NAME
