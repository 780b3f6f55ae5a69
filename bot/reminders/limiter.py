"""Pacing for outgoing messages: a platform's overall rate and a gentle limit per chat.

Telegram allows about 30 messages a second per bot token and about one a second per
chat (short bursts pass); Discord about 50 requests a second. Every message a process
sends waits here for its slot, so a burst is spread evenly instead of collecting 429s.
Replies to a runner's own action are urgent and go before reminders, which only
take the slots replies leave. The per-chat limit paces reminders; a reply follows the
pace of the runner it answers (one tap, one or two messages), as PTB's own limiter does.

`RateLimiter` paces one process (SQLite deployments). With several processes on one
PostgreSQL database, `SharedPacer` (shared_limiter.py) hands out the same slots from a
row all of them share; both implement `Pacer`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

TELEGRAM_RATE = 27.0  # messages per second overall: Telegram allows about 30; the margin absorbs a late loop
# Per chat (reminders): Telegram wants about one a second and lets short bursts through; a
# weekly summary of three messages goes out at once, then one per 1.1 s (a margin over 1 s).
TELEGRAM_PER_CHAT_GAP = 1.1
TELEGRAM_PER_CHAT_BURST = 3
DISCORD_RATE = 50.0  # requests per second, overall
CLOSEST_SHARE = 0.5  # two sends are never closer than this share of 1/rate (a late one's catching up)


class Pacer(Protocol):
    rate: float  # sends per second, for planning bursts

    async def acquire(self, chat_id: str, *, urgent: bool = False, together: int = 1) -> None:
        """Wait until one message to this chat may go out. `urgent`: a reply, served before reminders
        and not held to the per-chat pace. `together`: the first of a reply's messages says how many
        it has, so a pacer whose slots cost a round trip can reserve them all at once."""


class ChatPacing:
    """Per chat: at most `burst` messages at once, then one every `gap` seconds (a token bucket).

    Kept in this process only: it paces reminders, and one runner's reminder is one message.
    """

    def __init__(self, gap: float, burst: int = 1, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.gap = gap
        self.burst = max(1, burst)
        self._monotonic = monotonic
        self._due: OrderedDict[str, float] = OrderedDict()  # when each chat's bucket is full again

    async def wait(self, chat_id: str) -> None:
        if not self.gap:
            return
        now = self._monotonic()
        self._forget_idle_chats(now)
        full_again = max(now, self._due.get(chat_id, now))
        send_at = max(now, full_again - (self.burst - 1) * self.gap)
        self._due[chat_id] = full_again + self.gap
        self._due.move_to_end(chat_id)
        if send_at > now:
            await asyncio.sleep(send_at - now)

    def _forget_idle_chats(self, now: float) -> None:
        # Entries are kept in the order they were last used, so the idle ones are at the front.
        while self._due:
            chat, full_again = next(iter(self._due.items()))
            if full_again > now:
                break
            del self._due[chat]


class RateLimiter:
    """One send per 1/rate on average, and never two closer than half that.

    Each send has a slot, 1/rate after the one before. A send the event loop woke late (it was
    busy with a check-in or another reminder's turn) does not push the next slot back: the next
    one may follow sooner, but never closer than half a gap, and a send more than half a gap
    behind moves the schedule on rather than catch up in a burst. Spacing sends from when each
    actually went out instead lost every wakeup's lateness: a 1,000-reminder burst ran at
    23/s of 27/s and finished 3 s after its runners' session start (bench.reminders).
    Waiters queue in order behind one lock, so a late-running loop never releases several at
    once. Reminders join that queue one at a time, so a reply waits behind at most one of
    them. The per-chat wait comes before joining the queue, so one busy chat holds up nobody.
    """

    def __init__(self, rate: float, per_chat_gap: float = 0.0, per_chat_burst: int = 1,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.per_chat_gap = per_chat_gap
        self._monotonic = monotonic
        self._chats = ChatPacing(per_chat_gap, per_chat_burst, monotonic)
        self._next_slot = float("-inf")
        self._queue = asyncio.Lock()
        self._reminders = asyncio.Lock()

    async def acquire(self, chat_id: str, *, urgent: bool = False, together: int = 1) -> None:
        """Wait until this chat may be sent to and the platform's pace allows one more send
        (slots here cost nothing to take, so `together` changes nothing)."""
        if urgent:
            await self._take_turn()
            return
        await self._chats.wait(chat_id)
        async with self._reminders:
            await self._take_turn()

    async def _take_turn(self) -> None:
        gap = 1.0 / self.rate
        async with self._queue:
            slot = max(self._monotonic(), self._next_slot)
            wait = slot - self._monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next_slot = max(slot + gap, self._monotonic() + gap * CLOSEST_SHARE)
