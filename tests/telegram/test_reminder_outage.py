"""A Telegram outage of a quarter of an hour loses none of the morning's check-ins.

The real dispatcher on a manual clock sends through the real TelegramDelivery (PTB over
HTTP) to the emulator, which answers 502 to every message for 15 minutes from 08:00.
A morning check stays useful for hours, so it is retried (with capped backoff) until
Telegram is back, and then sent once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from telegram import Bot

from bot.main import App
from bot.reminders.limiter import RateLimiter
from bot.telegram.delivery import TelegramDelivery
from core.model import ExerciseResult, Outcome, Session, SessionStatus
from tests.fakes.telegram_api import FakeTelegram
from tests.reminders.conftest import add_runners, rows, run_until, runner_snapshot

MONDAY_SESSION = datetime(2026, 11, 30, 6, 20, tzinfo=UTC)
TUESDAY_MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # London is on UTC in winter
OUTAGE = timedelta(minutes=15)
RUNNERS = 3


def after_a_session(name: str):
    """A runner who trained on Monday morning and owes Tuesday's morning check."""
    snapshot = runner_snapshot(name)
    results = tuple(ExerciseResult(exercise, 1, Outcome.DONE, 1, MONDAY_SESSION + timedelta(minutes=3 * exercise))
                    for exercise in range(5))
    session = Session(number=1, started_at=MONDAY_SESSION, local_date=MONDAY_SESSION.date(),
                      status=SessionStatus.COMPLETED, readiness=0, ended_at=MONDAY_SESSION + timedelta(minutes=18),
                      results=results)
    return replace(snapshot, history=replace(snapshot.history, sessions=(session,)))


async def test_a_fifteen_minute_outage_loses_no_morning_check(app: App, tg: FakeTelegram) -> None:
    await add_runners(app, [after_a_session(f"{4242 + n}") for n in range(RUNNERS)])
    async with Bot(tg.token, base_url=f"{tg.url}/bot") as bot:
        dispatcher = app.dispatcher({"telegram": TelegramDelivery(bot)}, {"telegram": RateLimiter(1000.0)})
        await run_until(app, dispatcher, TUESDAY_MORNING - timedelta(minutes=5), step_minutes=60)
        assert len(await rows(app, kind="morning", status="pending")) == RUNNERS
        tg.fail_next("sendMessage", 502, count=10**6)
        await run_until(app, dispatcher, TUESDAY_MORNING + OUTAGE)
        failed_sends = [c for c in tg.calls_of("sendMessage") if c.status == 502]
        assert len(failed_sends) >= 4 * RUNNERS  # it kept trying through the outage
        tg.clear_faults()  # Telegram is back
        await run_until(app, dispatcher, TUESDAY_MORNING + OUTAGE + timedelta(minutes=5))
    sent = [c for c in tg.calls_of("sendMessage") if c.ok]
    assert sorted(c.params["chat_id"] for c in sent) == [4242 + n for n in range(RUNNERS)]  # each once
    assert all("Good morning" in c.params["text"] for c in sent)
    mornings = await rows(app, kind="morning")
    assert [r.status for r in mornings] == ["sent"] * RUNNERS
    # Backoff is capped (a minute), so the end of the outage is noticed within about a minute.
    assert all(r.sent_at <= TUESDAY_MORNING + OUTAGE + timedelta(minutes=2) for r in mornings)
