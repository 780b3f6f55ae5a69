"""What several processes serving one bot on one database agree on, through PostgreSQL locks.

- `held_alone(name)`: a session-level advisory lock for a role only one process may
  have at a time (the Telegram poller). The others wait and take over within seconds
  when the holder dies: its connection closes and PostgreSQL releases the lock.
- `one_at_a_time(name)`: a transaction-level advisory lock around a short check-and-do
  (registering the webhook once per deployment).

Locks are per schema (two deployments in one database don't block each other). On
SQLite there is one process by design, so both simply go ahead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

RETRY_EVERY_S = 1.0  # a waiting process tries for the lock this often
CHECK_EVERY_S = 5.0  # the holder checks its connection (and so its lock) this often
_KEY = "hashtextextended('tiptoe:' || :name || ':' || current_schema(), 0)"


@dataclass
class Hold:
    """A role held alone; `lost` is set if the connection that holds the lock dies."""

    name: str
    lost: asyncio.Event = field(default_factory=asyncio.Event)


@asynccontextmanager
async def held_alone(engine: AsyncEngine, name: str, stop: asyncio.Event) -> AsyncIterator[Hold | None]:
    """Wait until this process alone holds `name` (or `stop` is set: then yields None)."""
    if engine.dialect.name != "postgresql":
        yield Hold(name)
        return
    async with engine.connect() as connection:
        try:
            if not await _wait_for_lock(connection, name, stop):
                yield None
                return
            hold = Hold(name)
            watch = asyncio.create_task(_watch(connection, hold))
            try:
                yield hold
            finally:
                watch.cancel()
                with suppress(asyncio.CancelledError):
                    await watch
        finally:
            # Closing the connection (not returning it to the pool) is what surely releases the lock.
            await connection.invalidate()


async def _wait_for_lock(connection: AsyncConnection, name: str, stop: asyncio.Event) -> bool:
    announced = False
    while not stop.is_set():
        got = await connection.scalar(text(f"SELECT pg_try_advisory_lock({_KEY})"), {"name": name})
        await connection.commit()  # end the implicit transaction; the session-level lock stays
        if got:
            return True
        if not announced:
            log.info("another process holds %s; waiting to take over", name)
            announced = True
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RETRY_EVERY_S)
    return False


async def _watch(connection: AsyncConnection, hold: Hold) -> None:
    while True:
        await asyncio.sleep(CHECK_EVERY_S)
        try:
            await connection.scalar(text("SELECT 1"))
            await connection.commit()
        except Exception:  # the connection is gone, and the lock with it
            log.warning("lost the database connection holding %s", hold.name)
            hold.lost.set()
            return


@asynccontextmanager
async def one_at_a_time(engine: AsyncEngine, name: str) -> AsyncIterator[AsyncConnection]:
    """A transaction no other process runs for `name` at the same time; committed on success."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Waiting for the holder may take longer than a statement may: lift the limit here only.
            await connection.execute(text("SET LOCAL statement_timeout = '60s'"))
            await connection.execute(text(f"SELECT pg_advisory_xact_lock({_KEY})"), {"name": name})
        yield connection
