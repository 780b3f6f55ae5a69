"""How the reminder dispatcher copes with a burst, and what it costs at 100,000 runners,
side by side with the naive design (one APScheduler `date` job per runner, sent at its due time).

    python -m bench.reminders [--runners 10000] [--scale-runners 100000] [--rate 30]
                              [--db sqlite|postgres] [--variants instant,spread]

Not a test: it runs in real time (the limiter paces on the wall clock) and prints tables.

Burst: `--runners` reminders fall due within one minute ("instant": all at one instant;
"spread": evenly over 60 s) and go out through the real TelegramDelivery (a PTB `Bot`) to
the project's Bot API emulator, which here also enforces Telegram's overall flood limit
(more than 30 messages in any one second: 429, retry_after=1). Lateness is when the emulator
received a runner's message minus that runner's session start (the reminder's due_at);
negative means early. The dispatcher's rows fall due min(early_window, N / (rate x PACE_ACHIEVED))
seconds (the early start the dispatcher plans) plus a set-up margin after the seeding, so it has room to act.

Scale: `--scale-runners` runners with their reminder rows for the planner's horizon; each
design starts in its own process (clean memory): start-up time, resident memory, and the
cost of one scheduler tick with nothing due and with everything due.

Every design, the emulator and each measurement run in a fresh spawned process, so one
run's memory, CPU and event loop never disturb another's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import multiprocessing
import statistics
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from telegram import Bot
from telegram.ext import ExtBot

from bot.clock import SystemClock
from bot.main import open_app
from bot.reminders.dispatcher import CLAIMED, PACE_ACHIEVED, Dispatcher, DispatcherConfig
from bot.reminders.limiter import TELEGRAM_PER_CHAT_BURST, TELEGRAM_PER_CHAT_GAP, TELEGRAM_RATE, Pacer, RateLimiter

# What the emulator enforces: Telegram's documented ~30 messages/s. The dispatcher's own limiter
# (TELEGRAM_RATE) stays a little under it. Use --telegram-limit to be stricter.
TELEGRAM_FLOOD_LIMIT = 30.0
from bot.reminders.planner import HORIZON, PENDING
from bot.reminders.queries import status_counts
from bot.storage.mapping import runner_columns, runner_from_row
from bot.storage.tables import ReminderRow, RunnerRow
from bot.telegram.delivery import PLATFORM, TelegramDelivery
from bot.telegram.faults import RetryPolicy
from bot.telegram.pacing import PacedRequests
from bot.telegram.sending import ReplySender
from bot.telegram.transport import AiohttpRequest
from core.engine import Coach
from core.model import History, Runner, Schedule
from core.ports import DeliveryOutcome, DeliveryStatus
from core.reminders import due_reminders, expires_at
from core.replies import Reply
from core.schedule import DueReminder, ReminderKind
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import BACKENDS, open_database

T = TypeVar("T")
Send = Callable[[int, tuple[Reply, ...]], Awaitable[None]]

LEAD = timedelta(minutes=20)  # seeded schedules: session start -> run (a pre-run nudge expires at the run)
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
HTTP_POOL = 128  # ≥ the dispatcher's max_in_flight; ≤ the emulator's listen backlog (aiohttp: 128)
HTTP_TIMEOUT = 30.0  # generous, so a 10,000-job burst is limited by Telegram, not by the client's pool
POLL_SECONDS = 1.0
SETTLE_SECONDS = 2.0  # after start, let the first ticks run before reading memory
IDLE_TICKS = 20
BACKLOG_TICKS = 3
SCALE_QUIET = timedelta(hours=1)  # scale rows start this far ahead, so "nothing due" is really nothing
INSERT_CHUNK = 1000
SETUP_SECONDS = 20.0  # before a burst falls due: two process starts and open_app ...
SEED_ROWS_PER_SECOND = 500  # ... and the seeding, at a pessimistic pace
STALL_SECONDS = 0.25  # a silence this long between deliveries is ~7 missed slots at 30/s


# ---- the local Telegram: the project's emulator with Telegram's flood limit on ---------------------


@dataclass(frozen=True, slots=True)
class ApiCall:
    method: str
    chat_id: int
    at: float  # epoch seconds when the emulator received it
    status: int


def serve_telegram(conn: Connection, limit: float, per_chat_rate: float | None) -> None:
    """Child process: the emulator, until the parent says stop; then every call it saw."""
    asyncio.run(_serve_telegram(conn, limit, per_chat_rate))


async def _serve_telegram(conn: Connection, limit: float, per_chat_rate: float | None) -> None:
    # 429 (retry_after=1) above `limit` messages in any one second, as Telegram hands them out.
    async with FakeTelegram(flood_limit=limit, per_chat_rate=per_chat_rate) as telegram:
        conn.send((telegram.url, telegram.token))
        await asyncio.to_thread(conn.recv)
        conn.send([ApiCall(c.method, int(c.params.get("chat_id", 0)), c.at, c.status)
                   for c in telegram.calls if c.method in SEND_METHODS])


class TelegramInChild:
    """The emulator in its own process, so its CPU time never delays the design under test."""

    def __init__(self, limit: float, per_chat_rate: float | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=serve_telegram, args=(theirs, limit, per_chat_rate), daemon=True)
        self._process.start()
        theirs.close()
        self.url, self.token = self._conn.recv()

    def stop(self) -> list[ApiCall]:
        self._conn.send("stop")
        calls: list[ApiCall] = self._conn.recv()
        self._process.join()
        return calls


@asynccontextmanager
async def telegram_bot(url: str, token: str, pacer: Pacer | None = None) -> AsyncIterator[Bot]:
    """A PTB bot on the emulator, over Tiptoe's transport; with `pacer`, every message waits for it (as
    bot/telegram/app.py wires both)."""
    request = AiohttpRequest(timeout=HTTP_TIMEOUT, media_write_timeout=HTTP_TIMEOUT, connections=HTTP_POOL)
    paced = {"rate_limiter": PacedRequests(pacer)} if pacer is not None else {}
    async with ExtBot(token, base_url=f"{url}/bot", request=request, **paced) as bot:
        yield bot


# ---- child processes ----------------------------------------------------------------------------


def run_in_child(target: Callable[..., Awaitable[T]], *args: object) -> T:
    """`await target(*args)` in a fresh interpreter (clean memory, its own core); its result."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_child_entry, args=(theirs, target, args))
    process.start()
    theirs.close()
    try:
        outcome, value = ours.recv()
    except EOFError:
        raise RuntimeError(f"{target.__name__} died in its process") from None
    finally:
        process.join()
    if outcome == "error":
        raise RuntimeError(f"{target.__name__} failed in its process:\n{value}")
    return value


