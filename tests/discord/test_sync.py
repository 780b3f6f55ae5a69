"""Slash commands: what is synced, when, and how the client is set up to connect."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from bot.clock import ManualClock
from bot.discord import TiptoeDiscord, build_discord_client, sync_commands, sync_if_changed
from bot.discord.client import COMMAND_CALLBACKS
from bot.discord.sync import COMMANDS_HASH_NAME, commands_hash, store_hash, stored_hash
from bot.main import App
from bot.storage.tables import AppMetaRow
from core.engine import Coach
from core.payloads import Signer
from core.turn import Services
from tests.discord.conftest import START, FakeDiscordWithDMs, Turns, running_discord, settings_for
from tests.engine.fakes import MemoryStore, TinyCharts
from tests.fakes.discord_api import point_discord_py_at

pytestmark = pytest.mark.asyncio  # every test here is a coroutine

COMMANDS = sorted(["calendar", "delete", "export", "help", "link", "pause", "progress", "resume", "selftest",
                   "session", "settings", "start", "summary", "unlink"])
GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
PRIVILEGED = discord.Intents(members=True, presences=True, message_content=True).value


def memory_coach() -> Coach:
    return Coach(MemoryStore(), ManualClock(START), Services(signer=Signer(b"tests"), charts=TinyCharts()))


async def test_the_first_start_syncs_every_command_for_servers_dms_and_user_installs(
        app: App, dc: FakeDiscordWithDMs, bot: TiptoeDiscord) -> None:
    (put,) = dc.syncs
    assert put.path == f"/applications/{dc.app_id}/commands"
    assert sorted(c["name"] for c in put.json) == COMMANDS
    docstrings = {f.__name__.removeprefix("cmd_"): f.__doc__ for f in COMMAND_CALLBACKS}
    assert {c["name"]: c["description"] for c in put.json} == docstrings  # docstrings describe them
    for command in put.json:
        assert sorted(command["integration_types"]) == [GUILD_INSTALL, USER_INSTALL]
        assert sorted(command["contexts"]) == [GUILD, BOT_DM, PRIVATE_CHANNEL]
    options = {c["name"]: [(o["name"], o["required"]) for o in c.get("options", [])] for c in put.json}
    assert options == {name: [("code", False)] if name == "link" else [] for name in COMMANDS}  # /link [code]
    assert await stored_hash(app.sessions) == commands_hash(bot)
    assert dc.intents == discord.Intents(guilds=True, dm_messages=True).value
    assert dc.intents & PRIVILEGED == 0


async def test_a_start_syncs_only_when_the_commands_changed(app: App, dc: FakeDiscordWithDMs) -> None:
    async with running_discord(app.coach, dc, Turns(), sessions=app.sessions) as client:
        assert len(dc.syncs) == 1
        assert await sync_if_changed(client) is False
        await store_hash(app.sessions, "the hash of an older set of commands")
        assert await sync_if_changed(client) is True
        assert len(dc.syncs) == 2
    async with running_discord(app.coach, dc, Turns(), sessions=app.sessions):
        assert len(dc.syncs) == 2  # unchanged since: no sync at this start


async def test_an_explicit_sync_logs_in_syncs_and_remembers(app: App, dc: FakeDiscordWithDMs) -> None:
    with point_discord_py_at(dc):
        client = build_discord_client(app.coach, settings_for(dc), sessions=app.sessions)
        try:
            assert await sync_commands(client) == len(COMMANDS)
            assert len(dc.syncs) == 1 and dc.identify_count == 0  # REST only, no gateway session
            assert await sync_if_changed(client) is False
        finally:
            await client.close()
    async with app.sessions() as db:
        assert await db.get(AppMetaRow, COMMANDS_HASH_NAME) is not None


@pytest.fixture
def discord_py_urls() -> Iterator[None]:
    """Whatever a test aims discord.py at is put back afterwards (they are class attributes)."""
    route, ws = discord.http.Route, discord.gateway.DiscordWebSocket
    saved = route.BASE, ws.DEFAULT_GATEWAY
    route.BASE, ws.DEFAULT_GATEWAY = "https://discord.com/api/v10", yarl.URL("wss://gateway.discord.gg/")
    try:
        yield
    finally:
        route.BASE, ws.DEFAULT_GATEWAY = saved


AIMS = [  # (DISCORD_API_URL, DISCORD_GATEWAY_URL) -> where discord.py then goes
    pytest.param(None, None, "https://discord.com/api/v10", "wss://gateway.discord.gg/", id="Discord's own"),
    pytest.param("http://127.0.0.1:9/api/v10/", None, "http://127.0.0.1:9/api/v10",
                 "wss://gateway.discord.gg/", id="REST only, trailing slash dropped"),
    pytest.param(None, "ws://127.0.0.1:9/gateway", "https://discord.com/api/v10", "ws://127.0.0.1:9/gateway",
                 id="gateway only"),
    pytest.param("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9/gateway", "http://127.0.0.1:9/api/v10",
                 "ws://127.0.0.1:9/gateway", id="both: a local server"),
]


@pytest.mark.parametrize(("api_url", "gateway_url", "base", "gateway"), AIMS)
async def test_settings_aim_discord_py(api_url: str | None, gateway_url: str | None, base: str, gateway: str,
                                      dc: FakeDiscordWithDMs, discord_py_urls: None) -> None:
    overrides: dict[str, Any] = {"discord_api_url": api_url, "discord_gateway_url": gateway_url}
    client = build_discord_client(memory_coach(), settings_for(dc, **overrides))
    assert discord.http.Route.BASE == base
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == gateway
    await client.close()


async def test_no_token_is_a_clear_error(dc: FakeDiscordWithDMs) -> None:
    with pytest.raises(ValueError, match="DISCORD_TOKEN"):
        build_discord_client(memory_coach(), settings_for(dc, discord_token=None))
