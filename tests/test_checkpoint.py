"""A long import's commit leaves folding the write-ahead log back into the database file to a
second thread, which does it while `kt screen` writes its output (store/db.py)."""

from __future__ import annotations

from pathlib import Path

from kompetanse_cli.store import db

ROWS = 3000  # ≈ 3 000 pages of 4 kB: well over SQLite's 1 000-page autocheckpoint


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