def _child_entry(conn: Connection, target: Callable[..., Awaitable[Any]], args: tuple[object, ...]) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # the naive burst misfires by the thousand
    for handler in logging.getLogger().handlers:  # on the handler: logger filters skip child loggers
        handler.addFilter(_not_a_cancelled_job)
    try:
        conn.send(("ok", asyncio.run(target(*args))))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _not_a_cancelled_job(record: logging.LogRecord) -> bool:
    """Dispatcher.stop() cancels a tick in flight, which APScheduler logs as an error: not news here."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) in MB, from /proc/self/status."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def seconds_taken(call: Callable[[], Awaitable[object]]) -> float:
    began = time.perf_counter()
    await call()
    return time.perf_counter() - began


# ---- seeding, as the planner would have left the tables -------------------------------------


def bench_runner(number: int, run_at: datetime) -> Runner:
    """An onboarded runner who runs, with strength work first, on run_at's weekday and minute (UTC)."""
    day = frozenset({run_at.weekday()})
    schedule = Schedule(run_days=day, run_time=run_at.time().replace(second=0, microsecond=0), timezone="UTC",
                        lead_minutes=int(LEAD.total_seconds() // 60), sessions_target=1, strength_days=day,
                        offday_notes=False)
    return Runner(key=f"{PLATFORM}:{number}", platform=PLATFORM, chat_id=str(number), name=f"runner {number}",
                  created_at=run_at - timedelta(days=1), onboarded=True, schedule=schedule)


def reminder_columns(runner: Runner, reminder: DueReminder) -> dict[str, object]:
    return {"runner_key": runner.key, "platform": runner.platform, "kind": reminder.kind.value,
            "local_date": reminder.local_date, "due_at": reminder.due_at,
            "expires_at": expires_at(runner, reminder), "status": PENDING, "attempts": 0}


async def insert_rows(sessions: async_sessionmaker[AsyncSession], runners: Sequence[Runner],
                      reminders: Sequence[dict[str, object]], planned_until: datetime) -> None:
    async with sessions.begin() as db:
        for table, rows in ((RunnerRow, [{**runner_columns(r), "version": 1, "planned_until": planned_until}
                                         for r in runners]), (ReminderRow, reminders)):
            for start in range(0, len(rows), INSERT_CHUNK):
                await db.execute(insert(table), rows[start:start + INSERT_CHUNK])


async def seed_burst(sessions: async_sessionmaker[AsyncSession], dues: Sequence[datetime]) -> None:
    """Runner n+1's session starts at dues[n]: one pending pre-run nudge each."""
    runners = [bench_runner(n + 1, due + LEAD) for n, due in enumerate(dues)]
    rows = [reminder_columns(r, DueReminder(ReminderKind.SESSION, (due + LEAD).date(), due))
            for r, due in zip(runners, dues)]
    await insert_rows(sessions, runners, rows, dues[0] + HORIZON)


def scale_window(now: datetime) -> tuple[datetime, datetime]:
    return now + SCALE_QUIET, now + SCALE_QUIET + HORIZON


def scale_runners(count: int, now: datetime) -> list[Runner]:
    """Runs spread over the next day, so the rows look like a real day's."""
    return [bench_runner(n + 1, now + SCALE_QUIET + LEAD + timedelta(days=n / count)) for n in range(count)]


async def seed_scale(sessions: async_sessionmaker[AsyncSession], count: int, now: datetime) -> int:
    """`count` runners and every reminder the planner would give them over its horizon."""
    window = scale_window(now)
    runners = scale_runners(count, now)
    rows = [reminder_columns(r, due) for r in runners for due in due_reminders(r, History(), *window)]
    await insert_rows(sessions, runners, rows, window[1])
    return len(rows)


# ---- the dispatcher -----------------------------------------------------------------------------


class TimedDispatcher(Dispatcher):
    """The project's Dispatcher, recording how long each of its ticks takes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tick_seconds: list[float] = []

    async def tick(self) -> int:
        began = time.perf_counter()
        try:
            return await super().tick()
        finally:
            self.tick_seconds.append(time.perf_counter() - began)


class NullDelivery:
    """The Delivery port accepting everything at once: the scale bench times ticks, not sends."""

    platform = PLATFORM

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        return DeliveryOutcome(DeliveryStatus.SENT)


def telegram_limiter(rate: float) -> RateLimiter:
    return RateLimiter(rate, TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)


# ---- the naive design ---------------------------------------------------------------------------


class TimedScheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler, recording how long each wakeup (`_process_jobs`) takes."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.wakeup_seconds: list[float] = []

    def _process_jobs(self) -> float | None:
        began = time.perf_counter()
        try:
            return super()._process_jobs()
        finally:
            self.wakeup_seconds.append(time.perf_counter() - began)


class NaiveReminders:
    """The naive design's job: at the due time ask the coach, then send; no table, no pacing.

    It sends with the project's patient RetryPolicy (a 429 waits retry_after, up to four
    tries), the kindest naive choice; a job that still fails is gone, counted by its cause.
    """

    def __init__(self, coach: Coach, send: Send, expected: int) -> None:
        self._coach = coach
        self._send = send
        self.expected = expected
        self.outcomes: Counter[str] = Counter()
        self.settled = asyncio.Event()

    async def remind(self, key: str, kind: str, local_date: date, chat_id: str) -> None:
        try:
            replies = await self._coach.due(key, ReminderKind(kind), local_date)
            if replies:
                await self._send(int(chat_id), replies)
            self._count("sent" if replies else "skipped")
        except Exception as error:  # a naive job just dies (APScheduler would log it)
            self._count(f"lost: {error_name(error)}")

    def on_missed(self, event: JobExecutionEvent) -> None:
        self._count("lost: misfired (APScheduler's 1 s grace)")

    def _count(self, outcome: str) -> None:
        self.outcomes[outcome] += 1
        if self.outcomes.total() >= self.expected:
            self.settled.set()


def error_name(error: Exception) -> str:
    """`TimeoutError`, or `sqlalchemy.exc.TimeoutError`: which library gave up matters here."""
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


async def send_nowhere(chat_id: int, replies: tuple[Reply, ...]) -> None:
    """The naive scale run's send: no job fires while it is measured."""


