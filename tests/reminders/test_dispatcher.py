"""The dispatcher on real SQLite and PostgreSQL: once, on time, never late, nothing lost."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.main import App
from bot.reminders.queries import status_counts
from core.model import Dialogue, Runner, Snapshot
from core.ports import DeliveryOutcome, DeliveryStatus
from core.schedule import ReminderKind
from tests.storage.backends import DatabaseUnderTest
from tests.storage.locks import table_locked
from tests.reminders.conftest import (
    RecordingDelivery,
    add_runners,
    make_dispatcher,
    rows,
    run_until,
    runner_snapshot,
)

MONDAY_NUDGE = datetime(2026, 11, 30, 6, 40, tzinfo=UTC)  # 07:00 London run, 20 min lead


async def test_a_nudge_goes_out_once_at_its_time_with_its_buttons(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    await run_until(app, dispatcher, MONDAY_NUDGE - timedelta(minutes=1))
    assert delivery.sent == []
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(hours=2))
    assert len(delivery.sent) == 1
    chat, replies, sent_at = delivery.sent[0]
    assert chat == "ann" and sent_at == MONDAY_NUDGE
    assert [b.label for b in replies[0].all_buttons] == ["Start now", "Snooze 10 min", "Skip today"]
    [row] = await rows(app, kind="session")
    assert row.status == "sent" and row.sent_at == MONDAY_NUDGE


# Run day: a Sunday whose local run time is skipped (spring forward) or repeated (fall back).
DST_CASES = [
    ("Europe/London", "2027-03-28", "01:30", "2027-03-28T00:40"),  # 01:30 doesn't exist: 02:00 BST
    ("Europe/London", "2027-10-31", "01:30", "2027-10-31T00:10"),  # twice: the first (BST)
    ("America/New_York", "2027-03-14", "02:30", "2027-03-14T06:40"),
    ("America/New_York", "2027-11-07", "01:30", "2027-11-07T05:10"),
    ("Australia/Sydney", "2027-10-03", "02:30", "2027-10-02T15:40"),  # southern spring forward
    ("Australia/Sydney", "2027-04-04", "02:30", "2027-04-03T15:10"),  # southern fall back
    ("Australia/Adelaide", "2027-10-03", "02:30", "2027-10-02T16:10"),  # half-hour zone with DST
    ("Australia/Adelaide", "2027-04-04", "02:30", "2027-04-03T15:40"),
    ("Asia/Kolkata", "2027-03-28", "02:30", "2027-03-27T20:40"),  # +05:30, no DST
]


@pytest.mark.parametrize(("zone", "run_day", "run_at", "expected"), DST_CASES,
                         ids=[f"{z.split('/')[1]}-{d}" for z, d, _, _ in DST_CASES])
async def test_dst_days_fire_once_at_the_next_valid_instant(app: App, zone: str, run_day: str, run_at: str,
                                                            expected: str) -> None:
    nudge = datetime.fromisoformat(expected).replace(tzinfo=UTC)
    app.clock.set(nudge - timedelta(hours=30))
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("dst", zone=zone, run_time=time.fromisoformat(run_at),
                                            run_days=frozenset({6}), target=1, created_at=app.clock.now())])
    await run_until(app, dispatcher, nudge - timedelta(minutes=1), step_minutes=60)
    await run_until(app, dispatcher, nudge + timedelta(minutes=1))
    await run_until(app, dispatcher, nudge + timedelta(hours=26), step_minutes=10)
    session_rows = [r for r in await rows(app, kind="session") if r.local_date == date.fromisoformat(run_day)]
    assert [(r.status, r.sent_at) for r in session_rows] == [("sent", nudge)]
    nudges = [s for s in delivery.sent if "Run at" in s[1][0].text]
    assert [sent_at for _, _, sent_at in nudges] == [nudge]


async def test_a_run_time_changed_just_before_the_nudge_moves_it(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    await run_until(app, dispatcher, MONDAY_NUDGE - timedelta(minutes=1))
    before = await app.store.load("telegram:ann")
    later = replace(before.runner.schedule, run_time=time(8, 0))
    await app.store.save(before, replace(before, runner=replace(before.runner, schedule=later)))
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(minutes=5))
    assert delivery.sent == []  # the 06:40 nudge is gone, not sent
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(hours=1, minutes=5))
    assert [sent_at for _, _, sent_at in delivery.sent] == [MONDAY_NUDGE + timedelta(hours=1)]
    assert [r.status for r in await rows(app, kind="session")] == ["sent"]


async def test_pause_removes_nudges_and_resume_brings_them_back(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    before = await app.store.load("telegram:ann")
    paused = replace(before.runner, paused_until=date(2026, 12, 1))
    await app.store.save(before, replace(before, runner=paused))
    assert await rows(app, kind="session", local_date=date(2026, 11, 30)) == []
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(hours=1))
    assert delivery.sent == []
    before = await app.store.load("telegram:ann")
    await app.store.save(before, replace(before, runner=replace(before.runner, paused_until=None)))
    friday_nudge = datetime(2026, 12, 4, 6, 40, tzinfo=UTC)
    await run_until(app, dispatcher, friday_nudge, step_minutes=60)
    assert [sent_at for _, _, sent_at in delivery.sent if "Run at" in _[0].text] == [friday_nudge]


async def test_after_downtime_a_nudge_whose_run_is_ahead_goes_now_and_a_late_one_never(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    await add_runners(app, [runner_snapshot("early", run_time=time(7, 0)),
                            runner_snapshot("late", run_time=time(6, 30))])
    # The process was down from 05:00 to 06:50: "early" runs at 07:00, "late" started at 06:30.
    app.clock.set(datetime(2026, 11, 30, 6, 50, tzinfo=UTC))
    dispatcher = make_dispatcher(app, delivery)
    await dispatcher.tick()
    await dispatcher.drain()
    assert delivery.chats() == ["early"]
    statuses = {r.runner_key: r.status for r in await rows(app, kind="session")}
    assert statuses == {"telegram:early": "sent", "telegram:late": "missed"}


async def test_a_crashed_worker_s_claims_are_taken_over_after_the_lease(app: App) -> None:
    runners = [runner_snapshot(f"r{n:03}") for n in range(40)]
    await add_runners(app, runners)
    app.clock.set(MONDAY_NUDGE)
    stuck = RecordingDelivery(app.clock, blocked=asyncio.Event())
    crashed = make_dispatcher(app, stuck, worker="crashed", max_in_flight=25)
    assert await crashed.tick() == 25
    await asyncio.sleep(0.05)
    for task in list(crashed._in_flight):  # the process dies: its deliveries never finish
        task.cancel()
    await crashed.drain()
    survivor_delivery = RecordingDelivery(app.clock)
    survivor = make_dispatcher(app, survivor_delivery, worker="survivor")
    await survivor.tick()
    await survivor.drain()
    assert len(survivor_delivery.sent) == 15  # the crashed worker's 25 are still leased
    app.clock.set(MONDAY_NUDGE + timedelta(minutes=2, seconds=1))  # lease (2 min) over, run still ahead
    await survivor.tick()
    await survivor.drain()
    assert sorted(survivor_delivery.chats()) == [r.runner.chat_id for r in runners]
    assert await status_counts(app.sessions) == {"sent": 40}


async def test_429_waits_retry_after_then_sends(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    delivery.outcomes.append(DeliveryOutcome(DeliveryStatus.RETRY, retry_after=30, detail="429"))
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    app.clock.set(MONDAY_NUDGE)
    await dispatcher.tick()
    await dispatcher.drain()
    [row] = await rows(app, kind="session")
    assert (row.status, row.attempts, row.retry_at) == ("pending", 1, MONDAY_NUDGE + timedelta(seconds=30))
    app.clock.set(MONDAY_NUDGE + timedelta(seconds=20))
    await dispatcher.tick()
    await dispatcher.drain()
    assert delivery.sent == []
    app.clock.set(MONDAY_NUDGE + timedelta(seconds=31))
    await dispatcher.tick()
    await dispatcher.drain()
    assert len(delivery.sent) == 1 and delivery.attempts == 2


async def test_retries_that_run_past_the_run_start_are_marked_missed_not_sent_late(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    delivery.outcomes.extend([DeliveryOutcome(DeliveryStatus.RETRY, detail="502")] * 20)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(hours=1))
    [row] = await rows(app, kind="session")
    assert row.status == "missed" and row.last_error == "502"
    assert delivery.sent == [] and delivery.attempts >= 3


async def test_a_runner_who_blocked_the_bot_is_marked_unreachable_and_left_alone(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    delivery.outcomes.append(DeliveryOutcome(DeliveryStatus.GONE, detail="403 blocked"))
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(minutes=1))
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(days=7), step_minutes=120)
    assert delivery.sent == [] and delivery.attempts == 1
    assert (await app.store.load("telegram:ann")).runner.unreachable
    assert await rows(app, status="pending") == []
    assert [r.status for r in await rows(app)] == ["cancelled"]


async def test_a_snoozed_nudge_comes_back_ten_minutes_later(app: App) -> None:
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    await add_runners(app, [runner_snapshot("ann")])
    await run_until(app, dispatcher, MONDAY_NUDGE)
    [(_, replies, _)] = delivery.sent
    from core.events import Press
    from core.model import UserRef

    user = UserRef("telegram", "ann", "ann", "Ann")
    snooze = next(b for b in replies[0].all_buttons if b.label.startswith("Snooze"))
    assert "Snoozed" in (await app.coach.handle(user, Press(snooze.payload)))[0].text
    await run_until(app, dispatcher, MONDAY_NUDGE + timedelta(minutes=15))
    assert [sent_at for _, _, sent_at in delivery.sent] == [MONDAY_NUDGE, MONDAY_NUDGE + timedelta(minutes=10)]
    assert [r.kind for r in await rows(app, status="sent")] == [ReminderKind.SESSION, ReminderKind.SNOOZE]


async def test_a_burst_starts_as_early_as_its_size_needs_and_no_earlier(app: App) -> None:
    """300 nudges due at one instant through a 100/s limiter need 3 s (3.3 s at the 90% pace the dispatcher plans on), so sending starts that early.

    (How late or early a real burst lands is measured in bench/, not here.)
    """
    await add_runners(app, [runner_snapshot(f"b{n:03}") for n in range(300)])
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery, rate=100.0, max_in_flight=1000)
    app.clock.set(MONDAY_NUDGE - timedelta(seconds=4.5))
    assert await dispatcher.tick() == 0
    app.clock.set(MONDAY_NUDGE - timedelta(seconds=2))
    assert await dispatcher.tick() > 0  # ceil(100/s x 2 ticks) = 200 at most per tick
    await dispatcher.drain()


async def test_a_lone_reminder_is_not_sent_early(app: App) -> None:
    """Not even by the one send slot it takes itself (1/27 s at 30/s: it used to count itself as a backlog)."""
    await add_runners(app, [runner_snapshot("ann")])
    dispatcher = make_dispatcher(app, RecordingDelivery(app.clock), rate=30.0)
    app.clock.set(MONDAY_NUDGE - timedelta(seconds=1))
    assert await dispatcher.tick() == 0
    app.clock.set(MONDAY_NUDGE - timedelta(milliseconds=10))
    assert await dispatcher.tick() == 0
    app.clock.set(MONDAY_NUDGE)
    assert await dispatcher.tick() == 1
    await dispatcher.drain()


async def test_remind_me_later_in_the_set_up_goes_out_three_days_later(app: App) -> None:
    """Not onboarded yet, so only the periodic pass can plan it: 3 days is past the planning horizon."""
    delivery = RecordingDelivery(app.clock)
    dispatcher = make_dispatcher(app, delivery)
    due = app.clock.now() + timedelta(days=3)
    runner = Runner(key="telegram:bea", platform="telegram", chat_id="bea", name="Bea", created_at=app.clock.now(),
                    injury_history=True, clearance_reminder_at=due)
    await add_runners(app, [Snapshot(runner=runner, dialogue=Dialogue(state="clearance", step=7))])
    await run_until(app, dispatcher, due - timedelta(minutes=1), step_minutes=60)  # as the periodic pass would
    assert delivery.sent == []
    await run_until(app, dispatcher, due + timedelta(minutes=10))
    [(chat, replies, sent_at)] = delivery.sent
    assert chat == "bea" and sent_at == due and "A reminder, as promised" in replies[0].text
    assert [b.label for b in replies[-1].all_buttons] == ["I've been cleared", "Remind me later"]
    assert (await app.store.load("telegram:bea")).runner.clearance_reminder_at is None


async def test_a_slow_tick_is_never_overlapped_and_logs_nothing(app: App, database: DatabaseUnderTest,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """Ticks slower than their interval (the table is locked for a second) just run back to back."""
    caplog.set_level(logging.DEBUG)
    await add_runners(app, [runner_snapshot(f"r{n}") for n in range(3)])
    dispatcher = make_dispatcher(app, RecordingDelivery(app.clock), tick_seconds=0.05)
    async with table_locked(database, "reminders"):
        dispatcher.start()
        await asyncio.sleep(1.0)  # some twenty ticks' worth of time on one blocked tick
        during = dispatcher.last_tick
    await asyncio.sleep(0.5)
    after = dispatcher.last_tick
    await dispatcher.stop()
    assert after is not None and (during is None or after > during)  # ticking resumed by itself
    noise = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert noise == [], [r.getMessage() for r in noise]
    assert not any("maximum number of running instances" in r.getMessage() for r in caplog.records)
