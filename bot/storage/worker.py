"""Where the runner store's unit of work runs: one hand-off per load or save.

The store's work is plain synchronous SQLAlchemy on a `Session` (repository.py), run as
one piece:
- SQLite: in a few threads of the store's own, on the sqlite3 driver itself. aiosqlite hands
  every cursor call (open, execute, fetch, close, commit, rollback) to its thread one at a
  time: 20 hand-offs a check-in, most of its storage CPU. Here a load is one hand-off and a
  save another. Loads run side by side (each thread waits for the GIL on its own while the
  event loop is busy); saves take turns, as SQLite's one writer would make them anyway, so
  no thread busy-waits on the file lock and a read-then-write never meets a newer snapshot.
- PostgreSQL: `AsyncSession.run_sync` on asyncpg, whose round trips are the cost there.
Reads run outside a transaction (each statement on its own), writes in one.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.storage.database import single_statements, sqlite_worker_engine

T = TypeVar("T")
SQLITE_THREADS = 4  # loads at once; a 2-core machine gains nothing from more


class UnitsOfWork:
    """Runs `work(session, *args)` reading (`read`) or in one transaction (`write`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        self._engine: Engine | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._writing = threading.Lock()
        if bind is not None and bind.dialect.name == "sqlite":
            self._engine = sqlite_worker_engine(bind, connections=SQLITE_THREADS)
            self._thread = ThreadPoolExecutor(SQLITE_THREADS, thread_name_prefix="tiptoe-sqlite")

    async def read(self, work: Callable[..., T], *args: object) -> T:
        if self._thread is not None:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._in_thread, False, work, args)
        async with single_statements(self._sessions) as db:
            return await db.run_sync(work, *args)

    async def write(self, work: Callable[..., T], *args: object) -> T:
        if self._thread is not None:
            return await asyncio.get_running_loop().run_in_executor(self._thread, self._in_thread, True, work, args)
        async with self._sessions.begin() as db:
            return await db.run_sync(work, *args)

    def _in_thread(self, transaction: bool, work: Callable[..., T], args: tuple[object, ...]) -> T:
        with Session(self._engine, expire_on_commit=False) as db:
            if not transaction:
                return work(db, *args)
            with self._writing, db.begin():
                return work(db, *args)

    def close(self) -> None:
        """Let the threads go and close their connections."""
        if self._thread is not None and self._engine is not None:
            self._thread.shutdown()
            self._engine.dispose()