async def do_nothing(*args: object) -> None:
    """A job body for timing APScheduler's own work alone."""


# ---- burst: one design, in its own process ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BurstJob:
    url: str
    schema: str | None
    telegram_url: str
    token: str
    rate: float
    runners: int
    deadline: float  # epoch: give up waiting after this


@dataclass(frozen=True, slots=True)
class BurstRun:
    ready_at: float  # epoch when the design was started and waiting
    finished_at: float
    settled: bool  # everything reached an outcome before the deadline
    outcomes: dict[str, int]
    wakeups: tuple[float, ...]  # seconds per dispatcher tick / APScheduler wakeup


async def burst_with_dispatcher(job: BurstJob) -> BurstRun:
    limiter = telegram_limiter(job.rate)
    async with open_app(job.url, SystemClock(), schema=job.schema) as app, \
            telegram_bot(job.telegram_url, job.token, limiter) as bot:
        dispatcher = TimedDispatcher(app.units, app.store, app.coach, app.planner,
                                     {PLATFORM: TelegramDelivery(bot)}, {PLATFORM: limiter},
                                     app.clock, DispatcherConfig())
        dispatcher.start()
        ready = time.time()
        settled = False
        while not settled and time.time() < job.deadline:
            await asyncio.sleep(POLL_SECONDS)
            counts = await status_counts(app.sessions)
            settled = not counts.get(PENDING) and not counts.get(CLAIMED)
        await dispatcher.stop()
        return BurstRun(ready, time.time(), settled, await status_counts(app.sessions),
                        tuple(dispatcher.tick_seconds))


