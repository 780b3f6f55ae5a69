"""Fixtures shared by every test package that runs the whole coach on a real database."""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.main import App
from tests.storage.backends import BACKENDS, DatabaseUnderTest, open_database

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday, 06:00 in London
# Where SIGUSR1 writes a test process's stacks (.ci/run's watchdog sets it and prints the files).
STACK_DUMPS = Path(os.environ.get("TIPTOE_STACK_DUMPS", tempfile.gettempdir()))


def pytest_configure(config: pytest.Config) -> None:
    signal.signal(signal.SIGUSR1, dump_stacks)


def dump_stacks(signum: int, frame: FrameType | None) -> None:
    """Every thread's stack and every asyncio task's, to a file: what a hung test is waiting for.

    A file, because pytest captures this process's stderr and a killed run never shows it.
    """
    with (STACK_DUMPS / f"tiptoe-stacks-{os.getpid()}.txt").open("w") as out:
        faulthandler.dump_traceback(out, all_threads=True)
        try:
            tasks = asyncio.all_tasks()
        except RuntimeError:  # no event loop running in this thread right now
            tasks = set()
        for task in tasks:
            out.write(f"\n--- {task!r}\n")
            task.print_stack(file=out)


@pytest_asyncio.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DatabaseUnderTest]:
    """A SQLite file or a PostgreSQL schema of its own; open_app migrates it."""
    async with open_database(request.param, tmp_path, migrate=False) as opened:
        yield opened


@pytest_asyncio.fixture
async def app(database: DatabaseUnderTest) -> AsyncIterator[App]:
    """The real composition root on that database, with a clock the test moves."""
    async with database.open_app(ManualClock(START)) as opened:
        yield opened
