"""The shared pace on PostgreSQL: processes on one database send as one, replies first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest_asyncio
from sqlalchemy import text

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


async def next_slot(database: DatabaseUnderTest, pacer: SharedPacer) -> float:
    """Seconds from now to the row's next free slot (the database's clock)."""
    async with database.engine.connect() as connection:
        return float((await connection.execute(text(
            "SELECT extract(epoch FROM next_slot - clock_timestamp()) FROM send_pace WHERE bucket = :bucket"),
            {"bucket": pacer.bucket})).scalar_one())


async def test_a_reply_of_three_messages_reserves_its_slots_in_one_round_trip(postgres: DatabaseUnderTest) -> None:
    async with pacers(postgres, 1) as (pacer,):
        sent: list[float] = []
        began = time.monotonic()  # the first slot is taken mid round trip: before the first acquire returns
        await pacer.acquire("runner", urgent=True, together=3)
        sent.append(time.monotonic())
        reserved = await next_slot(postgres, pacer)  # three slots ahead of the first send
        for _ in range(2):  # the reply's edit and next question: slots kept for this chat
            await pacer.acquire("runner", urgent=True)
            sent.append(time.monotonic())
        later = await next_slot(postgres, pacer)
        await pacer.acquire("runner", urgent=True)  # the next reply: the row moves on again
        after_next_reply = await next_slot(postgres, pacer)
    elapsed = sent[-1] - began
    assert reserved >= 1.5 / RATE  # the row moved three slots on at the first message (two still ahead)
    assert later <= reserved  # the kept slots were used without touching the row
    assert after_next_reply > later - 0.01  # and a new reply reserved anew
    assert elapsed >= 2 / RATE * 0.9  # still one slot per message: the third two slots after the first


async def test_a_kept_slot_reached_too_late_is_given_up_for_a_new_one(postgres: DatabaseUnderTest) -> None:
    async with pacers(postgres, 1) as (pacer,):
        await pacer.acquire("runner", urgent=True, together=2)
        await asyncio.sleep(LATE_SLOT_S + 0.2)  # the reply's second message comes late
        before = await next_slot(postgres, pacer)
        await pacer.acquire("runner", urgent=True)
        assert await next_slot(postgres, pacer) > before  # it took a fresh slot from the row
