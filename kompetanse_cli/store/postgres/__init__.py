"""kt on PostgreSQL: opening a connection, with errors a veileder can act on, and the schema check.

Passwords never pass through kt: libpq's own `.pgpass`, service file (`service=…`) or
`PGPASSWORD` supply them. A connection string that holds one is refused before it is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from kompetanse_cli.errors import InputError, UsageError
from kompetanse_cli.store.postgres import schema
from kompetanse_cli.store.postgres.connection import PgDb

CONNECT_TIMEOUT_S = 10
PASSWORD_HINT = ("Passordet skal stå i ~/.pgpass (rettigheter 0600), i en servicefil (service=…) eller i "
                 "miljøvariabelen PGPASSWORD, aldri i kt sine innstillinger eller på kommandolinjen.")


@dataclass(frozen=True)
class Target:
    """Where a connection string points, for messages: never the password."""

    server: str
    database: str
    service: str | None = None

    def describe(self) -> str:
        place = f"databasen {self.database} på {self.server}"
        return f"{place} (service {self.service})" if self.service else place

    def sentence(self) -> str:
        """`describe()` at the start of a sentence."""
        text = self.describe()
        return text[0].upper() + text[1:]


def parse(conninfo: str) -> dict[str, str]:
    """The connection string's parts (libpq syntax or a postgresql:// URI), checked."""
    from psycopg import conninfo as pgconninfo

    try:
        parts = pgconninfo.conninfo_to_dict(conninfo.strip())
    except Exception:  # noqa: BLE001 - psycopg's message quotes the string, password and all
        raise UsageError("Databaseadressen kan ikke leses (verken «nøkkel=verdi …» eller postgresql://…).",
                         hint="Eksempler: service=kt-agder, eller postgresql://db.example/kt?sslmode=verify-full.") \
            from None
    if "password" in parts:
        raise UsageError("Databaseadressen inneholder et passord. kt tar ikke imot passord der.", hint=PASSWORD_HINT)
    return {key: str(value) for key, value in parts.items() if value is not None}


def target(conninfo: str) -> Target:
    """Server and database as libpq will resolve them (without asking the server)."""
    parts = parse(conninfo)
    host = parts.get("host") or os.environ.get("PGHOST") or ""
    port = parts.get("port") or os.environ.get("PGPORT")
    if not host:
        server = "serveren (tjenesten)" if parts.get("service") else "den lokale serveren (Unix-socket)"
    elif host.startswith("/"):
        server = f"den lokale serveren (socket i {host})"
    else:
        server = f"{host}:{port}" if port else host
    database = (parts.get("dbname") or os.environ.get("PGDATABASE") or parts.get("user")
                or os.environ.get("PGUSER") or "(standard)")
    if database == "(standard)" and parts.get("service"):
        database = "(fra tjenesten)"
    return Target(server=server, database=database, service=parts.get("service"))


def _reason(message: str) -> tuple[str, str]:
    """libpq's message → (what went wrong, what to check), in bokmål."""
    text = message.lower()
    if "password authentication failed" in text or "no password supplied" in text or "scram" in text:
        return ("serveren godtok ikke passordet, eller fant ikke noe",
                "Sjekk at ~/.pgpass har en linje for denne serveren, databasen og brukeren, og at filen har "
                "rettigheter 0600 (eller PGPASSFILE / PGPASSWORD).")
    if "ssl" in text or "certificate" in text or "tls" in text:
        return ("den krypterte forbindelsen (TLS) kunne ikke settes opp",
                "Sjekk sslmode og serverens sertifikat (sslrootcert, ~/.postgresql/root.crt) med den som drifter "
                "databasen.")
    if "does not exist" in text and "database" in text:
        return "databasen finnes ikke på serveren", "Sjekk databasenavnet (dbname) med den som drifter databasen."
    if "role" in text and "does not exist" in text:
        return ("brukeren finnes ikke på serveren",
                "Sjekk brukernavnet (user, eller PGUSER), eller be den som drifter databasen om tilgang.")
    if "service" in text and ("not found" in text or "definition" in text):
        return ("tjenesten finnes ikke i servicefilen",
                "Sjekk ~/.pg_service.conf (eller PGSERVICEFILE) og navnet etter service=.")
    if "no pg_hba.conf entry" in text or "permission denied" in text:
        return ("serveren slipper ikke inn denne brukeren herfra",
                "Be den som drifter databasen om tilgang (pg_hba.conf).")
    if "could not translate host name" in text or "name or service not known" in text:
        return "servernavnet er ukjent", "Sjekk servernavnet (host) og nettverket (VPN)."
    return ("serveren svarer ikke",
            "Sjekk at serveren kjører og er tilgjengelig herfra (nettverk, VPN), og adressen (host, port).")


def open_raw(conninfo: str) -> Any:
    """A psycopg connection, or kt's one-message error naming the server and database."""
    import psycopg

    where = target(conninfo)
    try:
        return psycopg.connect(conninfo.strip(), autocommit=True, application_name="kt",
                               connect_timeout=int(parse(conninfo).get("connect_timeout", CONNECT_TIMEOUT_S)))
    except psycopg.Error as error:
        reason, check = _reason(str(error))
        raise InputError(f"Får ikke koblet til PostgreSQL: {where.describe()}: {reason}.", hint=check) from None


def database_owner(raw: Any) -> str:
    row = raw.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").fetchone()
    return str(row[0])


def check_schema(raw: Any, where: Target) -> None:
    """Refuse a database whose kt schema is missing, older or newer than this kt's."""
    version = schema.installed_version(raw)
    wanted = schema.schema_version()
    if version == wanted:
        return
    owner = database_owner(raw)
    if version is None:
        raise InputError(f"{where.sentence()} er ikke satt opp for kt.",
                         hint=f"Eieren av databasen ({owner}) må kjøre `kt team opprett` én gang.")
    if version < wanted:
        raise InputError(f"{where.sentence()} har kt-skjema {version}; denne kt trenger {wanted}.",
                         hint=f"Eieren av databasen ({owner}) må kjøre `kt team oppgrader`.")
    raise InputError(f"{where.sentence()} har kt-skjema {version}, nyere enn denne kt kjenner ({wanted}).",
                     hint="Oppdater kt (pip install -U kompetanse-cli) før du bruker denne databasen.")


def connect(conninfo: str, *, check: bool = True) -> PgDb:
    """kt's connection to the team database, its schema checked (unless `check` is False)."""
    raw = open_raw(conninfo)
    db = PgDb(raw)
    if check:
        try:
            check_schema(raw, target(conninfo))
        except BaseException:
            db.close()
            raise
    return db
