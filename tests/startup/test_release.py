"""The Procfile's release step migrates the database before any process of the new release starts."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.storage.database import alembic_config

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if ":" in line)


def test_the_release_step_brings_a_new_database_to_head(tmp_path: Path) -> None:
    steps = {name.strip(): command.strip() for name, command in procfile().items()}
    assert steps["release"].startswith("tiptoe ")
    arguments = shlex.split(steps["release"])[1:]  # run it as the `tiptoe` script would
    database = tmp_path / "release.sqlite3"
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "DATABASE_URL": f"sqlite:///{database}"}  # a host's sync spelling works too
    done = subprocess.run([sys.executable, "-m", "bot.main", *arguments], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    with sqlite3.connect(database) as connection:
        [(version,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert steps["worker"] == "tiptoe run"
