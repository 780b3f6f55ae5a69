"""PerChatOrder with real PTB against FakeTelegram: one chat's backlog never holds the others up."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.telegram.ordering import MAX_CONCURRENT_UPDATES, PerChatOrder
from tests.fakes.telegram_api import FakeTelegram

BUSY_CHAT, OTHER_CHAT = 1, 2


async def test_a_backlog_in_one_chat_never_holds_another_chats_update(tg: FakeTelegram) -> None:
    release = asyncio.Event()  # the busy chat's first update stays in its handler until the test says

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.effective_message is not None
        if update.effective_chat.id == BUSY_CHAT:
            await release.wait()
        await context.bot.send_message(update.effective_chat.id, f"re: {update.effective_message.text}")

    application = (ApplicationBuilder().token(tg.token).base_url(f"{tg.url}/bot")
                   .base_file_url(f"{tg.url}/file/bot").concurrent_updates(PerChatOrder()).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    backlog = [f"busy {n}" for n in range(MAX_CONCURRENT_UPDATES)]
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            for text in backlog:
                tg.user_text(BUSY_CHAT, text)
            tg.user_text(OTHER_CHAT, "hello")
            # Before: the busy chat's 64 updates held all 64 slots while they queued for its
            # lock, so this one never got a slot while the first was in its handler.
            answered = await tg.wait_for("sendMessage", timeout=20)
            assert answered.params["chat_id"] == OTHER_CHAT and answered.params["text"] == "re: hello"
            release.set()
            await tg.wait_for_count("sendMessage", 1 + len(backlog), timeout=30)
        finally:
            release.set()
            await application.updater.stop()
            await application.stop()
    in_busy_chat = [c.params["text"] for c in tg.calls_of("sendMessage") if c.params["chat_id"] == BUSY_CHAT]
    assert in_busy_chat == [f"re: {text}" for text in backlog]  # still one at a time, in order
