"""/summary and /calendar through the engine, with the real renderers behind the DocumentRenderer port."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar
from pypdf import PdfReader

from bot.clock import ManualClock
from bot.documents import FileDocuments
from core.engine import Coach
from core.model import UserRef
from core.payloads import Signer
from core.turn import Services
from tests.documents.sample import TODAY, sample_snapshot
from tests.engine.fakes import MemoryStore, TinyCharts
from tests.engine.script import Chat, onboard, texts

SAM = UserRef("telegram", "4242", "4242", "Sam Rivera")
NOW = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC).replace(hour=12)


def coach_with(store: MemoryStore, documents: FileDocuments | None = FileDocuments()) -> Coach:
    return Coach(store, ManualClock(NOW), Services(signer=Signer(b"documents"), charts=TinyCharts(),
                                                   documents=documents))


def sam_coach() -> Coach:
    store = MemoryStore()
    store.rows[SAM.key] = sample_snapshot()
    return coach_with(store)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


async def test_summary_sends_six_weeks_as_a_pdf_and_offers_other_periods() -> None:
    chat = Chat(sam_coach(), SAM)
    (reply,) = await chat.send("/summary")

    assert reply.attachment is not None and reply.attachment.mime_type == "application/pdf"
    assert reply.attachment.filename == "tiptoe-summary-6-weeks-2026-12-09.pdf"
    assert "(6 weeks)" in pdf_text(reply.attachment.data)
    assert [b.label for b in reply.all_buttons] == ["4 weeks", "8 weeks", "12 weeks"]

    (other,) = await chat.press("12 weeks")
    assert "(7 weeks, since the runner started)" in pdf_text(other.attachment.data)
    (typed,) = await chat.send("/summary 4")
    assert "(4 weeks)" in pdf_text(typed.attachment.data)


async def test_summary_and_calendar_store_nothing() -> None:
    coach = sam_coach()
    before = coach.store.rows[SAM.key]
    await Chat(coach, SAM).send("/summary")
    await Chat(coach, SAM).send("/calendar")
    assert coach.store.rows[SAM.key] is before


async def test_summary_before_any_session_says_there_is_nothing_yet() -> None:
    store = MemoryStore()
    store.rows[SAM.key] = replace(sample_snapshot(), history=replace(sample_snapshot().history, sessions=(),
                                                                     self_tests=()))
    (reply,) = await Chat(coach_with(store), SAM).send("/summary")
    assert reply.attachment is None and "nothing to summarise yet" in reply.text


async def test_calendar_sends_the_sessions_and_the_run_days_as_two_files() -> None:
    sessions, runs = await Chat(sam_coach(), SAM).send("/calendar")

    assert sessions.attachment.mime_type == runs.attachment.mime_type == "text/calendar"
    assert "16 strength sessions, each with an alarm 20 min before your run" in sessions.text
    assert len(Calendar.from_ical(sessions.attachment.data).events) == 16
    assert "run days" in runs.text and len(Calendar.from_ical(runs.attachment.data).events) == 32


async def test_a_schedule_change_offers_a_fresh_calendar_under_saved() -> None:
    store = MemoryStore()
    chat = Chat(coach_with(store), UserRef("terminal", "ann", "ann", "Ann"))
    await onboard(chat)
    await chat.send("/settings")
    await chat.press("Run time")
    saved = await chat.send("7:15")
    offer = next(r for r in saved if r.text.startswith("Saved ✓"))
    assert [b.label for b in offer.all_buttons] == ["📅 New calendar file"]

    await chat.press("Done")  # the menu moves on; the offer stays valid
    chat.keyboard = offer.all_buttons
    sessions, _ = await chat.press("📅 New calendar file")
    first = Calendar.from_ical(sessions.attachment.data).events[0]
    assert first.start.strftime("%H:%M") == "06:55"  # 20 min before the new 07:15


async def test_without_a_document_renderer_the_runner_hears_so() -> None:
    store = MemoryStore()
    store.rows[SAM.key] = sample_snapshot()
    (reply,) = await Chat(coach_with(store, documents=None), SAM).send("/summary")
    assert "can't make files here" in texts((reply,))
