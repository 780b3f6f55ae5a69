"""Fixtures shared by every test package that runs the whole coach on a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.main import App, open_app
from tests.storage.backends import BACKENDS, DatabaseUnderTest, open_database

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday, 06:00 in London


@pytest_asyncio.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DatabaseUnderTest]:
    """A SQLite file or a PostgreSQL schema of its own; open_app migrates it."""
    async with open_database(request.param, tmp_path, migrate=False) as opened:
        yield opened


@pytest_asyncio.fixture
async def app(database: DatabaseUnderTest) -> AsyncIterator[App]:
    """The real composition root on that database, with a clock the test moves."""
    async with open_app(database.url, ManualClock(START), schema=database.schema) as opened:
        yield opened
