"""Reminder rows as the planner would have left them, in bulk: many runners due at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert

from bot.storage.mapping import runner_columns
from bot.storage.tables import ReminderRow, RunnerRow
from core.model import Runner, Schedule
from tests.storage.backends import DatabaseUnderTest

CHUNK = 1000


async def seed_due_nudges(database: DatabaseUnderTest, chats: range, due: datetime,
                          lead: timedelta = timedelta(minutes=30)) -> None:
    """One onboarded Telegram runner per chat id, each with a pre-run nudge due at `due`."""
    run = due + lead
    day = frozenset({run.weekday()})
    schedule = Schedule(run_days=day, run_time=run.time().replace(second=0, microsecond=0), timezone="UTC",
                        lead_minutes=int(lead.total_seconds() // 60), sessions_target=1, strength_days=day,
                        offday_notes=False)
    runners, reminders = [], []
    for chat in chats:
        runner = Runner(key=f"telegram:{chat}", platform="telegram", chat_id=str(chat), name=f"runner {chat}",
                        created_at=due - timedelta(days=1), onboarded=True, schedule=schedule)
        runners.append({**runner_columns(runner), "version": 1, "planned_until": due + timedelta(hours=36)})
        reminders.append({"runner_key": runner.key, "platform": "telegram", "kind": "session",
                          "local_date": run.date(), "due_at": due, "expires_at": run, "status": "pending",
                          "attempts": 0})
    async with database.session_factory.begin() as db:
        for start in range(0, len(runners), CHUNK):
            await db.execute(insert(RunnerRow), runners[start:start + CHUNK])
            await db.execute(insert(ReminderRow), reminders[start:start + CHUNK])
