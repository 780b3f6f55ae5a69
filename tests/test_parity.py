"""Parity across platforms: the same journey on Telegram and on Discord, step for step.

Both adapters run on one App (one engine, one database, one manual clock), each for a
runner of its own, and play the shared script (tests/journey_steps.py); reminders go out
through each platform's Delivery, as the dispatcher sends them. After every step:
- the engine-level replies each adapter rendered (its `on_turn` report) are equal in
  content: texts, button labels by row, edit/notice, file names (payloads are per runner);
- the two chats really show the same: every message the step put up or changed, newest
  last (its text or caption, and its buttons' labels), the same uploaded files, the same notices.
Both adapters append an edit's line as "\n\n" + line to the pressed message, so edited
messages compare as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.discord import DiscordDelivery
from bot.main import App
from bot.telegram import TelegramDelivery
from core.ports import Delivery, DeliveryStatus
from core.replies import Reply
from tests.discord.conftest import KEY as DISCORD_KEY
from tests.discord.conftest import DiscordChat, Turns, labels, running_discord
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.journey_steps import STEPS, Due, seen
from tests.telegram.conftest import CHAT, FAST, TelegramChat, keyboard_rows, running_bot
from tests.telegram.conftest import KEY as TELEGRAM_KEY

NAME = "Runner 4242"  # the fake Discord's name for its runner; the Telegram runner is given the same
EPHEMERAL = 1 << 6  # Discord message flag: only the runner sees it (our notices)

Shown = tuple[str, tuple[str, ...]]  # a message as a person sees it: text (or caption), button labels


@dataclass
class OnTelegram:
    """The runner in their private chat with the bot; each action waits for the adapter's report."""

    tg: FakeTelegram
    turns: Turns

    async def slash(self, name: str) -> tuple[Reply, ...]:
        return await self.type(f"/{name}")

    async def type(self, text: str) -> tuple[Reply, ...]:
        self.tg.user_text(CHAT, text, first_name=NAME)
        return (await self.turns.next()).replies

    async def press(self, label: str) -> tuple[Reply, ...]:
        message, data = TelegramChat(self.tg).button(label)
        self.tg.press(CHAT, message["message_id"], data)
        return (await self.turns.next()).replies

    def screen(self) -> dict[object, Shown]:
        """Every bot message in the chat as it looks now, oldest first."""
        messages = sorted(TelegramChat(self.tg).messages().values(), key=lambda m: m["message_id"])
        return {m["message_id"]: (m.get("text") or m.get("caption") or "",
                                  tuple(label for row in keyboard_rows(m) for label in row)) for m in messages}

    def files_since(self, mark: int) -> list[str]:
        return [name for call in self.tg.calls[mark:] if call.ok for name, _ in call.files.values()]

    def notices_since(self, mark: int) -> list[str]:
        """Toasts on presses (a press's notices share one toast)."""
        return [str(call.params["text"]) for call in self.tg.calls[mark:]
                if call.method == "answerCallbackQuery" and call.params.get("text")]


@dataclass
class OnDiscord:
    """The runner in their DM with the bot; each action waits for the adapter's report."""

    dc: FakeDiscord
    chat: DiscordChat

    async def slash(self, name: str) -> tuple[Reply, ...]:
        return (await self.chat.slash(name)).replies

    async def type(self, text: str) -> tuple[Reply, ...]:
        return (await self.chat.type(text)).replies

    async def press(self, label: str) -> tuple[Reply, ...]:
        return (await self.chat.press(label)).replies

    def screen(self) -> dict[object, Shown]:
        """Every message in the DM as it looks now, oldest first, without notices (only the runner sees those)."""
        return {m.id: (m.content, tuple(labels(m))) for m in self.chat.messages() if not m.flags & EPHEMERAL}

    def files_since(self, mark: int) -> list[str]:
        return [file.filename for call in self.dc.calls[mark:] if call.status < 300 for file in call.files]

    def notices(self) -> dict[object, str]:
        return {m.id: m.content for m in self.chat.messages() if m.flags & EPHEMERAL}


async def deliver(app: App, key: str, delivery: Delivery, due: Due) -> tuple[Reply, ...]:
    """A due reminder as the dispatcher sends it: the engine's replies through the platform's Delivery."""
    reminder, local_date, _ = due
    replies = await app.coach.due(key, reminder, local_date)
    snapshot = await app.store.load(key)
    assert snapshot is not None
    assert (await delivery.deliver(snapshot.runner.chat_id, replies)).status is DeliveryStatus.SENT
    return replies


async def play(runner: OnTelegram | OnDiscord, kind: str, arg: object) -> tuple[Reply, ...]:
    if kind == "slash":
        return await runner.slash(str(arg))
    if kind == "press":
        return await runner.press(str(arg))
    assert kind == "type", kind
    return await runner.type(str(arg))


def changed(before: dict[object, Shown], after: dict[object, Shown]) -> list[Shown]:
    """Messages a step put up or changed, oldest first."""
    return [shown for key, shown in after.items() if before.get(key) != shown]


@pytest.mark.asyncio
async def test_telegram_and_discord_show_the_same_journey_step_for_step(app: App) -> None:
    tg_turns, dc_turns = Turns(), Turns()
    async with (FakeTelegram() as tg, FakeDiscord() as dc,
                running_bot(app.coach, tg, on_turn=tg_turns.record) as application,
                running_discord(app.coach, dc, dc_turns, sessions=app.sessions) as client):
        on_telegram, on_discord = OnTelegram(tg, tg_turns), OnDiscord(dc, DiscordChat(dc, dc_turns))
        tg_delivery, dc_delivery = TelegramDelivery(application.bot, FAST), DiscordDelivery(client)
        for number, (kind, arg) in enumerate(STEPS):
            step = f"step {number}: {kind} {arg!r}"
            tg_before, dc_before = on_telegram.screen(), on_discord.screen()
            tg_mark, dc_mark, dc_notices = len(tg.calls), len(dc.calls), on_discord.notices()
            if kind == "due":
                app.clock.set(arg[2])  # type: ignore[index]
                on_tg = await deliver(app, TELEGRAM_KEY, tg_delivery, arg)  # type: ignore[arg-type]
                on_dc = await deliver(app, DISCORD_KEY, dc_delivery, arg)  # type: ignore[arg-type]
            else:
                on_tg = await play(on_telegram, kind, arg)
                on_dc = await play(on_discord, kind, arg)

            assert seen(on_tg) == seen(on_dc), step
            tg_changed = changed(tg_before, on_telegram.screen())
            dc_changed = changed(dc_before, on_discord.screen())
            assert tg_changed, f"{step}: the Telegram chat shows nothing new"
            assert tg_changed == dc_changed, step  # each new or edited message: text and buttons
            assert on_telegram.files_since(tg_mark) == on_discord.files_since(dc_mark), step
            new_notices = [text for key, text in on_discord.notices().items() if dc_notices.get(key) != text]
            assert " ".join(on_telegram.notices_since(tg_mark)) == " ".join(new_notices), step

    for key in (TELEGRAM_KEY, DISCORD_KEY):  # erased, then met again as newcomers by the last /progress
        snapshot = await app.store.load(key)
        assert snapshot is not None and not snapshot.runner.onboarded and snapshot.history.sessions == ()
