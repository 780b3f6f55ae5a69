"""Live timers on Discord: the real discord.py client and the real dispatcher against FakeDiscord.

As on Telegram (tests/telegram/test_timers.py): the manual clock moves a second at a
time with a timer pass after each step, and every REST call is noted with the clock
time it was made at, so the edits of any rolling minute can be counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import ManualClock
from bot.discord import DiscordDelivery, TiptoeDiscord
from bot.main import App
from bot.reminders.dispatcher import Dispatcher
from bot.reminders.limiter import DISCORD_RATE, RateLimiter
from bot.reminders.timers import CHAT_EDITS_PER_MINUTE
from tests.discord.conftest import (
    FAST, KEY, DiscordChat, FakeDiscordWithDMs, Turns, labels, onboard_through_the_engine, running_discord, texts,
)
from tests.fakes.discord_api import Call, FakeMessage
from tests.storage.backends import DatabaseUnderTest
from tests.timer_support import Timeline, run_clock, timer_message_stored


def is_edit(call: Call) -> bool:
    """A message edit: over REST (PATCH), or as a press's answer (callback type 7)."""
    return call.status < 300 and (call.method == "PATCH" or (
        call.path.endswith("/callback") and isinstance(call.json, dict) and call.json.get("type") == 7))


def dispatcher_for(app: App, client: TiptoeDiscord) -> Dispatcher:
    pacer = RateLimiter(DISCORD_RATE)
    return app.dispatcher({"discord": DiscordDelivery(client, FAST, pacer=pacer)}, {"discord": pacer})


async def press(chat: DiscordChat, line: Timeline, label: str) -> str:
    said = texts(await chat.press(label))
    line.note()
    return said


def timer_message(chat: DiscordChat, text: str) -> FakeMessage:
    return chat.message_with(text)


async def to_first_exercise(chat: DiscordChat, app: App) -> None:
    await onboard_through_the_engine(app.coach)
    assert "Before we start" in texts(await chat.slash("session"))
    assert "1/5 Isometric calf-raise hold" in texts(await chat.press("0"))


async def walk_exercise(chat: DiscordChat, dispatcher: Dispatcher, line: Timeline, app: App) -> FakeMessage:
    """Start sets, then follow the timer (tapping "Set done" after reps) to the questions after it."""
    assert "Set 1 of" in await press(chat, line, "Start sets")
    await timer_message_stored(app.store, KEY)
    timer = chat.message_with("Set 1 of")
    for _ in range(600):
        if "how hard was that" in chat.messages()[-1].content:
            return timer
        if "Set done ✓" in labels(timer):
            await press(chat, line, "Set done")
        else:
            await run_clock(dispatcher, line, 1)
    raise AssertionError("the walk never reached the effort question")


async def test_a_level_1_session_with_timers_stays_inside_the_edit_budget(
        app: App, dc: FakeDiscordWithDMs, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await to_first_exercise(chat, app)
    line = Timeline(dc, app.clock, is_edit)
    line.note()
    dispatcher = dispatcher_for(app, bot)
    for number in range(2, 6):
        timer = await walk_exercise(chat, dispatcher, line, app)
        assert "sets done" in timer.content
        assert "how much pain" in await press(chat, line, "Just right")
        assert f"{number}/5" in await press(chat, line, "0")
    await walk_exercise(chat, dispatcher, line, app)
    assert "how much pain" in await press(chat, line, "Just right")
    assert "Session done!" in await press(chat, line, "0")
    assert 0 < line.most_edits_in_a_minute() <= CHAT_EDITS_PER_MINUTE
    snapshot = await app.store.load(KEY)
    assert snapshot is not None and len(snapshot.history.sessions[-1].results) == 5


async def test_pause_skip_rest_and_stop_are_answered_at_once(
        app: App, dc: FakeDiscordWithDMs, bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await to_first_exercise(chat, app)
    line = Timeline(dc, app.clock, is_edit)
    dispatcher = dispatcher_for(app, bot)
    await press(chat, line, "Start sets")
    await timer_message_stored(app.store, KEY)
    timer = chat.message_with("Set 1 of 4 · hold 20 s")
    await run_clock(dispatcher, line, 6)
    assert "⏱ 15 s left" in timer.content
    assert "⏸ Paused · 14 s left" in await press(chat, line, "Pause")
    assert "⏸ Paused · 14 s left" in timer.content and labels(timer) == ["Resume ▶", "Stop"]
    await run_clock(dispatcher, line, 30)
    assert "⏸ Paused · 14 s left" in timer.content  # nothing moves while paused
    await press(chat, line, "Resume")
    await run_clock(dispatcher, line, 14)
    assert timer.content.splitlines()[1] == "Rest 20 s"
    await press(chat, line, "Skip rest")
    assert timer.content.splitlines()[1] == "Set 2 of 4 · hold 20 s"
    said = await press(chat, line, "Stop")
    assert "Timer stopped." in timer.content and not labels(timer)
    assert "1/5 Isometric calf-raise hold" in said and "Done ✓" in labels(chat.messages()[-1])


async def test_a_restart_mid_hold_carries_the_timer_on(database: DatabaseUnderTest, dc: FakeDiscordWithDMs) -> None:
    clock = ManualClock(datetime(2026, 11, 30, 6, 0).astimezone())
    turns = Turns()
    chat = DiscordChat(dc, turns)
    async with database.open_app(clock) as first:
        async with running_discord(first.coach, dc, turns, sessions=first.sessions, edit_budget=first.edit_budget) as client:
            await to_first_exercise(chat, first)
            line = Timeline(dc, clock, is_edit)
            await press(chat, line, "Start sets")
            await timer_message_stored(first.store, KEY)
            await run_clock(dispatcher_for(first, client), line, 7)
    timer = chat.message_with("Set 1 of 4")
    assert "⏱ 15 s left" in timer.content
    clock.set(clock.now() + timedelta(seconds=2))
    async with database.open_app(clock) as second:
        async with running_discord(second.coach, dc, turns, sessions=second.sessions, edit_budget=second.edit_budget) as client:
            await run_clock(dispatcher_for(second, client), line, 12)
    assert timer.content.splitlines()[1] == "Rest 20 s"  # the same message, moved on after the restart
    edits = [at for at, c in line.calls if c.method == "PATCH" and c.path.endswith(f"/messages/{timer.id}")]
    assert edits[-1] == clock.now() - timedelta(seconds=1)  # on time: 20 s after the hold began
