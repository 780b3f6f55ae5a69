"""Where the runner store's unit of work runs: one hand-off per load or save, or none.

The store's work is plain synchronous SQLAlchemy on a `Session` (repository.py), run as
one piece:
- SQLite: on the event loop's thread itself, on a connection of its own that never waits
  for a lock (busy timeout 0). A check-in's load and save take a fraction of a millisecond
  there; handing them to a thread cost more than the work (measured: the loop and the
  threads passing the GIL back and forth doubled a press's CPU with 10 chats pressing).
  When the file is locked (another connection's transaction holds it, perhaps one of this
  loop's own aiosqlite sessions, which needs the loop to finish) the unit is rolled back and
  run again in a few threads of the store's own, which wait for the lock with the full busy
  timeout. Saves take turns (a thread lock), as SQLite's one writer would make them anyway.
  A heavy unit (a whole snapshot read from its rows, a save that replans reminders: several
  milliseconds each) goes to those threads straight away: on the loop it held up everything
  else, and a reminder burst, which loads each runner cold, fell behind its pace (measured:
  23 of 27 sends a second, the last ones 3 s late). A unit that finds one of those threads'
  transactions holding the writer waits for it on the loop and then runs there; it goes to a
  thread only if the writer is taken again by then.
- PostgreSQL: the whole unit in one greenlet on the engine's sync face (asyncpg below): a
  connection from the pool, the statements, and its return, with one switch into the greenlet
  and one per round trip. An AsyncSession spent three greenlet switches and its own
  bookkeeping around each unit: more CPU than the statements (measured: a cached load's
  version check 0.48 ms of CPU that way, 0.28 ms this way).
Reads run outside a transaction (each statement commits on its own: no BEGIN or COMMIT round
trips), writes in one. `statements` is for writes that are each one atomic statement (the
reminder dispatcher's claim): PostgreSQL runs them as reads are run, SQLite in a transaction,
which its driver needs to keep a write.

One UnitsOfWork serves a process (bot/main.py makes it): the store, the reminder dispatcher
and the timer driver share its connections. The dispatcher and timers once opened an
AsyncSession per statement: an idle process spent 36 ms of CPU a second on its timer and
reminder passes (measured; 8 ms before timers existed).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

from bot.storage.database import autocommit, sqlite_worker_engine
from bot.storage.faults import is_busy

T = TypeVar("T")
SQLITE_THREADS = 4  # units waiting for a lock at once; a 2-core machine gains nothing from more
_LOCKED: object = object()  # what a unit tried on the loop's thread answers when the file was locked


class UnitsOfWork:
    """Runs `work(session, *args)` reading (`read`) or in one transaction (`write`)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        bind = sessions.kw["bind"]
        self._thread: ThreadPoolExecutor | None = None
        self._writing = threading.Lock()
        self._own: tuple[Engine, ...] = ()  # engines the store made itself, disposed of at close
        self._thread_writes: set[asyncio.Future[Any]] = set()  # transactions under way in the threads
        if bind.dialect.name == "sqlite":
            self._at_once = sqlite_worker_engine(bind, connections=1, statement_timeout=0)
            self._engine = sqlite_worker_engine(bind, connections=SQLITE_THREADS)
            self._thread = ThreadPoolExecutor(SQLITE_THREADS, thread_name_prefix="tiptoe-sqlite")
            self._own = (self._at_once, self._engine)
        else:  # the async engine's own pool, seen synchronously from inside a greenlet
            self._engine = bind.sync_engine
            self._at_once = autocommit(sessions)  # for reads

    async def read(self, work: Callable[..., T], *args: object, heavy: bool = False) -> T:
        return await self._run(False, work, args, heavy)

    async def write(self, work: Callable[..., T], *args: object, heavy: bool = False) -> T:
        return await self._run(True, work, args, heavy)

    async def statements(self, work: Callable[..., T], *args: object, heavy: bool = False) -> T:
        """Statements each atomic on its own, writes included: committed as they run (see above)."""
        return await self._run(self._thread is not None, work, args, heavy)

    async def _run(self, transaction: bool, work: Callable[..., T], args: tuple[object, ...], heavy: bool) -> T:
        if self._thread is None:
            return await greenlet_spawn(_unit, self._engine if transaction else self._at_once, transaction, work, args)
        if not heavy:
            result = self._at_once_or_locked(transaction, work, args)
            if result is _LOCKED and self._thread_writes:
                # A thread's transaction holds the writer (a save that replans, most often): wait here for
                # those under way, then try again on the loop. Queued in a thread behind them, each save
                # cost a hand-off and a wake-up (at 50 chats, 16 % of the bot's busy samples were in the threads).
                await asyncio.wait(set(self._thread_writes))
                result = self._at_once_or_locked(transaction, work, args)
            if result is not _LOCKED:
                return result  # type: ignore[return-value]
        running = asyncio.get_running_loop().run_in_executor(self._thread, self._in_thread, transaction, work, args)
        if transaction:
            self._thread_writes.add(running)
            running.add_done_callback(self._thread_writes.discard)
        return await running

    def _at_once_or_locked(self, transaction: bool, work: Callable[..., T], args: tuple[object, ...]) -> T | object:
        """The unit on the loop's thread, or _LOCKED (nothing done) if it would have to wait for a lock."""
        if transaction and not self._writing.acquire(blocking=False):
            return _LOCKED  # a thread's save is under way: queue behind it there
        try:
            return _unit(self._at_once, transaction, work, args)
        except OperationalError as error:
            if is_busy(error):  # rolled back: nothing of it stays
                return _LOCKED
            raise
        finally:
            if transaction:
                self._writing.release()

    def _in_thread(self, transaction: bool, work: Callable[..., T], args: tuple[object, ...]) -> T:
        if not transaction:
            return _unit(self._engine, transaction, work, args)
        with self._writing:
            return _unit(self._engine, transaction, work, args)

    def close(self) -> None:
        """Let the threads go and close the connections the store opened itself."""
        if self._thread is not None:
            self._thread.shutdown()
        for engine in self._own:
            engine.dispose()


def _unit(engine: Engine, transaction: bool, work: Callable[..., T], args: tuple[object, ...]) -> T:
    """`work` on a Session of its own: in one transaction, or each statement on its own."""
    with Session(engine, expire_on_commit=False) as db:
        if not transaction:
            return work(db, *args)
        with db.begin():
            return work(db, *args)


# One Core statement as a whole unit (`units.read(scalar, STATEMENT, params)`): the dispatcher's,
# the timers' and the store's one-statement reads and writes.
def scalar(db: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> Any:
    return db.connection().scalar(statement, params or {})


def rows(db: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> list[Any]:
    return list(db.connection().execute(statement, params or {}).all())


def execute(db: Session, statement: Executable, params: Mapping[str, Any] | None = None) -> None:
    db.connection().execute(statement, params or {})
