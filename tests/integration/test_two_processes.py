"""Two processes on one database: a press answered from this process's kept snapshot never
overrides what another process stored since (core/engine.py `handle`, the store's `cached_for`)."""

from __future__ import annotations

from dataclasses import replace

from bot.clock import ManualClock
from bot.main import App
from core.model import UserRef
from tests.conftest import START
from tests.engine.script import Chat, onboard, texts
from tests.storage.backends import DatabaseUnderTest

RUNNER = UserRef(platform="terminal", external_id="ann", chat_id="ann", display_name="Ann")


async def at_first_exercise(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/session")
    assert "Good to go" in texts(await chat.press("0"))
    assert "1/5" in chat.last_text


async def test_a_button_pressed_again_in_another_process_counts_once(app: App, database: DatabaseUnderTest) -> None:
    here = Chat(app.coach, RUNNER)
    await at_first_exercise(here)
    assert app.store.cached_for(RUNNER) is not None  # this process keeps the runner it just saved
    async with database.open_app(ManualClock(START)) as other:
        there = replace(Chat(other.coach, RUNNER), keyboard=here.keyboard)  # the same message on screen
        assert "how hard was that" in texts(await there.press("Done"))
        asked = there.keyboard
    # This process's kept snapshot is now one save behind: its save fails, the press runs again on
    # what is stored, and "Done" is the button already pressed, not a second Done.
    again = await here.press("Done")
    assert all(reply.notice for reply in again), texts(again)
    here.keyboard = asked  # the effort question the other process sent is on screen: answered here
    await here.press("Just right")
    assert "2/5" in texts(await here.press("2"))
    stored = await app.store.load(RUNNER.key)
    assert stored is not None
    assert [(r.exercise, r.pain) for r in stored.history.sessions[-1].results] == [(0, 2)]  # the first exercise, once


async def test_a_press_after_another_process_erased_the_runner_stores_nothing(app: App,
                                                                             database: DatabaseUnderTest) -> None:
    here = Chat(app.coach, RUNNER)
    await at_first_exercise(here)
    async with database.open_app(ManualClock(START)) as other:
        there = Chat(other.coach, RUNNER)
        assert "can't be undone" in texts(await there.send("/delete"))
        assert "everything is erased" in texts(await there.press("Yes, delete everything"))
    replies = await here.press("Done")  # a button of the erased conversation, kept on screen
    assert all(reply.notice for reply in replies), texts(replies)
    assert await app.store.load(RUNNER.key) is None