async def burst_with_naive(job: BurstJob) -> BurstRun:
    async with open_app(job.url, SystemClock(), schema=job.schema) as app, \
            telegram_bot(job.telegram_url, job.token) as bot:
        naive = NaiveReminders(app.coach, ReplySender(bot, RetryPolicy()).send, job.runners)
        scheduler = TimedScheduler()  # APScheduler's defaults: misfire_grace_time=1 s, coalesce off
        scheduler.add_listener(naive.on_missed, EVENT_JOB_MISSED)
        # The same due instants the dispatcher's rows have (a spread within a minute can't be
        # written as an HH:MM schedule); the scale run below loads schedules instead.
        async with app.sessions() as db:
            rows = await db.execute(
                select(ReminderRow.id, ReminderRow.runner_key, ReminderRow.kind, ReminderRow.local_date,
                       ReminderRow.due_at, RunnerRow.chat_id)
                .join(RunnerRow, RunnerRow.key == ReminderRow.runner_key).where(ReminderRow.status == PENDING))
        for row in rows:
            scheduler.add_job(naive.remind, "date", run_date=row.due_at, id=f"reminder-{row.id}",
                              args=(row.runner_key, row.kind, row.local_date, row.chat_id))
        scheduler.start()
        ready = time.time()
        try:
            await asyncio.wait_for(naive.settled.wait(), max(0.0, job.deadline - ready))
        except TimeoutError:
            pass
        scheduler.shutdown(wait=False)
        return BurstRun(ready, time.time(), naive.settled.is_set(), dict(naive.outcomes),
                        tuple(scheduler.wakeup_seconds))


DESIGNS: dict[str, Callable[[BurstJob], Awaitable[BurstRun]]] = {
    "dispatcher": burst_with_dispatcher, "naive": burst_with_naive}


# ---- burst: what the emulator saw ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BurstStats:
    due: int
    lateness: list[float]  # seconds, first accepted message per runner minus its due time, sorted
    repeated: int  # runners who got the reminder more than once
    rejected: int  # 429s
    send_calls: int
    span: float  # first to last accepted message, seconds
    gaps: list[float]  # silences longer than STALL_SECONDS between accepted messages
    run: BurstRun


