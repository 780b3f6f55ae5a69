"""Real databases for tests, reusable by any test package.

`open_database("sqlite" | "postgres", tmp_path)` yields a `DatabaseUnderTest`:
a SQLite file in `tmp_path`, or a fresh schema in the local PostgreSQL
(`tiptoe_test_<pid>_<hex>`, dropped with CASCADE afterwards), migrated to head
unless `migrate=False`. PostgreSQL being unreachable is an error, never a skip:
CI starts it, and a storage suite that quietly ran on SQLite alone would hide bugs.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.database import make_engine, make_session_factory, sqlite_url, upgrade_head

BACKENDS = ("sqlite", "postgres")
POSTGRES_URL = os.environ.get(
    "TIPTOE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class DatabaseUnderTest:
    backend: str
    url: str
    schema: str | None
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]

    @asynccontextmanager
    async def another_engine(self) -> AsyncIterator[AsyncEngine]:
        """A second, independent engine on the same database (as another process would have)."""
        engine = make_engine(self.url, self.schema)
        try:
            yield engine
        finally:
            await engine.dispose()


@asynccontextmanager
async def open_database(
    backend: str, tmp_path: Path, *, migrate: bool = True
) -> AsyncIterator[DatabaseUnderTest]:
    if backend == "sqlite":
        async with _sqlite_database(tmp_path) as (url, schema):
            async with _database_under_test(backend, url, schema, migrate) as database:
                yield database
    elif backend == "postgres":
        async with _postgres_schema() as (url, schema):
            async with _database_under_test(backend, url, schema, migrate) as database:
                yield database
    else:
        raise ValueError(f"unknown backend {backend!r}; choose from {BACKENDS}")


@asynccontextmanager
async def _database_under_test(
    backend: str, url: str, schema: str | None, migrate: bool
) -> AsyncIterator[DatabaseUnderTest]:
    engine = make_engine(url, schema)
    try:
        if migrate:
            await upgrade_head(engine)
        yield DatabaseUnderTest(backend, url, schema, engine, make_session_factory(engine))
    finally:
        await engine.dispose()


@asynccontextmanager
async def _sqlite_database(tmp_path: Path) -> AsyncIterator[tuple[str, None]]:
    # A folder that does not exist yet: make_engine must create it.
    yield sqlite_url(tmp_path / "db" / "tiptoe.sqlite3"), None


@asynccontextmanager
async def _postgres_schema() -> AsyncIterator[tuple[str, str]]:
    schema = f"tiptoe_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL, statement_timeout=120)  # schema DDL may wait on a busy neighbour
    try:
        try:
            async with admin.begin() as connection:
                await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OSError as error:
            raise RuntimeError(
                f"PostgreSQL is not reachable at {POSTGRES_URL}: start it (CI does)"
            ) from error
        try:
            yield POSTGRES_URL, schema
        finally:
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        await admin.dispose()
