"""Runners' data on disk is for the owner's eyes only: the SQLite file (and its WAL) and exports."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bot.private_files import write_private
from bot.storage.database import make_engine, sqlite_url, upgrade_head

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual default: files readable by everyone
    try:
        database = tmp_path / "data" / "tiptoe.sqlite3"
        engine = make_engine(sqlite_url(database))
        try:
            await upgrade_head(engine)
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO app_meta (name, value) VALUES ('x', 'y')"))
                assert mode(Path(f"{database}-wal")) == 0o600  # while it exists
        finally:
            await engine.dispose()
    finally:
        os.umask(old_umask)
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_a_rewritten_file_is_narrowed_to_the_owner(tmp_path: Path) -> None:
    shared = tmp_path / "export.json"
    shared.write_text("old")
    shared.chmod(0o644)
    write_private(shared, b"{}")
    assert mode(shared) == 0o600 and shared.read_bytes() == b"{}"


def test_an_export_from_the_terminal_is_private(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot.main", "chat", "--db", str(tmp_path / "t.sqlite3")],
                          input="/export\n", capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    [export] = (tmp_path / "tiptoe-files").glob("*/tiptoe-export-*.json")  # the runner's own folder
    assert mode(export) == 0o600 and mode(export.parent) == 0o700
    assert mode(tmp_path / "t.sqlite3") == 0o600
