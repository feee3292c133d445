"""Opening the database: private files, WAL, migrations applied on open.

This module and its siblings are the only place that knows kt uses SQLite, so that a
shared PostgreSQL can be added later behind the same functions.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kompetanse_cli import paths
from kompetanse_cli.errors import DamagedDatabase, InputError
from kompetanse_cli.store.api import Db, SqliteDb

BUSY_TIMEOUT_MS = 30_000
# Page size of a new database. SQLite's default is 4 kB; a weekly list writes tens of thousands of
# rows in one go, and with 16 kB pages committing and checkpointing them takes about half as long
# (≈ 0,3 s less at 200 000 rows), while an interview answer still writes a page or two. An
# existing database keeps the page size it was made with (changing it means rewriting the file).
PAGE_BYTES = 16_384


def fold(text: str | None) -> str | None:
    """Text folded for comparing without case: Python's casefold (Ø → ø, ß → ss), which SQLite's
    LOWER does not do beyond ASCII. Queries call it as the SQL function `kt_fold(text)`: registered
    on every SQLite connection, and defined alike on PostgreSQL, so both backends find the same."""
    return text.casefold() if isinstance(text, str) else text


def like_pattern(text: str) -> str:
    """`%text%` for `kt_fold(column) LIKE ? ESCAPE '\\'`: the text folded, its own % and _ literal."""
    folded = text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{folded}%"


def _run_script(conn: Db, script: str) -> None:
    """Run `;`-separated DDL inside the caller's transaction (executescript would commit it)."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):  # a trigger body holds `;` of its own
            if statement.strip(" \n;"):
                conn.execute(statement)
            statement = ""


