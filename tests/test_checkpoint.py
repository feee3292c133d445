"""Writing a long list cheaply (store/db.py): a new database has 16 kB pages, and a long
import's commit leaves folding the write-ahead log back into the database file to a second
thread, which does it while `kt screen` writes its output."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kompetanse_cli.store import db

ROWS = 6000  # ≈ 21 MB: well over SQLite's autocheckpoint (1 000 pages of 16 kB, store.db.PAGE_BYTES)


def _write_many(conn) -> None:
    with db.transaction(conn):
        conn.execute("CREATE TABLE stor (verdi BLOB)")
        conn.executemany("INSERT INTO stor VALUES (?)", ((bytes(3500),) for _ in range(ROWS)))


def test_commit_without_checkpoint_leaves_the_pages_in_the_log_and_the_thread_folds_them_in(tmp_path: Path):
    path = tmp_path / "kt.db"
    conn, _ = db.connect(path)
    try:
        with db.checkpoint_deferred(conn):
            _write_many(conn)
        wal = path.with_name("kt.db-wal")
        assert path.stat().st_size < 1_000_000  # committed, but not yet in the file itself
        assert wal.stat().st_size > ROWS * 3500
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # as it was

        with db.checkpoint_meanwhile(conn):
            rows = conn.execute("SELECT COUNT(*) FROM stor").fetchone()[0]  # reading goes on meanwhile
        assert rows == ROWS
        assert path.stat().st_size > ROWS * 3500
    finally:
        conn.close()
    conn, _ = db.connect(path)
    try:
        assert conn.execute("SELECT COUNT(*) FROM stor").fetchone()[0] == ROWS
    finally:
        conn.close()


def test_usual_commit_folds_the_log_in_at_once(tmp_path: Path):
    path = tmp_path / "kt.db"
    conn, _ = db.connect(path)
    try:
        _write_many(conn)
        assert path.stat().st_size > ROWS * 3500
    finally:
        conn.close()


def test_a_checkpoint_that_cannot_run_loses_nothing_and_raises_nothing(tmp_path: Path):
    db._checkpoint(str(tmp_path / "finnes-ikke" / "kt.db"))  # no such folder: quietly left to closing


def test_a_new_database_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path):
    conn, _ = db.connect(tmp_path / "ny.db")
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == db.PAGE_BYTES == 16_384
    finally:
        conn.close()
    old = tmp_path / "gammel.db"
    made = sqlite3.connect(old)  # as kt made databases before: SQLite's 4 kB pages
    made.execute("CREATE TABLE x (y)")
    made.close()
    old.chmod(0o600)
    conn, _ = db.connect(old)
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        _write_many(conn)
        assert conn.execute("SELECT COUNT(*) FROM stor").fetchone()[0] == ROWS
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
