"""/export holds everything: every table with a runner's rows round-trips through the JSON file.

The runner here has rows in every personal table: onboarding, a session, a morning check,
a level change and a self-test, a red-flag hold, a Discord account linked with a code
(its own history set aside), a wrong code typed, and the planner's reminders. The export
is read back, the runner deleted, the rows restored from the file alone, and the runner
must load exactly as before. A table added later is covered by these tests without an
edit: every table must be tied to a runner by its columns, or be declared impersonal.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Table, Text, insert, select

from bot.main import App
from bot.storage.records import NOT_PERSONAL, UncoveredTable, json_ready, rows_of
from bot.storage.tables import metadata
from core.export import README
from core.model import LevelChange, SelfTest, UserRef
from core.programme import EXERCISES
from core.schedule import ReminderKind
from tests.engine.script import Chat, onboard, texts

TESS = UserRef("telegram", "111", "111", "Tess")
DAN = UserRef("discord", "222", "9222", "Tess")
CODE = re.compile(r"Your link code: ([0-9A-Z]{4}-[0-9A-Z]{4})")
PERSONAL = {table.name for table in metadata.sorted_tables if table.name not in NOT_PERSONAL}


async def a_runner_in_every_table(app: App) -> Chat:
    tess, dan = Chat(app.coach, TESS), Chat(app.coach, DAN)
    await onboard(tess)
    await tess.send("/session")
    await tess.press("0")
    for effort, pains in zip(("Easy", "Just right", "Hard", "Just right", "Easy"),
                             (("1",), ("2",), ("One side differs", "1", "0"), ("1",), ("0",))):
        await tess.press("Done")
        await tess.press(effort)
        for pain in pains:
            await tess.press(pain)
    app.clock.set(datetime(2026, 12, 1, 8, 5, tzinfo=UTC))
    check = await app.coach.due(TESS.key, ReminderKind.MORNING, date(2026, 12, 1))
    await tess.press_payload(check[0].buttons[0][0].payload)  # 0/10 the next morning
    stored = await app.store.load(TESS.key)  # a level change and a self-test, written as the flows write them
    later = replace(stored, history=replace(
        stored.history,
        level_changes=(LevelChange(1, 0, 1, 2, "two easy sessions in a row", app.clock.now(), "progress"),),
        self_tests=(SelfTest(1, app.clock.now(), 21, 24),)))
    await app.store.save(stored, later)

    await onboard(dan)
    assert "I don't recognise" in texts(await dan.send("/link ZZZZ-ZZZZ"))  # a wrong try
    await tess.send("/link")
    code = CODE.search(texts(await tess.press("Get a code here")))[1]
    await dan.send(f"/link {code}")
    assert "Linked ✓" in texts(await dan.press("Keep Telegram's"))  # Dan's own history is set aside

    app.clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    await tess.send("/session")
    await tess.press("Something's wrong")
    await tess.press("Sore spot on a bone")  # a red flag: training on hold
    return tess


async def stored_rows(app: App, key: str) -> dict[str, list[dict[str, Any]]]:
    """Every personal table's rows about the runner, read straight from the database, JSON-ready."""
    records = await app.coach.services.records.records(key)
    return {name: [dict(row) for row in rows] for name, rows in records.tables.items()}


async def exported(chat: Chat) -> dict[str, Any]:
    (reply,) = await chat.send("/export")
    assert reply.attachment is not None and reply.attachment.mime_type == "application/json"
    return json.loads(reply.attachment.data)


def restore_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


async def restore(app: App, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the exported rows back, parents first: only the file is used."""
    async with app.sessions.begin() as db:
        for table in metadata.sorted_tables:
            rows = tables.get(table.name, [])
            if rows:
                await db.execute(insert(table), [{name: restore_value(table.c[name], value)
                                                  for name, value in row.items()} for row in rows])


async def test_the_export_round_trips_every_table_the_runner_has_rows_in(app: App) -> None:
    tess = await a_runner_in_every_table(app)
    before = await app.store.load_for(TESS)
    document = await exported(tess)
    tables = document["tables"]

    assert set(tables) == PERSONAL
    assert {name for name, rows in tables.items() if rows} == PERSONAL, "the runner has rows in every table"
    assert tables == await stored_rows(app, TESS.key)  # exactly what is stored

    await app.store.delete(TESS.key)
    assert await app.store.load_for(TESS) is None and await stored_rows(app, TESS.key) == {n: [] for n in PERSONAL}
    await restore(app, tables)

    app.store.forget(TESS.key)
    assert await app.store.load_for(TESS) == before
    assert await app.store.load_for(DAN) == before  # the linked account finds the same runner again
    assert await stored_rows(app, TESS.key) == tables


async def test_the_export_explains_every_section_and_names_its_layout_version(app: App) -> None:
    tess = await a_runner_in_every_table(app)
    document = await exported(tess)

    assert document["schema_version"] == 3
    assert set(document) - {"README"} <= set(README), "every section has a README line"
    assert set(README) <= set(document)
    reminders = document["reminders"]
    assert reminders and {"kind", "day", "due_at", "platform", "status", "sent_at"} <= set(reminders[0])
    assert document["identities"]["linked_accounts"] and {a["platform"] for a in
                                                          document["identities"]["linked_accounts"]} == {
        "telegram", "discord"}
    assert document["dialogue"]["state"] == "hold"
    assert document["settings"]["reminders_to"] == "the chat you used last"
    exercises = document["sessions"][0]["exercises"]
    assert [e["pain"] for e in exercises] == [1, 2, 1, 1, 0]
    assert [e["effort"] for e in exercises] == ["easy", "just_right", "hard", "just_right", "easy"]
    assert [(e["pain_left"], e["pain_right"]) for e in exercises][2] == (1, 0)  # the split squat's sides
    runner = document["runner"]
    assert runner["first_side"] == "left"  # "Done" without choosing keeps the side suggested
    assert runner["pictures_seen"] == [{"exercise": e.key, "level": 1} for e in EXERCISES]  # one per exercise met
    assert {r["effort"] for r in document["tables"]["exercise_results"]} == {"easy", "just_right", "hard"}


def test_every_table_is_tied_to_a_runner_or_declared_impersonal() -> None:
    for table in metadata.sorted_tables:
        rows_of(table, ["telegram:1"], [("telegram", "1")])  # raises UncoveredTable otherwise


def test_a_table_nobody_said_whose_rows_it_holds_fails_the_export() -> None:
    stray = Table("notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", Text))
    with pytest.raises(UncoveredTable, match="notes"):
        rows_of(stray, ["telegram:1"], [])


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2026, 12, 1, 8, 5, tzinfo=UTC), "2026-12-01T08:05:00+00:00"),
    (date(2026, 12, 1), "2026-12-01"),
    (True, True),
    ("text", "text"),
    (None, None),
], ids=["instant", "date", "bool", "text", "null"])
def test_values_are_written_as_json(value: Any, expected: Any) -> None:
    assert json_ready(value) == expected


async def test_a_runner_with_no_rows_exports_empty_tables(app: App) -> None:
    records = await app.coach.services.records.records("telegram:nobody")
    assert set(records.tables) == PERSONAL and all(rows == () for rows in records.tables.values())
    async with app.sessions() as db:
        assert (await db.execute(select(metadata.tables["runners"]))).all() == []