def burst_stats(run: BurstRun, calls: Sequence[ApiCall], dues: dict[int, float]) -> BurstStats:
    accepted: defaultdict[int, list[float]] = defaultdict(list)
    for call in calls:
        if call.status == 200:
            accepted[call.chat_id].append(call.at)
    firsts = sorted(min(times) for times in accepted.values())
    return BurstStats(
        due=len(dues), lateness=sorted(min(times) - dues[chat] for chat, times in accepted.items()),
        repeated=sum(1 for times in accepted.values() if len(times) > 1),
        rejected=sum(1 for c in calls if c.status == 429), send_calls=len(calls),
        span=(firsts[-1] - firsts[0]) if firsts else 0.0,
        gaps=[b - a for a, b in zip(firsts, firsts[1:]) if b - a > STALL_SECONDS], run=run)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest rank on sorted values; None when there are none."""
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)] if values else None


async def one_burst(options: argparse.Namespace, design: str, spread: float) -> BurstStats:
    """Seed a fresh database, start a fresh emulator, run one design until every reminder settles."""
    count, rate = options.runners, options.rate
    margin = SETUP_SECONDS + count / SEED_ROWS_PER_SECOND
    # Room for the dispatcher's own plan (dispatcher._lookahead): in use, reminders are planned
    # days ahead, so a burst's early start is never cut short by the rows arriving late.
    head_start = margin + (min(DispatcherConfig().early_window.total_seconds(), count / (rate * PACE_ACHIEVED))
                           if design == "dispatcher" else 0.0)
    with tempfile.TemporaryDirectory() as folder:
        async with open_database(options.db, Path(folder)) as database:
            first = datetime.now(UTC) + timedelta(seconds=head_start)
            dues = [first + timedelta(seconds=spread * n / count) for n in range(count)]
            await seed_burst(database.session_factory, dues)
            telegram = await asyncio.to_thread(TelegramInChild, options.telegram_limit)
            deadline = dues[-1].timestamp() + max(300.0, 2 * count / rate)
            job = BurstJob(database.url, database.schema, telegram.url, telegram.token, rate, count, deadline)
            try:
                run = await asyncio.to_thread(run_in_child, DESIGNS[design], job)
            finally:
                calls = await asyncio.to_thread(telegram.stop)
    print(f"  {design}: ready {first.timestamp() - run.ready_at:.0f} s before the first due time; "
          f"outcomes {dict(sorted(run.outcomes.items()))}{'' if run.settled else ' (NOT SETTLED by the deadline)'}",
          flush=True)
    return burst_stats(run, calls, {n + 1: due.timestamp() for n, due in enumerate(dues)})


# ---- scale: start-up, memory and ticks at 100,000 runners ----------------------------------------


@dataclass(frozen=True, slots=True)
class ScaleJob:
    url: str
    schema: str | None
    rate: float
    now: datetime  # when the rows were planned: the naive design plans the same window from it


@dataclass(frozen=True, slots=True)
class ScaleRun:
    startup: float  # seconds, open_app to ready
    baseline_mb: float  # resident after imports, before anything started
    ready_mb: float
    peak_mb: float
    idle_tick: float  # seconds, median
    backlog_tick: float
    scheduled: int  # reminders the design holds (rows due, or jobs)
    note: str = ""


async def scale_dispatcher(job: ScaleJob) -> ScaleRun:
    baseline, _ = memory_mb()
    began = time.perf_counter()
    async with open_app(job.url, SystemClock(), schema=job.schema) as app:
        dispatcher = app.dispatcher({PLATFORM: NullDelivery()}, {PLATFORM: telegram_limiter(job.rate)})
        dispatcher.start()
        startup = time.perf_counter() - began
        await asyncio.sleep(SETTLE_SECONDS)
        ready, peak = memory_mb()
        scheduled = sum((await status_counts(app.sessions)).values())
        await dispatcher.stop()  # from here on, ticks are called by hand, one at a time
        # Nothing due: the backlog count and a claim that finds nothing, on the full table.
        idle = [await seconds_taken(dispatcher.tick) for _ in range(IDLE_TICKS)]
        async with app.sessions.begin() as db:  # now every pending reminder is due
            await db.execute(update(ReminderRow).where(ReminderRow.status == PENDING)
                             .values(due_at=datetime.now(UTC) - timedelta(seconds=1)))
        backlog = []
        for _ in range(BACKLOG_TICKS):  # one claimed batch each; its sends are drained untimed
            backlog.append(await seconds_taken(dispatcher.tick))
            await dispatcher.drain()
    return ScaleRun(startup, baseline, ready, peak, statistics.median(idle), statistics.median(backlog), scheduled,
                    f"full-backlog tick = one tick() with all {scheduled:,} rows due (median of {BACKLOG_TICKS})")


async def scale_naive(job: ScaleJob) -> ScaleRun:
    baseline, _ = memory_mb()
    began = time.perf_counter()
    async with open_app(job.url, SystemClock(), schema=job.schema) as app:
        naive = NaiveReminders(app.coach, send_nowhere, expected=0)
        scheduler = TimedScheduler()
        # No reminders table: load every runner's schedule and plan the same window with core.
        async with app.sessions() as db:
            runners = [runner_from_row(row) for row in
                       await db.scalars(select(RunnerRow).options(selectinload(RunnerRow.identities)))]
        loaded = time.perf_counter()
        planned = [(runner, due) for runner in runners for due in due_reminders(runner, History(),
                                                                                *scale_window(job.now))]
        del runners
        added = time.perf_counter()
        for runner, due in planned:
            scheduler.add_job(naive.remind, "date", run_date=due.due_at, id=f"{runner.key}:{due.key}",
                              args=(runner.key, due.kind.value, due.local_date, runner.chat_id))
        scheduled = len(planned)
        del planned
        started = time.perf_counter()
        scheduler.start()  # jobs added before start are only queued; start() files them in the job store
        startup = time.perf_counter() - began
        await asyncio.sleep(SETTLE_SECONDS)
        ready, peak = memory_mb()
        # Nothing due: APScheduler's wakeup finds no due job and computes the next wakeup.
        idle = [_seconds_of(scheduler._process_jobs) for _ in range(IDLE_TICKS)]
        scheduler.shutdown(wait=False)
    backlog, missed = await naive_backlog_wakeup(scheduled, lead=2 * startup + 5)
    breakdown = (f"open_app {loaded - began:.1f} s incl. loading runners, planning {added - loaded:.1f} s, "
                 f"add_job {started - added:.1f} s, start() {began + startup - started:.1f} s")
    return ScaleRun(startup, baseline, ready, peak, statistics.median(idle), backlog, scheduled,
                    f"start-up = {breakdown}.\n    full-backlog tick = the one APScheduler wakeup that finds all "
                    f"{scheduled:,} jobs due at once (no-op bodies); {missed:,} of them then misfired "
                    "(their task started > 1 s after the due time)")


def _seconds_of(call: Callable[[], object]) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


async def naive_backlog_wakeup(count: int, lead: float) -> tuple[float, int]:
    """APScheduler's longest wakeup when `count` jobs fall due at one instant; and how many misfired."""
    finished: Counter[int] = Counter()
    done = asyncio.Event()

    def on_finished(event: JobExecutionEvent) -> None:
        finished[event.code] += 1
        if finished.total() >= count:
            done.set()

    scheduler = TimedScheduler()
    scheduler.add_listener(on_finished, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    instant = datetime.now(UTC) + timedelta(seconds=lead)
    for n in range(count):
        scheduler.add_job(do_nothing, "date", run_date=instant, id=f"job-{n}")
    scheduler.start()
    await asyncio.wait_for(done.wait(), lead + 300)
    scheduler.shutdown(wait=False)
    return max(scheduler.wakeup_seconds), finished[EVENT_JOB_MISSED]


async def scale(options: argparse.Namespace) -> dict[str, ScaleRun]:
    with tempfile.TemporaryDirectory() as folder:
        async with open_database(options.db, Path(folder)) as database:
            now = datetime.now(UTC)
            began = time.perf_counter()
            rows = await seed_scale(database.session_factory, options.scale_runners, now)
            print(f"  seeded {options.scale_runners:,} runners and {rows:,} reminder rows in "
                  f"{time.perf_counter() - began:.0f} s", flush=True)
            job = ScaleJob(database.url, database.schema, options.rate, now)
            return {design: await asyncio.to_thread(run_in_child, measure, job)
                    for design, measure in (("dispatcher", scale_dispatcher), ("naive", scale_naive))}


# ---- tables -------------------------------------------------------------------------------------


def render(rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned text: the first column left, the others right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w)
                               in enumerate(zip(row, widths))).rstrip() for row in rows)


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if math.isinf(value):
        return "∞"
    return f"{value:,.0f}" if digits == 0 else f"{value:,.{digits}f}"


