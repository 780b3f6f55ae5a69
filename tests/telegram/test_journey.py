"""The whole journey through real PTB, over HTTP, on SQLite and PostgreSQL: /start to /delete."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

from telegram.ext import Application

from bot.main import App
from bot.telegram import TelegramDelivery
from bot.telegram.app import COMMANDS
from core import conversation
from core.ports import DeliveryOutcome, DeliveryStatus
from core.programme import EXERCISES
from core.schedule import ReminderKind
from tests.engine.fakes import PNG_SIGNATURE
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import CHAT, KEY, TelegramChat, keyboard_rows, onboard, settle

PAIN_ROWS = [[str(n) for n in range(0, 6)], [str(n) for n in range(6, 11)]]
SCORES = [1, 2, 0, 1, 0]
MONDAY = date(2026, 11, 30)


async def remind(app: App, bot: Application, kind: ReminderKind, day: date) -> None:
    """What the dispatcher does when a reminder falls due: the coach's replies, sent by TelegramDelivery."""
    replies = await app.coach.due(KEY, kind, day)
    assert replies, f"{kind} on {day} should say something"
    assert await TelegramDelivery(bot.bot).deliver(str(CHAT), replies) == DeliveryOutcome(DeliveryStatus.SENT)


async def test_the_whole_journey_from_start_to_delete(app: App, bot: Application, tg: FakeTelegram,
                                                      chat: TelegramChat) -> None:
    await onboard(chat)
    await chat.press("Wait for the reminder", "See you before your next run")

    await remind(app, bot, ReminderKind.SESSION, MONDAY)
    assert "Ready?" in chat.message_with("Run at 06:30 today")["text"]
    await chat.press("Start now", "Before we start")
    await chat.press("0", "1/5 Isometric calf-raise hold")
    for number, score in enumerate(SCORES, start=1):
        await chat.press("Done", "how hard was that")
        await chat.press("Just right", "how much pain did you feel")
        one_sided = EXERCISES[number - 1].level(1).dose.per_side  # the split squat: sides may differ
        assert keyboard_rows(chat.message_with("how much pain did you feel")) == \
            PAIN_ROWS + ([["One side differs"]] if one_sided else [])
        after = f"{number + 1}/5" if number < 5 else "Session done"
        await chat.press(str(score), after)
    assert "This week: 1/2" in chat.message_with("Session done")["text"]

    app.clock.set(datetime(2026, 12, 1, 8, 5, tzinfo=UTC))  # Tuesday morning in London
    await remind(app, bot, ReminderKind.MORNING, date(2026, 12, 1))
    await chat.press("0", "Settled overnight")

    photo = await chat.send("/progress", "Squat: level", method="sendPhoto")
    assert photo.files["photo"][1].startswith(PNG_SIGNATURE)
    document = await chat.send("/export", "everything I hold about you", method="sendDocument")
    exported = json.loads(document.files["document"][1])
    assert [e["pain"] for e in exported["sessions"][0]["exercises"]] == SCORES
    assert exported["sessions"][0]["next_morning"]["score"] == 0

    await chat.send("/delete", "can't be undone")
    await chat.press("Yes, delete everything", "everything is erased")
    assert await app.store.load(KEY) is None

    await settle(tg)
    answered = Counter(c.params["callback_query_id"] for c in tg.calls_of("answerCallbackQuery") if c.ok)
    assert [answered[p.query_id] for p in chat.presses] == [1] * len(chat.presses)
    assert len(tg.calls_of("answerCallbackQuery")) == len(chat.presses)
    for pressed in chat.presses:
        edit = next((c for c in tg.calls[pressed.mark:] if c.ok and c.method.startswith("editMessage")
                     and c.params["message_id"] == pressed.message_id), None)
        assert edit is not None, f"{pressed.label!r} left its message as it was"
        if pressed.label in ("Mon", "Wed", "Fri"):  # a toggle: the text stays, the keyboard shows the choice
            assert edit.method == "editMessageReplyMarkup"
            assert f"✓ {pressed.label}" in sum(keyboard_rows(edit.result), [])
        else:
            assert edit.method == "editMessageText"
            assert "\n\n✓ " in edit.result["text"] and "reply_markup" not in edit.result, pressed.label


async def test_the_command_menu_is_set_at_start(bot: Application, tg: FakeTelegram) -> None:
    (menu,) = tg.commands.values()
    assert [c["command"] for c in menu] == [name for name, _ in COMMANDS] == list(conversation.COMMANDS)
    assert len(menu) == len(conversation.COMMANDS) and all(c["description"] for c in menu)
    assert tg.calls_of("setMyCommands")[0].ok
