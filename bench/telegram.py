"""Check-in round trip on Telegram: Tiptoe against a bare PTB bot, each in a process of its own.

    python -m bench.telegram [--runners 50] [--presses 20] [--solo-presses 200]
                             [--db sqlite|postgres] [--base REV] [--bare-transport httpx|aiohttp]

Not a test: it runs in real time and prints a table.

Three kinds of process, so that none pays for another's CPU:
- the Bot API emulator (`FakeTelegram`, over HTTP on 127.0.0.1), one per bot, each with a
  small control server beside it (`python -m bench.telegram emulator`);
- the bot (`bench/telegram_bot.py`): Tiptoe (`open_app` + `build_application` + `run_telegram`
  on a real database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards) or a
  bare PTB bot built with the same settings and update processor, which answers the press,
  edits the pressed message and sends as many messages as Tiptoe sent for that kind of press
  (over PTB's default transport, httpx; Tiptoe's calls go over aiohttp, bot/telegram/transport.py);
- this process: the load generator. Simulated runners press pain-score and Done buttons
  through the control server (the emulator pushes the update and answers once the bot sent
  the next buttons), each runner pressing again as soon as its reply arrived.

Round trips are timed by the emulator (time.time() when the update is queued for the bot,
and at the bot's first edit/send to that chat; "next" at the sendMessage with the next
buttons). Throughput is presses that worked per second of wall time (summed over rounds);
"cpu ms" is CPU time per press of the bot's process, the emulator's and this one's.
A session has ten presses and Tiptoe allows one a day, so presses run in rounds of a session;
between rounds (untimed) the bot's clock moves a day on (SIGUSR1) and each runner starts the
next session. The bots take turns round by round (A B A B ...), so a change in the machine's
load hits them alike; the idle bot waits in a long poll. `--base REV` adds Tiptoe at another
git revision (a temporary worktree) as a third contestant: before and after in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

Json = dict[str, Any]

ROOT = Path(__file__).resolve().parents[1]
CHECK_IN, DONE, EFFORT = "check-in", "done", "effort"
PAIN_BUTTON, DONE_BUTTON, START_BUTTON = "0", "Done ✓", "Start a session"  # what the runners tap
EFFORT_BUTTON = "Just right"  # "How hard was that?" (revisions before the guided session do not ask)
SIDE_BUTTON = "Left first"  # asked once, on the first one-sided exercise: tapped, but not timed
KINDS = {PAIN_BUTTON: CHECK_IN, DONE_BUTTON: DONE, EFFORT_BUTTON: EFFORT}
SOLO_CHAT, CALIBRATION_CHAT = 1, 2  # the lone runner; the chat whose calls the bare bot copies
FIRST_CHAT = 1001  # the runners pressing at once: FIRST_CHAT, FIRST_CHAT + 1, ...
SETUP_CONCURRENCY = 5  # onboarding scans the emulator's log and fails after 5 s: keep it light
REPLY_TIMEOUT_S = 60.0
START_TIMEOUT_S = 60.0
SESSION_LIMIT = 100  # presses: more than any session has (it ends first)
MAX_ATTEMPTS = 5  # a runner whose tap failed (the "went wrong" toast) taps again, up to this often
REPLY_METHODS = frozenset({"sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup"})
NEXT_METHODS = frozenset({"sendMessage", "sendPhoto"})  # an exercise met at a new level comes with its picture
# Toasts that mean the press did nothing and the runner should tap again (bot/telegram/app.py's
# "went wrong", core.engine.BUSY): counted as failed presses.
FAILED_TOASTS = ("Sorry, something went wrong", "I'm a little busy")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---- the emulator process ---------------------------------------------------------------------

def emulator_main(ready: Path) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve_emulator(ready))


async def _serve_emulator(ready: Path) -> None:
    from tests.fakes.telegram_api import Call, FakeTelegram
    from tests.telegram.conftest import TelegramChat, onboard, start_session

    @dataclass
    class Waiting:
        timing: Json
        done: asyncio.Future[Json | None]
        log: list[Json] | None = None  # calibration: every call of the press, as the bare bot will make it

    class WatchedTelegram(FakeTelegram):
        """FakeTelegram that hands each recorded call to the press waiting in that chat (one dict look-up)."""

        def __init__(self) -> None:
            super().__init__()
            self.waiting: dict[int, Waiting] = {}
            self.query_chats: dict[str, int] = {}

        def expect(self, chat_id: int, log: bool = False) -> Waiting:
            waiting = Waiting({"pressed_at": time.time(), "first_reply_at": math.nan, "next_buttons_at": math.nan,
                               "calls": 0, "failed": False}, asyncio.get_running_loop().create_future(),
                              [] if log else None)
            self.waiting[chat_id] = waiting
            return waiting

        def _record(self, call: Call) -> None:
            super()._record(call)
            if call.method == "answerCallbackQuery":
                chat_id = self.query_chats.pop(str(call.params.get("callback_query_id")), None)
            else:
                chat_id = call.params.get("chat_id")
            waiting = self.waiting.get(chat_id) if isinstance(chat_id, int) else None
            if waiting is None:
                return
            timing = waiting.timing
            timing["calls"] += 1
            if waiting.log is not None:
                waiting.log.append(script_call(call.method, call.params))
            if (call.method == "answerCallbackQuery"
                    and str(call.params.get("text", "")).startswith(FAILED_TOASTS)):
                timing["failed"] = True  # the handler raised; nothing else will come for this press
                del self.waiting[chat_id]
                waiting.done.set_result(None)
                return
            if call.ok and call.method in REPLY_METHODS and math.isnan(timing["first_reply_at"]):
                timing["first_reply_at"] = call.at
            if call.ok and call.method in NEXT_METHODS and "reply_markup" in call.result:
                timing["next_buttons_at"] = call.at
                del self.waiting[chat_id]
                waiting.done.set_result(call.result)

    async def answer(waiting: Waiting) -> web.Response:
        message = await asyncio.wait_for(waiting.done, REPLY_TIMEOUT_S)
        return web.json_response({**waiting.timing, "message": message, "log": waiting.log})

    async with WatchedTelegram() as tg:
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def press(request: web.Request) -> web.Response:
            body = await request.json()
            chat_id = body["chat"]
            waiting = tg.expect(chat_id, log=body.get("log", False))
            _, query_id = tg.press(chat_id, body["message_id"], body["data"])
            tg.query_chats[query_id] = chat_id  # answerCallbackQuery names the query, not the chat
            return await answer(waiting)

        async def text(request: web.Request) -> web.Response:
            body = await request.json()
            waiting = tg.expect(body["chat"])
            tg.user_text(body["chat"], body["text"])
            return await answer(waiting)

        async def onboard_runner(request: web.Request) -> web.Response:
            """Tiptoe only: /start to the first exercise, through the real bot (untimed)."""
            body = await request.json()
            async with gate:
                chat = TelegramChat(tg, body["chat"])
                await onboard(chat)
                await start_session(chat)
                message, _ = chat.button(DONE_BUTTON)  # the first exercise
            return web.json_response({"message": message})

        control = web.Application()
        control.router.add_post("/press", press)
        control.router.add_post("/text", text)
        control.router.add_post("/onboard", onboard_runner)
        runner = web.AppRunner(control, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        ready.write_text(json.dumps({"api": tg.url, "token": tg.token,
                                     "control": f"http://127.0.0.1:{runner.addresses[0][1]}"}))
        await stop.wait()
        await runner.cleanup()


def script_call(method: str, params: Json) -> Json:
    """A Bot API call as the bare bot repeats it: the method, the text and the buttons' labels and data lengths."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard", [])
    buttons = [[[b["text"], len(b.get("callback_data", ""))] for b in row] for row in rows] if markup else None
    return {"method": method, "text": params.get("text", params.get("caption")), "buttons": buttons}


