"""Updates from different chats run side by side; one chat's updates run in order.

PTB handles updates one at a time by default, so one slow chat (a 429 wait, a chart
being drawn) holds up everyone. Fully concurrent handling could answer a runner's
second tap before their first. This processor gives each chat its own queue.

A chat's update takes its chat's lock *before* one of PTB's shared slots: the other
way round, a chat with 64 updates waiting would hold all 64 slots while they queue for
its lock, and every other chat would wait for that backlog.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 64


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        """PTB's own version takes a shared slot first and then calls do_process_update; see the docstring."""
        chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else 0
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        self._idle.clear()
        try:
            async with lock, self._semaphore:
                await self.do_process_update(update, coroutine)
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:  # forget idle chats so the maps stay small
                del self._waiting[chat], self._locks[chat]
            if not self._waiting:
                self._idle.set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the handlers, with the chat's lock and a shared slot held (process_update)."""
        await coroutine

    async def wait_idle(self) -> None:
        """Until no update is being handled (for an orderly shutdown, and for tests)."""
        await self._idle.wait()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
