"""The real PTB Application over HTTP against FakeTelegram, on a real database.

`TelegramChat` plays the runner: it types into the emulator, presses buttons by label
on the messages the bot really sent, and waits for what a person would wait to see.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot
from telegram.ext import Application

from bot.main import App
from bot.reminders.timers import EditBudget
from bot.settings import Settings
from bot.telegram import RetryPolicy, build_application, run_telegram
from bot.telegram.transport import AiohttpRequest
from core.engine import Coach
from core.model import UserRef
from tests.engine.script import SCREEN_CLEAR, Chat
from tests.fakes.telegram_api import Call, FakeTelegram
from bot.turns import TurnObserver
from tests.conftest import START  # noqa: F401  (re-exported for the tests here)
from tests.serving import serving

FAST = RetryPolicy(backoff=(0.01, 0.02, 0.05), longest_flood_wait=2.0, call_timeout=5.0)
CHAT = 4242  # the runner's private chat (= their user id, as on Telegram)
OTHER_CHAT = 7777  # somebody else, whose /help shows that earlier updates were all handled
RUNNER = UserRef("telegram", str(CHAT), str(CHAT), "Runner")  # the runner, as the adapter sees them
KEY = RUNNER.key
STOP_TIMEOUT_S = 15
# A plain Bot's connecting and writing are never stalled in these tests: a busy CI machine may hold
# the process for a moment (a 0.3 s connect limit once failed getMe before any test began).
SETUP_TIMEOUT_S = 10.0


def settings_for(tg: FakeTelegram, **overrides: Any) -> Settings:
    """Settings for the emulator only: no .env file, no webhook unless asked."""
    values: dict[str, Any] = dict(telegram_token=tg.token, telegram_api_url=tg.url, telegram_webhook_url=None,
                                  telegram_webhook_secret=None, discord_token=None)
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(coach: Coach, tg: FakeTelegram, *, retry: RetryPolicy = FAST,
                      on_turn: TurnObserver | None = None, edit_budget: EditBudget | None = None,
                      **settings: Any) -> AsyncIterator[Application]:
    """build_application + run_telegram as bot/main.py runs them; stopped cleanly afterwards."""
    configured = settings_for(tg, **settings)
    application = build_application(coach, configured, retry=retry, on_turn=on_turn, edit_budget=edit_budget)
    async with serving(lambda stop, started: run_telegram(application, configured, stop, started=started)):
        tg.running_application = application  # for settle()
        yield application


def shown(call: Call) -> str:
    """What a message call puts on screen: its text or caption, then its button labels."""
    params = call.params
    labels = [b["text"] for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
    return "\n".join([str(params.get("text") or params.get("caption") or ""), *labels])


def keyboard_rows(message: dict) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])]


@dataclass
class Press:
    label: str
    message_id: int
    query_id: str
    data: str
    mark: int  # len(tg.calls) just before the press: what the bot did about it comes after


@dataclass
class TelegramChat:
    tg: FakeTelegram
    chat_id: int = CHAT
    presses: list[Press] = field(default_factory=list)

    async def send(self, text: str, expect: str, method: str = "sendMessage") -> Call:
        """Type a line and wait until the bot shows `expect`."""
        mark = len(self.tg.calls)
        self.tg.user_text(self.chat_id, text)
        return await self.wait_for(expect, mark, method)

    async def press(self, label: str, expect: str | None = None, method: str = "sendMessage") -> Press:
        """Tap the newest button with this label; wait for the answer (and for `expect` if given)."""
        message, data = self.button(label)
        return await self.press_data(message["message_id"], data, label, expect, method)

    async def press_data(self, message_id: int, data: str, label: str = "", expect: str | None = None,
                         method: str = "sendMessage", user_id: int | None = None) -> Press:
        mark = len(self.tg.calls)
        _, query_id = self.tg.press(self.chat_id, message_id, data, user_id=user_id)
        pressed = Press(label, message_id, query_id, data, mark)
        self.presses.append(pressed)
        await self.tg.wait_for("answerCallbackQuery",
                               lambda c: c.params.get("callback_query_id") == query_id, since=mark)
        if expect is not None:
            await self.wait_for(expect, mark, method)
        return pressed

    async def wait_for(self, expect: str, since: int, method: str = "sendMessage") -> Call:
        return await self.tg.wait_for(
            method, lambda c: c.ok and c.params.get("chat_id") == self.chat_id and expect in shown(c), since=since)

    def messages(self) -> dict[int, dict]:
        """Every bot message in this chat as it looks now (the latest snapshot of each)."""
        return {m["message_id"]: m for m in self.tg.sent_to(self.chat_id)}

    def button(self, label: str) -> tuple[dict, str]:
        for message in sorted(self.messages().values(), key=lambda m: -m["message_id"]):
            buttons = [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
            for match in (lambda b: b["text"] == label, lambda b: b["text"].startswith(label)):
                found = next((b for b in buttons if match(b)), None)
                if found is not None:
                    return message, found["callback_data"]
        raise AssertionError(f"no button {label!r} on screen in chat {self.chat_id}")

    def message_with(self, text: str) -> dict:
        """The newest message whose text or caption contains `text`."""
        for message in sorted(self.messages().values(), key=lambda m: -m["message_id"]):
            if text in (message.get("text") or message.get("caption") or ""):
                return message
        raise AssertionError(f"no message with {text!r} in chat {self.chat_id}")


async def settle(tg: FakeTelegram) -> None:
    """Until every update pushed so far has been fetched, queued and handled.

    A getUpdates whose offset is past the newest update means PTB has queued it; then
    the queue must be empty and no chat's update still in hand. (Updates of different
    chats are handled side by side, so another chat's answer proves nothing.)
    """
    newest = max((u["update_id"] for u in tg._updates), default=-1)
    # The emulator drops updates once a getUpdates asks past them (as Telegram does), which
    # happens when that request arrives, long before a long poll returns and is recorded.
    async with asyncio.timeout(5):
        while any(u["update_id"] <= newest for u in tg._updates):
            await asyncio.sleep(0.005)
    application = tg.running_application
    while True:
        for _ in range(10):  # let the fetcher hand queued updates to the processor
            await asyncio.sleep(0)
        if application.update_queue.empty():
            await application.update_processor.wait_idle()
            if application.update_queue.empty():
                return


async def onboard(chat: TelegramChat) -> None:
    """/start to "All set", through the screening and the schedule questions."""
    await chat.send("/start", "short safety check")
    await chat.press("Let's start", "Safety check 1/3")
    await chat.press("None of these", "Safety check 2/3")
    await chat.press("None of these", "Safety check 3/3")
    await chat.press("No", "Which days do you usually run?")
    for day in ("Mon", "Wed", "Fri"):
        await chat.press(day, f"✓ {day}", method="editMessageReplyMarkup")
    await chat.press("Done", "How many strength sessions")
    await chat.press("2 a week", "What time do you usually start")
    await chat.send("6:30", "Which time zone")
    await chat.send("Europe/London", "How long before your run")
    await chat.press("20 min", "Strength days: Mon and Fri")


async def onboard_directly(app: App) -> None:
    """The same onboarding through the engine alone, for tests about what comes after it."""
    engine_chat = Chat(app.coach, RUNNER)
    await engine_chat.send("/start")
    for label in (*SCREEN_CLEAR, "Mon", "Wed", "Fri", "Done", "2 a week"):
        await engine_chat.press(label)
    for line in ("6:30", "Europe/London"):
        await engine_chat.send(line)
    await engine_chat.press("20 min")
    assert "Strength days: Mon and Fri" in engine_chat.last_text


async def start_session(chat: TelegramChat) -> None:
    """Once onboarded: /session in the chat, readiness 0, and the first exercise is on screen."""
    await chat.send("/session", "Before we start")
    await chat.press("0", "1/5 Isometric calf-raise hold")


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


def plain_request(read_timeout: float) -> AiohttpRequest:
    """The running Application's transport, waiting `read_timeout` for each answer."""
    return AiohttpRequest(timeout=SETUP_TIMEOUT_S, media_write_timeout=SETUP_TIMEOUT_S, read_timeout=read_timeout)


@asynccontextmanager
async def plain_bot(tg: FakeTelegram, read_timeout: float) -> AsyncIterator[Bot]:
    """A PTB Bot on the running Application's transport, waiting `read_timeout` for each answer."""
    async with Bot(tg.token, base_url=f"{tg.url}/bot", request=plain_request(read_timeout)) as opened:
        yield opened


@pytest_asyncio.fixture
async def bot(app: App, tg: FakeTelegram) -> AsyncIterator[Application]:
    async with running_bot(app.coach, tg, edit_budget=app.edit_budget) as application:
        yield application


@pytest.fixture
def chat(tg: FakeTelegram) -> TelegramChat:
    return TelegramChat(tg)
