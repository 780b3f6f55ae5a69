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

TELEGRAM_RATE = 30.0  # messages per second, overall
TELEGRAM_PER_CHAT_GAP = 1.0  # seconds between two messages to one chat
DISCORD_RATE = 50.0  # requests per second, overall


class RateLimiter:
    def __init__(self, rate: float, per_chat_gap: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.per_chat_gap = per_chat_gap
        self._monotonic = monotonic
        self._next_slot = 0.0
        self._chat_next: OrderedDict[str, float] = OrderedDict()  # oldest first, pruned as it ages

    def reserve(self, chat_id: str) -> float:
        """Take the next free slot for this chat; return how long to wait for it."""
        now = self._monotonic()
        self._forget_idle_chats(now)
        slot = max(now, self._next_slot, self._chat_next.get(chat_id, 0.0))
        self._next_slot = slot + 1.0 / self.rate
        if self.per_chat_gap:
            self._chat_next[chat_id] = slot + self.per_chat_gap
            self._chat_next.move_to_end(chat_id)
        return slot - now

    async def acquire(self, chat_id: str) -> None:
        wait = self.reserve(chat_id)
        if wait > 0:
            await asyncio.sleep(wait)

    def _forget_idle_chats(self, now: float) -> None:
        # Entries are appended in slot order, so the idle ones are at the front.
        while self._chat_next:
            chat, free_at = next(iter(self._chat_next.items()))
            if free_at > now:
                break
            del self._chat_next[chat]
