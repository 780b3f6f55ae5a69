"""Read-only questions about reminder rows (for the terminal clock, tests and the bench)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminders.planner import PENDING
from bot.storage.tables import ReminderRow


async def next_pending_due(sessions: async_sessionmaker[AsyncSession]) -> datetime | None:
    """When the earliest waiting reminder can next go out: its due time, or its retry time."""
    ready_at = case((ReminderRow.retry_at > ReminderRow.due_at, ReminderRow.retry_at), else_=ReminderRow.due_at)
    async with sessions() as db:
        earliest = await db.scalar(select(func.min(ready_at)).where(ReminderRow.status == PENDING))
    return earliest


async def status_counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as db:
        rows = await db.execute(select(ReminderRow.status, func.count()).group_by(ReminderRow.status))
        return {status: count for status, count in rows.all()}
