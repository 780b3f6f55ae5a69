"""The shared pace on PostgreSQL: processes on one database send as one, replies first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest_asyncio

from bot.reminders.shared_limiter import BATCH, HEADROOM_S, LATE_SLOT_S, SharedPacer, bucket_name
from bot.storage.database import make_session_factory
from tests.storage.backends import DatabaseUnderTest, open_database

RATE = 40.0


@pytest_asyncio.fixture
async def postgres(tmp_path: Path) -> AsyncIterator[DatabaseUnderTest]:
    async with open_database("postgres", tmp_path) as database:
        yield database


@asynccontextmanager
async def pacers(database: DatabaseUnderTest, count: int) -> AsyncIterator[list[SharedPacer]]:
    """`count` pacers for one token, each on its own engine, as separate processes would be."""
    async with database.another_engine() as first, database.another_engine() as second:
        engines = [first, second][:count]
        yield [SharedPacer(make_session_factory(engine), bucket_name("telegram", "123:ABC"), RATE)
               for engine in engines]


async def test_two_processes_together_keep_one_pace(postgres: DatabaseUnderTest) -> None:
    async with pacers(postgres, 2) as pair:
        times: list[float] = []

        async def send(pacer: SharedPacer, chat: str) -> None:
            await pacer.acquire(chat)
            times.append(time.monotonic())

        await asyncio.gather(*(send(pair[n % 2], f"c{n}") for n in range(80)))
    times.sort()
    # 80 sends at 40/s: about two seconds, and no second-long window holds more than the rate allows
    # (a send may be up to LATE_SLOT_S behind its slot, by design; a later one gives its slot up).
    assert times[-1] - times[0] >= 79 / RATE * 0.95
    most_in_a_second = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert most_in_a_second <= RATE * (1 + LATE_SLOT_S) + 1


async def test_a_reply_in_a_burst_waits_only_for_what_is_already_reserved(postgres: DatabaseUnderTest) -> None:
    async with pacers(postgres, 2) as (burst, replies):
        reminders = [asyncio.create_task(burst.acquire(f"c{n}")) for n in range(120)]
        await asyncio.sleep(0.5)  # the burst is under way
        began = time.monotonic()
        await replies.acquire("runner", urgent=True)
        waited = time.monotonic() - began
        assert not all(task.done() for task in reminders)  # the reply did not wait for the burst to end
        await asyncio.gather(*reminders)
    assert waited <= HEADROOM_S + BATCH / RATE + 0.25  # the queue in front of it is short by design


def test_the_bucket_names_the_token_only_by_its_hash() -> None:
    name = bucket_name("telegram", "123456:secret-token")
    assert name.startswith("telegram:") and "secret" not in name and "123456" not in name
    assert name != bucket_name("telegram", "654321:other-token")
