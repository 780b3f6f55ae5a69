"""Webhook mode with its secret, and the token kept out of every log line."""

from __future__ import annotations

import gc
import logging
import socket

import aiohttp
import pytest

from bot.main import App
from bot.startup import StartupError
from bot.telegram.logs import MASK, TokenRedactor
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import CHAT, KEY, TelegramChat, running_bot


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("configured", ["s3cret-Token_1", None], ids=["configured secret", "generated secret"])
async def test_webhook_updates_need_the_secret(configured: str | None, app: App, tg: FakeTelegram) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    async with running_bot(app.coach, tg, telegram_webhook_url=url, telegram_webhook_secret=configured,
                           telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port):
        assert tg.webhook_url == url and tg.webhook_secret
        assert tg.webhook_secret == (configured or tg.webhook_secret)
        assert tg.calls_of("setMyCommands")

        for wrong in ("not-the-secret", ""):  # "" sends no secret header at all
            assert await tg.push_webhook(tg.user_text(CHAT, "/start"), secret_token=wrong) == 403
        chat = TelegramChat(tg)
        mark = len(tg.calls)
        assert await tg.push_webhook(tg.user_text(CHAT, "/start")) == 200
        welcome = await chat.wait_for("short safety check", mark)

        update, query_id = tg.press(CHAT, welcome.result["message_id"], chat.button("Let's start")[1])
        mark = len(tg.calls)
        assert await tg.push_webhook(update) == 200
        await chat.wait_for("Safety check 1/3", mark)
    # Only the two updates with the right secret were handled.
    assert sum("short safety check" in c.params.get("text", "") for c in tg.calls_of("sendMessage")) == 1
    assert [c.params["callback_query_id"] for c in tg.calls_of("answerCallbackQuery")] == [query_id]
    snapshot = await app.store.load(KEY)
    assert snapshot is not None and snapshot.dialogue.state == "screen"


async def test_the_token_never_reaches_a_log_line(app: App, tg: FakeTelegram,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = TelegramChat(tg)
    async with running_bot(app.coach, tg):  # built here, after logging is set up, as bot/main.py does
        await chat.send("/start", "short safety check")
        tg.fail_next("editMessageText", 500)  # a retried fault logs too
        await chat.press("Let's start", "Safety check 1/3")
        await chat.send("/help", "Here's what I can do")
        # What httpx would say if someone turned it back up, and a traceback quoting a URL.
        logging.getLogger("httpx").warning("HTTP Request: POST %s/bot%s/getMe", tg.url, tg.token)
        try:
            raise ConnectionError(f"could not reach {tg.url}/bot{tg.token}/sendMessage")
        except ConnectionError:
            logging.getLogger("tiptoe").exception("sending failed")

    assert any(r.name.startswith("telegram") and r.levelno == logging.DEBUG for r in caplog.records)
    assert not any(r.name.startswith("httpx") and r.levelno < logging.WARNING for r in caplog.records)
    assert tg.token not in caplog.text
    assert not [r for r in caplog.records if tg.token in r.getMessage() or tg.token in (r.exc_text or "")]
    assert caplog.text.count(MASK) >= 2


TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
REDACTIONS = [  # (msg, args, exception text, how the formatted line starts, whether it shows the mask)
    pytest.param("GET /bot%s/getMe", (TOKEN,), None, f"GET /bot{MASK}/getMe", True, id="token in the arguments"),
    pytest.param(f"GET /bot{TOKEN}/getMe", (), None, f"GET /bot{MASK}/getMe", True, id="token in the message"),
    pytest.param("failed", (), f"bad url /bot{TOKEN}/x", "failed\nTraceback", True, id="token in a traceback"),
    pytest.param("sent %d messages", (3,), None, "sent 3 messages", False, id="no token: unchanged"),
]


@pytest.mark.parametrize(("msg", "args", "error", "starts", "masked"), REDACTIONS)
def test_the_redactor_masks_the_token_wherever_it_is(msg: str, args: tuple, error: str | None, starts: str,
                                                      masked: bool) -> None:
    exc_info = None
    if error is not None:
        try:
            raise RuntimeError(error)
        except RuntimeError as caught:
            exc_info = (RuntimeError, caught, caught.__traceback__)
    record = logging.LogRecord("lib", logging.INFO, __file__, 1, msg, args, exc_info)
    assert TokenRedactor(TOKEN).filter(record) is True
    line = logging.Formatter().format(record)
    assert line.startswith(starts) and TOKEN not in line
    assert (MASK in line) is masked


def test_a_malformed_log_call_is_left_to_the_handler_to_report() -> None:
    record = logging.LogRecord("lib", logging.INFO, __file__, 1, "%s and %s", ("one",), None)
    assert TokenRedactor(TOKEN).filter(record) is True  # never raises into the code that logged
    with pytest.raises(TypeError):
        record.getMessage()


async def test_a_rejected_token_is_not_repeated_in_the_error(app: App, tg: FakeTelegram,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "999:WRONG-token"
    with pytest.raises(StartupError) as raised:
        async with running_bot(app.coach, tg, telegram_token=wrong):
            pass
    assert "TELEGRAM_TOKEN" in str(raised.value)
    assert wrong not in str(raised.value) and wrong not in repr(raised.value.__cause__)
    assert wrong not in caplog.text


async def test_a_start_that_fails_at_get_me_leaves_no_connection_open(app: App, tg: FakeTelegram) -> None:
    before = {id(found) for found in open_sessions()}
    with pytest.raises(StartupError):
        async with running_bot(app.coach, tg, telegram_token="999:WRONG-token"):
            pass
    assert [found for found in open_sessions() if id(found) not in before] == []


def open_sessions() -> list[aiohttp.ClientSession]:
    """The aiohttp sessions alive and open in this process (an unclosed one warns when collected)."""
    return [found for found in gc.get_objects() if isinstance(found, aiohttp.ClientSession) and not found.closed]
