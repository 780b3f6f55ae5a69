"""One pace per bot token across every process on one PostgreSQL database.

The platform's limit belongs to the token, so the slots live in the database: a
`send_pace` row per token holds the next free slot, and one UPDATE ... RETURNING
reserves slots by moving it on (`next_slot = greatest(next_slot, now) + k / rate`).
Every process's sends are then spaced as if one process sent them all.

- Replies (urgent) reserve their slots whenever they come: they queue behind what
  is already reserved, which is never much (next point), so a reply waits well under
  a second even in the middle of a burst. A reply of several messages (an edit and the
  next question) reserves them all in one round trip; its later messages take the slots
  kept for their chat (a slot they reach too late is given up and a new one taken).
- Reminders reserve up to `batch` slots per round trip (not one per message), and only
  while the row is less than `headroom` seconds ahead of now. So reminders take what
  replies leave and the queue in front of a reply stays short.
- Times are the database's: each process learns only "your first slot is in x seconds",
  so clocks on different hosts never need to agree.
- A process killed with slots reserved wastes at most those slots (under a second).

The per-chat limit (reminders only) stays in each process (see ChatPacing).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import deque

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reminders.limiter import ChatPacing
from bot.storage.database import autocommit, one_statement

HEADROOM_S = 0.15  # reminders reserve only while the queue of reserved slots is shorter than this
BATCH = 4  # reminder slots per round trip at most (4 at 27/s: 0.15 s of sending)
# A reminder that reaches its slot this late (a busy event loop woke it late) gives the slot up
# and takes a new one: sent anyway, several late ones would go out together and break the pace.
LATE_SLOT_S = 0.06
# Reminder slots on an idle row start this far ahead, so they are not already past when the
# answer arrives (on a busy database a round trip takes tens of milliseconds).
LEAD_S = 0.05

_ENSURE = text("INSERT INTO send_pace (bucket, next_slot) VALUES (:bucket, clock_timestamp()) "
               "ON CONFLICT (bucket) DO NOTHING")
_RESERVE_URGENT = text(
    "UPDATE send_pace SET next_slot = greatest(next_slot, clock_timestamp()) + make_interval(secs => :span) "
    "WHERE bucket = :bucket "
    "RETURNING extract(epoch FROM next_slot - clock_timestamp()) - :span")
_RESERVE_IF_ROOM = text(
    "UPDATE send_pace SET next_slot = greatest(next_slot, clock_timestamp() + make_interval(secs => :lead)) "
    "+ make_interval(secs => :span) "
    "WHERE bucket = :bucket AND next_slot < clock_timestamp() + make_interval(secs => :headroom) "
    "RETURNING extract(epoch FROM next_slot - clock_timestamp()) - :span")
_UNTIL_ROOM = text("SELECT extract(epoch FROM next_slot - clock_timestamp()) - :headroom "
                   "FROM send_pace WHERE bucket = :bucket")


def bucket_name(platform: str, token: str) -> str:
    """The row's key: the platform and a hash of the token (two bots on one database pace apart)."""
    return f"{platform}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


class SharedPacer:
    """Implements limiter.Pacer for one bot token, with the slots kept in PostgreSQL."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], bucket: str, rate: float,
                 per_chat_gap: float = 0.0, per_chat_burst: int = 1, *,
                 headroom: float = HEADROOM_S, batch: int = BATCH) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.bucket = bucket
        self._engine = autocommit(sessions)
        self._gap = 1.0 / rate
        self._headroom = headroom
        self._batch = batch
        self._chats = ChatPacing(per_chat_gap, per_chat_burst)
        self._slots: deque[float] = deque()  # reminder slots reserved and not yet handed out (monotonic)
        self._handing_out = asyncio.Lock()
        self._reminders_waiting = 0
        self._ready = False
        self._replies: dict[str, deque[float]] = {}  # per chat: slots a reply reserved for its later messages

    async def acquire(self, chat_id: str, *, urgent: bool = False, together: int = 1) -> None:
        if urgent:
            await _sleep_until(await self._reply_slot(chat_id, together))
            return
        await self._chats.wait(chat_id)
        self._reminders_waiting += 1
        try:
            while True:
                async with self._handing_out:  # in order; each waiter takes the next reserved slot
                    slot = await self._next_reminder_slot()
                await _sleep_until(slot)
                if _in_time(slot):
                    return
        finally:
            self._reminders_waiting -= 1

    async def _next_reminder_slot(self) -> float:
        while True:
            slot = _take_in_time(self._slots)
            if slot is not None:
                return slot
            wanted = min(self._batch, max(1, self._reminders_waiting))
            first, ran_at = await self._reserve_if_room(wanted)
            if first is None:
                continue
            self._slots.extend(ran_at + first + n * self._gap for n in range(wanted))

    async def _reply_slot(self, chat_id: str, together: int) -> float:
        """A slot kept for this chat by its reply's first message, or `together` new ones."""
        kept = self._replies.pop(chat_id, deque())
        slot = _take_in_time(kept)
        if slot is not None:
            if kept:
                self._replies[chat_id] = kept
            return slot
        slots = await self._reserve_urgent(max(1, together))
        if len(slots) > 1:
            self._replies[chat_id] = deque(slots[1:])
        return slots[0]

    async def _reserve_urgent(self, count: int) -> list[float]:
        await self._ensure_row()
        asked_at = time.monotonic()
        first = await one_statement(self._engine, _RESERVE_URGENT, {"bucket": self.bucket, "span": count * self._gap})
        start = _midway(asked_at) + float(first)
        return [start + n * self._gap for n in range(count)]

    async def _reserve_if_room(self, count: int) -> tuple[float | None, float]:
        """(seconds to the first of `count` slots, from when the statement ran); (None, _) after
        waiting for room."""
        await self._ensure_row()
        asked_at = time.monotonic()
        first = await one_statement(self._engine, _RESERVE_IF_ROOM, {
            "bucket": self.bucket, "span": count * self._gap, "headroom": self._headroom, "lead": LEAD_S})
        if first is not None:
            return float(first), _midway(asked_at)
        until_room = await one_statement(self._engine, _UNTIL_ROOM, {"bucket": self.bucket, "headroom": self._headroom})
        await asyncio.sleep(min(1.0, max(float(until_room or 0.0), self._gap)))
        return None, asked_at

    async def _ensure_row(self) -> None:
        if not self._ready:
            await one_statement(self._engine, _ENSURE, {"bucket": self.bucket})
            self._ready = True


def _in_time(slot: float) -> bool:
    """A slot reached at most LATE_SLOT_S after its time may still be used."""
    return time.monotonic() - slot <= LATE_SLOT_S


def _take_in_time(slots: deque[float]) -> float | None:
    """The first slot of `slots` still in time (the late ones before it are dropped), or None."""
    while slots and not _in_time(slots[0]):
        slots.popleft()
    return slots.popleft() if slots else None


def _midway(asked_at: float) -> float:
    """Our best guess of when the database ran the statement: halfway through the round trip."""
    return (asked_at + time.monotonic()) / 2


async def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)