# ---- child processes --------------------------------------------------------------------------

@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def cpu_s(self) -> float:
        """User + system CPU time so far, from /proc (Linux)."""
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def check(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited {self.popen.returncode}:\n{self.log.read_text()[-3000:]}")

    async def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, 20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                await asyncio.to_thread(self.popen.wait, 10)


def clean_env(pythonpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "DISCORD_"))}
    return {**env, "PYTHONPATH": str(pythonpath)}


async def start_process(name: str, args: Sequence[str], folder: Path, pythonpath: Path = ROOT) -> tuple[Process, Path]:
    """`python <args> --ready FILE`; returns once FILE exists (what the child wrote there is in it)."""
    ready, log = folder / f"{name}.ready", folder / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen([sys.executable, *args, "--ready", str(ready)], cwd=pythonpath,
                                 env=clean_env(pythonpath), stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT)
    process = Process(name, popen, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready.exists() or not ready.read_text():
        process.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")
        await asyncio.sleep(0.05)
    return process, ready


# ---- the load generator -----------------------------------------------------------------------

@dataclass
class Timing:
    kind: str
    pressed_at: float
    first_reply_at: float
    next_buttons_at: float
    calls: int
    failed: bool


def buttons_on(message: Json) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def next_press(message: Json) -> tuple[str, str] | None:
    """What a runner taps in a session: a pain score of 0, Done, or "Just right"; None once it is over."""
    buttons = buttons_on(message)
    for label, kind in KINDS.items():
        if label in buttons:
            return kind, buttons[label]
    if START_BUTTON in buttons or not buttons:
        return None
    text = message.get("text", message.get("caption", ""))
    raise LookupError(f"no pain score, Done or effort button under {text[:60]!r}")


@dataclass
class Run:
    """Every timed press of one load, the wall time they took, and CPU seconds per process."""

    chats: int = 1
    timings: list[Timing] = field(default_factory=list)
    wall_s: float = 0.0
    round_rates: list[float] = field(default_factory=list)
    cpu_s: Counter[str] = field(default_factory=Counter)


@dataclass
class Contestant:
    """One bot with its own emulator, and what was measured of it so far."""

    name: str
    bot: Process
    emulator: Process
    control: str
    http: ClientSession
    days: Path | None = None  # Tiptoe: the file its bot appends to when its clock moved a day
    session: int = 0  # the bare bot: presses per round (a session of Tiptoe's); Tiptoe: until its session ends
    runs: dict[str, Run] = field(default_factory=dict)

    async def call(self, path: str, body: Json) -> Json:
        async with self.http.post(f"{self.control}{path}", json=body) as response:
            if response.status != 200:
                self.bot.check()
                raise RuntimeError(f"{self.name}: {path} answered {response.status}: {await response.text()}")
            return await response.json()

    async def tap(self, chat: int, message: Json, data: str, kind: str = "",
                  timings: list[Timing] | None = None) -> Json:
        """Press until it works, as a runner would after the "went wrong" toast; every attempt is timed."""
        for _ in range(MAX_ATTEMPTS):
            answer = await self.call("/press", {"chat": chat, "message_id": message["message_id"], "data": data})
            if timings is not None:
                timings.append(Timing(kind, answer["pressed_at"], answer["first_reply_at"],
                                      answer["next_buttons_at"], answer["calls"], answer["failed"]))
            if answer["message"] is not None:
                return answer["message"]
        raise RuntimeError(f"{self.name} chat {chat}: {MAX_ATTEMPTS} presses in a row went wrong")

    async def press_on(self, chat: int, message: Json, count: int) -> tuple[list[Timing], Json]:
        """Up to `count` timed presses, fewer if the session ends first; the side question is tapped untimed."""
        timings: list[Timing] = []
        while len(timings) < count:
            if SIDE_BUTTON in buttons_on(message):
                message = await self.tap(chat, message, buttons_on(message)[SIDE_BUTTON])
                continue
            press = next_press(message)
            if press is None:
                break
            message = await self.tap(chat, message, press[1], press[0], timings)
        return timings, message

    async def prepare(self, chats: list[int]) -> dict[int, Json]:
        """Each runner at the first exercise of a session like every later one (untimed).

        Tiptoe: onboarding, then a first session (each exercise met with its picture and full
        cues, the side asked once), then the next day's; the bare bot: /start.
        """
        async def one(chat: int) -> Json:
            if self.days is None:
                return (await self.call("/text", {"chat": chat, "text": "/start"}))["message"]
            message = (await self.call("/onboard", {"chat": chat}))["message"]
            return (await self.press_on(chat, message, SESSION_LIMIT))[1]

        first = dict(zip(chats, await asyncio.gather(*map(one, chats))))
        return await self.next_round(first)

    async def next_round(self, messages: dict[int, Json]) -> dict[int, Json]:
        """Tiptoe: tomorrow's session (one a day), started in every chat; the bare bot: /start; untimed."""
        if self.days is None:
            async def again(chat: int) -> Json:
                return (await self.call("/text", {"chat": chat, "text": "/start"}))["message"]

            return dict(zip(messages, await asyncio.gather(*map(again, messages))))
        moved = len(self.days.read_text().splitlines()) if self.days.exists() else 0
        self.bot.popen.send_signal(signal.SIGUSR1)
        while not self.days.exists() or len(self.days.read_text().splitlines()) <= moved:
            self.bot.check()
            await asyncio.sleep(0.01)

        async def one(chat: int, idle: Json) -> Json:
            readiness = await self.tap(chat, idle, buttons_on(idle)[START_BUTTON])
            return await self.tap(chat, readiness, buttons_on(readiness)[PAIN_BUTTON])

        return dict(zip(messages, await asyncio.gather(*(one(c, m) for c, m in messages.items()))))

    def cpu(self) -> dict[str, float]:
        return {"bot": self.bot.cpu_s(), "emulator": self.emulator.cpu_s(), "runners": time.process_time()}

    def pressed(self, load: str) -> int:
        """Presses made so far under this load, per chat."""
        run = self.runs.get(load)
        return len(run.timings) // run.chats if run else 0

    async def timed_round(self, load: str, chats: list[int], messages: dict[int, Json], length: int) -> dict[int, Json]:
        run = self.runs.setdefault(load, Run(chats=len(chats)))
        length = min(length, self.session) if self.session else length
        before, started = self.cpu(), time.time()
        results = await asyncio.gather(*(self.press_on(chat, messages[chat], length) for chat in chats))
        wall = time.time() - started
        after = self.cpu()
        run.cpu_s.update({k: after[k] - before[k] for k in after})
        timings = [t for chat_timings, _ in results for t in chat_timings]
        run.wall_s += wall
        run.round_rates.append(sum(not t.failed for t in timings) / wall)
        run.timings += timings
        return {chat: last for chat, (_, last) in zip(chats, results)}

    def calls_per_press(self, kind: str) -> int:
        counts = Counter(t.calls for run in self.runs.values() for t in run.timings if t.kind == kind and not t.failed)
        return counts.most_common(1)[0][0] if counts else 0


async def measure(contestants: list[Contestant], load: str, chats: list[int], presses: int) -> None:
    """The bots take turns round by round (a session each), so a change in the machine's load hits all alike."""
    messages = [await c.prepare(chats) for c in contestants]  # each at the start of a session
    while any(c.pressed(load) < presses for c in contestants):
        for position, contestant in enumerate(contestants):
            left = presses - contestant.pressed(load)
            if left <= 0:
                continue
            if contestant.pressed(load):  # its last round ended its session: the next day's
                messages[position] = await contestant.next_round(messages[position])
            messages[position] = await contestant.timed_round(load, chats, messages[position], left)


# ---- contestants ------------------------------------------------------------------------------

@asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[tuple[str, str | None]]:
    """A database URL (and schema) for one Tiptoe: a SQLite file, or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'tiptoe.sqlite3'}", None
    else:
        from tests.storage.backends import _postgres_schema

        async with _postgres_schema() as (url, schema):
            yield url, schema


async def contestant(name: str, kind: str, folder: Path, stack: AsyncExitStack, http: ClientSession,
                     args: argparse.Namespace, source: Path = ROOT, replies: Json | None = None,
                     ) -> Contestant:
    folder.mkdir(parents=True, exist_ok=True)
    emulator, ready = await start_process(f"{name}-emulator", ["-m", "bench.telegram", "emulator"], folder)
    stack.push_async_callback(emulator.stop)
    where = json.loads(ready.read_text())
    bot_args = ["-P", str(ROOT / "bench" / "telegram_bot.py"), kind, "--api", where["api"], "--token", where["token"]]
    if kind == "tiptoe":
        url, schema = await stack.enter_async_context(database(args.db, folder))
        from tests.conftest import START

        bot_args += ["--db-url", url, "--start", START.isoformat(), *(["--schema", schema] if schema else [])]
        bot_args += ["--pace", args.pace]
        if args.profile and source == ROOT:
            bot_args += ["--profile", str(Path(args.profile).resolve())]
    else:
        script = folder / "replies.json"
        script.write_text(json.dumps(replies))
        bot_args += ["--replies", str(script), "--transport", args.bare_transport]
    bot, bot_ready = await start_process(f"{name}-bot", bot_args, folder, pythonpath=source)
    stack.push_async_callback(bot.stop)
    days = Path(f"{bot_ready}.days") if kind == "tiptoe" else None
    return Contestant(name, bot, emulator, where["control"], http, days)


async def calibrate(tiptoe: Contestant) -> tuple[Json, int]:
    """Tiptoe's calls for each press of a steady-state session (in a chat of its own), for the bare bot.

    `prepare` gets past the first session (each exercise met with its picture and full cues):
    the second, a day later, is what a runner's sessions look like from then on. Its calls
    (methods, texts, buttons) are what the bare bot repeats, byte for byte but for its own
    button data.
    """
    chat = CALIBRATION_CHAT
    message = (await tiptoe.prepare([chat]))[chat]
    opening = script_call("sendMessage", message)
    scripts: dict[str, list[list[Json]]] = {}
    while (press := next_press(message)) is not None:
        answer = await tiptoe.call("/press", {"chat": chat, "message_id": message["message_id"], "data": press[1],
                                              "log": True})
        if answer["message"] is None:
            raise RuntimeError(f"calibration: a {press[0]} press went wrong")
        scripts.setdefault(press[0], []).append(answer["log"])
        message = answer["message"]
    return {"opening": opening, "presses": scripts}, sum(map(len, scripts.values()))


@asynccontextmanager
async def worktree_at(revision: str, folder: Path) -> AsyncIterator[Path]:
    """A temporary git worktree of the project at `revision` (removed afterwards)."""
    path = folder / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(path), revision],
                   check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], check=False)


# ---- the report -------------------------------------------------------------------------------

def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else math.nan


HEADER = ["bot", "load", "kind", "n", "failed", "p50 ms", "p99 ms", "next p50", "next p99", "per s",
          "per s med", "cpu bot", "cpu emu", "cpu run"]


@dataclass(frozen=True)
class Figures:
    per_s: float
    p50: float
    cpu_bot: float


def rows_of(result: Contestant) -> tuple[list[list[str]], dict[str, Figures]]:
    rows, figures = [], {}
    for load, run in result.runs.items():
        for kind in (CHECK_IN, DONE, EFFORT, "all"):
            chosen = [t for t in run.timings if kind in ("all", t.kind)]
            worked = [t for t in chosen if not t.failed]
            first = [1000 * (t.first_reply_at - t.pressed_at) for t in worked]
            until_next = [1000 * (t.next_buttons_at - t.pressed_at) for t in worked]
            cpu = [f"{1000 * run.cpu_s[p] / len(worked):.2f}" if kind == "all" else ""
                   for p in ("bot", "emulator", "runners")]
            rows.append([result.name, load, kind, str(len(worked)), str(len(chosen) - len(worked)),
                         *(f"{percentile(first, q):.1f}" for q in (0.5, 0.99)),
                         *(f"{percentile(until_next, q):.1f}" for q in (0.5, 0.99)),
                         f"{len(worked) / run.wall_s:.1f}",
                         f"{statistics.median(run.round_rates):.1f}" if kind == "all" else "", *cpu])
            if kind == "all":
                check_ins = [1000 * (t.first_reply_at - t.pressed_at) for t in worked if t.kind == CHECK_IN]
                figures[load] = Figures(len(worked) / run.wall_s, percentile(check_ins, 0.5),
                                        1000 * run.cpu_s["bot"] / len(worked))
    return rows, figures


def aligned(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows)


def report(args: argparse.Namespace, loads: tuple[float, float], contestants: list[Contestant]) -> str:
    table, figures = [HEADER], {}
    for c in contestants:
        rows, figures[c.name] = rows_of(c)
        table += rows
    bare = figures["bare"]
    lines = [
        f"Telegram press -> reply, each bot, emulator and the runners in a process of its own; Tiptoe on {args.db}; "
        f"1 chat x {args.solo_presses} presses, {args.runners} chats x {args.presses} presses",
        "ms = press -> first edit/send to that chat (emulator's clock); next = press -> the next buttons;",
        "per s = presses that worked / wall time (per s med: median of the rounds);",
        "failed = \"went wrong\" or \"busy\" toasts (the runner tapped again);",
        "cpu bot/emu/run = CPU ms per press of the bot's process, its emulator's, and the load generator's",
        f"machine: {os.cpu_count()} CPUs, load average {loads[0]:.2f} at the start, {loads[1]:.2f} at the end",
        "", aligned(table), "",
        "Bot API calls per press: " + "; ".join(
            f"{c.name} check-in {c.calls_per_press(CHECK_IN)}, done {c.calls_per_press(DONE)}, "
            f"effort {c.calls_per_press(EFFORT)}" for c in contestants),
        "The bare bot makes Tiptoe's calls of a steady-state session (same methods, texts and buttons, "
        "its own button data of the same length), answering the press first, then in order, "
        f"over {'Tiptoe' if args.bare_transport == 'aiohttp' else 'PTB'}'s transport ({args.bare_transport}).",
    ]
    crowd = f"{args.runners} chats"
    for c in contestants:
        if c.name == "bare":
            continue
        mine = figures[c.name]
        lines.append(
            f"{c.name} / bare: throughput 1 chat {mine['1 chat'].per_s / bare['1 chat'].per_s:.2f} (goal >= 0.8), "
            f"{crowd} {mine[crowd].per_s / bare[crowd].per_s:.2f} (goal >= 0.9); "
            f"p50 check-in 1 chat {mine['1 chat'].p50 / bare['1 chat'].p50:.2f}x (goal <= 2); "
            f"bot CPU per press 1 chat {mine['1 chat'].cpu_bot / bare['1 chat'].cpu_bot:.2f}x, "
            f"{crowd} {mine[crowd].cpu_bot / bare[crowd].cpu_bot:.2f}x (goal <= 1.5)")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.runners))
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tiptoe-bench-") as temp:
        folder = Path(temp)
        async with AsyncExitStack() as stack:
            http = await stack.enter_async_context(ClientSession(
                connector=TCPConnector(limit=0), timeout=ClientTimeout(total=REPLY_TIMEOUT_S + 10)))
            contestants = []
            if args.base:
                base_root = await stack.enter_async_context(worktree_at(args.base, folder))
                contestants.append(await contestant(f"base {args.base}", "tiptoe", folder / "base-run", stack, http,
                                                    args, source=base_root))
            tiptoe = await contestant("tiptoe", "tiptoe", folder / "tiptoe", stack, http, args)
            replies, session = await calibrate(tiptoe)
            bare = await contestant("bare", "bare", folder / "bare", stack, http, args, replies=replies)
            bare.session = session
            contestants += [tiptoe, bare]
            try:
                await measure(contestants, "1 chat", [SOLO_CHAT], args.solo_presses)
                await measure(contestants, f"{args.runners} chats", chats, args.presses)
            except BaseException:
                for c in contestants:
                    print(f"--- {c.name} bot log (tail):\n{c.bot.log.read_text()[-2000:]}", file=sys.stderr)
                raise
            logs = {c.name: c.bot.log.read_text() for c in contestants}
        print(report(args, (load_start, os.getloadavg()[0]), contestants))
        for name, text in logs.items():
            problems = Counter(line.split(": ", 1)[-1][:100] for line in text.splitlines()
                               if " WARNING " in line or " ERROR " in line)
            if problems:
                print(f"{name}: warnings and errors logged:", *(f"  x{n}: {line}" for line, n in problems.items()),
                      sep="\n")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["emulator"]:  # a child: the emulator and its control server
        emulator_main(Path(argv[argv.index("--ready") + 1]))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.telegram", description=__doc__.split("\n")[0])
    parser.add_argument("--runners", type=int, default=50, help="chats pressing at once (default 50)")
    parser.add_argument("--presses", type=int, default=20, help="presses per chat under load (default 20)")
    parser.add_argument("--solo-presses", type=int, default=200, help="presses of the lone chat (default 200)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="Tiptoe's database")
    parser.add_argument("--base", metavar="REV", help="also run Tiptoe at this git revision (before/after)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile Tiptoe's bot process (the whole run) into FILE")
    parser.add_argument("--bare-transport", choices=("httpx", "aiohttp"), default="httpx",
                        help="the bare bot's: PTB's default (httpx), or Tiptoe's own (like for like: what "
                             "Tiptoe's own work costs beside the same transport)")
    parser.add_argument("--pace", choices=("as-run", "local"), default="as-run",
                        help="Tiptoe's pacer: as `tiptoe run` has it (on PostgreSQL the pace row every "
                             "process shares: a round trip per message), or this process's own")
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
