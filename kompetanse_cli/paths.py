"""Where kt keeps its data: `KT_HOME`, or the platform's user data folder.

The folder holds health data, so it is created 0700 and the database 0600, and both are
checked (and tightened) every time kt opens them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from kompetanse_cli.errors import InputError

DB_NAME = "kt.db"
_WHY = {errno.ENOTDIR: "en del av stien er en fil", errno.EACCES: "ingen skrivetilgang",
        errno.EPERM: "ingen skrivetilgang", errno.EROFS: "disken er skrivebeskyttet",
        errno.ENOENT: "en del av stien finnes ikke", errno.ENOSPC: "disken er full",
        errno.EDQUOT: "kvoten er brukt opp", errno.EIO: "feil ved skriving til disken"}
_WHERE = "kt lagrer dataene i mappen KT_HOME peker på (ellers i brukerens datamappe); pek KT_HOME til en mappe du kan skrive i."


def why_not(error: OSError) -> str:
    """Why the system said no, in Norwegian (a disk that is full, a folder without write access …)."""
    return _WHY.get(error.errno or 0, "systemet sa nei")


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
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except FileExistsError:
        raise InputError(f"Datamappen {path} er en fil, ikke en mappe.", hint=_WHERE) from None
    except OSError as error:
        why = why_not(error)
        raise InputError(f"Kan ikke lage datamappen {path}: {why}.", hint=_WHERE) from None
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
