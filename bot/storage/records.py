"""`SqlRecords`: the engine's RecordSource port: every stored row about a runner, for /export.

Which rows are a runner's is decided per table, by its columns, so a table added
later is covered without a change here: `runners` by its key, any table with a
`runner_key` column by that, a table keyed by a platform identity (`platform`,
`external_id`) by the runner's identities. Tables that hold nothing about anyone are
named in NOT_PERSONAL; any other table makes the export fail loudly instead of
leaving rows out (tests/storage/test_export.py walks every table).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, false, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import single_statements
from bot.storage.identities import runner_family
from bot.storage.tables import ReminderRow, metadata
from core.export import ReminderRecord, StoredRecords

NOT_PERSONAL = frozenset({"app_meta", "send_pace"})  # the app's own secret and sync state, the send pace


class UncoveredTable(LookupError):
    """A table whose rows cannot be tied to a runner, and that is not declared impersonal."""


def rows_of(table: Table, keys: list[str], identities: list[tuple[str, str]]) -> ColumnElement[bool] | None:
    """The condition that picks this runner's rows of `table`; None for a table about nobody."""
    if table.name in NOT_PERSONAL:
        return None
    if table.name == "runners":
        return table.c.key.in_(keys)
    if "runner_key" in table.c:
        return table.c.runner_key.in_(keys)
    if "platform" in table.c and "external_id" in table.c:
        if not identities:
            return false()
        return tuple_(table.c.platform, table.c.external_id).in_(identities)
    raise UncoveredTable(f"table {table.name!r} has no runner_key, key or platform identity; "
                         "say whose rows it holds in bot/storage/records.py")


def json_ready(value: Any) -> Any:
    """Instants and dates as ISO 8601 text; everything else a table holds is JSON already."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


class SqlRecords:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def records(self, key: str) -> StoredRecords:
        async with single_statements(self._sessions) as db:
            keys, identities = await runner_family(db, key)
            tables: dict[str, tuple[dict[str, Any], ...]] = {}
            for table in metadata.sorted_tables:
                condition = rows_of(table, keys, identities)
                if condition is None:
                    continue
                ordered = select(table).where(condition).order_by(*table.primary_key.columns)
                tables[table.name] = tuple({name: json_ready(value) for name, value in row._mapping.items()}
                                           for row in await db.execute(ordered))
            reminders = (await db.execute(select(ReminderRow).where(ReminderRow.runner_key == key)
                                          .order_by(ReminderRow.due_at, ReminderRow.id))).scalars()
            return StoredRecords(
                reminders=tuple(ReminderRecord(r.kind, r.local_date, r.due_at, r.platform, r.status, r.sent_at,
                                               r.attempts, r.last_error) for r in reminders),
                tables=tables)
