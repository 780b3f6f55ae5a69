"""Where the runner store's unit of work runs: one hand-off per load or save.

The store's work is plain synchronous SQLAlchemy on a `Session` (repository.py), run as
one piece:
- SQLite: in one thread of the store's own, on the sqlite3 driver itself. aiosqlite hands
  every cursor call (open, execute, fetch, close, commit, rollback) to its thread one at a
  time: 20 hand-offs a check-in, most of its storage CPU. Here a load is one hand-off and a
  save another, and the saves of this process take turns in that thread as SQLite's one
  writer would make them anyway (no thread waits on the file lock).
- PostgreSQL: `AsyncSession.run_sync` on asyncpg, whose round trips are the cost there.
Reads run outside a transaction (each statement on its own), writes in one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.storage.database import single_statements, sqlite_worker_engine

P = ParamSpec("P")
T = TypeVar("T")


class UnitsOfWork:
    """Runs `work(session, *args)` reading (`read`) or in one transaction (`write`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        self._engine: Engine | None = None
        self._thread: ThreadPoolExecutor | None = None
        if bind is not None and bind.dialect.name == "sqlite":
            self._engine = sqlite_worker_engine(bind)
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="tiptoe-sqlite")

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
            with db.begin():
                return work(db, *args)

    def close(self) -> None:
        """Let the thread go and close its connection (the engine's own pool is disposed elsewhere)."""
        if self._thread is not None and self._engine is not None:
            self._thread.submit(self._engine.dispose).result()
            self._thread.shutdown()
