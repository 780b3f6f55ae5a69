"""Fixtures for tests that run several real `tiptoe` processes on one PostgreSQL schema."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.deployment.processes import tiptoe  # noqa: F401  (the fixture)
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest, open_database


@pytest_asyncio.fixture
async def empty_postgres(tmp_path: Path) -> AsyncIterator[DatabaseUnderTest]:
    """A PostgreSQL schema with no tables: the processes under test migrate it."""
    async with open_database("postgres", tmp_path, migrate=False) as database:
        yield database


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
