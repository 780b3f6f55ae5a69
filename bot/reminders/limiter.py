"""Pacing for outgoing messages: a platform's overall rate and a minimum gap per chat.

Telegram allows about 30 messages a second overall and one a second per chat;
Discord about 50 requests a second. Slots are handed out in order, so a burst is
spread evenly instead of hitting the platform and collecting 429s.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable

TELEGRAM_RATE = 28.0  # messages per second overall: Telegram allows about 30; keep a margin
TELEGRAM_PER_CHAT_GAP = 1.0  # seconds between two messages to one chat
DISCORD_RATE = 50.0  # requests per second, overall


class RateLimiter:
    """Spaces sends by at least 1/rate, measured when each one actually goes out.

    Waiters queue in order behind one lock, so a late-running event loop never releases
    several of them at once (slots reserved in advance would, and collect 429s). The
    per-chat gap is waited for before joining the queue, so one busy chat holds up nobody.
    """

    def __init__(self, rate: float, per_chat_gap: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.per_chat_gap = per_chat_gap
        self._monotonic = monotonic
        self._last_send = float("-inf")
        self._queue = asyncio.Lock()
        self._chat_next: OrderedDict[str, float] = OrderedDict()  # oldest first, pruned as it ages

    async def acquire(self, chat_id: str) -> None:
        """Wait until this chat may be sent to and the platform's pace allows one more send."""
        if self.per_chat_gap:
            await self._wait_for_chat(chat_id)
        async with self._queue:
            wait = self._last_send + 1.0 / self.rate - self._monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_send = self._monotonic()

    async def _wait_for_chat(self, chat_id: str) -> None:
        now = self._monotonic()
        self._forget_idle_chats(now)
        slot = max(now, self._chat_next.get(chat_id, 0.0))
        self._chat_next[chat_id] = slot + self.per_chat_gap
        self._chat_next.move_to_end(chat_id)
        if slot > now:
            await asyncio.sleep(slot - now)

    def _forget_idle_chats(self, now: float) -> None:
        # Entries are kept in the order they were last used, so the idle ones are at the front.
        while self._chat_next:
            chat, free_at = next(iter(self._chat_next.items()))
            if free_at > now:
                break
            del self._chat_next[chat]
