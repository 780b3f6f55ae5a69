"""The real discord.py client (TiptoeDiscord) against FakeDiscord over sockets, on a real database.

`DiscordChat` plays the runner: slash commands, presses by label on the messages the
bot really sent, and typed DMs. Every action waits for the adapter's own "turn
answered" report (fired after the replies were sent), so no test sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from bot.discord import RetryPolicy, TiptoeDiscord, build_discord_client, run_discord
from bot.turns import AnsweredTurn
from bot.main import App
from bot.settings import Settings
from core.engine import Coach
from core.model import UserRef
from tests.engine.script import SCREEN_CLEAR, Chat
from tests.fakes.discord_api import FakeDiscord, FakeMessage, point_discord_py_at
from tests.conftest import START  # noqa: F401  (re-exported for the tests here)
from tests.serving import serving

RUNNER = 4242  # the Discord user the tests play
STRANGER = 5151  # somebody else
KEY = UserRef("discord", str(RUNNER), "").key
FAST = RetryPolicy(backoff=(0.01, 0.02, 0.05), longest_flood_wait=30.0, call_timeout=5.0)
TURN_TIMEOUT_S = 10
STOP_TIMEOUT_S = 15


FakeDiscordWithDMs = FakeDiscord  # typing in DMs is part of the fake now


def settings_for(dc: FakeDiscord, **overrides: Any) -> Settings:
    """Settings for the emulator only: no .env file, no Telegram."""
    values: dict[str, Any] = dict(discord_token=dc.token, discord_api_url=dc.api_url,
                                  discord_gateway_url=dc.gateway_url, telegram_token=None)
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class Turns:
    """What the adapter reports after answering each event, in order."""

    queue: asyncio.Queue[AnsweredTurn] = field(default_factory=asyncio.Queue)

    def record(self, turn: AnsweredTurn) -> None:
        self.queue.put_nowait(turn)

    async def next(self) -> AnsweredTurn:
        return await asyncio.wait_for(self.queue.get(), TURN_TIMEOUT_S)


@asynccontextmanager
async def running_discord(coach: Coach, dc: FakeDiscord, turns: Turns, *, sessions: Any = None,
                          retry: RetryPolicy = FAST, **options: Any) -> AsyncIterator[TiptoeDiscord]:
    """build_discord_client + run_discord as bot/main.py runs them; stopped cleanly afterwards."""
    settings = settings_for(dc)
    with point_discord_py_at(dc):  # restores discord.py's class-level URLs when done
        client = build_discord_client(coach, settings, sessions=sessions, retry=retry, on_turn=turns.record,
                                      guild_ready_timeout=0.01, **options)
        async with serving(lambda stop, started: run_discord(client, settings, stop, started=started)):
            yield client


def labels(message: FakeMessage) -> list[str]:
    return [b["label"] for row in message.components for b in row.get("components", [])]


@dataclass
class DiscordChat:
    """The runner in their DM with the bot."""

    dc: FakeDiscordWithDMs
    turns: Turns
    user_id: int = RUNNER

    async def slash(self, name: str) -> AnsweredTurn:
        await self.dc.slash(self.user_id, name)
        return await self.turns.next()

    async def type(self, text: str) -> AnsweredTurn:
        await self.dc.user_message(self.user_id, text)
        return await self.turns.next()

    async def press(self, label: str) -> AnsweredTurn:
        message, custom_id = self.button(label)
        await self.dc.click(self.user_id, message.id, custom_id)
        return await self.turns.next()

    def messages(self) -> list[FakeMessage]:
        return self.dc.messages_in(self.dc.dm_channel_of(self.user_id))

    def button(self, label: str) -> tuple[FakeMessage, str]:
        """The newest message with a button of this label (exact, else by prefix)."""
        for message in reversed(self.messages()):
            buttons = [b for row in message.components for b in row.get("components", [])]
            for match in (lambda b: b["label"] == label, lambda b: b["label"].startswith(label)):
                found = next((b for b in buttons if match(b)), None)
                if found is not None:
                    return message, found["custom_id"]
        raise AssertionError(f"no button {label!r} on screen for {self.user_id}")

    def message_with(self, text: str) -> FakeMessage:
        for message in reversed(self.messages()):
            if text in message.content:
                return message
        raise AssertionError(f"no message with {text!r} for {self.user_id}")


def texts(turn: AnsweredTurn) -> str:
    return "\n".join(r.text for r in turn.replies)


async def onboard(chat: DiscordChat) -> None:
    """/start to "All set", through the screening and the schedule questions."""
    assert "short safety check" in texts(await chat.slash("start"))
    assert "Safety check 1/3" in texts(await chat.press("Let's start"))
    assert "Safety check 2/3" in texts(await chat.press("None of these"))
    assert "injury or pain" in texts(await chat.press("None of these"))
    assert "Which days do you usually run?" in texts(await chat.press("No"))
    for day in ("Mon", "Wed", "Fri"):
        await chat.press(day)
    assert "How many strength sessions" in texts(await chat.press("Done"))
    assert "What time do you usually start" in texts(await chat.press("2 a week"))
    assert "Which time zone" in texts(await chat.type("6:30"))
    assert "How long before your run" in texts(await chat.type("Europe/London"))
    assert "Strength days: Mon and Fri" in texts(await chat.press("20 min"))


async def onboard_through_the_engine(coach: Coach) -> None:
    """The same answers as `onboard`, given straight to the engine: a quick way to set a runner up.

    The DM channel is unknown until the runner first writes; the engine takes it from then on.
    """
    chat = Chat(coach, UserRef("discord", str(RUNNER), "unknown-yet", display_name=f"Runner {RUNNER}"))
    await chat.send("/start")
    for label in (*SCREEN_CLEAR, "Mon", "Wed", "Fri", "Done", "2 a week"):
        await chat.press(label)
    await chat.send("6:30")
    await chat.send("Europe/London")
    assert "Strength days: Mon and Fri" in "\n".join(r.text for r in await chat.press("20 min"))


async def at_first_pain_question(chat: DiscordChat, coach: Coach) -> None:
    """A set-up runner, on Discord, who has just done the first exercise."""
    await onboard_through_the_engine(coach)
    assert "Before we start" in texts(await chat.slash("session"))
    assert "1/5 Isometric calf-raise hold" in texts(await chat.press("0"))
    assert "how hard was that" in texts(await chat.press("Done"))
    assert "how much pain did you feel" in texts(await chat.press("Just right"))


async def start_session(chat: DiscordChat) -> None:
    """From "All set": start now and answer readiness 0."""
    assert "Before we start" in texts(await chat.press("Start a session now"))
    assert "1/5 Isometric calf-raise hold" in texts(await chat.press("0"))


@pytest_asyncio.fixture
async def dc() -> AsyncIterator[FakeDiscordWithDMs]:
    async with FakeDiscordWithDMs() as fake:
        yield fake


@pytest.fixture
def turns() -> Turns:
    return Turns()


@pytest_asyncio.fixture
async def bot(app: App, dc: FakeDiscordWithDMs, turns: Turns) -> AsyncIterator[TiptoeDiscord]:
    async with running_discord(app.coach, dc, turns, sessions=app.sessions, edit_budget=app.edit_budget) as client:
        yield client


@pytest.fixture
def chat(dc: FakeDiscordWithDMs, turns: Turns) -> DiscordChat:
    return DiscordChat(dc, turns)
