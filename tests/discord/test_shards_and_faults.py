"""Discord: shards split across processes, retries left to discord.py where it retries,
and what a runner reads when the database fails or they send something other than text."""

from __future__ import annotations

import time

import discord
import pytest
from sqlalchemy import text

from bot.discord import TiptoeDiscord, build_discord_client, run_discord
from bot.discord.client import SOMETHING_WENT_WRONG
from bot.discord.render import Outbox, Outgoing, RetryPolicy
from bot.main import App
from core.texts import ONLY_TEXT
from tests.discord.conftest import RUNNER, DiscordChat, FakeDiscordWithDMs, Turns, settings_for
from tests.fakes.discord_api import point_discord_py_at
from tests.serving import serving

pytestmark = pytest.mark.asyncio

MESSAGES = r"^/channels/\d+/messages$"
PATIENT = RetryPolicy(backoff=(0.01, 0.02, 0.05), longest_flood_wait=30.0, call_timeout=60.0)
# These are about Discord, not storage: one database is enough (discord.py's own waits take 16 s).
ONE_DATABASE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@ONE_DATABASE
async def test_a_process_identifies_only_its_own_shards(app: App, dc: FakeDiscordWithDMs, turns: Turns) -> None:
    settings = settings_for(dc, discord_shard_count=2, discord_shard_ids=(1,))
    with point_discord_py_at(dc):
        client = build_discord_client(app.coach, settings, on_turn=turns.record, guild_ready_timeout=0.01)
        assert isinstance(client, discord.AutoShardedClient)
        async with serving(lambda stop, started: run_discord(client, settings, stop, started=started)):
            assert client.shard_count == 2 and client.shard_ids == [1]
    assert dc.identified_shards == [[1, 2]]


@ONE_DATABASE
async def test_a_persistent_502_is_retried_by_discord_py_alone(bot: TiptoeDiscord, chat: DiscordChat) -> None:
    """discord.py tries a 502 five times itself; wrapping that loop in another made 16 POSTs in 63 s
    and ended in a TimeoutError that hid the 502."""
    await chat.slash("help")  # opens the DM channel
    channel = bot.get_partial_messageable(int(chat.dc.dm_channel_of(RUNNER)), type=discord.ChannelType.private)
    chat.dc.fail_next("POST", MESSAGES, 502, count=100)
    before = len(chat.dc.calls)
    began = time.monotonic()
    with pytest.raises(discord.DiscordServerError) as raised:
        await Outbox(channel, PATIENT).send(Outgoing("Hello"))
    posts = [c for c in chat.dc.calls[before:] if c.method == "POST" and c.status == 502]
    assert len(posts) == 5 and raised.value.status == 502
    assert time.monotonic() - began < PATIENT.call_timeout


@ONE_DATABASE
async def test_a_503_is_ours_to_retry(bot: TiptoeDiscord, chat: DiscordChat) -> None:
    await chat.slash("help")
    channel = bot.get_partial_messageable(int(chat.dc.dm_channel_of(RUNNER)), type=discord.ChannelType.private)
    chat.dc.fail_next("POST", MESSAGES, 503, count=2)  # discord.py hands 503 straight back
    await Outbox(channel, PATIENT).send(Outgoing("Hello"))
    assert [c.status for c in chat.dc.calls if c.method == "POST" and c.path.endswith("/messages")][-3:] == \
        [503, 503, 200]


async def dm_reply(dc: FakeDiscordWithDMs, text_shown: str):
    return await dc.wait_for(lambda c: c.method == "POST" and c.path.endswith("/messages") and c.status == 200
                             and (c.json or {}).get("content") == text_shown, timeout=10)


async def test_a_picture_or_sticker_gets_one_line_about_text_and_buttons(app: App, bot: TiptoeDiscord,
                                                                         dc: FakeDiscordWithDMs) -> None:
    attachment = {"id": "1", "filename": "calf.jpg", "size": 10, "url": "https://cdn.example/calf.jpg",
                  "proxy_url": "https://cdn.example/calf.jpg"}
    await dc.user_message(RUNNER, "", attachments=[attachment])
    await dm_reply(dc, ONLY_TEXT)
    assert await app.store.load(f"discord:{RUNNER}") is None


async def test_a_typed_message_the_database_cannot_handle_is_answered(app: App, bot: TiptoeDiscord,
                                                                      chat: DiscordChat) -> None:
    await chat.slash("start")
    async with app.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE runners RENAME TO runners_away"))
    try:
        await chat.dc.user_message(RUNNER, "/help")
        await dm_reply(chat.dc, SOMETHING_WENT_WRONG)
    finally:
        async with app.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE runners_away RENAME TO runners"))
    assert "Here's what I can do" in "\n".join(r.text for r in (await chat.type("/help")).replies)
