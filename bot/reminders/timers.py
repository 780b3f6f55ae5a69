"""Live timers: claim the dialogues whose timer fell due, deliver the coach's edit at once.

The dialogue row holds when its timer next falls due (`timer_due_at`, indexed), so a
restart mid-hold carries on: the next process to tick finds it. A pass (several a
second, on the dispatcher's ticker) asks the coach with a `TimerDue` for each due
dialogue and sends what it says through the platform's delivery, at the bot's shared
pace. Two processes may pick the same timer; the coach's save is optimistic, so only
the one whose save wins has anything to send.

Edits that change the step ("Rest", "Next set", "Done") go out as urgent as a reply.
Intermediate countdowns are `transient` and are the ones thinned first:
- per chat, they never take the last `RESERVED_EDITS` of the chat's budget of
  `CHAT_EDITS_PER_MINUTE` in any 60 s (Telegram: about 20 edits a minute per chat), which
  are kept for step changes and the runner's own presses;
- once a step change goes out more than `STEP_LATE_S` late, countdowns pause for `QUIET_S`;
- a countdown still waiting for its send slot after `COUNTDOWN_PATIENCE_S` is dropped: the
  time it shows would be wrong by then;
- overall, when more timer sends are waiting for the pace than it can send in
  `THIN_AFTER_S` (or the pass is at half its cap of timers in hand), countdown marks are
  left alone: no turn, no save, no send; the row's `timer_ends_at` brings the step change
  on time, and a pass always takes step changes first (the next one shows the truth anyway).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from bot.metrics import Metrics
from bot.reminders.limiter import Pacer
from bot.storage.tables import DialogueRow, RunnerRow
from bot.storage.worker import UnitsOfWork, rows, scalar
from core.engine import Coach
from core.ports import Clock, Delivery, DeliveryStatus
from core.replies import Reply

log = logging.getLogger(__name__)

CHAT_EDITS_PER_MINUTE = 20  # Telegram: about 20 edits of messages in one chat per minute
RESERVED_EDITS = 6  # of those, kept for step changes and presses: countdowns never take them
WINDOW_S = 60.0
THIN_AFTER_S = 0.5  # countdowns are dropped while the timer sends waiting exceed this much of the pace
STEP_LATE_S = 1.0  # a step change this late means the pace is full: countdowns pause ...
QUIET_S = 10.0  # ... for this long, so step changes get every slot
COUNTDOWN_PATIENCE_S = 1.0  # a countdown not out within this is dropped: the time it shows would be wrong
MAX_IN_FLIGHT = 256  # timers being handled at once; more wait for the next pass (a fraction of a second)
_DIALOGUES, _RUNNERS = DialogueRow.__table__, RunnerRow.__table__


@dataclass(frozen=True, slots=True)
class TimerSent:
    """One timer edit's fate, for metrics, tests and the bench."""

    chat_id: str
    transient: bool  # an intermediate countdown (else a step change)
    due_at: datetime
    sent_at: datetime | None  # None: dropped (thinned) or not delivered
    dropped: bool = False

    @property
    def lateness(self) -> float | None:
        return None if self.sent_at is None else (self.sent_at - self.due_at).total_seconds()


class EditBudget:
    """Per chat: the timer edits of the last minute, so countdowns leave room for what matters."""

    def __init__(self, limit: int = CHAT_EDITS_PER_MINUTE, reserved: int = RESERVED_EDITS,
                 window: float = WINDOW_S, monotonic: Callable[[], float] = time.monotonic,
                 max_chats: int = 100_000) -> None:
        self.limit = limit
        self.reserved = reserved
        self.window = window
        self._monotonic = monotonic
        self._max_chats = max_chats
        self._sent: OrderedDict[str, deque[float]] = OrderedDict()

    def allows_countdown(self, chat_id: str) -> bool:
        return self._recent(chat_id) < self.limit - self.reserved

    def spend(self, chat_id: str) -> None:
        self._recent(chat_id)
        self._sent.setdefault(chat_id, deque()).append(self._monotonic())
        self._sent.move_to_end(chat_id)
        while len(self._sent) > self._max_chats:
            self._sent.popitem(last=False)

    def _recent(self, chat_id: str) -> int:
        sent = self._sent.get(chat_id)
        if sent is None:
            return 0
        since = self._monotonic() - self.window
        while sent and sent[0] <= since:
            sent.popleft()
        return len(sent)


