"""/summary and /calendar on Telegram (sendDocument) and Discord (attachments), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar
from pypdf import PdfReader

from bot.main import App
from core.model import Snapshot
from tests.discord.conftest import DiscordChat, labels, running_discord
from tests.discord.conftest import KEY as DISCORD_KEY
from tests.discord.conftest import Turns
from tests.documents.sample import TODAY, sample_snapshot
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.conftest import CHAT, KEY, TelegramChat, running_bot

NOON = datetime(2026, 12, 9, 12, 0, tzinfo=UTC)


async def store_sample(app: App, key: str, chat_id: str) -> Snapshot:
    """Sam, six weeks in, saved in the real database under this platform's key."""
    sample = sample_snapshot()
    snapshot = replace(sample, runner=replace(sample.runner, key=key, platform=key.split(":")[0], chat_id=chat_id))
    await app.store.save(None, snapshot)
    app.clock.set(NOON)
    return snapshot


RENDER_TIMEOUT_S = 60  # drawing a PDF on a busy test machine takes seconds, not the emulators' usual 5


def one_page(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


async def test_telegram_sends_the_summary_and_the_calendars_as_documents(app: App) -> None:
    await store_sample(app, KEY, str(CHAT))
    async with FakeTelegram() as tg, running_bot(app.coach, tg):
        chat = TelegramChat(tg)

        async def document(mark: int, expect: str):
            return await tg.wait_for("sendDocument", lambda c: expect in (c.params.get("caption") or ""),
                                     timeout=RENDER_TIMEOUT_S, since=mark)

        mark = len(tg.calls)
        tg.user_text(CHAT, "/summary")
        filename, data = (await document(mark, "for a physio or GP")).files["document"]
        assert filename == f"tiptoe-summary-6-weeks-{TODAY.isoformat()}.pdf" and "(6 weeks)" in one_page(data)
        message, payload = chat.button("4 weeks")
        mark = len(tg.calls)
        tg.press(CHAT, message["message_id"], payload)
        assert "(4 weeks)" in one_page((await document(mark, "for a physio or GP")).files["document"][1])

        mark = len(tg.calls)
        tg.user_text(CHAT, "/calendar")
        await document(mark, "run days")
        files = [c.files["document"] for c in tg.calls_of("sendDocument")[-2:]]
        assert [name.split("-2026")[0] for name, _ in files] == ["tiptoe-sessions", "tiptoe-run-days"]
        assert [len(Calendar.from_ical(data).events) for _, data in files] == [16, 32]


async def test_discord_attaches_the_summary_and_the_calendars(app: App) -> None:
    turns = Turns()
    async with FakeDiscord() as dc, running_discord(app.coach, dc, turns, sessions=app.sessions):
        chat = DiscordChat(dc, turns)
        await chat.type("hi")  # opens the DM; the sample then takes this runner's key
        await app.store.delete(DISCORD_KEY)
        await store_sample(app, DISCORD_KEY, dc.dm_channel_of(chat.user_id))
        await dc.slash(chat.user_id, "summary")
        await asyncio.wait_for(turns.queue.get(), RENDER_TIMEOUT_S)
        message = chat.message_with("for a physio or GP")
        (pdf,) = message.attachments
        assert pdf.filename.endswith(".pdf") and "(6 weeks)" in one_page(pdf.data)
        assert labels(message) == ["4 weeks", "8 weeks", "12 weeks"]

        await chat.slash("calendar")
        sessions, runs = chat.messages()[-2:]
        assert sessions.attachments[0].filename.startswith("tiptoe-sessions")
        assert len(Calendar.from_ical(runs.attachments[0].data).events) == 32
