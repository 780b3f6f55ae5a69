"""The reminder dispatcher: APScheduler is the clock, the database is the truth.

Every tick claims due rows atomically (PostgreSQL: FOR UPDATE SKIP LOCKED, so
several processes share the work; SQLite: one write transaction), asks the coach
what to say, and hands it to the runner's platform, whose delivery sends it at the
pace that platform allows for the whole bot (see limiter.py and shared_limiter.py);
the row is marked sent only after the platform accepted it. Nothing is dropped
silently: every row ends sent, skipped (nothing to say any more), missed (its time
ran out, through downtime or retries) or cancelled (runner unreachable). A failed
send is retried, with capped backoff, for as long as the reminder is still useful.

The next tick starts only once the last one ended (ticker.py: no overlap, and
nothing to log when a tick runs long under load).

Delivery is at-least-once. A process killed between the platform accepting a
message and the row being marked sent leaves the row claimed; its lease, renewed
while a process lives, runs out and another process sends it again. So after
a SIGKILL at most the messages that were in flight can arrive twice; none is lost.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.metrics import Metrics
from bot.reminders.limiter import Pacer
from bot.reminders.planner import PENDING, ReminderPlanner
from bot.reminders.ticker import Ticker
from bot.reminders.timers import EditBudget, TimerDriver
from bot.storage.repository import SqlRunnerStore
from bot.storage.tables import ReminderRow, RunnerRow
from bot.storage.worker import UnitsOfWork, execute, scalar
from core.engine import Coach
from core.ports import Clock, Delivery, DeliveryStatus
from core.schedule import ReminderKind

log = logging.getLogger(__name__)

CLAIMED = "claimed"
PACE_ACHIEVED = 0.9  # share of the limiter's rate a burst really gets (bench: 26.6 of 28/s)
# Reminders due in the early window up to which a tick counts and claims on the event loop's thread
# (measured at 2,000: 0.7 ms to count, 1.6 ms to claim; at 100,000: 33 and 75 ms).
BACKLOG_ON_LOOP = 2_000

# The tick's statements, built once (their values are parameters): Core on the tables, so a tick
# costs the statements and not the ORM's bookkeeping around them.
_REMINDERS, _RUNNERS = ReminderRow.__table__, RunnerRow.__table__
_R = _REMINDERS.c
# The backlog: claimed rows count too, they are in flight and still take their share of the pace.
_BACKLOG = (select(func.count()).select_from(_REMINDERS)
            .where(_R.platform == bindparam("b_platform"), _R.status.in_((PENDING, CLAIMED)),
                   _R.due_at <= bindparam("until")))
_CLAIMABLE = (select(_R.id)
              .where(_R.platform == bindparam("b_platform"), _R.due_at <= bindparam("horizon"),
                     ((_R.status == PENDING) & (_R.retry_at.is_(None) | (_R.retry_at <= bindparam("now"))))
                     | ((_R.status == CLAIMED) & (_R.lease_until < bindparam("now"))))
              .order_by(_R.due_at).limit(bindparam("limit"))
              .with_for_update(skip_locked=True))  # PostgreSQL: processes share the work; SQLite has no such clause
# One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) is atomic on its own.
_CLAIM = (update(_REMINDERS).where(_R.id.in_(_CLAIMABLE.scalar_subquery()))
          .values(status=CLAIMED, claimed_by=bindparam("worker"), lease_until=bindparam("b_lease_until"))
          .returning(_R.id, _R.runner_key, _R.kind, _R.local_date, _R.due_at, _R.expires_at, _R.attempts, _R.chat_id))
_CHATS = select(_RUNNERS.c.key, _RUNNERS.c.chat_id).where(_RUNNERS.c.key.in_(bindparam("keys", expanding=True)))
_RENEW = (update(_REMINDERS).where(_R.claimed_by == bindparam("worker"), _R.status == CLAIMED)
          .values(lease_until=bindparam("b_lease_until")))


@dataclass(frozen=True, slots=True)
class DispatcherConfig:
    tick_seconds: float = 1.0
    early_window: timedelta = timedelta(minutes=10)  # never start a burst more than this early
    # A claim whose lease ran out belongs to a dead process. A live one renews the leases of what
    # it has in flight every quarter lease, so this only bounds how soon another process takes over.
    lease: timedelta = timedelta(seconds=20)
    send_timeout: float = 60.0  # seconds for one delivery (pacing included) before it counts as a timeout
    max_in_flight: int = 64
    base_backoff: float = 5.0  # seconds; doubles with each failed attempt ...
    max_backoff: float = 60.0  # ... up to this, so an outage's end is noticed within a minute
    plan_every_seconds: float = 60.0
    plan_batch: int = 500
    # Live timers: a pass this often, so a step change is never more than this late (plus its send).
    timer_tick_seconds: float = 0.25


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    runner_key: str
    kind: ReminderKind
    local_date: date
    due_at: datetime
    expires_at: datetime
    attempts: int
    chat_id: str


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Dispatcher:
    def __init__(self, units: UnitsOfWork, store: SqlRunnerStore, coach: Coach,
                 planner: ReminderPlanner, deliveries: Mapping[str, Delivery],
                 limiters: Mapping[str, Pacer], clock: Clock,
                 config: DispatcherConfig = DispatcherConfig(), worker: str | None = None,
                 metrics: Metrics | None = None, edit_budget: EditBudget | None = None) -> None:
        """`limiters`: each platform's pacer. The dispatcher plans bursts on its rate; the
        platform's delivery sends every message through it."""
        self._units = units
        self._store = store
        self._coach = coach
        self._planner = planner
        self._deliveries = dict(deliveries)
        self._limiters = dict(limiters)
        self._clock = clock
        self.config = config
        self.worker = worker or worker_name()
        self.metrics = metrics or Metrics()
        self.last_tick: float | None = None  # time.monotonic() when the last tick ended (for /healthz)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._leases_renewed = time.monotonic()
        self._ticker = Ticker()
        self._ticking = asyncio.Lock()
        self._backlogs: dict[str, int] = {}  # per platform: reminders due in the early window at the last tick
        # `edit_budget`: shared with the adapters, whose press answers spend it too.
        self.timers = TimerDriver(units, coach, deliveries, limiters, clock, self.metrics, edit_budget)

    # ---- the clock ---------------------------------------------------------------------

    def start(self) -> None:
        """Tick and plan on APScheduler, one pass of each at a time; the rows are what persists."""
        self._ticker.start({"tick": (self.config.tick_seconds, self.tick),
                            "plan": (self.config.plan_every_seconds, self.plan_pass),
                            "timers": (self.config.timer_tick_seconds, self.timers.tick)})

    async def stop(self) -> None:
        """Stop ticking, let a pass under way finish (a tick cut off mid-claim would strand its
        rows until the lease ran out), then wait for what is in flight."""
        await self._ticker.stop()
        await self.drain()

    async def drain(self) -> None:
        """Wait for every delivery in flight (reminders and timer edits)."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)
        await self.timers.drain()

    # ---- one tick ----------------------------------------------------------------------

    async def tick(self) -> int:
        """Claim what is due on every platform this process serves; start sending it."""
        async with self._ticking:
            claimed = await self._tick()
        self.last_tick = time.monotonic()
        return claimed

    async def _tick(self) -> int:
        # A quarter of the lease between renewals: a live process never loses a claim, and the
        # table is not rewritten every second.
        if self._in_flight and time.monotonic() - self._leases_renewed >= self.config.lease.total_seconds() / 4:
            await self._renew_leases()
        claimed = 0
        for platform, limiter in self._limiters.items():
            room = self.config.max_in_flight - len(self._in_flight)
            if room <= 0 or platform not in self._deliveries:
                continue
            # Claim about two ticks' worth at the platform's pace: enough to keep it busy,
            # few enough that a crash strands little.
            batch = min(room, math.ceil(limiter.rate * self.config.tick_seconds * 2))
            for row in await self._claim(platform, limiter.rate, batch):
                task = asyncio.create_task(self._deliver(platform, row))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
                claimed += 1
        return claimed

    async def _renew_leases(self) -> None:
        """This process is alive: its claims stay its own (one statement for all of them)."""
        self._leases_renewed = time.monotonic()
        await self._units.statements(execute, _RENEW, {"worker": self.worker,
                                                        "b_lease_until": self._clock.now() + self.config.lease})

    async def _claim(self, platform: str, rate: float, limit: int) -> list[Claimed]:
        now = self._clock.now()
        # Counting and claiming sort through what is due: a millisecond or two on the event loop's
        # thread for a morning's burst, but tens of milliseconds for a backlog after a long downtime,
        # too long to hold every chat's replies up: that goes to the store's threads.
        heavy = self._backlogs.get(platform, 0) > BACKLOG_ON_LOOP
        backlog = await self._units.read(scalar, _BACKLOG, {"b_platform": platform,
                                                              "until": now + self.config.early_window}, heavy=heavy)
        self._backlogs[platform] = backlog = backlog or 0
        self.metrics.reminder_backlog.labels(platform).set(backlog)
        return await self._units.statements(_claim, {
            "b_platform": platform, "horizon": now + self._lookahead(backlog, rate), "now": now, "limit": limit,
            "worker": self.worker, "b_lease_until": now + self.config.lease}, heavy=backlog > BACKLOG_ON_LOOP)

    def _lookahead(self, backlog: int, rate: float) -> timedelta:
        """How early to start so a burst due at one minute is all out by then.

        With N pending in the early window and a pace of `rate`, the last of them goes out
        (N - 1) / rate seconds after the first, so start that long before; at most
        `early_window`, and not at all for a lone reminder (it goes out at its due time).
        """
        # Plan on a little less than the limiter's pace: retries and a busy loop lose some.
        seconds = max(0, backlog - 1) / (rate * PACE_ACHIEVED)
        return min(self.config.early_window, timedelta(seconds=seconds))

    async def _deliver(self, platform: str, row: Claimed) -> None:
        try:
            await self._deliver_one(platform, row)
        except Exception:  # one bad row must not stop the others; it is retried
            log.exception("reminder %s for a runner failed unexpectedly", row.id)
            await self._retry(row, "unexpected error", None)

    async def _deliver_one(self, platform: str, row: Claimed) -> None:
        if self._clock.now() >= row.expires_at:
            log.warning("reminder %s (%s) missed: its time had passed when claimed", row.id, row.kind)
            await self._finish(row, "missed", "expired before it could be sent")
            self.metrics.reminder_ended(row.kind, "missed")
            return
        replies = await self._coach.due(row.runner_key, row.kind, row.local_date)
        if not replies:
            await self._finish(row, "skipped", "nothing to say any more")
            self.metrics.reminder_ended(row.kind, "skipped")
            return
        try:
            outcome = await asyncio.wait_for(self._deliveries[platform].deliver(row.chat_id, replies),
                                             self.config.send_timeout)
        except TimeoutError:
            await self._retry(row, "timeout", None)
            return
        if outcome.status is DeliveryStatus.SENT:
            sent_at = self._clock.now()
            await self._finish(row, "sent", None, sent_at=sent_at)
            self.metrics.reminder_sent(row.kind, (sent_at - row.due_at).total_seconds())
        elif outcome.status is DeliveryStatus.GONE:
            log.info("runner unreachable on %s (%s); stopping their reminders", platform, outcome.detail)
            await self._finish(row, "cancelled", outcome.detail or "unreachable")
            self.metrics.reminder_ended(row.kind, "cancelled")
            await self._coach.mark_unreachable(row.runner_key)  # its save cancels their other rows
        else:
            await self._retry(row, outcome.detail or "retry", outcome.retry_after)

    async def _retry(self, row: Claimed, reason: str, retry_after: float | None) -> None:
        """Try again later, for as long as the reminder is still worth sending.

        No attempt limit: a morning check is useful for hours, so a platform outage of
        minutes must not cost it. The backoff is capped so the outage's end is noticed soon.
        """
        attempts = row.attempts + 1
        # The platform's own wait when it named one (429), else exponential backoff.
        backoff = min(self.config.max_backoff, self.config.base_backoff * 2 ** min(attempts - 1, 30))
        retry_at = self._clock.now() + timedelta(seconds=backoff if retry_after is None else retry_after)
        self.metrics.reminder_ended(row.kind, "retried")
        if retry_at >= row.expires_at:
            log.warning("reminder %s missed after %d attempts: %s", row.id, attempts, reason)
            await self._finish(row, "missed", reason, attempts=attempts)
            self.metrics.reminder_ended(row.kind, "missed")
        else:
            await self._finish(row, PENDING, reason, attempts=attempts, retry_at=retry_at)

    async def _finish(self, row: Claimed, status: str, error: str | None, **values: object) -> None:
        await self._units.statements(execute, update(_REMINDERS).where(
            _R.id == row.id, _R.claimed_by == self.worker, _R.status == CLAIMED).values(
            status=status, last_error=error, claimed_by=None, lease_until=None, **values))

    # ---- keeping rows ahead --------------------------------------------------------------

    async def plan_pass(self) -> int:
        """Extend the rows of runners whose planned horizon is running out."""
        due = await self._units.read(self._planner.runners_to_extend, self.config.plan_batch, heavy=True)
        for key, planned_until in due:
            # Resume from where the rows end, so reminders that fell in a downtime still get
            # rows (sent at once if their run is still ahead, otherwise never).
            await self._store.replan(key, since=planned_until)
        return len(due)


def _claim(db: Session, params: dict[str, object]) -> list[Claimed]:
    connection = db.connection()
    rows = connection.execute(_CLAIM, params).all()
    if not rows:
        return []
    # Rows name their chat; only rows planned before they did fall back to the runner's.
    unnamed = {r.runner_key for r in rows if r.chat_id is None}
    chats = dict(connection.execute(_CHATS, {"keys": list(unnamed)}).all()) if unnamed else {}
    return sorted((Claimed(r.id, r.runner_key, ReminderKind(r.kind), r.local_date, r.due_at, r.expires_at,
                           r.attempts, r.chat_id or chats.get(r.runner_key, "")) for r in rows),
                  key=lambda c: c.due_at)
