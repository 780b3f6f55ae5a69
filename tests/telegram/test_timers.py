"""Live timers on Telegram: the real PTB bot and the real dispatcher against FakeTelegram.

The manual clock moves a second at a time and the dispatcher's timer pass runs after
each step, as its ticker would; every Bot API call is noted with the clock time it was
made at, so the edits of any rolling minute can be counted without real 20 s waits.
"""

from __future__ import annotations


from datetime import datetime, timedelta

from telegram.ext import Application

from bot.clock import ManualClock
from bot.main import App
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.limiter import TELEGRAM_RATE, RateLimiter
from bot.reminders.timers import CHAT_EDITS_PER_MINUTE
from bot.telegram.delivery import TelegramDelivery
from tests.fakes.telegram_api import Call, FakeTelegram
from tests.storage.backends import DatabaseUnderTest
from tests.telegram.conftest import CHAT, TelegramChat, onboard_directly, running_bot, start_session
from tests.timer_support import Timeline, run_clock, timer_message_stored

EDITS = ("editMessageText", "editMessageReplyMarkup")


def is_edit(call: Call) -> bool:
    return call.ok and call.method in EDITS and call.params.get("chat_id") == CHAT


def dispatcher_for(app: App, application: Application) -> Dispatcher:
    """As bot/main.py wires it: the Application's own (paced) bot delivers."""
    return app.dispatcher({"telegram": TelegramDelivery(application.bot)}, {"telegram": RateLimiter(TELEGRAM_RATE)})


async def press(chat: TelegramChat, line: Timeline, label: str, expect: str, method: str = "editMessageText") -> None:
    await chat.press(label, expect, method=method)
    line.note()


def timer_edits(line: Timeline, message_id: int) -> list[str]:
    return [c.params["text"] for _, c in line.edits()
            if c.method == "editMessageText" and c.params.get("message_id") == message_id]


async def posted(app: App) -> None:
    await timer_message_stored(app.store, chat_key())


async def walk_exercise(chat: TelegramChat, dispatcher: Dispatcher, line: Timeline, app: App) -> int:
    """Start sets, then follow the timer (tapping "Set done" after reps) to the questions after it."""
    mark = len(chat.tg.calls)
    await press(chat, line, "Start sets", "Set 1 of", method="sendMessage")
    await posted(app)
    timer = chat.message_with("Set 1 of")["message_id"]
    for _ in range(600):
        if any(c.method == "sendMessage" and "how hard was that" in c.params.get("text", "")
               for c in chat.tg.calls[mark:]):
            return timer
        if "Set done" in str(chat.messages()[timer].get("reply_markup")):
            await press(chat, line, "Set done", "")
        else:
            await run_clock(dispatcher, line, 1)
    raise AssertionError("the walk never reached the effort question")


async def test_a_level_1_session_with_timers_stays_inside_telegrams_edit_limit(
        app: App, tg: FakeTelegram, bot: Application, chat: TelegramChat) -> None:
    await onboard_directly(app)
    line = Timeline(tg, app.clock, is_edit)
    dispatcher = dispatcher_for(app, bot)
    await start_session(chat)
    line.note()
    for number in range(2, 6):
        timer = await walk_exercise(chat, dispatcher, line, app)
        assert "sets done" in chat.messages()[timer]["text"]
        await press(chat, line, "Just right", "how much pain", method="sendMessage")
        await press(chat, line, "0", f"{number}/5", method="sendMessage")
    timer = await walk_exercise(chat, dispatcher, line, app)
    await press(chat, line, "Just right", "how much pain", method="sendMessage")
    await press(chat, line, "0", "Session done!", method="sendMessage")
    calf = timer_edits(line, chat.message_with("Isometric calf-raise hold, level 1")["message_id"])
    assert sum("Rest 20 s" in text for text in calf) >= 3 and any("⏱ 15 s left" in text for text in calf)
    assert 0 < line.most_edits_in_a_minute() <= CHAT_EDITS_PER_MINUTE
    assert not [c for c in tg.calls if c.status == 429]
    snapshot = await app.store.load(chat_key())
    assert snapshot is not None and len(snapshot.history.sessions[-1].results) == 5


def chat_key() -> str:
    from tests.telegram.conftest import KEY

    return KEY


async def test_pause_skip_rest_and_stop_are_answered_at_once(
        app: App, tg: FakeTelegram, bot: Application, chat: TelegramChat) -> None:
    await onboard_directly(app)
    line = Timeline(tg, app.clock, is_edit)
    dispatcher = dispatcher_for(app, bot)
    await start_session(chat)
    await press(chat, line, "Start sets", "Set 1 of 4 · hold 20 s", method="sendMessage")
    await posted(app)
    timer = chat.message_with("Set 1 of 4")["message_id"]
    await run_clock(dispatcher, line, 6)
    await press(chat, line, "Pause", "⏸ Paused · 14 s left")
    before = len(line.edits())
    await run_clock(dispatcher, line, 30)
    assert len(line.edits()) == before  # nothing moves while paused
    await press(chat, line, "Resume", "⏱ 14 s left")
    await run_clock(dispatcher, line, 14)
    assert "Rest 20 s" in chat.messages()[timer]["text"]
    await press(chat, line, "Skip rest", "Set 2 of 4 · hold 20 s")
    await press(chat, line, "Stop", "Timer stopped.")
    await chat.wait_for("1/5 Isometric calf-raise hold", 0)
    assert not chat.messages()[timer].get("reply_markup")  # the stopped timer keeps no buttons
    edited = {c.params["message_id"] for _, c in line.edits()
              if c.method == "editMessageText" and c.params["text"].startswith("Isometric calf-raise hold, level")}
    assert edited == {timer}  # one message, edited in place throughout


async def test_a_restart_mid_hold_carries_the_timer_on(database: DatabaseUnderTest, tg: FakeTelegram) -> None:
    chat = TelegramChat(tg)
    clock = ManualClock(datetime(2026, 11, 30, 6, 0).astimezone())
    async with database.open_app(clock) as first:
        await onboard_directly(first)
        async with running_bot(first.coach, tg, edit_budget=first.edit_budget) as application:
            line = Timeline(tg, clock, is_edit)
            await start_session(chat)
            await press(chat, line, "Start sets", "Set 1 of 4 · hold 20 s", method="sendMessage")
            await posted(first)
            await run_clock(dispatcher_for(first, application), line, 7)
    timer = chat.message_with("Set 1 of 4")["message_id"]
    assert "⏱ 15 s left" in chat.messages()[timer]["text"]
    clock.set(clock.now() + timedelta(seconds=2))  # the restart itself takes a moment
    async with database.open_app(clock) as second:  # a new process on the same database
        async with running_bot(second.coach, tg, edit_budget=second.edit_budget) as application:
            line.seen = len(tg.calls)
            await run_clock(dispatcher_for(second, application), line, 12)
    after_restart = timer_edits(line, timer)
    assert any("⏱ 5 s left" in text for text in after_restart)
    assert after_restart[-1].splitlines()[1] == "Rest 20 s"
    rest_shown = [at for at, c in line.calls
                  if c.method == "editMessageText" and c.params["text"].splitlines()[1:2] == ["Rest 20 s"]]
    assert rest_shown == [clock.now() - timedelta(seconds=1)]  # on time: 20 s after the hold began