def ratio(naive: float | None, dispatcher: float | None, eps: float = 1e-3) -> str:
    """naive / dispatcher, saying so when the dispatcher's side is ~0 or negative (early)."""
    if naive is None or dispatcher is None:
        return "—"
    if dispatcher <= eps:
        return "n/a (both ≤ 0)" if naive <= eps else "∞ (dispatcher ≤ 0)"
    quotient = naive / dispatcher
    if math.isinf(quotient):
        return "∞"
    return f"{quotient:,.0f}×" if quotient >= 10 else f"{quotient:.1f}×" if quotient >= 1 else f"{quotient:.2g}×"


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    measure: Callable[[BurstStats], float | None]
    digits: int = 1
    compare: bool = False


def early(stats: BurstStats) -> list[float]:
    return sorted(-x for x in stats.lateness if x < 0)


def p99_counting_lost(stats: BurstStats) -> float | None:
    """p99 lateness with never-delivered reminders counted as infinitely late."""
    padded = stats.lateness + [math.inf] * (stats.due - len(stats.lateness))
    return percentile(padded, 99)


BURST_LINES = (
    Line("reminders due", lambda s: s.due, 0),
    Line("delivered", lambda s: len(s.lateness), 0),
    Line("never delivered", lambda s: s.due - len(s.lateness), 0, True),
    Line("delivered more than once", lambda s: s.repeated, 0),
    Line("lateness p50 (s)", lambda s: percentile(s.lateness, 50), 2, True),
    Line("lateness p99 (s)", lambda s: percentile(s.lateness, 99), 2, True),
    Line("lateness max (s)", lambda s: s.lateness[-1] if s.lateness else None, 2, True),
    Line("lateness p99, undelivered = ∞ (s)", p99_counting_lost, 2, True),
    Line("sent early", lambda s: len(early(s)), 0),
    Line("earliness p50 (s)", lambda s: percentile(early(s), 50), 1),
    Line("earliness max (s)", lambda s: early(s)[-1] if early(s) else None, 1),
    Line("sent late (after due)", lambda s: sum(1 for x in s.lateness if x > 0), 0, True),
    Line("sent > 10 s late", lambda s: sum(1 for x in s.lateness if x > 10), 0, True),
    Line("429s received", lambda s: s.rejected, 0, True),
    Line("send calls (incl. rejected)", lambda s: s.send_calls, 0, True),
    Line("first → last delivery (s)", lambda s: s.span, 1),
    Line("delivered per second over that", lambda s: len(s.lateness) / s.span if s.span else None, 1),
    Line(f"silences > {STALL_SECONDS:g} s in that span", lambda s: len(s.gaps), 0),
    Line("  their total (s)", lambda s: sum(s.gaps), 1),
    Line("ready → settled (s)", lambda s: s.run.finished_at - s.run.ready_at, 0),
    Line("scheduler wakeup p50 (ms)", lambda s: _ms(percentile(sorted(s.run.wakeups), 50)), 2),
    Line("scheduler wakeup max (ms)", lambda s: _ms(max(s.run.wakeups, default=None)), 1, True),
)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def burst_table(dispatcher: BurstStats, naive: BurstStats) -> str:
    rows = [("", "dispatcher", "naive", "naive / dispatcher")]
    for line in BURST_LINES:
        d, n = line.measure(dispatcher), line.measure(naive)
        rows.append((line.label, number(d, line.digits), number(n, line.digits),
                     ratio(n, d) if line.compare else ""))
    return render(rows)


