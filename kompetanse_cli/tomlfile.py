"""Reading the TOML files people edit (rules, templates, settings) with errors in Norwegian."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from kompetanse_cli.errors import InputError


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse `path`; `what` names the file for the user («regelfilen», «malfilen»).

    A syntax error names the file, the line and the column.
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"Fant ikke {what} {path}.") from None
    except IsADirectoryError:
        raise InputError(f"{path} er en mappe, ikke {what}.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: {what} må være lagret som UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        text = str(error).replace("at line", "på linje").replace("column", "kolonne")
        raise InputError(f"{path.name}: ugyldig TOML ({text}).") from None
