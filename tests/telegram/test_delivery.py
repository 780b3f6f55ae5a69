"""TelegramDelivery (reminders) and the sending rules, with a real PTB Bot against FakeTelegram."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from telegram import Bot

from bot.telegram import RetryPolicy, TelegramDelivery
from bot.telegram.sending import CAPTION_LIMIT, TEXT_LIMIT, split_text
from core.ports import DeliveryStatus
from core.replies import Attachment, Button, Picture, Reply
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import FAST, plain_bot

CHAT = 55
CALL_TIMEOUT = 1.0  # seconds to read an answer; the stalled case waits this long, not the emulator's stall


def png(width: int = 4, height: int = 3) -> bytes:
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))


NUDGE = (Reply("Run at 06:30 today: time for your warm-up. Ready?",
               ((Button("Start now", "p|s|nudge_start|x|sig"), Button("Skip today", "p|s|nudge_skip|x|sig")),)),)


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """A plain PTB Bot, as the running Application's `bot` is."""
    async with plain_bot(tg, CALL_TIMEOUT) as opened:
        yield opened


Fault = Callable[[FakeTelegram], object]
OUTCOMES = [  # (what Telegram does to the first sendMessage, status, retry_after)
    pytest.param(lambda tg: None, DeliveryStatus.SENT, None, id="accepted: sent"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 429, retry_after=7), DeliveryStatus.RETRY, 7.0,
                 id="429: retry after what Telegram said"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 500), DeliveryStatus.RETRY, None, id="500: retry"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 502), DeliveryStatus.RETRY, None, id="502: retry"),
    pytest.param(lambda tg: tg.stall_next("sendMessage", 3 * CALL_TIMEOUT), DeliveryStatus.RETRY, None,
                 id="timeout: retry"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 400, "Bad Request: message text is empty"),
                 DeliveryStatus.RETRY, None, id="other 400: left to the dispatcher's bounded retries"),
    pytest.param(lambda tg: tg.block_user(CHAT), DeliveryStatus.GONE, None, id="403 blocked: gone"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 403, "Forbidden: user is deactivated"),
                 DeliveryStatus.GONE, None, id="403 deactivated: gone"),
    pytest.param(lambda tg: tg.fail_next("sendMessage", 400, "Bad Request: chat not found"),
                 DeliveryStatus.GONE, None, id="400 chat not found: gone"),
]


@pytest.mark.parametrize(("fault", "status", "retry_after"), OUTCOMES)
async def test_delivery_outcome_follows_what_telegram_said(fault: Fault, status: DeliveryStatus,
                                                          retry_after: float | None, tg: FakeTelegram,
                                                          bot: Bot) -> None:
    fault(tg)
    outcome = await TelegramDelivery(bot, FAST).deliver(str(CHAT), NUDGE)
    assert (outcome.status, outcome.retry_after) == (status, retry_after)
    assert tg.token not in outcome.detail
    # A fault before anything went out is not retried here: the dispatcher owns that retry.
    # (A stalled call is recorded only once its stall ends, so it may not be listed yet.)
    assert len(tg.calls_of("sendMessage")) <= 1
    if status is DeliveryStatus.SENT:
        (sent,) = tg.sent_to(CHAT)
        assert [[b["text"] for b in row] for row in sent["reply_markup"]["inline_keyboard"]] == [
            ["Start now", "Skip today"]]
        assert outcome.detail == ""
    else:
        assert outcome.detail


async def test_a_half_sent_reminder_is_finished_not_repeated(tg: FakeTelegram, bot: Bot) -> None:
    long_text = "Your week:\n" + "• a line about your week\n" * 60  # over the caption limit
    assert len(long_text) > CAPTION_LIMIT
    reply = Reply(long_text, picture=Picture("week.png", png(), "Your last weeks"))
    tg.fail_next("sendMessage", 500, count=FAST.attempts - 1)
    outcome = await TelegramDelivery(bot, FAST).deliver(str(CHAT), (reply,))
    assert outcome.status is DeliveryStatus.SENT
    assert [c.status for c in tg.calls_of("sendPhoto")] == [200]
    assert [c.status for c in tg.calls_of("sendMessage")] == [500] * (FAST.attempts - 1) + [200]
    photo, text = tg.sent_to(CHAT)
    assert photo["caption"] == "Your last weeks" and text["text"] == long_text


SHAPES = [  # (reply, the calls it becomes, in order)
    pytest.param(Reply("hello"), ["sendMessage"], id="text: one message"),
    pytest.param(Reply("Your levels", picture=Picture("p.png", png(), "chart")), ["sendPhoto"],
                 id="picture with short text: the text is the caption"),
    pytest.param(Reply("x" * (CAPTION_LIMIT + 1), picture=Picture("p.png", png(), "chart")),
                 ["sendPhoto", "sendMessage"], id="picture with long text: photo, then text"),
    pytest.param(Reply("Here is your data", attachment=Attachment("e.json", b'{"a": 1}')), ["sendDocument"],
                 id="attachment: a document with the text as caption"),
    pytest.param(Reply("y" * (TEXT_LIMIT + 10), ((Button("OK", "ok"),),)), ["sendMessage", "sendMessage"],
                 id="text over Telegram's limit: two messages, buttons under the last"),
    pytest.param(Reply("✓ Done", edit=True), ["sendMessage"], id="an edit with no pressed message: sent"),
    pytest.param(Reply("", edit=True), [], id="an empty edit with no pressed message: nothing"),
]


@pytest.mark.parametrize(("reply", "methods"), SHAPES)
async def test_each_kind_of_reply_becomes_the_right_calls(reply: Reply, methods: list[str], tg: FakeTelegram,
                                                          bot: Bot) -> None:
    outcome = await TelegramDelivery(bot, FAST).deliver(str(CHAT), (reply,))
    assert outcome.status is DeliveryStatus.SENT
    assert [c.method for c in tg.calls] == ["getMe", *methods]
    sent = tg.sent_to(CHAT)
    if reply.buttons:
        assert "reply_markup" not in sent[0] and sent[-1]["reply_markup"]["inline_keyboard"]
    if reply.picture is not None and len(reply.text) <= CAPTION_LIMIT:
        assert sent[0]["caption"] == reply.text
    if reply.attachment is not None:
        assert sent[0]["document"]["file_name"] == "e.json" and sent[0]["caption"] == reply.text


SPLITS = [  # (text, limit, pieces)
    pytest.param("", 10, [], id="empty: nothing to send"),
    pytest.param("a" * 9, 10, ["a" * 9], id="below the limit: one piece"),
    pytest.param("a" * 10, 10, ["a" * 10], id="at the limit: one piece"),
    pytest.param("a" * 11, 10, ["a" * 10, "a"], id="above the limit, no line break: cut at the limit"),
    pytest.param("aaaa\nbbbb\ncccc", 10, ["aaaa\nbbbb", "cccc"], id="above the limit: broken at a line end"),
]


@pytest.mark.parametrize(("text", "limit", "pieces"), SPLITS)
def test_long_text_is_split_at_line_ends(text: str, limit: int, pieces: list[str]) -> None:
    assert split_text(text, limit) == pieces


def test_the_retry_policy_counts_its_attempts() -> None:
    assert RetryPolicy().attempts == 4 and RetryPolicy().without_retries().attempts == 1
