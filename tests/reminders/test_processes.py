"""Several dispatcher processes on one PostgreSQL database: nothing doubled, nothing lost,
and a SIGKILL mid-burst costs at most the killed process's messages in flight."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from sqlalchemy import insert

from bot.clock import ManualClock
from bot.reminders.queries import status_counts
from bot.storage.mapping import runner_columns
from bot.storage.tables import ReminderRow, RunnerRow
from core.model import Runner, Schedule
from tests.children import Child, Children, children
from tests.reminders.worker import DEADLINE_S, IN_FLIGHT
from tests.storage.backends import DatabaseUnderTest, open_database

# Generous for a machine whose cores are busy with other work: the workers give up on their own
# after tests/reminders/worker.py's DEADLINE_S, so this only bounds a worker that cannot even do that.
WORKERS_DONE_S = DEADLINE_S + 30
ARRIVED_S = 120


class CountingEndpoint:
    """Where the workers' deliveries land; counts messages per chat."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.arrived = asyncio.Event()
        self.wanted = 0

    async def deliver(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.counts[body["chat_id"]] += 1
        if sum(self.counts.values()) >= self.wanted:
            self.arrived.set()
        return web.Response(text="ok")


@pytest_asyncio.fixture
async def postgres(tmp_path: Path) -> AsyncIterator[DatabaseUnderTest]:
    async with open_database("postgres", tmp_path) as database:
        yield database


@pytest.fixture
def workers(postgres: DatabaseUnderTest, tmp_path: Path) -> Iterator[Children]:
    """Dispatcher processes for one test; any still running at the end are killed before the
    schema is dropped (this fixture is torn down before `postgres`)."""
    with children(tmp_path / "workers") as started:
        yield started


@pytest_asyncio.fixture
async def endpoint() -> AsyncIterator[tuple[CountingEndpoint, str]]:
    counting = CountingEndpoint()
    application = web.Application()
    application.router.add_post("/deliver", counting.deliver)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield counting, f"http://127.0.0.1:{port}/deliver"
    finally:
        await runner.cleanup()


async def seed_due_nudges(database: DatabaseUnderTest, count: int) -> None:
    """`count` onboarded runners whose pre-run nudge is due now (their run is 20 min away)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    run = now + timedelta(minutes=20)
    schedule = Schedule(run_days=frozenset({run.weekday()}), run_time=run.time(), timezone="UTC", lead_minutes=20,
                        sessions_target=1, strength_days=frozenset({run.weekday()}), offday_notes=False)
    # Plan the rows in bulk as the planner would, with the real runner and reminder columns.
    async with database.open_app(ManualClock(now)) as app:
        async with app.sessions.begin() as db:
            runners, reminders = [], []
            for n in range(count):
                runner = Runner(key=f"telegram:{n}", platform="telegram", chat_id=str(n), name=f"r{n}",
                                created_at=now - timedelta(days=1), onboarded=True, schedule=schedule)
                runners.append({**runner_columns(runner), "version": 1, "planned_until": now + timedelta(hours=36)})
                reminders.append({"runner_key": runner.key, "platform": "telegram", "kind": "session",
                                  "local_date": run.date(), "due_at": now, "expires_at": run,
                                  "status": "pending", "attempts": 0})
            for start in range(0, count, 1000):
                await db.execute(insert(RunnerRow), runners[start:start + 1000])
                await db.execute(insert(ReminderRow), reminders[start:start + 1000])


def start_worker(workers: Children, database: DatabaseUnderTest, url: str, name: str,
                 lease: float = 120.0) -> Child:
    return workers.python(name, ["-m", "tests.reminders.worker", database.url, database.schema or "", url, name,
                                 str(lease)])


async def wait_all(started: list[Child]) -> None:
    await asyncio.gather(*(child.succeeds(WORKERS_DONE_S) for child in started))


async def test_three_processes_deliver_2000_nudges_exactly_once(postgres: DatabaseUnderTest, workers: Children,
                                                                endpoint: tuple[CountingEndpoint, str]) -> None:
    counting, url = endpoint
    await seed_due_nudges(postgres, 2000)
    await wait_all([start_worker(workers, postgres, url, f"w{n}") for n in range(3)])
    assert len(counting.counts) == 2000  # nothing lost
    assert max(counting.counts.values()) == 1  # nothing doubled
    assert await status_counts(postgres.session_factory) == {"sent": 2000}


async def test_a_worker_killed_mid_burst_loses_nothing(postgres: DatabaseUnderTest, workers: Children,
                                                       endpoint: tuple[CountingEndpoint, str]) -> None:
    counting, url = endpoint
    await seed_due_nudges(postgres, 1500)
    counting.wanted = 300
    victim = start_worker(workers, postgres, url, "victim", lease=3.0)
    survivor = start_worker(workers, postgres, url, "survivor", lease=3.0)
    await asyncio.wait_for(counting.arrived.wait(), ARRIVED_S)
    victim.signal(signal.SIGKILL)
    assert await victim.wait(10) == -signal.SIGKILL
    await wait_all([survivor])  # it takes over the victim's leased rows once the lease runs out
    assert len(counting.counts) == 1500  # nothing lost
    doubled = [chat for chat, n in counting.counts.items() if n > 1]
    assert len(doubled) <= IN_FLIGHT and max(counting.counts.values()) <= 2
    assert await status_counts(postgres.session_factory) == {"sent": 1500}
