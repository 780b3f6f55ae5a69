"""The planner: keeps each runner's reminder rows in step with their snapshot.

Rows exist for the next HORIZON. A save that changes anything reminders depend on
(schedule, pause, hold, snooze, a session needing its morning check ...) replans
that runner inside the same transaction, so a settings change never leaves a stale
reminder behind; a periodic pass extends the horizon for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from bot.storage.tables import ReminderRow, RunnerRow
from core.linking import reminder_chats
from core.model import Snapshot
from core.ports import Clock
from core.reminders import due_reminders, expires_at
from core.schedule import ReminderKind

HORIZON = timedelta(hours=36)  # reminder rows exist this far ahead
REPLAN_MARGIN = timedelta(hours=12)  # the periodic pass extends runners whose rows end sooner than this
LOOKBACK = timedelta(days=1)  # a replan also cancels pending rows this far back that no longer apply
PENDING = "pending"
FINAL = ("sent", "missed", "skipped", "cancelled", "failed")


def reminder_inputs(snapshot: Snapshot | None) -> tuple[Any, ...] | None:
    """Everything reminders depend on; a save that leaves this unchanged needs no replan."""
    if snapshot is None:
        return None
    runner = snapshot.runner
    sessions = tuple((s.local_date, bool(s.results), s.morning is None, s.status) for s in snapshot.history.sessions)
    return (runner.onboarded, runner.schedule, runner.paused_until, runner.clinician_hold, runner.unreachable,
            runner.snoozed_until, runner.quiet, runner.created_at, runner.clearance_reminder_at, sessions,
            reminder_chats(runner))


@dataclass(frozen=True, slots=True)
class ReminderPlanner:
    clock: Clock

    def replan(self, db: Session, snapshot: Snapshot, since: datetime | None = None) -> None:
        """Make the runner's rows match their snapshot from `since` (default now) to now + HORIZON.

        Synchronous: it runs inside the store's unit of work (bot/storage/worker.py).
        """
        now = self.clock.now()
        start, end = (since or now), now + HORIZON
        runner = snapshot.runner
        # One row per reminder and chat it goes to: the chat used last, or every linked chat.
        chats = dict(reminder_chats(runner))
        desired = {(r.kind.value, r.local_date, platform): r
                   for r in due_reminders(runner, snapshot.history, start - LOOKBACK, end) for platform in chats}
        existing = (db.execute(
            select(ReminderRow.id, ReminderRow.kind, ReminderRow.local_date, ReminderRow.platform,
                   ReminderRow.chat_id, ReminderRow.due_at, ReminderRow.status)
            .where(ReminderRow.runner_key == runner.key, ReminderRow.due_at > start - LOOKBACK)
        )).all()
        seen: set[tuple[str, Any, str]] = set()
        for row in existing:
            key = (row.kind, row.local_date, row.platform)
            seen.add(key)
            wanted = desired.get(key)
            moved = wanted is not None and (wanted.due_at != row.due_at or chats[row.platform] != row.chat_id)
            if row.status == PENDING and (wanted is None or moved):
                if wanted is None:
                    db.execute(delete(ReminderRow).where(ReminderRow.id == row.id))
                else:  # moved (new run time, time zone, chat ...): same row, new times
                    self._move(db, row.id, wanted.due_at, expires_at(runner, wanted), chats[row.platform])
            elif (wanted is not None and row.kind == ReminderKind.SNOOZE and row.status in FINAL
                  and wanted.due_at > row.due_at):
                # A second snooze on the same day re-arms that day's snooze row.
                self._move(db, row.id, wanted.due_at, expires_at(runner, wanted), chats[row.platform])
        fresh = [
            {"runner_key": runner.key, "platform": platform, "chat_id": chats[platform], "kind": r.kind.value,
             "local_date": r.local_date, "due_at": r.due_at, "expires_at": expires_at(runner, r),
             "status": PENDING, "attempts": 0}
            for (_, _, platform), r in desired.items()
            if (r.kind.value, r.local_date, platform) not in seen and r.due_at > start and expires_at(runner, r) > now
        ]
        if fresh:
            db.execute(_insert_ignoring_duplicates(db), fresh)
        db.execute(update(RunnerRow).where(RunnerRow.key == runner.key).values(planned_until=end)
                         .execution_options(synchronize_session=False))

    @staticmethod
    def _move(db: Session, row_id: int, due: datetime, expiry: datetime, chat_id: str) -> None:
        db.execute(update(ReminderRow).where(ReminderRow.id == row_id)
                         .values(due_at=due, expires_at=expiry, chat_id=chat_id, status=PENDING, attempts=0,
                                 retry_at=None,
                                 claimed_by=None, lease_until=None, sent_at=None, last_error=None)
                         .execution_options(synchronize_session=False))

    def runners_to_extend(self, db: Session, limit: int) -> list[tuple[str, datetime | None]]:
        """Runners whose rows end within REPLAN_MARGIN, soonest first."""
        edge = self.clock.now() + REPLAN_MARGIN
        rows = db.execute(
            select(RunnerRow.key, RunnerRow.planned_until)
            .where(RunnerRow.onboarded.is_(True) | RunnerRow.clearance_reminder_at.is_not(None),
                   RunnerRow.linked_into.is_(None),  # set-aside histories rest
                   and_(RunnerRow.planned_until.is_(None) | (RunnerRow.planned_until < edge)))
            .order_by(RunnerRow.planned_until.nulls_first()).limit(limit))
        return [(row.key, row.planned_until) for row in rows]


def _insert_ignoring_duplicates(db: Session):
    """INSERT ... ON CONFLICT DO NOTHING: a (runner, kind, day, platform) row exists at most once."""
    # Imported here: a SQLite deployment never loads the PostgreSQL dialect (~25 ms of start-up CPU).
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as module
    else:
        from sqlalchemy.dialects import sqlite as module
    return module.insert(ReminderRow).on_conflict_do_nothing(
        index_elements=[ReminderRow.runner_key, ReminderRow.kind, ReminderRow.local_date, ReminderRow.platform])
