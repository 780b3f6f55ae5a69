"""The rate limiter never lets sends closer together than the platform allows."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.reminders.limiter import RateLimiter


async def send_times(limiter: RateLimiter, chats: list[str]) -> list[tuple[str, float]]:
    sent: list[tuple[str, float]] = []

    async def one(chat: str) -> None:
        await limiter.acquire(chat)
        sent.append((chat, time.monotonic()))

    await asyncio.gather(*(one(chat) for chat in chats))
    return sent


@pytest.mark.parametrize("rate", [50.0, 200.0], ids=["50/s", "200/s"])
async def test_sends_are_spaced_by_at_least_one_over_the_rate(rate: float) -> None:
    sent = await send_times(RateLimiter(rate), [f"c{n}" for n in range(25)])
    times = sorted(t for _, t in sent)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1 / rate * 0.95  # a little slack for the clock's resolution only


async def test_one_chat_waits_its_own_gap_without_holding_up_others() -> None:
    limiter = RateLimiter(rate=1000.0, per_chat_gap=0.2)
    sent = await send_times(limiter, ["busy", "busy", "quiet"])
    busy = [t for chat, t in sent if chat == "busy"]
    quiet = next(t for chat, t in sent if chat == "quiet")
    assert busy[1] - busy[0] >= 0.19
    assert quiet < busy[1]  # the quiet chat went out while the busy one waited


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
