"""What the timer end-to-end tests share on either platform: the calls on a manual clock, and waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import ManualClock
from bot.reminders.dispatcher import Dispatcher
from core.ports import RunnerStore

LANDING_S = 0.01  # real seconds given to sends in flight for each second of the manual clock


@dataclass
class Timeline:
    """Every call an emulator took (FakeTelegram, FakeDiscord: its `calls`), with the manual-clock
    time it was made at, and which of them edit a message on this platform."""

    emulator: Any
    clock: ManualClock
    is_edit: Callable[[Any], bool]
    calls: list[tuple[datetime, Any]] = field(default_factory=list)
    seen: int = 0

    def note(self) -> None:
        for call in self.emulator.calls[self.seen:]:
            self.calls.append((self.clock.now(), call))
        self.seen = len(self.emulator.calls)

    def edits(self) -> list[tuple[datetime, Any]]:
        return [(at, call) for at, call in self.calls if self.is_edit(call)]

    def most_edits_in_a_minute(self) -> int:
        times = [at for at, _ in self.edits()]
        return max((sum(start <= t < start + timedelta(seconds=60) for t in times) for start in times), default=0)


async def run_clock(dispatcher: Dispatcher, line: Timeline, seconds: float) -> None:
    """Move the clock on a second at a time, with a timer pass after each step."""
    for _ in range(round(seconds)):
        line.clock.set(line.clock.now() + timedelta(seconds=1))
        await dispatcher.timers.tick()
        await dispatcher.timers.drain()
        # A pass on SQLite may never yield to the loop (its read runs on the loop's thread): let the
        # bot's replies in flight land before the clock moves on, as they would in a real second.
        await asyncio.sleep(LANDING_S)
        line.note()


async def timer_message_stored(store: RunnerStore, key: str) -> None:
    """Wait (bounded) until the bot has stored the timer message's id.

    The message reaches the emulator a moment before the handler saves its id; a timer that
    fell due in between (a test moving the clock at once) would post a new message instead
    of editing this one.
    """
    for _ in range(200):
        snapshot = await store.load(key)
        if snapshot is not None and snapshot.dialogue.timer_message:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the timer message's id was never stored")
