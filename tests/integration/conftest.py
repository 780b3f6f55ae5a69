"""The whole coach on a real database: a SQLite file and a PostgreSQL schema per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.main import App, open_app
from tests.storage.backends import BACKENDS, open_database

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # a Monday, 06:00 in London


@pytest_asyncio.fixture(params=BACKENDS)
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[App]:
    """The real composition root on a fresh database, with a clock the test moves."""
    async with open_database(request.param, tmp_path, migrate=False) as database:
        async with open_app(database.url, ManualClock(START), schema=database.schema) as opened:
            yield opened
