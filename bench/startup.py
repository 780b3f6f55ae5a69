"""`tiptoe run` with a Telegram token and many runners: memory and CPU to the first poll.

    python -m bench.startup [--runners 100000] [--db sqlite|postgres] [--idle 5] [--repeat 3]

Not a test: it prints a table. The database gets `--runners` runners and their reminder
rows for the planner's horizon (as bench.reminders' scale does), already migrated. Then a
real `tiptoe run` process (its own interpreter, output to a file) starts with only
TELEGRAM_TOKEN set, against the project's Bot API emulator (in this process: it only
waits). From /proc: the process's CPU time (user + system) when the emulator sees its
first getUpdates arrives, and its peak resident memory (VmHWM) then and after `--idle` seconds of
polling (a dispatcher tick and planning pass included). `--source` runs Tiptoe from another
checkout (the database is seeded and migrated by this one). Also, from one more start with
`-X importtime` (its log lines cost CPU, so it is not among the timed runs): which of
matplotlib, numpy, PIL and discord the process imported by then (aiohttp carries the Bot API calls).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.reminders import seed_scale
from tests.fakes.telegram_api import FakeTelegram
from tests.storage.backends import open_database

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HEAVY = ("matplotlib", "numpy", "PIL", "discord")
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)
START_TIMEOUT_S = 120.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


def imported(log: str) -> set[str]:
    return {name.split(".")[0] for name in IMPORTED.findall(log)}


async def one_start(database, folder: Path, idle: float, attempt: int, source: Path,
                    importtime: bool = False) -> dict[str, object]:
    async with FakeTelegram() as tg:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
        env.update(PYTHONPATH=str(source), TELEGRAM_TOKEN=tg.token, TELEGRAM_API_URL=tg.url,
                   DATABASE_URL=database.url, LOG_LEVEL="WARNING")
        if database.schema:
            env["DATABASE_SCHEMA"] = database.schema
        log_path = folder / f"run-{attempt}.log"
        began = time.monotonic()
        with log_path.open("wb") as log:
            trace = ["-X", "importtime"] if importtime else []  # its log lines cost CPU: only in the untimed run
            process = subprocess.Popen([sys.executable, *trace, "-m", "bot.main", "run"], env=env,
                                       cwd=folder, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            while not tg.polled:
                if process.poll() is not None or time.monotonic() - began > START_TIMEOUT_S:
                    raise RuntimeError(f"tiptoe run did not poll:\n{log_path.read_text()[-3000:]}")
                await asyncio.sleep(0.01)
            polled = {"wall s": time.monotonic() - began, "cpu s": cpu_seconds(process.pid),
                      "peak MiB": peak_rss_mib(process.pid), "heavy": sorted(imported(log_path.read_text())
                                                                             & set(HEAVY))}
            await asyncio.sleep(idle)
            polled["peak MiB idle"] = peak_rss_mib(process.pid)
            polled["cpu s idle"] = cpu_seconds(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
    return polled


async def main_async(args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tiptoe-startup-") as temp:
        folder = Path(temp)
        async with open_database(args.db, folder) as database:
            rows = await seed_scale(database.session_factory, args.runners, datetime.now(UTC))
            runs = [await one_start(database, folder, args.idle, n, args.source.resolve())
                    for n in range(args.repeat)]
            traced = await one_start(database, folder, 0.0, args.repeat, args.source.resolve(), importtime=True)
    print(f"`tiptoe run` from {args.source} (Telegram token only) on {args.db} with {args.runners:,} runners "
          f"({rows:,} reminder rows); median of {args.repeat}; load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    for key, goal in (("cpu s", "goal <= 1.0"), ("wall s", ""), ("peak MiB", "goal <= 100"),
                      ("peak MiB idle", f"after {args.idle:g} s polling; goal <= 100"),
                      ("cpu s idle", f"after {args.idle:g} s polling")):
        values = [float(run[key]) for run in runs]
        print(f"  {key:<14} {statistics.median(values):8.2f}   (runs: {', '.join(f'{v:.2f}' for v in values)}) {goal}")
    heavy = ", ".join(traced["heavy"]) or "none of " + ", ".join(HEAVY)
    print(f"  imported by the first poll (one more run, with -X importtime): {heavy}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__.split("\n")[0])
    parser.add_argument("--runners", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of polling before the last reading")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="run Tiptoe from this checkout (e.g. a git worktree of main: before/after)")
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
