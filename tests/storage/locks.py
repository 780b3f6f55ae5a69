"""Another connection holding a lock on the test's database, as a busy neighbour process would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiosqlite
import asyncpg
from sqlalchemy.engine import make_url

from tests.storage.backends import DatabaseUnderTest


@asynccontextmanager
async def table_locked(database: DatabaseUnderTest, table: str) -> AsyncIterator[None]:
    """PostgreSQL: `table` locked against everyone else; SQLite: the database's write lock held."""
    url = make_url(database.url)
    if database.backend == "postgres":
        connection = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database,
                                           server_settings={"search_path": database.schema or "public"})
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            await transaction.rollback()
            await connection.close()
    else:
        async with aiosqlite.connect(url.database) as connection:
            await connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                await connection.rollback()
