"""SQLite specifics: how every connection is set up, and the store's units of work on the loop's thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.reminders.dispatcher import BACKLOG_ON_LOOP
from bot.storage.database import make_engine, sqlite_url, sqlite_worker_engine
from bot.storage.repository import SqlRunnerStore
from bot.storage.tables import AppMetaRow, ReminderRow
from bot.storage.worker import UnitsOfWork
from core.model import Runner, Snapshot
from tests.reminders.conftest import START, RecordingDelivery, add_runners, make_dispatcher, runner_snapshot
from tests.storage.backends import DatabaseUnderTest, open_database

SYNCHRONOUS_NORMAL = 1  # PRAGMA synchronous answers a number: 0 OFF, 1 NORMAL, 2 FULL
HELD_S = 0.3  # how long another transaction keeps the file locked
RUNNER = Runner(key="telegram:42", platform="telegram", chat_id="42", name="Ana",
                created_at=datetime(2026, 12, 1, 6, 0, tzinfo=UTC))


async def test_connections_use_wal_normal_sync_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "tiptoe.sqlite3"), statement_timeout=3)
    worker = sqlite_worker_engine(engine, connections=1, statement_timeout=3)
    pragmas = "SELECT * FROM pragma_journal_mode, pragma_synchronous, pragma_foreign_keys, pragma_busy_timeout"
    try:
        async with engine.connect() as connection:
            from_loop = tuple((await connection.execute(text(pragmas))).one())
        with worker.connect() as connection:
            from_thread = tuple(connection.execute(text(pragmas)).one())
    finally:
        worker.dispose()
        await engine.dispose()
    # WAL: readers never block the writer; NORMAL: no fsync per commit (a killed process loses
    # nothing committed); foreign keys enforced; a locked file waits up to the statement timeout.
    assert from_loop == from_thread == ("wal", SYNCHRONOUS_NORMAL, 1, 3000)


@asynccontextmanager
async def a_saved_runner(tmp_path: Path) -> AsyncIterator[tuple[DatabaseUnderTest, SqlRunnerStore, Snapshot]]:
    """A SQLite database holding one runner, a store, and the runner as loaded."""
    async with open_database("sqlite", tmp_path) as database:
        store = SqlRunnerStore(database.session_factory)
        try:
            await store.save(None, Snapshot(RUNNER))
            loaded = await store.load(RUNNER.key)
            assert loaded is not None
            yield database, store, loaded
        finally:
            store.close()


def renamed(snapshot: Snapshot) -> Snapshot:
    return replace(snapshot, runner=replace(snapshot.runner, name="Bea"))


async def test_a_save_meeting_a_lock_held_by_this_loops_own_transaction_waits_for_it_and_lands(
        tmp_path: Path) -> None:
    """The store's units run on the loop's thread; one that met a locked file must not wait there:
    the lock's holder here is an aiosqlite transaction that needs this very loop to commit."""
    async with a_saved_runner(tmp_path) as (database, store, before):
        async with database.session_factory.begin() as other:
            await other.execute(insert(AppMetaRow).values(name="held", value="by another transaction"))
            save = asyncio.create_task(store.save(before, renamed(before)))
            began = time.monotonic()
            await asyncio.sleep(HELD_S)  # the loop is free: this sleep ends on time
            assert time.monotonic() - began < HELD_S + 0.2
            assert not save.done(), "the save waits for the lock"
        assert await asyncio.wait_for(save, 10) == before.version + 1
        loaded = await SqlRunnerStore(database.session_factory).load(RUNNER.key)
        assert loaded is not None and loaded.runner.name == "Bea"


