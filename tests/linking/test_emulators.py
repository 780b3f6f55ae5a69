"""Linking end to end: real PTB against the Bot API emulator and real discord.py against the fake
Discord, both serving one coach on one database (SQLite and PostgreSQL), as `tiptoe run` does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.discord import DiscordDelivery
from bot.main import App
from bot.reminders.limiter import RateLimiter
from bot.telegram import TelegramDelivery
from core.model import UserRef
from tests.discord.conftest import RUNNER as DISCORD_USER
from tests.discord.conftest import STRANGER, DiscordChat, Turns, running_discord, texts
from tests.engine.script import Chat, easy_session
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import KEY as TELEGRAM_KEY
from tests.telegram.conftest import RUNNER as TELEGRAM_RUNNER
from tests.telegram.conftest import TelegramChat, onboard_directly, running_bot

CODE = re.compile(r"Your link code: ([0-9A-Z]{4}-[0-9A-Z]{4})")
TUESDAY_MORNING = datetime(2026, 12, 1, 8, 1, tzinfo=UTC)  # just after Monday's session's 08:00 morning check


async def telegram_code(chat: TelegramChat) -> str:
    await chat.send("/link", "Use me on Telegram and Discord as one runner")
    await chat.press("Get a code here", "Your link code")
    found = CODE.search(chat.message_with("Your link code")["text"])
    assert found is not None
    return found[1]


async def link_slash(dc: FakeDiscord, chat: DiscordChat, code: str) -> str:
    await dc.slash(chat.user_id, "link", {"code": code})
    return texts(await chat.turns.next())


async def a_session_on_telegram(app: App) -> None:
    """Monday's session, straight through the engine, so there is a history to share."""
    chat = Chat(app.coach, TELEGRAM_RUNNER)
    await easy_session(chat)
    assert "Session done" in chat.last_text


async def test_link_and_unlink_across_telegram_and_discord(app: App) -> None:
    await onboard_directly(app)
    await a_session_on_telegram(app)
    turns = Turns()
    async with FakeTelegram() as tg, FakeDiscord() as dc, running_bot(app.coach, tg) as telegram, \
            running_discord(app.coach, dc, turns, sessions=app.sessions) as discord:
        on_telegram, on_discord = TelegramChat(tg), DiscordChat(dc, turns)
        code = await telegram_code(on_telegram)

        # Forged and expired codes are refused with a friendly line, and nothing is linked.
        assert "I don't recognise that code" in await link_slash(dc, on_discord, "QQQQ-QQQQ")
        app.clock.set(app.clock.now() + timedelta(minutes=11))
        assert "That code has expired" in await link_slash(dc, on_discord, code)
        assert await app.store.key_for(on_discord_ref(on_discord)) == f"discord:{DISCORD_USER}"

        # A fresh code, typed in the DM, links the two chats: Discord sees Telegram's history.
        fresh = await telegram_code(on_telegram)
        assert "Linked ✓" in texts(await on_discord.type(f"/link {fresh}"))
        assert "already done a session today" in texts(await on_discord.slash("session"))
        # That message's buttons are signed for the shared runner; a press from Discord goes through.
        assert "Sessions so far: 1" in texts(await on_discord.press("My progress"))
        # Somebody else trying the used code is told it is used.
        stranger = DiscordChat(dc, turns, STRANGER)
        assert "already been used" in await link_slash(dc, stranger, fresh)

        # Reminders go to the chat used last, Discord now, and are answered there.
        dispatcher = app.dispatcher({"telegram": TelegramDelivery(telegram.bot), "discord": DiscordDelivery(discord)},
                                    {"telegram": RateLimiter(100.0), "discord": RateLimiter(100.0)})
        app.clock.set(TUESDAY_MORNING)
        await dispatcher.plan_pass()
        sent_before = len(tg.calls_of("sendMessage"))
        assert await dispatcher.tick() == 1
        await dispatcher.drain()
        assert "Good morning!" in on_discord.messages()[-1].content
        assert len(tg.calls_of("sendMessage")) == sent_before
        assert "Settled overnight" in texts(await on_discord.press("0"))

        # /unlink on Telegram: the history stays there; Discord is on its own again, un-onboarded.
        await on_telegram.send("/unlink", "This chat keeps your history")
        await on_telegram.press("Unlink", "Unlinked ✓")
        assert await app.store.key_for(on_discord_ref(on_discord)) == f"discord:{DISCORD_USER}"
        assert "finish setting you up first" in texts(await on_discord.slash("progress"))
        await on_telegram.send("/progress", "Sessions so far: 1", method="sendPhoto")
        kept = await app.store.load(TELEGRAM_KEY)
        assert kept.runner.links == () and len([s for s in kept.history.sessions if s.results]) == 1


def on_discord_ref(chat: DiscordChat) -> UserRef:
    return UserRef("discord", str(chat.user_id), str(chat.dc.dm_channel_of(chat.user_id)))
