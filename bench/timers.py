"""Many runners in a hold at once: what the live timers send, how late, and what a tick costs.

    python -m bench.timers [--runners 500,10000] [--seconds 45] [--spread 0] [--rate 27] [--db sqlite|postgres]

Not a test: it runs in real time and prints a table per runner count.

Every runner is seeded mid-walk: "Set 1 of 4 · hold 20 s" of the level-1 calf hold, all
begun at the same instant (the worst case of "06:30 is popular"; `--spread S` spreads the
starts evenly over S seconds instead), its timer message already posted. The real timer pass (bot/reminders/timers.py) runs on the dispatcher's Ticker every
0.25 s on a real database, asks the real Coach for each due timer and hands the edit to a
delivery that waits for a send slot on the real RateLimiter at the bot's pace (`--rate`,
TELEGRAM_RATE by default: Telegram allows about 30 a second per token), as TelegramDelivery's
PTB requests do; the HTTP round trip itself is left out (bench.reminders measures that).

Reported per runner count: edits sent per second (mean and busiest second) against the
platform limit; countdowns sent and thinned; lateness (sent minus due) p50/p99 of step
changes ("Rest 20 s", "Set 2") and of countdowns separately; the busiest chat's edits in
any 60 s; process CPU per timer handled (the coach's TimerDue turn, its save and the send).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.clock import SystemClock
from bot.main import open_app
from bot.reminders.limiter import TELEGRAM_PER_CHAT_BURST, TELEGRAM_PER_CHAT_GAP, TELEGRAM_RATE, RateLimiter
from bot.reminders.ticker import Ticker
from bot.reminders.timers import CHAT_EDITS_PER_MINUTE, TimerDriver, TimerSent
from bot.storage.mapping import dialogue_columns, runner_columns
from bot.storage.tables import DialogueRow, RunnerRow
from core.model import Dialogue, Runner
from core.ports import DeliveryOutcome, DeliveryStatus
from core.replies import Reply
from core.sets import next_mark
from tests.storage.backends import open_database

PLATFORM = "telegram"
PLATFORM_LIMIT = 30.0  # Telegram: about 30 messages (edits included) a second per bot token
HOLD_S = 20  # level 1 of the calf hold: 4 × 20 s, 20 s rest
SETUP_S = 3.0  # seeding ends this long before every hold begins
TICK_S = 0.25
INSERT_CHUNK = 1000


@dataclass
class PacedDelivery:
    """The Delivery port: each message waits for its slot at the bot's pace, then counts as sent."""

    pacer: RateLimiter
    platform: str = PLATFORM
    sent_at: list[float] = field(default_factory=list)  # time.monotonic() of each edit

    async def deliver(self, chat_id: str, replies: tuple[Reply, ...], *, urgent: bool = False) -> DeliveryOutcome:
        for _ in replies:
            await self.pacer.acquire(chat_id, urgent=urgent)
            self.sent_at.append(time.monotonic())
        return DeliveryOutcome(DeliveryStatus.SENT)


def walking_runner(number: int, began: datetime) -> tuple[dict[str, object], dict[str, object]]:
    """Runner and dialogue rows of someone 0 s into the first 20 s hold, its message posted."""
    runner = Runner(key=f"{PLATFORM}:{number}", platform=PLATFORM, chat_id=str(number), name=f"runner {number}",
                    created_at=began - timedelta(days=1), onboarded=True)
    dialogue = Dialogue(state="set", data=(("i", "0"), ("k", "0"), ("at", began.isoformat()), ("left", ""),
                                           ("walk", "0.1"), ("side", "left")), step=1, prompt="Set 1 of 4",
                        timer_due_at=began + timedelta(seconds=next_mark(HOLD_S, 0)), timer_message=str(number))
    return {**runner_columns(runner), "version": 1}, dialogue_columns(runner.key, dialogue)


@dataclass
class Result:
    runners: int
    seconds: float
    sent: list[TimerSent]
    dropped: int
    sends_per_second: list[int]
    handled: int
    cpu: float
    unsent_steps: int


