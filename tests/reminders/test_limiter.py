"""The rate limiter never lets sends closer together than the platform allows."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.reminders.limiter import CLOSEST_SHARE, RateLimiter


async def send_times(limiter: RateLimiter, chats: list[str]) -> list[tuple[str, float]]:
    sent: list[tuple[str, float]] = []

    async def one(chat: str) -> None:
        await limiter.acquire(chat)
        sent.append((chat, time.monotonic()))

    await asyncio.gather(*(one(chat) for chat in chats))
    return sent


def spacing(sent: list[tuple[str, float]]) -> tuple[list[float], list[float]]:
    """The send times in order, and the gaps between neighbours."""
    times = sorted(t for _, t in sent)
    return times, [b - a for a, b in zip(times, times[1:])]


@pytest.mark.parametrize("rate", [50.0, 200.0], ids=["50/s", "200/s"])
async def test_sends_keep_the_rate_and_never_come_closer_than_half_a_gap(rate: float) -> None:
    times, gaps = spacing(await send_times(RateLimiter(rate), [f"c{n}" for n in range(25)]))
    assert min(gaps) >= CLOSEST_SHARE / rate * 0.95  # a little slack for the clock's resolution only
    assert times[-1] - times[0] >= 24 / rate * 0.95  # never faster than the rate


async def test_a_busy_event_loop_does_not_slow_the_pace() -> None:
    """The loop is held 6 ms of every 8 (check-ins' turns), so wakeups come late: the pace holds anyway."""
    rate, count = 50.0, 40
    hogging = True

    async def busy_loop() -> None:
        while hogging:
            time.sleep(0.006)  # blocks the loop, as a synchronous unit of work does
            await asyncio.sleep(0.002)

    hog = asyncio.create_task(busy_loop())
    try:
        sent = await send_times(RateLimiter(rate), [f"c{n}" for n in range(count)])
    finally:
        hogging = False
        await hog
    times, gaps = spacing(sent)
    # Spaced from each actual send instead, every gap also took its wakeup's lateness: 1.28x as long.
    assert times[-1] - times[0] <= (count - 1) / rate * 1.12
    assert min(gaps) >= CLOSEST_SHARE / rate * 0.95


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


async def test_a_reply_waits_behind_at_most_one_reminder() -> None:
    """Twenty reminders queue first; a reply asked for a moment later still goes out second or third."""
    limiter = RateLimiter(rate=50.0)
    order: list[str] = []

    async def send(name: str, urgent: bool) -> None:
        await limiter.acquire(name, urgent=urgent)
        order.append(name)

    reminders = [asyncio.create_task(send(f"reminder{n}", False)) for n in range(20)]
    await asyncio.sleep(0.001)  # they are all queued before the reply arrives
    await send("reply", True)
    await asyncio.gather(*reminders)
    assert order.index("reply") <= 2


async def test_a_chat_gets_a_short_burst_then_one_message_per_gap() -> None:
    limiter = RateLimiter(rate=1000.0, per_chat_gap=0.2, per_chat_burst=3)
    sent = await send_times(limiter, ["busy"] * 5)
    times = sorted(t for _, t in sent)
    assert times[2] - times[0] < 0.05  # the burst: three at once
    assert times[3] - times[0] >= 0.19 and times[4] - times[3] >= 0.19  # then one per gap


async def test_replies_are_not_held_to_the_per_chat_pace() -> None:
    """A reply answers the runner's own tap; only reminders wait for the chat's gap."""
    limiter = RateLimiter(rate=1000.0, per_chat_gap=5.0)
    began = time.monotonic()
    await limiter.acquire("chat")
    for _ in range(3):
        await limiter.acquire("chat", urgent=True)
    assert time.monotonic() - began < 1.0
