"""The store's connection interface: what the rest of kt may hold of a database.

Everything outside `store/` types its database handle as `Db` and never imports a driver.
Two backends satisfy it: SQLite (`SqliteDb`, a `sqlite3.Connection` with a `dialect`, so the
embedded default pays nothing for the seam) and PostgreSQL (psycopg 3, in `store/postgres/`).

Shared query text is written with SQLite's placeholders, `?` or `:name`; the PostgreSQL
backend translates them. Ids of new rows come from `INSERT … RETURNING id` (both backends),
never from `lastrowid` or `MAX(id) + 1`, so that nothing depends on one writer at a time.
Where the fastest algorithm differs (e.g. the list import: `executemany` on SQLite, `COPY`
on PostgreSQL), the store branches on `db.dialect`. Text is compared without case through the
SQL function `kt_fold(text)` (Python's `str.casefold`: registered on every SQLite connection in
`store/db.py`, defined alike on PostgreSQL), never SQLite's ASCII-only `LOWER`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol

Params = Sequence[Any] | Mapping[str, Any]
Dialect = Literal["sqlite", "postgres"]


class Row(Protocol):
    """A result row inside `store/`: by position (`row[0]`), by column name (`row["kort_id"]`),
    and iterated, its values in column order (as `sqlite3.Row` and a tuple are). The rest of kt
    never holds one: the store hands out dataclasses, dicts (`as_dict`) and plain values."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """An open kt database on either backend."""

    dialect: Dialect

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Params = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> Any: ...

    def close(self) -> None: ...


def as_dict(row: Row) -> dict[str, Any]:
    """A row as a plain dict, column name → value."""
    return dict(zip(row.keys(), row))


def as_dicts(rows: Iterable[Row]) -> list[dict[str, Any]]:
    return [dict(zip(row.keys(), row)) for row in rows]


class SqliteDb(sqlite3.Connection):
    """kt's SQLite connection (`sqlite3.connect(…, factory=SqliteDb)`)."""

    dialect: Dialect = "sqlite"
    read_only: bool = False  # opened with mode=ro: the database is on a write-protected disk