async def one_run(database_url_backend: str, runners: int, seconds: float, rate: float, spread: float) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        async with open_database(database_url_backend, Path(folder), migrate=False) as database:
            clock = SystemClock()
            async with open_app(database.url, clock, b"bench-secret", schema=database.schema) as app:
                began = datetime.now(UTC) + timedelta(seconds=SETUP_S + runners / 5000)
                rows = [walking_runner(n + 1, began + timedelta(seconds=spread * n / runners)) for n in range(runners)]
                async with app.sessions.begin() as db:
                    for table, chunk in ((RunnerRow, [r for r, _ in rows]), (DialogueRow, [d for _, d in rows])):
                        for start in range(0, len(chunk), INSERT_CHUNK):
                            await db.execute(insert(table), chunk[start:start + INSERT_CHUNK])
                pacer = RateLimiter(rate, TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)
                delivery = PacedDelivery(pacer)
                sent: list[TimerSent] = []
                driver = TimerDriver(app.units, app.coach, {PLATFORM: delivery}, {PLATFORM: pacer}, clock,
                                     budget=app.edit_budget, observe=sent.append)
                handled = 0
                real_timer_due = app.coach.timer_due

                async def counted(key: str, due_at: datetime, countdown: bool = True) -> tuple[Reply, ...]:
                    nonlocal handled
                    handled += 1
                    return await real_timer_due(key, due_at, countdown)

                app.coach.timer_due = counted  # type: ignore[method-assign]  (counts, changes nothing)
                await asyncio.sleep(max(0.0, (began - datetime.now(UTC)).total_seconds()))
                start, cpu_before = time.monotonic(), time.process_time()
                ticker = Ticker()
                ticker.start({"timers": (TICK_S, driver.tick)})
                await asyncio.sleep(seconds)
                await ticker.stop()
                cpu = time.process_time() - cpu_before
                unsent = await driver.abandon()
        buckets = Counter(int(t - start) for t in delivery.sent_at if t - start < seconds)
        return Result(runners, seconds, [s for s in sent if not s.dropped], sum(s.dropped for s in sent),
                      [buckets.get(second, 0) for second in range(int(seconds))], handled, cpu,
                      unsent_steps=unsent)


def percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p * len(ordered)) - 1)]


def busiest_chat_minute(sent: Sequence[TimerSent]) -> int:
    by_chat: dict[str, list[datetime]] = {}
    for s in sent:
        if s.sent_at is not None:
            by_chat.setdefault(s.chat_id, []).append(s.sent_at)
    window = timedelta(seconds=60)
    return max((sum(a <= b < a + window for b in times) for times in by_chat.values() for a in times), default=0)


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(results: Sequence[Result], rate: float) -> str:
    rows = [["", *[f"{r.runners:,} runners" for r in results]]]

    def line(label: str, cell) -> None:
        rows.append([label, *[cell(r) for r in results]])

    line("edits sent / s, mean", lambda r: fmt(sum(r.sends_per_second) / max(1, len(r.sends_per_second)), 1))
    line("edits sent / s, busiest second", lambda r: str(max(r.sends_per_second, default=0)))
    line(f"platform limit / s (our pace {rate:g})", lambda r: f"{PLATFORM_LIMIT:g}")
    line("step changes sent", lambda r: f"{sum(not s.transient for s in r.sent):,}")
    line("countdowns sent", lambda r: f"{sum(s.transient for s in r.sent):,}")
    line("countdowns thinned (dropped)", lambda r: f"{r.dropped:,}")
    line("timers still in hand at the end", lambda r: f"{r.unsent_steps:,}")

    def lateness(transient: bool, p: float):
        return lambda r: fmt(percentile([s.lateness for s in r.sent if s.transient is transient], p))

    line("step change lateness p50, s", lateness(False, 0.5))
    line("step change lateness p99, s", lateness(False, 0.99))
    line("countdown lateness p50, s", lateness(True, 0.5))
    line("countdown lateness p99, s", lateness(True, 0.99))
    line(f"busiest chat: edits in 60 s (limit {CHAT_EDITS_PER_MINUTE})", lambda r: str(busiest_chat_minute(r.sent)))
    line("timers handled (TimerDue turns)", lambda r: f"{r.handled:,}")
    line("timers handled / s", lambda r: fmt(r.handled / r.seconds, 0))
    line("CPU per timer handled, ms", lambda r: fmt(r.cpu / max(1, r.handled) * 1000, 2))
    line("CPU busy, share of one core", lambda r: f"{r.cpu / r.seconds:.0%}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     for row in rows)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runners", default="500,10000", help="runner counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=45.0, help="how long to run after the holds begin")
    parser.add_argument("--spread", type=float, default=0.0, help="seconds over which the holds begin")
    parser.add_argument("--rate", type=float, default=TELEGRAM_RATE, help="the bot's pace, messages/s")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    return parser.parse_args(argv)


async def run(options: argparse.Namespace) -> None:
    results = []
    for count in (int(n) for n in options.runners.split(",") if n.strip()):
        results.append(await one_run(options.db, count, options.seconds, options.rate, options.spread))
    starts = f"over {options.spread:g} s" if options.spread else "at the same instant"
    print(f"Live timers: every runner begins a 20 s hold {starts}; {options.seconds:g} s measured; {options.db}.")
    print(table(results, options.rate))


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    main()
