"""Several dispatcher processes on one PostgreSQL database: nothing doubled, nothing lost,
and a SIGKILL mid-burst costs at most the killed process's messages in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest_asyncio
from aiohttp import web
from sqlalchemy import insert

from bot.clock import ManualClock
from bot.main import open_app
from bot.reminders.queries import status_counts
from bot.storage.mapping import runner_columns
from bot.storage.tables import ReminderRow, RunnerRow
from core.model import Runner, Schedule
from tests.storage.backends import DatabaseUnderTest, open_database

ROOT = Path(__file__).resolve().parents[2]
IN_FLIGHT = 32  # tests/reminders/worker.py's max_in_flight: the documented double-send window


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
    async with open_app(database.url, ManualClock(now), schema=database.schema) as app:
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


def start_worker(database: DatabaseUnderTest, url: str, name: str, lease: float = 120.0) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reminders.worker", database.url, database.schema or "", url, name, str(lease)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_all(processes: list[subprocess.Popen], timeout: float = 180) -> None:
    for process in processes:
        returncode = await asyncio.to_thread(process.wait, timeout)
        assert returncode == 0, process.stderr.read().decode()[-3000:] if process.stderr else returncode


async def test_three_processes_deliver_5000_nudges_exactly_once(postgres: DatabaseUnderTest,
                                                                endpoint: tuple[CountingEndpoint, str]) -> None:
    counting, url = endpoint
    await seed_due_nudges(postgres, 5000)
    workers = [start_worker(postgres, url, f"w{n}") for n in range(3)]
    await wait_all(workers)
    assert len(counting.counts) == 5000  # nothing lost
    assert max(counting.counts.values()) == 1  # nothing doubled
    assert await status_counts(postgres.session_factory) == {"sent": 5000}


async def test_a_worker_killed_mid_burst_loses_nothing(postgres: DatabaseUnderTest,
                                                       endpoint: tuple[CountingEndpoint, str]) -> None:
    counting, url = endpoint
    await seed_due_nudges(postgres, 3000)
    counting.wanted = 600
    victim = start_worker(postgres, url, "victim", lease=3.0)
    survivor = start_worker(postgres, url, "survivor", lease=3.0)
    await asyncio.wait_for(counting.arrived.wait(), 120)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    await wait_all([survivor])  # it takes over the victim's leased rows once the lease runs out
    assert len(counting.counts) == 3000  # nothing lost
    doubled = [chat for chat, n in counting.counts.items() if n > 1]
    assert len(doubled) <= IN_FLIGHT and max(counting.counts.values()) <= 2
    assert await status_counts(postgres.session_factory) == {"sent": 3000}
