"""Fixtures: every storage test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.storage.repository import SqlRunnerStore
from tests.storage.backends import BACKENDS, DatabaseUnderTest, open_database


@pytest_asyncio.fixture(params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[DatabaseUnderTest]:
    """A database migrated to head, one per test."""
    async with open_database(request.param, tmp_path) as opened:
        yield opened


@pytest_asyncio.fixture(params=BACKENDS)
async def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[DatabaseUnderTest]:
    """A database with no tables at all, for migration tests."""
    async with open_database(request.param, tmp_path, migrate=False) as opened:
        yield opened


@pytest_asyncio.fixture
async def store(database: DatabaseUnderTest) -> SqlRunnerStore:
    return SqlRunnerStore(database.session_factory)
