"""Parity: a runner on Discord gets exactly what the engine says to anyone, step for step.

The same inputs go to the Discord adapter (through discord.py and the fake) and to the
engine-level script (tests/engine/script.py) for a twin runner on the same clock; the
replies' texts, buttons and kinds must be equal at every step.
"""

from __future__ import annotations

import pytest

from bot.discord import DiscordDelivery, TiptoeDiscord
from bot.main import App
from core.model import UserRef
from core.ports import DeliveryStatus
from core.replies import Reply
from tests.discord.conftest import KEY, DiscordChat
from tests.engine.script import Chat
from tests.journey_steps import STEPS, seen

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

TWIN = UserRef(platform="discord", external_id="twin", chat_id="twin-dm", display_name="Runner 4242")


async def on_discord(app: App, bot: TiptoeDiscord, chat: DiscordChat, kind: str, arg: object) -> tuple[Reply, ...]:
    if kind == "slash":
        return (await chat.slash(str(arg))).replies
    if kind == "press":
        return (await chat.press(str(arg))).replies
    if kind == "type":
        return (await chat.type(str(arg))).replies
    reminder, local_date, _ = arg  # type: ignore[misc]
    replies = await app.coach.due(KEY, reminder, local_date)
    snapshot = await app.store.load(KEY)
    assert snapshot is not None
    assert (await DiscordDelivery(bot).deliver(snapshot.runner.chat_id, replies)).status is DeliveryStatus.SENT
    return replies


async def on_engine(app: App, twin: Chat, kind: str, arg: object) -> tuple[Reply, ...]:
    if kind == "slash":
        return await twin.send(f"/{arg}")
    if kind == "press":
        return await twin.press(str(arg))
    if kind == "type":
        return await twin.send(str(arg))
    reminder, local_date, _ = arg  # type: ignore[misc]
    replies = await app.coach.due(TWIN.key, reminder, local_date)
    twin.take(replies)
    return replies


async def test_discord_shows_what_the_engine_says_step_for_step(app: App, bot: TiptoeDiscord,
                                                               chat: DiscordChat) -> None:
    twin = Chat(app.coach, TWIN)
    for number, (kind, arg) in enumerate(STEPS):
        if kind == "due":
            app.clock.set(arg[2])  # type: ignore[index]
        rendered = await on_discord(app, bot, chat, kind, arg)
        expected = await on_engine(app, twin, kind, arg)
        assert seen(rendered) == seen(expected), f"step {number}: {kind} {arg!r}"
        shown = [m.content for m in chat.messages()]
        for reply in rendered:  # and each new message really is on screen as the engine said it
            if not (reply.edit or reply.notice):
                assert reply.text in shown, f"step {number}: {reply.text[:40]!r} not in the DM"
    for key in (KEY, TWIN.key):  # erased, then met again as newcomers by the last /progress
        snapshot = await app.store.load(key)
        assert snapshot is not None and not snapshot.runner.onboarded and snapshot.history.sessions == ()
