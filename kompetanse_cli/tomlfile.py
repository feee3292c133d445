"""Reading the TOML files people edit (rules, templates, settings, answer files) with errors in Norwegian."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from kompetanse_cli.errors import InputError

# tomllib (Python 3.11) says where an error is only in English, at the end of its message;
# .lineno/.colno arrive in Python 3.14
_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)\s*$")
_AT_END = "(at end of document)"


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse `path`; `what` names the file for the user («regelfilen», «malfilen»).

    A syntax error names the file, the line and the column.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"Fant ikke {what} {path}.") from None
    except IsADirectoryError:
        raise InputError(f"{path} er en mappe, ikke {what}.") from None
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: {what} må være lagret som UTF-8.") from None
    return parse_toml(text, path.name)


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """Parse TOML text read from the file `name`; every kind of TOML file kt reads says a syntax
    error the same way (toml_problem)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(toml_problem(name, error)) from None
    except RecursionError:  # lists or tables nested hundreds deep: tomllib reads them recursively
        raise InputError(f"{name}: lister eller tabeller er nestet for dypt (tusenvis av nivåer); "
                         "ingen kt-fil trenger mer enn noen få.") from None


def toml_problem(name: str, error: tomllib.TOMLDecodeError) -> str:
    """«svar.toml: ugyldig TOML på linje 1, kolonne 5.»

    Only where the error is: tomllib's description of it is English, and a Norwegian sentence with
    an English fragment in it is harder to read than the line and column alone. The file's text is
    never repeated (an answer file may hold a note about the person).
    """
    message = str(error)
    found = _AT_LINE.search(message)
    if found:
        where = f" på linje {found[1]}, kolonne {found[2]}"
    elif message.endswith(_AT_END):
        where = " på slutten av filen"
    else:
        where = ""
    return f"{name}: ugyldig TOML{where}."
