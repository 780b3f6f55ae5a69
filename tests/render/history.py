"""Six realistic weeks of training through the real engine, for the chart's tests and its sample.

Run as a script to draw the sample: `python -m tests.render.history OUT.png`.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from core.engine import Coach
from core.model import Snapshot, UserRef
from core.payloads import Signer
from core.programme import EXERCISES
from core.turn import Services
from tests.engine.fakes import MemoryStore, TinyCharts
from tests.engine.script import Chat, deliver_due, onboard, texts

JOINED = datetime(2026, 10, 19, 18, 0, tzinfo=UTC)  # a Monday evening in London
RUNNER = UserRef("terminal", "sam", "sam", "Sam")
# Pain after each exercise per session (calf, squat, split, hinge, bridge); None = a missed session.
# Week 3's sore split squat (4/10) drops it a level; week 4 misses a session.
PAINS: tuple[tuple[int, ...] | None, ...] = (
    (1, 0, 1, 0, 0), (0, 1, 2, 0, 0),  # Friday of the week they joined, then Monday ...
    (1, 0, 1, 1, 0), (0, 3, 1, 0, 0),
    (0, 1, 4, 0, 1), (0, 0, 2, 3, 0),
    (1, 2, 2, 0, 0), None,
    (0, 1, 1, 3, 2), (0, 0, 2, 1, 0),
    (1, 0, 3, 0, 0), (0, 0, 0, 0, 0),
)
MORNING_AT = (8, 30)  # local time of the next-morning check answer


async def six_weeks() -> tuple[Snapshot, date]:
    """A runner who joined on JOINED and trained Mondays and Fridays for six weeks; and "today"."""
    store, clock = MemoryStore(), ManualClock(JOINED)
    coach = Coach(store, clock, Services(signer=Signer(b"sample"), charts=TinyCharts()))
    chat = Chat(coach, RUNNER)
    await onboard(chat)  # runs Mon, Wed, Fri, Sat at 07:00 London; strength on Mon and Fri
    day = date(2026, 10, 23)  # the first Friday
    for pains in PAINS:
        await deliver_due(coach, clock, chat, _utc(day, 6, 30))
        if pains is not None:
            await _session(chat, pains)
            await deliver_due(coach, clock, chat, _utc(day + timedelta(days=1), *MORNING_AT))
            assert "Good morning!" in texts(tuple(chat.transcript[-3:]))
            await chat.press("0")
        day += timedelta(days=3 if day.weekday() == 4 else 4)  # Fri -> Mon -> Fri
    today = day - timedelta(days=1)
    await deliver_due(coach, clock, chat, _utc(today, 20, 0))
    snapshot = await store.load(RUNNER.key)
    assert snapshot is not None
    return snapshot, today


async def _session(chat: Chat, pains: tuple[int, ...]) -> None:
    assert "Before we start" in texts(await chat.send("/session"))
    await chat.press("0")  # no pain now
    for pain in pains:
        await chat.press("Done")
        await chat.press("Just right")
        await chat.press(str(pain))
    assert len(pains) == len(EXERCISES) and "Session done" in chat.last_text


def _utc(day: date, hour: int, minute: int) -> datetime:
    # London is on GMT from late October, so local time is UTC for all six weeks.
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def _draw(out: Path) -> None:
    from bot.charts import render_progress
    from core.progress import progress_data

    snapshot, today = await six_weeks()
    out.write_bytes(render_progress(progress_data(snapshot.runner, snapshot.history, today)))
    print(out)


if __name__ == "__main__":
    asyncio.run(_draw(Path(sys.argv[1])))
