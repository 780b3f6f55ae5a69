"""Buttons across restarts, presses by the wrong person, stale buttons, commands outside DMs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from bot.clock import ManualClock
from bot.discord import TiptoeDiscord
from bot.main import App
from core.engine import Coach
from core.model import Snapshot, UserRef
from core.ports import RunnerStore
from tests.discord.conftest import (
    KEY, RUNNER, START, STRANGER, DiscordChat, FakeDiscordWithDMs, Turns, at_first_pain_question, onboard,
    running_discord, start_session, texts,
)
from tests.storage.backends import DatabaseUnderTest

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

EPHEMERAL = 1 << 6


async def pains(app: App) -> list[int | None]:
    snapshot = await app.store.load(KEY)
    assert snapshot is not None
    return [r.pain for r in snapshot.history.sessions[-1].results]


async def test_a_button_from_before_a_restart_carries_the_session_on(
        database: DatabaseUnderTest, dc: FakeDiscordWithDMs) -> None:
    turns = Turns()
    chat = DiscordChat(dc, turns)
    async with database.open_app(ManualClock(START)) as first:
        async with running_discord(first.coach, dc, turns, sessions=first.sessions):
            await onboard(chat)
            await start_session(chat)
            await chat.press("Done")
            await chat.press("Just right")
            await chat.press("2")
            assert "2/5 Heels-up squat" in chat.messages()[-1].content
    # A new process: new engine, new client, the same database and the same DM on screen.
    async with database.open_app(ManualClock(START)) as second:
        async with running_discord(second.coach, dc, turns, sessions=second.sessions):
            assert "how hard was that" in texts(await chat.press("Done"))
            assert "how much pain" in texts(await chat.press("Just right"))
            assert "3/5 Heels-up split squat" in texts(await chat.press("0"))
        assert await pains(second) == [2, 0]
    assert dc.identify_count == 2
    assert len(dc.syncs) == 1  # the commands had not changed, so the second start did not sync


async def test_a_strangers_press_is_refused_and_changes_nothing(app: App, bot: TiptoeDiscord,
                                                                chat: DiscordChat) -> None:
    await at_first_pain_question(chat, app.coach)
    before = await app.store.load(KEY)
    message, custom_id = chat.button("3")
    shown_before = (message.content, message.components)
    ref = await chat.dc.click(STRANGER, message.id, custom_id)
    refusal = await chat.dc.wait_for(lambda c: c.path.startswith(f"/interactions/{ref.id}/"))
    assert refusal.json["type"] == 4 and refusal.json["data"]["flags"] & EPHEMERAL
    assert "belongs to someone else's conversation" in refusal.json["data"]["content"]
    assert await app.store.load(KEY) == before  # not even a version bump
    assert await app.store.load(f"discord:{STRANGER}") is None
    after = chat.dc.message(message.id)
    assert (after.content, after.components) == shown_before
    assert "2/5 Heels-up squat" in texts(await chat.press("3"))  # the runner's own press still works


async def test_a_stale_button_gets_a_private_notice_and_the_question_again(bot: TiptoeDiscord,
                                                                          chat: DiscordChat) -> None:
    await chat.slash("start")
    await chat.press("Let's start")
    await chat.press("None of these")  # now at question 2: question 1's buttons are gone, the welcome's too
    first = chat.message_with("Safety check 1/3")
    assert first.components == []
    # Answering by typing leaves the time buttons on screen; they are stale once the time is set.
    for label in ("None of these", "No", "Mon", "Wed", "Fri", "Done"):  # health, injury, run days
        await chat.press(label)
    await chat.press("2 a week")
    await chat.type("6:30")
    stale = await chat.press("06:00")
    notice, *again = stale.replies
    assert notice.notice and "earlier step" in notice.text
    assert "Which time zone" in texts(stale)
    ephemeral = [m for m in chat.messages() if m.flags & EPHEMERAL]
    assert [m.content for m in ephemeral] == [notice.text]
    assert "Which time zone" in chat.messages()[-1].content and again


async def test_slow_commands_defer_then_fill_in_the_answer(bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await onboard(chat)
    mark = len(chat.dc.calls)
    await chat.slash("export")
    answered = chat.dc.calls[mark:]
    callback = next(c for c in answered if c.path.endswith("/callback"))
    assert callback.json["type"] == 5  # "thinking…" first: the chart or the export may take a while
    (filled,) = [c for c in answered if c.method == "PATCH" and c.path.endswith("/messages/@original")]
    assert [f.filename for f in filled.files] == ["tiptoe-export-2026-11-30.json"]
    exported = chat.message_with("everything I hold about you")
    assert exported.flags == 0 and len(exported.attachments) == 1


async def test_a_command_in_a_server_moves_the_conversation_to_dm(bot: TiptoeDiscord, chat: DiscordChat) -> None:
    dc = chat.dc
    await bot.tree.sync()
    ref = await dc.slash(RUNNER, "start", guild_id=777)
    welcome = await chat.turns.next()
    assert welcome.user.chat_id == dc.dm_channel_of(RUNNER)
    (pointer,) = dc.messages_in(dc.text_channel(777))
    assert pointer.flags & EPHEMERAL and "I've written to you there" in pointer.content
    assert "short safety check" in chat.messages()[-1].content
    assert dc.callbacks_for(ref.id)[0].json["type"] == 5
    assert "Safety check 1/3" in texts(await chat.press("Let's start"))  # and it goes on in the DM


async def test_a_command_in_a_server_with_dms_closed_says_so(app: App, bot: TiptoeDiscord,
                                                             chat: DiscordChat) -> None:
    dc = chat.dc
    dc.close_dms(RUNNER)
    await dc.slash(RUNNER, "help", guild_id=777)
    await chat.turns.next()
    (pointer,) = dc.messages_in(dc.text_channel(777))
    assert pointer.flags & EPHEMERAL and "couldn't send you a direct message" in pointer.content
    snapshot = await app.store.load(KEY)
    assert snapshot is not None and snapshot.runner.unreachable


@dataclass
class GatedStore:
    """The RunnerStore port with a slow disk: `load` waits until the test opens the gate."""

    inner: RunnerStore
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def load(self, key: str) -> Snapshot | None:
        await self.gate.wait()
        return await self.inner.load(key)

    async def load_for(self, user: UserRef) -> Snapshot | None:
        await self.gate.wait()
        return await self.inner.load_for(user)

    async def key_for(self, user: UserRef) -> str:
        return await self.inner.key_for(user)

    def cached_for(self, user: UserRef) -> Snapshot | None:
        return None  # every turn goes through the gated load

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        return await self.inner.save(before, after)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)


async def test_a_slow_turn_is_deferred_before_discord_gives_up(app: App, dc: FakeDiscordWithDMs) -> None:
    store = GatedStore(app.store)
    store.gate.set()
    coach = Coach(store, app.clock, app.coach.services)
    turns = Turns()
    chat = DiscordChat(dc, turns)
    async with running_discord(coach, dc, turns, defer_after=0.05):
        await onboard(chat)
        await start_session(chat)
        await chat.press("Done")
        await chat.press("Just right")
        message, custom_id = chat.button("1")
        store.gate.clear()  # the next turn takes longer than the adapter waits before deferring
        ref = await dc.click(RUNNER, message.id, custom_id)
        deferred = await dc.wait_for(lambda c: c.path.startswith(f"/interactions/{ref.id}/"))
        assert deferred.json["type"] == 6  # "deferred update": the press is acknowledged in time
        store.gate.set()
        answered = await turns.next()
        assert "2/5 Heels-up squat" in texts(answered)
        edited = dc.message(message.id)  # edited afterwards through the interaction's @original
        assert edited.content.endswith("✓ Pain: 1/10") and edited.components == []
        assert "2/5 Heels-up squat" in chat.messages()[-1].content

        store.gate.clear()
        ref = await dc.slash(RUNNER, "help")
        thinking = await dc.wait_for(lambda c: c.path.startswith(f"/interactions/{ref.id}/"))
        assert thinking.json["type"] == 5
        store.gate.set()
        await turns.next()
        assert chat.messages()[-1].content.startswith("Here's what I can do")
    assert await pains(app) == [1]