SCALE_LINES: tuple[tuple[str, Callable[[ScaleRun], float], int], ...] = (
    ("reminders scheduled (rows / jobs)", lambda r: r.scheduled, 0),
    ("start-up: open_app → ready (s)", lambda r: r.startup, 2),
    ("resident memory at ready (MB)", lambda r: r.ready_mb, 0),
    ("  of which after imports (MB)", lambda r: r.ready_mb - r.baseline_mb, 0),
    ("peak resident memory (MB)", lambda r: r.peak_mb, 0),
    ("tick, nothing due (ms, median)", lambda r: r.idle_tick * 1000, 3),
    ("tick, everything due (ms)", lambda r: r.backlog_tick * 1000, 1),
)


def scale_table(runs: dict[str, ScaleRun]) -> str:
    dispatcher, naive = runs["dispatcher"], runs["naive"]
    rows = [("", "dispatcher", "naive", "naive / dispatcher")]
    for label, measure, digits in SCALE_LINES:
        rows.append((label, number(measure(dispatcher), digits), number(measure(naive), digits),
                     ratio(measure(naive), measure(dispatcher), eps=1e-9)))
    return render(rows)


# ---- the command line ---------------------------------------------------------------------------

VARIANTS = {"instant": 0.0, "spread": 60.0}  # seconds over which the burst's due times spread


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runners", type=int, default=10_000, help="reminders in the burst (0: skip)")
    parser.add_argument("--scale-runners", type=int, default=100_000, help="runners for start-up/memory (0: skip)")
    parser.add_argument("--rate", type=float, default=TELEGRAM_RATE, help="the dispatcher's limiter, msg/s")
    parser.add_argument("--telegram-limit", type=float, default=TELEGRAM_FLOOD_LIMIT,
                        help="messages/s the emulator accepts before answering 429")
    parser.add_argument("--db", choices=BACKENDS, default="sqlite")
    parser.add_argument("--variants", default="instant,spread", help="burst shapes: instant, spread or both")
    options = parser.parse_args(argv)
    options.variants = [v.strip() for v in options.variants.split(",") if v.strip()]
    if unknown := set(options.variants) - set(VARIANTS):
        parser.error(f"unknown variants {sorted(unknown)}; choose from {sorted(VARIANTS)}")
    return options