class TimerDriver:
    def __init__(self, units: UnitsOfWork, coach: Coach,
                 deliveries: Mapping[str, Delivery], limiters: Mapping[str, Pacer], clock: Clock,
                 metrics: Metrics | None = None, budget: EditBudget | None = None,
                 observe: Callable[[TimerSent], None] | None = None) -> None:
        self._units = units
        self._coach = coach
        self._deliveries = dict(deliveries)
        self._limiters = dict(limiters)
        self._clock = clock
        self.metrics = metrics or Metrics()
        # The budget runs on the dispatcher's clock, so a moved (manual) clock spends it as real time would.
        self.budget = budget or EditBudget(monotonic=lambda: clock.now().timestamp())
        self.observe = observe
        self._in_flight: dict[str, asyncio.Task[None]] = {}  # by runner key: one timer at a time each
        self._waiting: dict[str, int] = {}  # per platform: timer sends not yet done
        self._quiet_until: dict[str, float] = {}  # per platform: no countdowns before this (time.monotonic())

    async def tick(self) -> int:
        """Start delivering the timers due now, step changes first; returns how many were started.

        Step ends come first, oldest first. Countdown marks only while no platform is busy:
        a busy bot leaves them in place (no turn, no save), and the step's end, or a quieter
        moment, moves them on.
        """
        started = await self._start(_STEPS_ENDED)
        if not any(self._saturated(platform) for platform in self._deliveries):
            started += await self._start(_MARKS_DUE)
        return started

    async def _start(self, due: Select[Any]) -> int:
        room = MAX_IN_FLIGHT - len(self._in_flight)
        if room <= 0:
            return 0
        due_now = await self._units.read(rows, due, {"now": self._clock.now(), "limit": room + len(self._in_flight)})
        started = 0
        for key, due_at, ends_at, platform, chat_id in due_now:
            if len(self._in_flight) >= MAX_IN_FLIGHT:
                break
            if key in self._in_flight or platform not in self._deliveries:
                continue  # its last edit is still going out: a later pass takes this one
            task = asyncio.create_task(self._deliver(key, due_at, ends_at, platform, chat_id))
            self._in_flight[key] = task
            task.add_done_callback(lambda _, key=key: self._in_flight.pop(key, None))
            started += 1
        return started

    async def drain(self) -> None:
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight.values()), return_exceptions=True)

    async def abandon(self) -> int:
        """Cancel every timer still in hand (a bench's end); returns how many there were."""
        tasks = list(self._in_flight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return len(tasks)

    async def next_due(self) -> datetime | None:
        """When the earliest timer falls due (the terminal's manual clock walks to it)."""
        return await self._units.read(scalar, _FIRST_DUE)

    async def _deliver(self, key: str, due_at: datetime, ends_at: datetime | None, platform: str,
                       chat_id: str) -> None:
        try:
            # Busy bot or chat: the coach skips the countdown (and its save of every mark) altogether.
            countdown = not self._saturated(platform) and self.budget.allows_countdown(chat_id)
            replies = await self._coach.timer_due(key, due_at, countdown)
            step_changed = any(not reply.transient for reply in replies)
            # How late: a step change against its step's end, a countdown against its mark.
            await self._send(key, ends_at if step_changed and ends_at is not None else due_at, platform, chat_id,
                             replies)
        except Exception:  # one runner's timer must not stop the others; the next step change shows the truth
            log.exception("a timer edit failed unexpectedly")

    def _saturated(self, platform: str) -> bool:
        """More timer sends wait for the pace than it sends in THIN_AFTER_S, or the pass is at its cap."""
        limiter = self._limiters.get(platform)
        rate = limiter.rate if limiter is not None else 30.0
        return (self._waiting.get(platform, 0) > rate * THIN_AFTER_S or len(self._in_flight) >= MAX_IN_FLIGHT // 2
                or time.monotonic() < self._quiet_until.get(platform, 0.0))

    async def _send(self, key: str, due_at: datetime, platform: str, chat_id: str,
                    replies: tuple[Reply, ...]) -> None:
        if not replies:
            return  # stale (another process took it) or nothing to show
        transient = all(reply.transient for reply in replies)
        if transient and (self._saturated(platform) or not self.budget.allows_countdown(chat_id)):
            self.metrics.timer_edit("countdown", "dropped")
            self._report(TimerSent(chat_id, True, due_at, None, dropped=True))
            return
        self.budget.spend(chat_id)
        self._waiting[platform] = self._waiting.get(platform, 0) + 1
        try:
            sending = self._deliveries[platform].deliver(chat_id, replies, urgent=not transient)
            outcome = await (asyncio.wait_for(sending, COUNTDOWN_PATIENCE_S) if transient else sending)
        except TimeoutError:
            if not transient:
                raise
            self.metrics.timer_edit("countdown", "dropped")
            self._report(TimerSent(chat_id, True, due_at, None, dropped=True))
            return
        finally:
            self._waiting[platform] -= 1
        kind = "countdown" if transient else "step"
        if outcome.status is not DeliveryStatus.SENT:
            # Not retried: a countdown is outdated in seconds, and the next step change replaces the message.
            log.info("a timer edit was not delivered (%s)", outcome.detail or outcome.status)
            self.metrics.timer_edit(kind, "failed")
            self._report(TimerSent(chat_id, transient, due_at, None))
            if outcome.status is DeliveryStatus.GONE:
                await self._coach.mark_unreachable(key)
            return
        sent_at = self._clock.now()
        lateness = (sent_at - due_at).total_seconds()
        self.metrics.timer_edit(kind, "sent", lateness)
        if not transient and lateness > STEP_LATE_S:
            self._quiet_until[platform] = time.monotonic() + QUIET_S
        self._report(TimerSent(chat_id, transient, due_at, sent_at))
        for token, message_id in outcome.timers:
            await self._coach.timer_posted(key, token, message_id)

    def _report(self, sent: TimerSent) -> None:
        if self.observe is not None:
            self.observe(sent)


def _timers(due: Any) -> Select[Any]:
    """Timers falling due by `now` on the column `due`, the oldest first (at most `limit`)."""
    return (select(_DIALOGUES.c.runner_key, _DIALOGUES.c.timer_due_at, _DIALOGUES.c.timer_ends_at,
                   _RUNNERS.c.platform, _RUNNERS.c.chat_id)
            .join(_RUNNERS, _RUNNERS.c.key == _DIALOGUES.c.runner_key)
            .where(due <= bindparam("now")).order_by(due).limit(bindparam("limit")))


# Built once, values as parameters: a pass four times a second costs its two queries, little more.
_STEPS_ENDED, _MARKS_DUE = _timers(_DIALOGUES.c.timer_ends_at), _timers(_DIALOGUES.c.timer_due_at)
_FIRST_DUE = select(func.min(_DIALOGUES.c.timer_due_at))
