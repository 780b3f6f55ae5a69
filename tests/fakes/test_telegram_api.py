"""Drive the real python-telegram-bot Application against FakeTelegram over HTTP."""

from __future__ import annotations

import asyncio
import socket
import struct
import zlib
from datetime import timedelta
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from aiohttp import ClientSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter, TimedOut,
)
from telegram.ext import (
    Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes,
    MessageHandler, filters,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram_api import FakeTelegram

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
DOC_BYTES = b"week 1: 3 x 5 km easy\n"


def png(width: int, height: int) -> bytes:
    """Just the PNG signature + IHDR chunk: enough for the emulator to read the size."""
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))


PHOTO_BYTES = png(4, 3)


# -- a tiny echo bot --------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(
        f"Hi {update.effective_user.first_name}!", reply_markup=KEYBOARD
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("ok")
    await update.callback_query.edit_message_text(f"Pressed {update.callback_query.data}")


async def send_files(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat_id = update.effective_chat.id
    await context.bot.send_photo(chat_id, PHOTO_BYTES, filename="route.png", caption="route")
    await context.bot.send_document(chat_id, DOC_BYTES, filename="plan.txt")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


def build_app(tg: FakeTelegram, token: str | None = None) -> Application:
    """A real PTB Application whose Bot talks to the emulator."""
    app = (
        ApplicationBuilder()
        .token(token or tg.token)
        .base_url(f"{tg.url}/bot")
        .base_file_url(f"{tg.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("files", send_files))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@asynccontextmanager
async def initialized(app: Application) -> AsyncIterator[Application]:
    """Application ready for direct `app.bot` calls, always shut down."""
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """Application running with long polling against the emulator."""
    async with initialized(app):
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


# -- conversations through polling ------------------------------------------------------------


@pytest.mark.asyncio
async def test_start_reply_keyboard_then_press_is_answered_and_edited(tg: FakeTelegram) -> None:
    async with polling(build_app(tg)):
        tg.user_text(42, "/start", first_name="Ana")
        reply = await tg.wait_for("sendMessage")
        assert reply.ok and reply.params["chat_id"] == 42
        assert reply.result["text"] == "Hi Ana!"
        assert reply.result["reply_markup"] == KEYBOARD.to_dict()
        assert reply.result["message_id"] == 2  # the user's /start was message 1

        _, query_id = tg.press(42, reply.result["message_id"], "go")
        edit = await tg.wait_for("editMessageText")
        answer = tg.calls_of("answerCallbackQuery")[-1]
        assert answer.ok and answer.params == {"callback_query_id": query_id, "text": "ok"}
        assert edit.ok and edit.result["text"] == "Pressed go"

    first, edited = tg.sent_to(42)
    assert first["reply_markup"] == KEYBOARD.to_dict()  # snapshots are not mutated by edits
    assert "reply_markup" not in edited and edited["message_id"] == first["message_id"]


@pytest.mark.asyncio
async def test_photo_and_document_uploads_keep_bytes(tg: FakeTelegram) -> None:
    async with polling(build_app(tg)) as app:
        tg.user_text(42, "/files")
        doc = await tg.wait_for("sendDocument")
        photo = tg.calls_of("sendPhoto")[-1]

        assert photo.files["photo"] == ("route.png", PHOTO_BYTES)
        assert photo.result["caption"] == "route"
        assert photo.result["photo"][0] | {"file_id": "-"} == {
            "file_id": "-", "file_unique_id": photo.result["photo"][0]["file_unique_id"],
            "width": 4, "height": 3, "file_size": len(PHOTO_BYTES),
        }
        assert doc.files["document"] == ("plan.txt", DOC_BYTES)
        assert doc.result["document"]["file_name"] == "plan.txt"
        assert doc.result["document"]["mime_type"] == "text/plain"

        # getFile + download go through base_file_url to the emulator's file route.
        file = await app.bot.get_file(doc.result["document"]["file_id"])
        assert bytes(await file.download_as_bytearray()) == DOC_BYTES


@pytest.mark.asyncio
async def test_group_chat_echo(tg: FakeTelegram) -> None:
    async with polling(build_app(tg)):
        update = tg.user_text(-100, "hello", user_id=7)
        reply = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == -100)
    assert update["message"]["chat"]["type"] == "group"
    assert update["message"]["from"]["id"] == 7
    assert reply.result["chat"] == {"id": -100, "type": "group", "title": "Group 100"}
    assert [m["text"] for m in tg.sent_to(-100)] == ["hello"]


# -- errors surfacing as PTB exceptions ------------------------------------------------------


@pytest.mark.asyncio
async def test_429_raises_retry_after_and_is_recorded(
    tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opt in to PTB's future timedelta retry_after; otherwise RetryAfter.__init__ itself
    # emits a PTBDeprecationWarning.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    tg.fail_next("sendMessage", 429, retry_after=3)
    async with initialized(build_app(tg)) as app:
        with pytest.raises(RetryAfter) as err:
            await app.bot.send_message(42, "first try")
        assert err.value.retry_after == timedelta(seconds=3)
        await app.bot.send_message(42, "second try")
    assert [c.status for c in tg.calls_of("sendMessage")] == [429, 200]
    assert [m["text"] for m in tg.sent_to(42)] == ["second try"]  # failures store nothing


@pytest.mark.asyncio
async def test_blocked_user_raises_forbidden_until_unblocked(tg: FakeTelegram) -> None:
    tg.block_user(55)
    async with initialized(build_app(tg)) as app:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(55, "anyone there?")
        tg.unblock_user(55)
        await app.bot.send_message(55, "welcome back")
    assert [c.status for c in tg.calls_of("sendMessage")] == [403, 200]


@pytest.mark.asyncio
async def test_stalled_call_raises_timed_out(tg: FakeTelegram) -> None:
    tg.stall_next("sendMessage", 5.0)
    async with initialized(build_app(tg)) as app:
        with pytest.raises(TimedOut):
            await app.bot.send_message(42, "slow", read_timeout=0.2)
    # Teardown of `tg` releases the stalled handler instead of waiting the 5 s out.


@pytest.mark.asyncio
async def test_message_state_errors(tg: FakeTelegram) -> None:
    # PTB strips the "Bad Request: " prefix and capitalises the rest of the description.
    async with initialized(build_app(tg)) as app:
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await app.bot.edit_message_text("x", chat_id=42, message_id=99)
        sent = await app.bot.send_message(42, "same", reply_markup=KEYBOARD)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await app.bot.edit_message_text("same", 42, sent.message_id, reply_markup=KEYBOARD)
        edited = await app.bot.edit_message_reply_markup(42, sent.message_id)
        assert edited.reply_markup is None

        _, query_id = tg.press(42, sent.message_id, "go")
        assert await app.bot.answer_callback_query(query_id)
        for stale in (query_id, "nope"):
            with pytest.raises(BadRequest, match="Query is too old"):
                await app.bot.answer_callback_query(stale)


@pytest.mark.asyncio
async def test_foreign_token_is_rejected_with_401(tg: FakeTelegram) -> None:
    requests = [HTTPXRequest(), HTTPXRequest()]
    app = (
        ApplicationBuilder().token("999:WRONG").base_url(f"{tg.url}/bot")
        .request(requests[0]).get_updates_request(requests[1]).build()
    )
    try:
        with pytest.raises(InvalidToken):
            await app.initialize()
    finally:
        # A failed initialize leaves the Bot "uninitialized", so app.shutdown() would not
        # close the HTTP clients; close them ourselves to avoid leaking connections.
        for request in requests:
            await request.shutdown()
    assert [(c.method, c.status) for c in tg.calls] == [("getMe", 401)]


@pytest.mark.asyncio
async def test_unknown_method_and_raw_error_shapes(tg: FakeTelegram) -> None:
    async with initialized(build_app(tg)) as app:
        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("fooBar")
    tg.fail_next("*", 429, retry_after=7)
    async with ClientSession() as http:
        async with http.post(f"{tg.url}/bot{tg.token}/fooBar", json={}) as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False, "error_code": 404, "description": "Not Found: method not found"}
        async with http.get(f"{tg.url}/bot{tg.token}/getMe") as resp:
            assert resp.status == 429
            assert (await resp.json())["parameters"] == {"retry_after": 7}


# -- long polling -----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_get_updates_long_poll_returns_early_and_honours_offset(tg: FakeTelegram) -> None:
    loop = asyncio.get_running_loop()
    async with initialized(build_app(tg)) as app:
        started = loop.time()
        assert await app.bot.get_updates(timeout=1) == ()  # waits out the full timeout
        assert loop.time() - started >= 0.9

        # The "user" types while the bot is already long-polling with a 10 s timeout.
        loop.call_later(0.2, tg.user_text, 42, "hi")
        started = loop.time()
        (update,) = await app.bot.get_updates(timeout=10)
        assert update.message.text == "hi" and loop.time() - started < 5

        assert await app.bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


# -- webhook ----------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_webhook_secret_is_enforced(tg: FakeTelegram) -> None:
    port = free_port()
    app = build_app(tg)
    async with initialized(app):
        await app.start()
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook",
            webhook_url=f"http://127.0.0.1:{port}/hook", secret_token="s3cret",
        )
        try:
            assert (tg.webhook_url, tg.webhook_secret) == (f"http://127.0.0.1:{port}/hook",
                                                          "s3cret")
            mark = len(tg.calls)
            assert await tg.push_webhook(tg.user_text(42, "/start")) == 200
            reply = await tg.wait_for("sendMessage", since=mark)
            assert reply.result["text"] == "Hi Runner!"

            mark = len(tg.calls)
            assert await tg.push_webhook(tg.user_text(42, "/start"), secret_token="bad") == 403
            # Updates are handled in order, so once this echo is answered a (wrongly)
            # accepted /start would already have been answered too.
            assert await tg.push_webhook(tg.user_text(42, "marker")) == 200
            await tg.wait_for("sendMessage", lambda c: c.params["text"] == "marker", since=mark)
            assert [c.params["text"] for c in tg.calls_of("sendMessage")[-1:]] == ["marker"]
            assert len(tg.calls_of("sendMessage")) == 2
        finally:
            await app.updater.stop()
            await app.stop()
