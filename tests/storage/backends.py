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
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.ports import Clock

from bot.main import App, open_app
from bot.storage.database import application_name, make_engine, make_session_factory, sqlite_url, upgrade_head

BACKENDS = ("sqlite", "postgres")
POSTGRES_URL = os.environ.get(
    "TIPTOE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
# Connections per engine in tests. PostgreSQL allows 100 in all, shared by both xdist workers,
# every engine a test opens and the processes it starts: uncapped pools (15 each) ran out.
POOL_SIZE = 4
DROP_LOCK_TIMEOUT = "20s"  # a teardown that cannot get its locks fails; it never waits forever


@dataclass(frozen=True)
class DatabaseUnderTest:
    backend: str
    url: str
    schema: str | None
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]

    def open_app(self, clock: Clock, **options: Any) -> AbstractAsyncContextManager[App]:
        """The real composition root on this database (migrating it), with the tests' pool cap."""
        return open_app(self.url, clock, schema=self.schema, pool_size=POOL_SIZE, **options)

    @asynccontextmanager
    async def another_engine(self) -> AsyncIterator[AsyncEngine]:
        """A second, independent engine on the same database (as another process would have)."""
        engine = make_engine(self.url, self.schema, pool_size=POOL_SIZE)
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
    engine = make_engine(url, schema, pool_size=POOL_SIZE)
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
    admin = make_engine(POSTGRES_URL, statement_timeout=120, pool_size=1)  # DDL may wait on a busy neighbour
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
            await _drop_schema(admin, schema)
    finally:
        await admin.dispose()


async def _drop_schema(admin: AsyncEngine, schema: str) -> None:
    """Drop the test's schema, first ending any connection still working in it.

    By now the test's own engines are disposed, so a connection named for this schema belongs
    to something the test left behind (a child process that hung, a task never awaited).
    Waiting for its locks is how a suite hangs, so it is ended; the drop's own wait is bounded.
    """
    async with admin.begin() as connection:
        await connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE application_name = :name AND pid <> pg_backend_pid()"),
            {"name": application_name(schema)})
        await connection.execute(text(f"SET LOCAL lock_timeout = '{DROP_LOCK_TIMEOUT}'"))
        try:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        except DBAPIError as error:
            raise RuntimeError(f"could not drop test schema {schema} within {DROP_LOCK_TIMEOUT}") from error