async def run(options: argparse.Namespace) -> None:
    began = time.perf_counter()
    print(f"Tiptoe reminders bench: db={options.db}, limiter {options.rate:g}/s, Telegram's limit "
          f"{options.telegram_limit:g} msg/s (429 retry_after=1 above it)", flush=True)
    for variant in options.variants if options.runners else ():
        shape = "all at one instant" if VARIANTS[variant] == 0 else f"spread evenly over {VARIANTS[variant]:g} s"
        print(f"\nBurst ({variant}): {options.runners:,} reminders due {shape}", flush=True)
        dispatcher = await one_burst(options, "dispatcher", VARIANTS[variant])
        naive = await one_burst(options, "naive", VARIANTS[variant])
        print()
        print(burst_table(dispatcher, naive), flush=True)
    if options.runners:
        print("\nLateness = emulator receipt − session start (due_at), over delivered reminders; negative = early.\n"
              "Wakeup: dispatcher = one tick() (count + claim + start sends); naive = one APScheduler "
              "_process_jobs().")
    if options.scale_runners:
        print(f"\nScale: {options.scale_runners:,} runners, each design in its own process", flush=True)
        runs = await scale(options)
        print()
        print(scale_table(runs))
        for design, scale_run in runs.items():
            print(f"  {design}: {scale_run.note}")
        print("  nothing-due tick: dispatcher = one tick() (backlog count + empty claim); "
              "naive = one APScheduler _process_jobs()")
    print(f"\nTotal wall time: {time.perf_counter() - began:.0f} s")


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    # Run from the importable module, so child processes unpickle `bench.reminders.X`, not `__main__.X`.
    from bench.reminders import main as package_main

    package_main()
