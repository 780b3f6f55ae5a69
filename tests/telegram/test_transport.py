"""The Bot API transport (bot/telegram/transport.py): a real PTB Bot over aiohttp against FakeTelegram.

What PTB's own transport guaranteed, kept: uploads arrive whole with their names, a call that
gets no answer is TimedOut, an unreachable server is a NetworkError that names the host and
never the token, and a bot can be shut down and started again.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot, InputFile
from telegram.error import NetworkError, RetryAfter, TimedOut

from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import plain_bot, plain_request

CHAT = 77
READ_TIMEOUT = 0.5  # a stalled answer waits this long, not the emulator's stall


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with plain_bot(tg, READ_TIMEOUT) as opened:
        yield opened


async def test_a_message_and_its_buttons_arrive_as_sent(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Calf hold: 4 × 20 s. Ready?  ✓ café")
    assert sent.text == "Calf hold: 4 × 20 s. Ready?  ✓ café"
    (call,) = tg.calls_of("sendMessage")
    assert call.params["chat_id"] == CHAT and call.params["text"] == sent.text


async def test_an_upload_arrives_whole_with_its_name_and_caption(tg: FakeTelegram, bot: Bot) -> None:
    data = bytes(range(256)) * 300  # 75 KiB: a picture's size, every byte value
    await bot.send_document(CHAT, InputFile(data, filename="tiptoe-export.json"), caption="Your data")
    (call,) = tg.calls_of("sendDocument")
    ((filename, received),) = call.files.values()
    assert (filename, received, call.params["caption"]) == ("tiptoe-export.json", data, "Your data")


async def test_a_call_without_an_answer_times_out(tg: FakeTelegram, bot: Bot) -> None:
    tg.stall_next("sendMessage", 6 * READ_TIMEOUT)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT, "hello")


async def test_telegrams_errors_reach_ptb_as_its_own(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "hello")
    assert raised.value.retry_after.total_seconds() == 3


async def test_an_unreachable_server_is_a_network_error_naming_the_host_not_the_token() -> None:
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    token = "4242:SECRET-token-never-shown"
    bot = Bot(token, base_url=f"http://127.0.0.1:{port}/bot", request=plain_request(READ_TIMEOUT))
    with pytest.raises(NetworkError) as raised:
        await bot.initialize()  # getMe
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and token not in message and "SECRET" not in message
    await bot.shutdown()


async def test_a_bot_shut_down_can_start_again(tg: FakeTelegram) -> None:
    bot = Bot(tg.token, base_url=f"{tg.url}/bot", request=plain_request(READ_TIMEOUT))
    async with bot:
        await bot.send_message(CHAT, "first")
    async with bot:
        await bot.send_message(CHAT, "second")
    assert [c.params["text"] for c in tg.calls_of("sendMessage")] == ["first", "second"]


async def test_a_call_before_start_says_so() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await plain_request(READ_TIMEOUT).do_request("http://127.0.0.1:1/bot1:x/getMe", "POST")


async def test_a_proxy_named_in_the_environment_carries_the_calls(tg: FakeTelegram,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # HTTP_PROXY names the emulator; the Bot API's host does not resolve, so only the proxy can answer.
    monkeypatch.setenv("HTTP_PROXY", tg.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Bot(tg.token, base_url="http://api.telegram.invalid/bot", request=plain_request(READ_TIMEOUT)) as bot:
        await bot.send_message(CHAT, "through the proxy")
    assert [c.params["text"] for c in tg.calls_of("sendMessage")] == ["through the proxy"]