@contextmanager
def statement_threads(table: str = "") -> Iterator[set[int]]:
    """The threads that ran any SQL statement meanwhile (every engine's), or any naming `table`."""
    threads: set[int] = set()

    def seen(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if table in statement:
            threads.add(threading.get_ident())

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield threads
    finally:
        event.remove(Engine, "before_cursor_execute", seen)


async def test_a_check_ins_units_run_on_the_loops_thread_and_a_cold_load_in_the_stores(tmp_path: Path) -> None:
    async with a_saved_runner(tmp_path) as (database, _, _):
        store = SqlRunnerStore(database.session_factory)  # another process: it has not seen this runner
        try:
            with statement_threads() as threads:
                before = await store.load(RUNNER.key)  # read from its rows: several ms, kept off the loop
            assert before is not None and threads and threading.get_ident() not in threads
            with statement_threads() as threads:
                await store.save(before, renamed(before))  # a check-in's save: no reminders replanned
                assert await store.load(RUNNER.key) is not None  # the kept snapshot's version check
            assert threads == {threading.get_ident()}
        finally:
            store.close()


async def test_a_save_behind_a_transaction_in_the_stores_threads_waits_on_the_loop_and_runs_there(
        tmp_path: Path) -> None:
    """A heavy save (one that replans reminders) runs in the store's threads holding the writer; a
    check-in's save that meets it waits for it on the loop, then runs on the loop's thread."""
    async with a_saved_runner(tmp_path) as (database, _, _):
        units = UnitsOfWork(database.session_factory)
        started, release = threading.Event(), threading.Event()
        ran_on: list[int] = []

        def heavy(db: Session) -> None:
            db.execute(insert(AppMetaRow).values(name="heavy", value="replanned"))
            started.set()
            release.wait(10)

        def light(db: Session) -> None:
            db.execute(insert(AppMetaRow).values(name="light", value="checked in"))
            ran_on.append(threading.get_ident())

        try:
            heavy_save = asyncio.create_task(units.write(heavy, heavy=True))
            assert await asyncio.to_thread(started.wait, 10)
            light_save = asyncio.create_task(units.write(light))
            await asyncio.sleep(HELD_S)
            assert not light_save.done(), "it waits for the writer"
            release.set()
            await asyncio.wait_for(asyncio.gather(heavy_save, light_save), 10)
            assert ran_on == [threading.get_ident()]
            async with database.session_factory() as db:
                names = set((await db.scalars(text("SELECT name FROM app_meta"))).all())
            assert {"heavy", "light"} <= names
        finally:
            release.set()
            units.close()


async def test_reminder_and_timer_passes_run_on_the_loops_thread_and_a_long_backlog_in_the_stores(
        tmp_path: Path) -> None:
    """A pass four times a second costs its statements only; a backlog after a long downtime,
    whose count and claim take tens of milliseconds, is kept off the loop."""
    async with open_database("sqlite", tmp_path) as database, database.open_app(ManualClock(START)) as app:
        await add_runners(app, [runner_snapshot("ann")])
        dispatcher = make_dispatcher(app, RecordingDelivery(app.clock, blocked=asyncio.Event()), rate=10)
        with statement_threads() as threads:
            assert await dispatcher.tick() == 0
            assert await dispatcher.timers.tick() == 0
        assert threads == {threading.get_ident()}
        now = app.clock.now()
        async with database.session_factory.begin() as db:  # more due than a tick sorts on the loop
            await db.execute(insert(ReminderRow), [
                {"runner_key": "telegram:ann", "platform": "telegram", "chat_id": "ann", "kind": "session",
                 "local_date": START.date() - timedelta(days=n + 1), "due_at": now - timedelta(minutes=1),
                 "expires_at": now + timedelta(hours=1), "status": "pending"} for n in range(BACKLOG_ON_LOOP + 1)])
        with statement_threads("reminders") as threads:  # the tick's (the deliveries it starts load runners)
            assert await dispatcher.tick() > 0  # counted on the loop, then claimed in a thread
        assert threading.get_ident() in threads and len(threads) == 2
        with statement_threads("reminders") as threads:
            assert await dispatcher.tick() > 0  # the backlog is known now: counted and claimed in a thread
        assert threads and threading.get_ident() not in threads
        for task in list(dispatcher._in_flight):  # the deliveries hang: let them go
            task.cancel()
        await dispatcher.drain()
