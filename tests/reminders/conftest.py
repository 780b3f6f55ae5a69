"""The dispatcher on a real database, delivering to a recording fake of the Delivery port."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import pytest_asyncio
from sqlalchemy import select

from bot.clock import ManualClock
from bot.main import App
from bot.reminders.dispatcher import Dispatcher, DispatcherConfig
from bot.reminders.limiter import RateLimiter
from bot.storage.tables import ReminderRow
from core.model import Runner, Schedule, Snapshot
from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply
from core.schedule import choose_strength_days
from tests.storage.backends import DatabaseUnderTest

PLATFORM = "telegram"
START = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # Monday


@dataclass
class RecordingDelivery:
    """The Delivery port, recording what it was given; answers SENT unless told otherwise."""

    clock: object
    platform: str = PLATFORM
    sent: list[tuple[str, tuple[Reply, ...], datetime]] = field(default_factory=list)
    outcomes: deque[DeliveryOutcome] = field(default_factory=deque)
    attempts: int = 0
    blocked: asyncio.Event | None = None  # when set, deliveries hang until it is set

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        self.attempts += 1
        if self.blocked is not None:
            await self.blocked.wait()
        outcome = self.outcomes.popleft() if self.outcomes else DeliveryOutcome(DeliveryStatus.SENT)
        if outcome.status is DeliveryStatus.SENT:
            self.sent.append((chat_id, replies, self.clock.now()))
        return outcome

    def chats(self) -> list[str]:
        return [chat for chat, _, _ in self.sent]


@pytest_asyncio.fixture
async def app(database: DatabaseUnderTest) -> AsyncIterator[App]:
    """As tests/conftest.py's, an hour earlier: before the first 06:40 nudge is planned."""
    async with database.open_app(ManualClock(START)) as opened:
        yield opened


def make_dispatcher(app: App, delivery: RecordingDelivery, rate: float = 1000.0, worker: str = "test-1",
                    **config: object) -> Dispatcher:
    return app.dispatcher({PLATFORM: delivery}, {PLATFORM: RateLimiter(rate)},
                          DispatcherConfig(**config), worker)


def runner_snapshot(name: str, *, zone: str = "Europe/London", run_time: time = time(7, 0),
                    run_days: frozenset[int] = frozenset({0, 2, 4}), target: int = 2, lead: int | None = 20,
                    created_at: datetime = START) -> Snapshot:
    strength, _ = choose_strength_days(run_days, target)
    schedule = Schedule(run_days=run_days, run_time=run_time, timezone=zone, lead_minutes=lead,
                        sessions_target=target, strength_days=strength, offday_notes=False)
    runner = Runner(key=f"{PLATFORM}:{name}", platform=PLATFORM, chat_id=name, name=name, created_at=created_at,
                    onboarded=True, schedule=schedule)
    return Snapshot(runner=runner)


async def add_runners(app: App, snapshots: list[Snapshot]) -> None:
    await asyncio.gather(*(app.store.save(None, s) for s in snapshots))


async def run_until(app: App, dispatcher: Dispatcher, until: datetime, step_minutes: int = 1) -> None:
    """Move the manual clock to `until` a step at a time, ticking and planning as the scheduler would."""
    from datetime import timedelta

    clock = app.clock
    assert isinstance(clock, ManualClock)
    while clock.now() < until:
        clock.set(min(until, clock.now() + timedelta(minutes=step_minutes)))
        await dispatcher.plan_pass()
        await dispatcher.tick()
        await dispatcher.drain()


async def rows(app: App, **where: object) -> list[ReminderRow]:
    async with app.sessions() as db:
        query = select(ReminderRow).filter_by(**where).order_by(ReminderRow.due_at)
        return list(await db.scalars(query))


def day(text: str) -> date:
    return date.fromisoformat(text)
