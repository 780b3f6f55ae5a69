"""What a runner sees when the database fails or is busy, and what blocking the bot does.

- A typed message or command the database can't handle gets a short "please try again".
- A press that waits on a locked table is answered "busy" well inside Telegram's ~15 s.
- Blocking the bot stops the nudges at once (my_chat_member); unblocking brings them back.
- A sticker, photo, voice note or location gets one line: text and buttons only.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, text

from bot.main import App
from bot.storage.tables import ReminderRow
from bot.telegram.app import SOMETHING_WENT_WRONG
from core.engine import BUSY
from core.texts import ONLY_TEXT
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import DatabaseUnderTest
from tests.storage.locks import table_locked
from tests.telegram.conftest import CHAT, KEY, TelegramChat, onboard_directly, running_bot, settle

CALLBACK_WINDOW_S = 15.0  # Telegram drops a press's answer after about this long


async def rename_runners(app: App, old: str, new: str) -> None:
    async with app.engine.begin() as connection:
        await connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


@pytest.mark.parametrize("typed", ["/help", "6:30"], ids=["command", "text"])
async def test_a_typed_update_the_database_cannot_handle_is_answered(app: App, tg: FakeTelegram, typed: str) -> None:
    chat = TelegramChat(tg)
    async with running_bot(app.coach, tg):
        await chat.send("/start", "short safety check")
        await rename_runners(app, "runners", "runners_away")  # every load now fails
        try:
            await chat.send(typed, SOMETHING_WENT_WRONG)
        finally:
            await rename_runners(app, "runners_away", "runners")
        await chat.send("/help", "Here's what I can do")  # and once it is back, all is well


async def test_a_press_on_a_locked_table_is_answered_busy_in_time(app: App, database: DatabaseUnderTest,
                                                                  tg: FakeTelegram) -> None:
    chat = TelegramChat(tg)
    async with running_bot(app.coach, tg):
        await chat.send("/start", "short safety check")
        message, data = chat.button("Let's start")
        async with table_locked(database, "runners"):
            began = time.monotonic()
            _, query_id = tg.press(CHAT, message["message_id"], data)
            answer = await tg.wait_for("answerCallbackQuery",
                                       lambda c: c.params["callback_query_id"] == query_id,
                                       timeout=CALLBACK_WINDOW_S, since=0)
            answered_after = time.monotonic() - began
        assert answer.params.get("text") == BUSY.text
        assert answered_after < CALLBACK_WINDOW_S - 5  # well inside the window
        await chat.press("Let's start", "Safety check 1/3")  # pressed again once it's free: it works


async def pending_reminders(app: App) -> int:
    async with app.sessions() as db:
        return len((await db.scalars(select(ReminderRow.id).where(ReminderRow.status == "pending"))).all())


async def test_blocking_the_bot_stops_the_nudges_and_unblocking_brings_them_back(app: App,
                                                                                 tg: FakeTelegram) -> None:
    await onboard_directly(app)
    assert await pending_reminders(app) > 0
    async with running_bot(app.coach, tg):
        tg.member_status(CHAT, "kicked")
        await settle(tg)
        snapshot = await app.store.load(KEY)
        assert snapshot is not None and snapshot.runner.unreachable
        assert await pending_reminders(app) == 0  # nothing goes out to a chat that blocked us
        tg.member_status(CHAT, "member")
        await settle(tg)
        snapshot = await app.store.load(KEY)
        assert snapshot is not None and not snapshot.runner.unreachable
        assert await pending_reminders(app) > 0
    assert not tg.calls_of("sendMessage")  # a change of membership is not answered


PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
NOT_TEXT = [
    pytest.param({"sticker": {"file_id": "s1", "file_unique_id": "u2", "width": 512, "height": 512,
                              "is_animated": False, "is_video": False, "type": "regular"}}, id="sticker"),
    pytest.param({"photo": PHOTO}, id="photo"),
    pytest.param({"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 3}}, id="voice note"),
    pytest.param({"location": {"latitude": 60.17, "longitude": 24.94}}, id="location"),
]


@pytest.mark.parametrize("content", NOT_TEXT)
async def test_anything_but_text_gets_one_line_about_text_and_buttons(app: App, tg: FakeTelegram,
                                                                     content: dict) -> None:
    chat = TelegramChat(tg)
    async with running_bot(app.coach, tg):
        mark = len(tg.calls)
        tg.user_content(CHAT, content)
        reply = await chat.wait_for(ONLY_TEXT, mark)
        await settle(tg)
    assert reply.params["text"] == ONLY_TEXT
    assert len(tg.calls_of("sendMessage")) == 1
    assert await app.store.load(KEY) is None  # nothing stored about them
