"""A psycopg 3 connection that satisfies the store's `Db` interface.

Shared query text is written with SQLite's placeholders (`?`, `:name`); `translate` turns them
into psycopg's (`%s`, `%(name)s`), leaving string literals, quoted names, comments and `::` casts
alone. Rows are indexable by position and by column name, like `sqlite3.Row`.

Dates and timestamps are real types on PostgreSQL (`date`, `timestamptz`), but kt's code reads
them as the same ISO text SQLite gives (`2026-03-02`, `2026-03-02T09:15:00` in the session's
local time), so a query returns the same values on both backends.

The connection runs in autocommit mode, as kt's SQLite connections do (`isolation_level=None`):
a statement outside `transaction()` commits on its own, and `BEGIN` … `COMMIT` are explicit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
from psycopg import postgres, pq
from psycopg.adapt import Loader

from kompetanse_cli.store.api import Dialect, Params


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite placeholders → psycopg's; a literal `%` is doubled (psycopg reads `%` everywhere)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"":  # a string literal or a quoted name, '' / "" inside it escaped
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "-" and sql.startswith("--", i):  # a comment, to the end of the line
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == ":":
            if sql.startswith("::", i):  # a cast: value::date
                out.append("::")
                i += 2
                continue
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            name = sql[i + 1:j]
            if name and not name[0].isdigit():
                out.append(f"%({name})s")
                i = j
            else:
                out.append(":")
                i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            j = i + 1
            while j < n and sql[j] not in "'\"-?:%":
                j += 1
            out.append(sql[i:j])
            i = j
    return "".join(out)


class PgRow(tuple):
    """A row by position (`row[0]`) and by name (`row["kort_id"]`); `dict(row)` works."""

    __slots__ = ()
    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                raise IndexError(f"No item with that key: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[PgRow]:
    index: dict[str, int] = {}
    for number, name in enumerate(names):
        index.setdefault(name, number)  # as sqlite3.Row: the first column of a name
    return type("PgRow", (PgRow,), {"__slots__": (), "_names": names, "_index": index})


def _row_factory(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    make = _row_class(tuple(column.name for column in description))
    return lambda values: make(values)


class _DateText(Loader):
    """`date` as ISO text, as kt stores dates in SQLite."""

    def load(self, data: Any) -> str:
        return bytes(data).decode("ascii")


class _TimestampText(Loader):
    """`timestamptz` as local ISO text to the second (the session's time zone is the client's),
    as `store.db.now()` writes it in SQLite."""

    def load(self, data: Any) -> str:
        return bytes(data[:19]).decode("ascii").replace(" ", "T")


class _IdListText(Loader):
    """A `bigint[]` of ids (a decision's criterion results) as the text SQLite stores: `[3,17,22]`."""

    def load(self, data: Any) -> str:
        return "[" + bytes(data).decode("ascii").strip("{}") + "]"


class PgCursor:
    """A psycopg cursor seen through the `Cursor` interface."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Any]:
        if self._cursor.description is None:
            return iter(())
        return iter(self._cursor)


class PgDb:
    """kt's PostgreSQL connection (see the module docstring)."""

    dialect: Dialect = "postgres"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn
        conn.autocommit = True
        conn.row_factory = _row_factory
        adapters = conn.adapters
        adapters.register_loader("date", _DateText)
        adapters.register_loader("timestamptz", _TimestampText)
        adapters.register_loader(postgres.types["int8"].array_oid, _IdListText)
        offset = dt.datetime.now().astimezone().utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        conn.execute(f"SET TIME ZONE INTERVAL '{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}' HOUR TO MINUTE")

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Params = (), /) -> PgCursor:
        cursor = self.raw.cursor()
        if parameters:
            cursor.execute(translate(sql), parameters)
        else:  # no parameters: psycopg sends the text as it is, `%` and all
            cursor.execute(sql)
        return PgCursor(cursor)

    def executemany(self, sql: str, parameters: Iterable[Params], /) -> PgCursor:
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), list(parameters))
        return PgCursor(cursor)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgDb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

