"""Run the real `tiptoe chat` console program with piped input, on SQLite or PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.children import project_env
from tests.storage.backends import BACKENDS, POOL_SIZE, open_database

TIMEOUT_S = 120


@dataclass(frozen=True)
class ChatProgram:
    """How to start `tiptoe chat` on one database; each `run` is a new process."""

    args: tuple[str, ...]
    env: dict[str, str]
    files_dir: Path
    cwd: Path

    def run(self, lines: list[str], now: str | None = "2026-11-30 06:00") -> list[tuple[str, str]]:
        """Feed the lines; return (input, what the coach printed after it) pairs, plus ("", banner).

        `now=None` runs on the real clock (no --now).
        """
        clock = ("--now", now) if now else ()
        done = subprocess.run(
            [sys.executable, "-m", "bot.main", "chat", *self.args, *clock],
            input="\n".join(lines) + "\n", capture_output=True, text=True, env=self.env, cwd=self.cwd,
            timeout=TIMEOUT_S,
        )
        assert done.returncode == 0, done.stderr
        return split_transcript(done.stdout)


def split_transcript(output: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, str]] = [("", "")]
    for line in output.splitlines():
        if line.startswith("> "):
            steps.append((line[2:], ""))
        else:
            said, text = steps[-1]
            steps[-1] = (said, text + line + "\n")
    return steps


@pytest_asyncio.fixture(params=BACKENDS)
async def program(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ChatProgram]:
    env = project_env(DATABASE_POOL_SIZE=str(POOL_SIZE))
    async with open_database(request.param, tmp_path, migrate=False) as database:
        if database.schema is None:
            path = tmp_path / "chat" / "tiptoe.sqlite3"
            yield ChatProgram(("--db", str(path)), env, path.parent / "tiptoe-files", tmp_path)
        else:
            env.update(DATABASE_URL=database.url, DATABASE_SCHEMA=database.schema)
            # With no database file, pictures and exports land in ./tiptoe-files.
            yield ChatProgram((), env, tmp_path / "tiptoe-files", tmp_path)
