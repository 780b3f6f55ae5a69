"""Several `tiptoe dispatch` processes, one bot token, Telegram's limits: the multi-process burst.

    python -m bench.processes [--runners 1000] [--processes 1,3,5] [--repeat 3]

Not a test: it runs in real time and prints one table. For each process count, a fresh
PostgreSQL schema gets `--runners` pre-run nudges due at one instant, and that many real
`tiptoe dispatch` processes (each its own interpreter, output to a file) send them to the
project's Bot API emulator, itself in its own process, which answers 429 (retry_after=1)
above 30 messages in any second for the token and above one a second per chat once a
burst of three is spent. The nudges fall due a set-up margin plus the time the burst
needs at the token's pace after seeding, so every process is up and the early start can act.

Per run: accepted/s (distinct reminders the emulator accepted, over first to last), 429s,
failed (reminders never accepted, or whose row ended failed or missed), reminders sent
twice, and lateness (first accepted message minus its due time; negative = early), p50
and p99. Each line is the median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.reminders import TELEGRAM_FLOOD_LIMIT, ApiCall, TelegramInChild, number, percentile, render
from bot.reminders.dispatcher import DispatcherConfig
from bot.reminders.limiter import TELEGRAM_RATE
from bot.storage.tables import ReminderRow
from tests.deployment.processes import Launcher, environment
from tests.deployment.seeding import seed_due_nudges
from tests.storage.backends import open_database

SETUP_SECONDS = 20.0  # processes start (imports, migrations check) before the early start is due
PER_CHAT_RATE = 1.0
POLL_SECONDS = 1.0
SETTLED = ("sent", "missed", "failed", "skipped", "cancelled")


@dataclass(frozen=True, slots=True)
class Run:
    accepted_per_second: float
    rejected: int
    failed: int
    twice: int
    lateness_p50: float
    lateness_p99: float
    seconds: float  # wall time from the first process started to every row settled


async def one_run(processes: int, runners: int, folder: Path) -> Run:
    telegram = await asyncio.to_thread(TelegramInChild, TELEGRAM_FLOOD_LIMIT, PER_CHAT_RATE)
    try:
        async with open_database("postgres", folder) as database:
            burst = min(DispatcherConfig().early_window.total_seconds(), runners / TELEGRAM_RATE)
            due = datetime.now(UTC) + timedelta(seconds=SETUP_SECONDS + burst)
            await seed_due_nudges(database, range(1, runners + 1), due)
            launch = Launcher(folder)
            began = time.time()
            children = [launch("dispatch", environment(database, telegram), name=f"dispatch-{processes}-{n}")
                        for n in range(processes)]
            try:
                deadline = due.timestamp() + 3 * burst + 120
                while not await _settled(database, runners) and time.time() < deadline:
                    for child in children:
                        if child.process.poll() is not None:
                            raise RuntimeError(f"{child.name} exited:\n{child.log()[-3000:]}")
                    await asyncio.sleep(POLL_SECONDS)
                seconds = time.time() - began
                async with database.session_factory() as db:
                    lost_rows = await db.scalar(select(func.count()).select_from(ReminderRow)
                                                .where(ReminderRow.status.in_(("failed", "missed"))))
            finally:
                for child in children:
                    await child.stop()
    finally:
        calls = await asyncio.to_thread(telegram.stop)
    return summarise(calls, runners, due.timestamp(), int(lost_rows or 0), seconds)


async def _settled(database, runners: int) -> bool:
    async with database.session_factory() as db:
        done = await db.scalar(select(func.count()).select_from(ReminderRow).where(ReminderRow.status.in_(SETTLED)))
    return (done or 0) >= runners


def summarise(calls: Sequence[ApiCall], runners: int, due: float, lost_rows: int, seconds: float) -> Run:
    firsts: dict[int, float] = {}
    accepted = Counter()
    for call in sorted(calls, key=lambda c: c.at):
        if call.status == 200 and call.method == "sendMessage":
            accepted[call.chat_id] += 1
            firsts.setdefault(call.chat_id, call.at)
    times = sorted(firsts.values())
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    lateness = sorted(at - due for at in times)
    return Run(accepted_per_second=len(times) / span if span else 0.0,
               rejected=sum(1 for c in calls if c.status == 429),
               failed=max(runners - len(firsts), lost_rows),
               twice=sum(1 for n in accepted.values() if n > 1),
               lateness_p50=percentile(lateness, 50) or 0.0, lateness_p99=percentile(lateness, 99) or 0.0,
               seconds=seconds)


LINES = (
    ("accepted/s", lambda r: r.accepted_per_second, 1),
    ("429s", lambda r: r.rejected, 0),
    ("failed (never accepted)", lambda r: r.failed, 0),
    ("sent twice", lambda r: r.twice, 0),
    ("lateness p50 (s)", lambda r: r.lateness_p50, 1),
    ("lateness p99 (s)", lambda r: r.lateness_p99, 1),
    ("wall time per run (s)", lambda r: r.seconds, 0),
)


def table(results: dict[int, list[Run]]) -> str:
    rows = [("", *(f"{n} process{'es' if n > 1 else ''}" for n in results))]
    for label, measure, digits in LINES:
        rows.append((label, *(number(statistics.median(measure(r) for r in runs), digits)
                              for runs in results.values())))
    return render(rows)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.processes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runners", type=int, default=1000, help="reminders due at once, per run")
    parser.add_argument("--processes", default="1,3,5", help="process counts to compare")
    parser.add_argument("--repeat", type=int, default=3, help="runs per process count (the table shows medians)")
    options = parser.parse_args(argv)
    options.processes = [int(n) for n in options.processes.split(",") if n.strip()]
    return options


async def run(options: argparse.Namespace) -> None:
    began = time.perf_counter()
    print(f"Tiptoe multi-process burst: {options.runners:,} nudges due at once, one token, the emulator at "
          f"{TELEGRAM_FLOOD_LIMIT:g} msg/s and {PER_CHAT_RATE:g}/s per chat; Tiptoe's pace {TELEGRAM_RATE:g}/s; "
          f"medians of {options.repeat}", flush=True)
    results: dict[int, list[Run]] = {}
    for processes in options.processes:
        for attempt in range(options.repeat):
            with tempfile.TemporaryDirectory() as folder:
                outcome = await one_run(processes, options.runners, Path(folder))
            results.setdefault(processes, []).append(outcome)
            print(f"  {processes} process(es), run {attempt + 1}: {outcome}", flush=True)
    print()
    print(table(results))
    print(f"\nTotal wall time: {time.perf_counter() - began:.0f} s")


def main(argv: Sequence[str] | None = None) -> None:
    asyncio.run(run(parse(argv)))


if __name__ == "__main__":
    # Run from the importable module, so child processes unpickle `bench.processes.X`, not `__main__.X`.
    from bench.processes import main as package_main

    package_main()