def _m001_initial(conn: Db) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE person (
            id INTEGER PRIMARY KEY,
            kort_id TEXT NOT NULL UNIQUE,
            fnr TEXT NOT NULL UNIQUE,
            navn TEXT,
            fylke TEXT,
            kontor TEXT,
            malform TEXT NOT NULL DEFAULT 'nb',
            opprettet TEXT NOT NULL
        );
        CREATE TABLE import (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL,
            ark TEXT NOT NULL,
            filnavn TEXT NOT NULL,
            listedato TEXT NOT NULL,
            listedato_kilde TEXT NOT NULL,
            fylke TEXT NOT NULL,
            importert TEXT NOT NULL,
            veileder TEXT,
            rader_lest INTEGER NOT NULL DEFAULT 0,
            importerte INTEGER NOT NULL DEFAULT 0,
            avviste INTEGER NOT NULL DEFAULT 0,
            UNIQUE (sha256, ark)
        );
        CREATE TABLE import_avvist (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,
            ark TEXT NOT NULL,
            rad INTEGER NOT NULL,
            kolonne TEXT NOT NULL,
            arsak TEXT NOT NULL
        );
        CREATE TABLE listeoppforing (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            import_id INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,
            ark TEXT NOT NULL,
            rad INTEGER NOT NULL,
            listedato TEXT NOT NULL,
            fylke TEXT NOT NULL,
            kontor TEXT,
            sykmeldt_fom TEXT NOT NULL,
            sykmeldt_tom TEXT,
            grad INTEGER,
            diagnose TEXT,
            arbeidsgiver TEXT,
            orgnr TEXT,
            yrke TEXT,
            styrk INTEGER,
            kommune TEXT,
            tidligere_tilfeller INTEGER,
            sykepengedager_5ar INTEGER,
            UNIQUE (import_id, ark, rad)
        );
        CREATE INDEX listeoppforing_person ON listeoppforing(person_id);
        CREATE TABLE screening (
            id INTEGER PRIMARY KEY,
            oppforing_id INTEGER NOT NULL REFERENCES listeoppforing(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            fylke TEXT NOT NULL,
            regelversjon TEXT NOT NULL,
            beslutning TEXT NOT NULL CHECK (beslutning IN ('kandidat', 'ikke_kandidat', 'manuell')),
            uker_sykmeldt INTEGER NOT NULL,
            alder INTEGER NOT NULL,
            resultater TEXT NOT NULL,
            tidspunkt TEXT NOT NULL
        );
        CREATE INDEX screening_person ON screening(person_id);
        CREATE INDEX screening_oppforing ON screening(oppforing_id);
        """
    )


def _m002_kartlegging(conn: Db) -> None:
    _run_script(
        conn,
        """
        ALTER TABLE person ADD COLUMN arbeidsgiver TEXT;
        ALTER TABLE person ADD COLUMN sykmeldt_fom TEXT;
        ALTER TABLE person ADD COLUMN kilde TEXT NOT NULL DEFAULT 'liste';
        CREATE TABLE kartlegging (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            niva INTEGER NOT NULL CHECK (niva IN (1, 2, 3)),
            mal_id TEXT NOT NULL,
            mal_versjon TEXT NOT NULL,
            veileder TEXT,
            startet TEXT NOT NULL,
            endret TEXT NOT NULL,
            fullfort TEXT,
            UNIQUE (person_id, niva)
        );
        CREATE TABLE svar (
            id INTEGER PRIMARY KEY,
            kartlegging_id INTEGER NOT NULL REFERENCES kartlegging(id) ON DELETE CASCADE,
            sporsmal TEXT NOT NULL,
            verdi TEXT,
            mal_id TEXT NOT NULL,
            mal_versjon TEXT NOT NULL,
            veileder TEXT,
            tidspunkt TEXT NOT NULL,
            UNIQUE (kartlegging_id, sporsmal)
        );
        CREATE INDEX svar_sporsmal ON svar(sporsmal, verdi);
        CREATE TABLE svar_historikk (
            id INTEGER PRIMARY KEY,
            kartlegging_id INTEGER NOT NULL REFERENCES kartlegging(id) ON DELETE CASCADE,
            sporsmal TEXT NOT NULL,
            verdi TEXT,
            veileder TEXT,
            tidspunkt TEXT NOT NULL,
            endret_av TEXT,
            endret TEXT NOT NULL
        );
        CREATE TABLE logg (
            id INTEGER PRIMARY KEY,
            tidspunkt TEXT NOT NULL,
            veileder TEXT,
            handling TEXT NOT NULL,
            person TEXT,
            detaljer TEXT
        );
        CREATE TRIGGER logg_kan_ikke_endres BEFORE UPDATE ON logg
        BEGIN SELECT RAISE(ABORT, 'loggen kan bare utvides'); END;
        CREATE TRIGGER logg_kan_ikke_slettes BEFORE DELETE ON logg
        BEGIN SELECT RAISE(ABORT, 'loggen kan bare utvides'); END;
        CREATE TABLE brev (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            mal TEXT NOT NULL,
            format TEXT NOT NULL,
            veileder TEXT,
            tidspunkt TEXT NOT NULL
        )
        """,
    )


def _m003_kriterieresultat(conn: Db) -> None:
    """Each distinct criterion result is stored once; a decision lists their ids (`[3,17,…]`)
    instead of repeating eleven sentences: a list of 50 000 persons has a few hundred."""
    _run_script(
        conn,
        """
        CREATE TABLE kriterieresultat (
            id INTEGER PRIMARY KEY,
            kriterium TEXT NOT NULL,
            status TEXT NOT NULL,
            begrunnelse TEXT NOT NULL,
            UNIQUE (kriterium, status, begrunnelse)
        )
        """,
    )
    ids: dict[tuple[str, str, str], int] = {}
    last = 0
    while True:  # a batch at a time: a national store may hold millions of decisions
        batch = conn.execute("SELECT id, resultater FROM screening WHERE id > ? ORDER BY id LIMIT 5000",
                             (last,)).fetchall()
        if not batch:
            return
        for decision_id, stored in batch:
            numbers = []
            for triple in json.loads(stored):
                key = tuple(triple)
                if key not in ids:
                    ids[key] = conn.execute("INSERT INTO kriterieresultat (kriterium, status, begrunnelse)"
                                            " VALUES (?, ?, ?) RETURNING id", key).fetchone()[0]
                numbers.append(ids[key])
            conn.execute("UPDATE screening SET resultater = ? WHERE id = ?",
                         (json.dumps(numbers, separators=(",", ":")), decision_id))
        last = batch[-1][0]


def _m004_import_kontor(conn: Db) -> None:
    """The office an import was given for rows without one of their own (`--kontor` or the
    setting): `kt screen --på-nytt` gives it again when the command does not give one anew."""
    _run_script(conn, "ALTER TABLE import ADD COLUMN kontor TEXT")


def _m005_beslutning_i_listeoppforing(conn: Db) -> None:
    """A list row's decision is stored on its appearance (`listeoppforing`) instead of in a table
    of its own: every appearance gets exactly one decision, made at import, so a list row is one
    row in three b-trees instead of two rows in six (a long list is stored ≈ a fifth faster).
    `screening` stays as a view of the decided appearances, for reading (its id is now the
    appearance's); deleting a person or an import takes the decisions with the rows."""
    _run_script(
        conn,
        """
        ALTER TABLE listeoppforing ADD COLUMN regelversjon TEXT;
        ALTER TABLE listeoppforing ADD COLUMN beslutning TEXT
            CHECK (beslutning IN ('kandidat', 'ikke_kandidat', 'manuell'));
        ALTER TABLE listeoppforing ADD COLUMN uker_sykmeldt INTEGER;
        ALTER TABLE listeoppforing ADD COLUMN alder INTEGER;
        ALTER TABLE listeoppforing ADD COLUMN resultater TEXT;
        ALTER TABLE listeoppforing ADD COLUMN screenet TEXT;
        -- an appearance decided more than once (never by kt itself) keeps the newest decision
        UPDATE listeoppforing SET (regelversjon, beslutning, uker_sykmeldt, alder, resultater, screenet) = (
                SELECT s.regelversjon, s.beslutning, s.uker_sykmeldt, s.alder, s.resultater, s.tidspunkt
                FROM screening s WHERE s.oppforing_id = listeoppforing.id ORDER BY s.id DESC LIMIT 1)
            WHERE id IN (SELECT oppforing_id FROM screening);
        DROP INDEX screening_person;
        DROP INDEX screening_oppforing;
        DROP TABLE screening;
        CREATE VIEW screening AS
            SELECT id, id AS oppforing_id, person_id, fylke, regelversjon, beslutning, uker_sykmeldt, alder,
                   resultater, screenet AS tidspunkt
            FROM listeoppforing WHERE beslutning IS NOT NULL
        """,
    )


def _m006_kolonnevalg(conn: Db) -> None:
    """Column mappings a veileder gave by hand (`kt screen --kolonne "Tidl. sykefravær=tidligere
    sykefravær"`), remembered per office ('' for lists screened without one) and used for the
    office's next lists. `overskrift` is the header as `normalize_header` leaves it; `felt` a
    ListRow field, or '-' for a column not to use."""
    _run_script(
        conn,
        """
        CREATE TABLE kolonnevalg (
            kontor TEXT NOT NULL,
            overskrift TEXT NOT NULL,
            felt TEXT NOT NULL,
            lagret TEXT NOT NULL,
            veileder TEXT,
            PRIMARY KEY (kontor, overskrift)
        )
        """,
    )


def _m007_oppfolging_og_tall(conn: Db) -> None:
    """The veileder's week (issue 16):

    - `kartlegging.niva` also 4 and 5: the follow-up 6 and 12 months after the conversation, on
      the template's «oppfølging» section (level 4 of the template). A level of its own per
      follow-up keeps every query as it is (one row per person and level, answers in `svar`).
      SQLite cannot change a CHECK, so the table is rebuilt (foreign keys are off during
      migrations, see `_migrate`, so its answers stay).
    - `person.ikke_kontaktet` / `ikke_kontaktet_grunn`: the day a veileder gave up contacting a
      candidate (`kt person avslutt`), and why; the kontakt task is then gone.
    - `anonyme_tall`: the report's counts for deleted persons, with no person in them: the week
      (its Monday), fylke and office, which count (`celle`, a report cell's key as JSON) and
      how many. Written by `kt slett` and `kt rydd` in the deletion's transaction.
    """
    _run_script(
        conn,
        """
        CREATE TABLE kartlegging_ny (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            niva INTEGER NOT NULL CHECK (niva IN (1, 2, 3, 4, 5)),
            mal_id TEXT NOT NULL,
            mal_versjon TEXT NOT NULL,
            veileder TEXT,
            startet TEXT NOT NULL,
            endret TEXT NOT NULL,
            fullfort TEXT,
            UNIQUE (person_id, niva)
        );
        INSERT INTO kartlegging_ny (id, person_id, niva, mal_id, mal_versjon, veileder, startet, endret, fullfort)
            SELECT id, person_id, niva, mal_id, mal_versjon, veileder, startet, endret, fullfort FROM kartlegging;
        DROP TABLE kartlegging;
        ALTER TABLE kartlegging_ny RENAME TO kartlegging;
        ALTER TABLE person ADD COLUMN ikke_kontaktet TEXT;
        ALTER TABLE person ADD COLUMN ikke_kontaktet_grunn TEXT;
        CREATE TABLE anonyme_tall (
            id INTEGER PRIMARY KEY,
            uke TEXT NOT NULL,
            fylke TEXT NOT NULL DEFAULT '',
            kontor TEXT NOT NULL DEFAULT '',
            celle TEXT NOT NULL,
            antall INTEGER NOT NULL,
            UNIQUE (uke, fylke, kontor, celle)
        )
        """,
    )


# Numbered migrations, applied in order; the database's user_version says how many have run.
MIGRATIONS: list[Callable[[Db], None]] = [_m001_initial, _m002_kartlegging, _m003_kriterieresultat,
                                          _m004_import_kontor, _m005_beslutning_i_listeoppforing, _m006_kolonnevalg,
                                          _m007_oppfolging_og_tall]


def schema_version() -> int:
    return len(MIGRATIONS)


def now() -> str:
    """Local time, to the second, as ISO text."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


def connect(path: Path | None = None) -> tuple[Db, list[str]]:
    """Open (creating if needed) the database, private and migrated; returns warnings too.

    On a read-only medium (a write-protected disk or folder) the database is opened for reading
    only: commands that read (kt logg, kt person vis, kt backup to another disk) still work.
    """
    path = path or paths.db_path()
    warnings = paths.ensure_private_dir(path.parent)
    existed = path.exists()
    if not existed:
        try:
            path.touch(mode=0o600)
        except OSError as error:
            raise InputError(f"Kan ikke lage databasen {path}: {paths.why_not(error)}.") from None
    warnings += paths.ensure_private_file(path)
    read_only = not os.access(path.parent, os.W_OK) or not os.access(path, os.W_OK)
    try:
        if read_only:
            conn = _open_read_only(path)
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, factory=SqliteDb)
        conn.row_factory = sqlite3.Row
        conn.create_function("kt_fold", 1, fold, deterministic=True)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            if conn.execute("PRAGMA page_count").fetchone()[0] == 0:  # a new, empty database: nothing written yet
                conn.execute(f"PRAGMA page_size = {PAGE_BYTES}")
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise database_problem(error, path) from None
    if version > schema_version():
        conn.close()
        raise InputError(
            f"Databasen {path} er laget av en nyere versjon av kt (skjema {version}, denne kt kjenner {schema_version()}).",
            hint="Oppdater kt før du bruker denne databasen.",
        )
    if read_only:
        if version < schema_version():
            conn.close()
            raise InputError(f"Databasen {path} ligger på en skrivebeskyttet disk og må oppgraderes før denne kt "
                             "kan bruke den.", hint=_READ_ONLY_HINT)
        warnings.append("Databasen ligger på en skrivebeskyttet disk: kt kan vise og ta sikkerhetskopi (til en "
                        "annen disk), men ikke endre noe, og det du ser blir ikke logget.")
        return conn, warnings
    if version < schema_version():
        # Foreign keys off for the upgrade (a migration that rebuilds a table would otherwise
        # cascade to the rows referring to it); the pragma is a no-op inside a transaction, so
        # it is set before the transaction that holds the write lock.
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            # one kt at a time sets up or upgrades the schema: two commands started together on a
            # new data folder would otherwise both run the first migration
            with transaction(conn):
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if existed and 0 < version < schema_version():
                    warnings.append(_copy_before_upgrade(path))
                _migrate(conn, version)
        except sqlite3.OperationalError as error:
            conn.close()
            raise database_problem(error, path) from None
        conn.execute("PRAGMA foreign_keys = ON")
    for sidecar in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        warnings += paths.ensure_private_file(sidecar)
    return conn, warnings


def _copy_before_upgrade(path: Path) -> str:
    """A private copy of the database before its schema is upgraded; the caller holds the write
    lock, so the copy is read through a second connection (which sees what is committed,
    including what is still in the WAL)."""
    backup = path.with_name(f"{path.stem}.før-skjema-{schema_version()}.{dt.date.today():%Y%m%d}.db")
    backup.touch(mode=0o600)
    source = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(backup)
    try:
        source.backup(copy)  # the backup API sees what is still in the WAL, unlike a file copy
    finally:
        copy.close()
        source.close()
    backup.chmod(0o600)
    return f"Databasen er oppgradert; en kopi av den gamle ligger i {backup.name}."


def _open_read_only(path: Path) -> SqliteDb:
    """The database on a write-protected disk. SQLite reads a WAL database through a shared-memory
    file beside it, which cannot be made there; a file nobody can change is read as immutable
    instead (unless a WAL file was left behind, which only a read-only connection can see)."""
    wal = path.with_name(path.name + "-wal")
    query = "?mode=ro" if wal.exists() else "?mode=ro&immutable=1"
    conn = sqlite3.connect(path.resolve().as_uri() + query, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None, factory=SqliteDb)
    conn.read_only = True
    return conn


_READ_ONLY_HINT = ("Kopier databasen til en disk du kan skrive på, eller pek KT_HOME dit. Det som bare leser, "
                   "virker: `kt logg`, `kt person vis`, `kt backup` til en annen disk.")
_BUSY = "en annen kt bruker databasen; prøv igjen om litt."
# SQLite's primary result codes
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def is_read_only(conn: Db) -> bool:
    """Opened for reading only (the database is on a write-protected disk)."""
    return bool(getattr(conn, "read_only", False))


def quick_check(conn: Db) -> bool:
    """SQLite's quick integrity check of an open database: True when it is sound."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        return False
    return [tuple(row) for row in rows] == [("ok",)]


def database_problem(error: sqlite3.Error, path: Path | None = None) -> InputError:
    """What went wrong with the database, in words a veileder can act on: damaged, on a
    read-only disk, a full disk, or another kt holding it."""
    path = path or paths.db_path()
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error).lower()
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text:
        return InputError(f"Databasen er i bruk: {_BUSY}",
                          hint="Venter en kartlegging eller en import i et annet vindu, gjør den ferdig først.")
    if code == _SQLITE_FULL or "disk is full" in text:
        return InputError(f"Disken der databasen ligger ({path.parent}), er full; ingenting nytt ble lagret.",
                          hint="Frigjør plass på disken og prøv igjen. Det som var lagret før, er beholdt.")
    if code == _SQLITE_READONLY or "readonly" in text or (
            code in (_SQLITE_CANTOPEN, _SQLITE_IOERR) and not os.access(path.parent, os.W_OK)):
        return InputError(f"Databasen {path} ligger på en skrivebeskyttet disk eller mappe; kt kan ikke lagre noe der.",
                          hint=_READ_ONLY_HINT)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return DamagedDatabase(f"Databasen {path} er skadet{'' if code != _SQLITE_NOTADB else ' (eller ikke en kt-database)'}.",
                               hint=recovery_hint(path))
    return InputError(f"Databasen {path} kan ikke brukes ({type(error).__name__}).",
                      hint="Prøv igjen; hjelper ikke det, gjenopprett fra en sikkerhetskopi med `kt gjenopprett`.")


def recovery_hint(path: Path) -> str:
    """Which copies a damaged database can be restored from: the user's backups kt knows of and
    kt's own copies beside the database (newest first)."""
    from kompetanse_cli import backuplist

    copies = sorted((p for p in path.parent.glob(f"{path.stem}.før-*.db") if p.is_file()),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    known = backuplist.existing()
    if not copies and not known:
        return ("kt kjenner ingen sikkerhetskopi av den. Har du en, gjenopprett med `kt gjenopprett FIL`; "
                f"ellers flytt {path.name} bort, så lager kt en ny, tom database.")
    lines = ["Gjenopprett fra en kopi med `kt gjenopprett FIL`. Kopier kt kjenner (nyeste først):"]
    lines += [f"  {copy}" for copy in [*known, *copies][:8]]
    return "\n".join(lines)


def describe_error(error: BaseException) -> InputError | None:
    """A database error (or a full disk) as a message, for the CLI's last line of defence; None for
    anything else."""
    if isinstance(error, sqlite3.Error):
        return database_problem(error)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return InputError(f"Disken er full ({paths.why_not(error)}); ingenting mer ble skrevet.",
                          hint="Frigjør plass og prøv igjen. Det som var lagret før, er beholdt.")
    return None


def migrate_open(conn: Db) -> None:
    """Bring an open database (e.g. one just restored from an older backup) up to date."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < schema_version():
        _migrate(conn, version)


def _migrate(conn: Db, version: int) -> None:
    # Foreign keys off while the schema changes (SQLite's own recipe for rebuilding a table: with
    # them on, dropping the old table would cascade to the rows that refer to it); checked after.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with transaction(conn):
                migration(conn)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise InputError("Databasen kunne ikke oppgraderes: koblinger mellom tabellene stemmer ikke.")
                conn.execute(f"PRAGMA user_version = {number}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def page_cache(conn: Db, megabytes: int) -> Iterator[None]:
    """A larger page cache for one long import: the unique indexes on fødselsnummer and kort id
    are written at random places, and once they outgrow SQLite's 2 MB default every insert
    fetches pages anew (≈ a tenth of the storing time at 200 000 rows). SQLite only."""
    if conn.dialect != "sqlite":
        yield
        return
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


@contextmanager
def transaction(conn: Db) -> Iterator[Db]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error (including Ctrl-C).

    Inside an outer transaction it just joins it, so a store function can be used both alone
    (committed at once) and as part of a larger import (committed with it).
    """
    if conn.in_transaction:
        yield conn
        return
    # SQLite: take the write lock now, not at the first write (no deadlock between two readers
    # turning writers). PostgreSQL locks rows, not the database: a plain BEGIN.
    conn.execute("BEGIN IMMEDIATE" if conn.dialect == "sqlite" else "BEGIN")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def checkpoint_deferred(conn: Db) -> Iterator[None]:
    """Commit without folding the write-ahead log back into the database file there and then.

    SQLite does that fold (a checkpoint) as part of any commit that leaves the log over 1 000
    pages: after a long import, a copy of tens of megabytes that the command waits for. Inside
    this block it is left to `checkpoint_meanwhile`, or else to the last connection closing or
    the next commit. Nothing committed depends on it: the log is part of the database.
    SQLite only: PostgreSQL's server checkpoints on its own.
    """
    if conn.dialect != "sqlite":
        yield
        return
    before = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {before}")


@contextmanager
def checkpoint_meanwhile(conn: Db) -> Iterator[None]:
    """Fold the write-ahead log back into the database file in a second thread while the block
    runs (e.g. prints what was imported); waits for it at the end of the block. SQLite only."""
    if conn.dialect != "sqlite":
        yield
        return
    thread = threading.Thread(target=_checkpoint, args=(conn.execute("PRAGMA database_list").fetchone()[2],),
                              name="kt-checkpoint")
    thread.start()
    try:
        yield
    finally:
        thread.join()


def _checkpoint(path: str) -> None:
    try:
        # mode=rw: never creates a database (with the default permissions) where there is none
        other = sqlite3.connect(Path(path).as_uri() + "?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                isolation_level=None)
        try:
            other.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            other.close()
    except sqlite3.Error:
        pass  # nothing is lost: the log stays part of the database, and closing it tries again
