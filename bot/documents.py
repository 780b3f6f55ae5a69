"""Implements core.ports.DocumentRenderer: the clinician PDF and the calendar files, off the event loop."""

from __future__ import annotations

import asyncio

from core.calendar_plan import CalendarPlan
from core.summary import SummaryData


class FileDocuments:
    async def summary_pdf(self, data: SummaryData) -> bytes:
        from bot.pdf_summary import render_summary  # matplotlib loads on the first summary, not at start

        return await asyncio.to_thread(render_summary, data)

    async def calendar_ics(self, plan: CalendarPlan) -> bytes:
        from bot.calendar_ics import render_calendar

        return await asyncio.to_thread(render_calendar, plan)
