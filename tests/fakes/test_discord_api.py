"""Drive the real discord.py client against FakeDiscord over real sockets."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands

from tests.fakes.discord_api import Call, FakeDiscord, point_discord_py_at

RUNNER = 4242  # the Discord user the tests play


class Counter(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"count:(?P<n>\d+)"):
    """A stateless button: its state lives in the custom_id, so it survives restarts."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Laps: {n}", custom_id=f"count:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> Counter:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Counter(self.n + 1))
        await interaction.response.edit_message(content=f"laps {self.n + 1}", view=view)


class RunView(discord.ui.View):
    """A regular (message-bound) view plus the dynamic counter."""

    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.add_item(Counter(0))

    @discord.ui.button(label="Skip", custom_id="skip")
    async def skip(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()


class TinyBot(discord.Client):
    """The smallest client exercising slash commands, views and dynamic items."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        self.tree = app_commands.CommandTree(self)
        self.errors: asyncio.Queue[app_commands.AppCommandError] = asyncio.Queue()

        @self.tree.error
        async def record(_: discord.Interaction, error: app_commands.AppCommandError) -> None:
            self.errors.put_nowait(error)  # instead of logging a traceback

        @self.tree.command(name="start", description="Start a run")
        async def start(interaction: discord.Interaction, km: int = 5) -> None:
            await interaction.response.send_message(f"Run {km} km", view=RunView())

        @self.tree.command(name="later", description="Deferred answer with a follow-up")
        async def later(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="plan ready")
            await interaction.followup.send("and one more thing")

        @self.tree.command(name="card", description="Private file answer")
        async def card(interaction: discord.Interaction) -> None:
            file = discord.File(io.BytesIO(b"week,km\n1,20\n"), "plan.csv")
            await interaction.response.send_message("your card", file=file, ephemeral=True)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Counter)


@asynccontextmanager
async def running_bot(dc: FakeDiscord) -> AsyncIterator[TinyBot]:
    """Log a TinyBot in against `dc`, wait for on_ready, close it cleanly afterwards."""
    bot = TinyBot()
    task: asyncio.Task[None] | None = None
    with point_discord_py_at(dc):
        try:
            await bot.login(dc.token)
            task = asyncio.create_task(bot.connect())
            await asyncio.wait_for(bot.wait_until_ready(), 5)
            yield bot
        finally:
            await bot.close()  # also closes discord.py's aiohttp session
            if task is not None:
                await asyncio.wait_for(task, 5)  # re-raises anything connect() died of


def is_callback(interaction_id: str, kind: int) -> Callable[[Call], bool]:
    """Matches the bot's callback of a given response type for one interaction."""
    prefix = f"/interactions/{interaction_id}/"
    return lambda c: c.path.startswith(prefix) and c.json["type"] == kind


async def start_run(dc: FakeDiscord, bot: TinyBot) -> Call:
    """Sync, run /start in the DM, return the bot's type-4 callback."""
    await bot.tree.sync()
    ref = await dc.slash(RUNNER, "start", {"km": 10})
    return await dc.wait_for(is_callback(ref.id, 4))


@pytest.mark.asyncio
async def test_login_ready_and_sync() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        assert bot.user is not None and str(bot.user.id) == dc.app_id
        assert dc.identify_count == 1 and dc.intents == discord.Intents.default().value
        synced = await bot.tree.sync()
        assert sorted(c.name for c in synced) == ["card", "later", "start"]
        (put,) = dc.syncs
        assert put.path == f"/applications/{dc.app_id}/commands"
        assert {c["name"]: [o["name"] for o in c.get("options", [])] for c in put.json} == {
            "start": ["km"], "later": [], "card": []}


@pytest.mark.asyncio
async def test_slash_in_dm_gets_message_with_components() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        callback = await start_run(dc, bot)
        assert callback.status == 200
        assert callback.json["data"]["content"] == "Run 10 km"
        buttons = callback.json["data"]["components"][0]["components"]
        assert {b["custom_id"] for b in buttons} == {"count:0", "skip"}
        (stored,) = dc.messages_in(dc.dm_channel_of(RUNNER))
        assert stored.content == "Run 10 km" and stored.components[0]["components"] == buttons


@pytest.mark.asyncio
async def test_dynamic_button_click_edits_message() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        await start_run(dc, bot)
        (message,) = dc.messages_in(dc.dm_channel_of(RUNNER))
        # The message-bound view is found under the id our with_response answer gave.
        skip = await dc.click(RUNNER, message.id, "skip")
        assert (await dc.wait_for(is_callback(skip.id, 6))).status == 200
        ref = await dc.click(RUNNER, message.id, "count:0")
        update = await dc.wait_for(is_callback(ref.id, 7))
        assert update.status == 200 and update.json["data"]["content"] == "laps 1"
        assert dc.message(message.id).content == "laps 1"
        assert dc.message(message.id).components[0]["components"][0]["custom_id"] == "count:1"
        with pytest.raises(LookupError):  # the edit replaced the buttons
            await dc.click(RUNNER, message.id, "count:0")


@pytest.mark.asyncio
async def test_dm_with_file_stores_attachment_bytes() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        user = await bot.fetch_user(RUNNER)
        channel = await user.create_dm()
        assert str(channel.id) == dc.dm_channel_of(RUNNER)
        sent = await channel.send("your plan", file=discord.File(io.BytesIO(b"GPX!"), "plan.gpx"))
        (stored,) = dc.messages_in(channel.id)
        assert stored.content == "your plan" and str(sent.id) == stored.id
        assert [(a.filename, a.data) for a in stored.attachments] == [("plan.gpx", b"GPX!")]
        assert sent.attachments[0].filename == "plan.gpx" and sent.attachments[0].size == 4


@pytest.mark.asyncio
async def test_rate_limited_message_is_retried() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        channel = await bot.create_dm(discord.Object(RUNNER))
        dc.fail_next("POST", r"^/channels/\d+/messages$", 429, retry_after=0.05)
        await channel.send("hello")
        attempts = [c.status for c in dc.calls if c.path == f"/channels/{channel.id}/messages"]
        assert attempts == [429, 200]
        assert [m.content for m in dc.messages_in(channel.id)] == ["hello"]


@pytest.mark.asyncio
async def test_errors_surface_as_discord_exceptions() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        channel = await bot.create_dm(discord.Object(RUNNER))
        dc.fail_next("POST", r"/messages$", 503)  # 503 is not retried by discord.py
        with pytest.raises(discord.DiscordServerError):
            await channel.send("hello?")
        dc.close_dms(RUNNER)
        with pytest.raises(discord.Forbidden) as err:
            await channel.send("hello?")
        assert err.value.code == 50007 and dc.messages_in(channel.id) == []


@pytest.mark.asyncio
async def test_bad_token_is_a_login_failure() -> None:
    async with FakeDiscord() as dc:
        client = discord.Client(intents=discord.Intents.none())
        with point_discord_py_at(dc), pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
        await client.close()
        assert [(c.path, c.status) for c in dc.calls] == [("/users/@me", 401)]


@pytest.mark.asyncio
async def test_raw_contract_second_ack_and_unknown_route() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot, aiohttp.ClientSession() as http:
        first = await start_run(dc, bot)
        again = {"type": 4, "data": {"content": "again"}}
        async with http.post(dc.api_url + first.path, json=again) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060
        auth = {"Authorization": f"Bot {dc.token}"}
        async with http.get(f"{dc.api_url}/no/such/route", headers=auth) as resp:
            assert (resp.status, resp.headers["Content-Type"]) == (404, "application/json")
            assert await resp.json() == {"message": "404: Not Found", "code": 0}


@pytest.mark.asyncio
@pytest.mark.parametrize("close_code", [None, 4000])
async def test_dropped_gateway_resumes_and_keeps_handling_clicks(close_code: int | None) -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        await start_run(dc, bot)
        (message,) = dc.messages_in(dc.dm_channel_of(RUNNER))
        await dc.drop_gateway(close_code)
        # Injected while disconnected: must be replayed by RESUME, not lost.
        missed = await dc.click(RUNNER, message.id, "count:0")
        assert (await dc.wait_for(is_callback(missed.id, 7))).status == 200
        await dc.wait_ready()
        later = await dc.click(RUNNER, message.id, "count:1")
        assert (await dc.wait_for(is_callback(later.id, 7))).json["data"]["content"] == "laps 2"
        assert (dc.identify_count, dc.resume_count) == (1, 1)
        first, resumed = (yarl.URL(u) for u in dc.gateway_connects)
        assert (first.path, resumed.path) == ("/gateway", "/gateway-resume")
        assert resumed.query["v"] == "10" and resumed.query["encoding"] == "json"


@pytest.mark.asyncio
async def test_guild_slash_uses_guild_commands_and_channel() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        guild = discord.Object(777)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        assert [c.path for c in dc.syncs] == [f"/applications/{dc.app_id}/guilds/777/commands"]
        ref = await dc.slash(RUNNER, "start", {"km": 3}, guild_id=777)
        assert (await dc.wait_for(is_callback(ref.id, 4))).status == 200
        assert [m.content for m in dc.messages_in(dc.text_channel(777))] == ["Run 3 km"]


@pytest.mark.asyncio
async def test_deferred_response_edit_and_followup() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        await bot.tree.sync()
        await dc.slash(RUNNER, "later")
        followup = await dc.wait_for(lambda c: c.method == "POST" and "/webhooks/" in c.path)
        assert followup.status == 200
        contents = [(m.content, m.flags) for m in dc.messages_in(dc.dm_channel_of(RUNNER))]
        assert contents == [("plan ready", 0), ("and one more thing", 0)]


@pytest.mark.asyncio
async def test_multipart_callback_stores_ephemeral_file() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        await bot.tree.sync()
        ref = await dc.slash(RUNNER, "card")
        callback = await dc.wait_for(is_callback(ref.id, 4))
        assert [f.filename for f in callback.files] == ["plan.csv"]
        (stored,) = dc.messages_in(dc.dm_channel_of(RUNNER))
        assert stored.content == "your card" and stored.flags & 64  # ephemeral
        attached = [(a.filename, a.data) for a in stored.attachments]
        assert attached == [("plan.csv", b"week,km\n1,20\n")]


@pytest.mark.asyncio
async def test_expired_interaction_answers_10062() -> None:
    async with FakeDiscord() as dc, running_bot(dc) as bot:
        await bot.tree.sync()
        dc.expire_interactions = True
        ref = await dc.slash(RUNNER, "start")
        rejected = await dc.wait_for(is_callback(ref.id, 4))
        assert rejected.status == 404 and dc.messages_in(dc.dm_channel_of(RUNNER)) == []
        error = await asyncio.wait_for(bot.errors.get(), 5)
        assert isinstance(error, app_commands.CommandInvokeError)
        assert isinstance(error.original, discord.NotFound) and error.original.code == 10062
