"""User settings in `KT_HOME/config.toml`: default fylke, the veileder's NAV ident, ..."""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from pathlib import Path

from kompetanse_cli import paths
from kompetanse_cli.errors import InputError, UsageError

SETTINGS: dict[str, str] = {
    "veileder": "NAV-ident til veilederen som bruker kt (f.eks. A123456); KT_VEILEDER overstyrer",
    "navn": "navnet ditt, som referatene signeres med",
    "telefon": "telefonnummeret ditt i referatene (8 sifre)",
    "fylke": "fylke som brukes når --fylke ikke er oppgitt",
    "kontor": "NAV-kontor som brukes når listen ikke har kontorkolonne",
    "rydd_ikke_kartlagt_mnd": "måneder etter siste liste før personer som aldri ble kartlagt slettes (standard 3)",
    "rydd_inaktiv_mnd": "måneder uten aktivitet før alt om en person slettes (standard 12)",
    "rydd_kopier_dager": "dager kt beholder sine egne kopier fra før oppgradering og gjenoppretting (standard 30)",
    "oppgave_kontakt_dager": "dager fra en kandidat står på listen til kontakt-oppgaven har frist (standard 7)",
    "oppgave_niva2_dager": "dager etter samtalen før nivå 2 blir en oppgave for en som er aktuell (standard 14)",
    "oppgave_sykepenger_uker": "uker før siste sykepengedag kt minner om inntekten når tiltaket varer lenger (standard 8)",
    "database": "PostgreSQL-database for team (f.eks. service=kt-agder); ikke satt: SQLite i KT_HOME; "
                "KT_DATABASE_URL overstyrer",
}
_IDENT_RE = re.compile(r"^[A-Z]\d{6}$")
NUMBERS = {"rydd_ikke_kartlagt_mnd": ("måneder", 1200), "rydd_inaktiv_mnd": ("måneder", 1200),
           "rydd_kopier_dager": ("dager", 36500), "oppgave_kontakt_dager": ("dager", 365),
           "oppgave_niva2_dager": ("dager", 365), "oppgave_sykepenger_uker": ("uker", 52)}  # setting → (unit, largest value)


def config_path() -> Path:
    return paths.kt_home() / "config.toml"


def load() -> dict[str, str]:
    path = config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: innstillingsfilen må være lagret som UTF-8.") from None
    except tomllib.TOMLDecodeError as error:
        from kompetanse_cli.tomlfile import toml_problem

        raise InputError(f"Innstillingsfilen {toml_problem(str(path), error)}",
                         hint="Rett filen, eller slett den og sett innstillingene på nytt med `kt config set`.") from None
    return {k: str(v) for k, v in data.items() if k in SETTINGS}


def _load_what_can_be_read() -> tuple[dict[str, str], bool]:
    """The settings, line by line from a file that as a whole is not valid TOML (edited by hand, or
    written by an older kt): the lines that still read are kept. Returns (settings, was broken)."""
    try:
        return load(), False
    except InputError:
        pass
    kept: dict[str, str] = {}
    try:
        lines = config_path().read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            kept.update({k: str(v) for k, v in tomllib.loads(line).items() if k in SETTINGS})
        except tomllib.TOMLDecodeError:
            continue
    return kept, True


def set_value(key: str, value: str) -> bool:
    """Save one setting. A settings file that cannot be read is rewritten with what could be read of
    it and the new value (so `kt config set` repairs it); returns True when that happened."""
    if key not in SETTINGS:
        raise UsageError(f"Ukjent innstilling «{key}». Gyldige: {', '.join(SETTINGS)}.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise UsageError(f"Innstillingen {key} kan ikke ha linjeskift, tabulator eller andre kontrolltegn.")
    value = value.strip()
    if key == "veileder":
        value = value.strip().upper()
        if not _IDENT_RE.match(value):
            raise UsageError("NAV-ident skal være én bokstav og seks sifre, f.eks. A123456.")
    if key in NUMBERS:
        value = str(_checked_number(key, value.strip()))
    if key == "navn":
        value = " ".join(value.split())
        if not value:
            raise UsageError("Skriv navnet ditt slik det skal stå i brevene, f.eks. kt config set navn \"Kari Nordmann\".")
    if key == "telefon":
        value = phone_number(value)
    if key == "database":
        from kompetanse_cli.store.postgres import parse

        value = value.strip()
        if value:
            parse(value)  # a password, or a string libpq cannot read, is refused before it is saved
    if key == "fylke":
        from kompetanse_cli.fylker import resolve_fylke

        resolve_fylke(value)  # an unknown name is refused now, with the valid ones, not at the next screening
    data, broken = _load_what_can_be_read()
    data[key] = value
    paths.ensure_private_dir(paths.kt_home())
    text = "".join(f'{k} = "{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"\n'
                   for k, v in sorted(data.items()))
    config_path().write_text(text, encoding="utf-8")
    config_path().chmod(0o600)
    return broken


def number(key: str, default: int) -> int:
    """A whole-number setting (NUMBERS), else `default`; a file edited by hand is checked too."""
    text = load().get(key)
    return default if text is None else _checked_number(key, text)


def _checked_number(key: str, text: str) -> int:
    unit, most = NUMBERS[key]
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise UsageError(f"Innstillingen {key} skal være et helt antall {unit}, fra 1 til {most}.")
    return int(text)


def phone_number(text: str) -> str:
    """A Norwegian phone number as letters write it: «12 34 56 78» (+47 or 0047 in front is dropped)."""
    digits = re.sub(r"[\s.\-]", "", text.strip())
    digits = re.sub(r"^(\+|00)47(?=\d{8}$)", "", digits)
    if not re.fullmatch(r"\d{8}", digits):
        raise UsageError("Telefonnummeret skal ha 8 sifre, f.eks. 12345678 eller 12 34 56 78.")
    return " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def signature() -> tuple[str | None, str | None]:
    """The veileder's name and phone number for letters (`kt config set navn …`, `telefon …`)."""
    settings = load()
    return settings.get("navn"), settings.get("telefon")


def veileder() -> str | None:
    """The veileder's ident: `KT_VEILEDER`, else the config, else None."""
    return os.environ.get("KT_VEILEDER") or load().get("veileder")
