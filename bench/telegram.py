"""Check-in round trip on Telegram: Tiptoe against a bare PTB bot, on the same kind of emulator.

    python -m bench.telegram [--runners 50] [--presses 20] [--solo-presses 200]
                             [--db sqlite|postgres] [--profile FILE]

Not a test: it runs in real time and prints a table.

Both bots are real PTB Applications polling the project's Bot API emulator (FakeTelegram,
over HTTP on 127.0.0.1, in this process and event loop) with the same builder settings:
base_url, timeouts, and the `PerChatOrder` update processor. Each bot has an emulator of its
own (two instances of the same class), so neither sees the other's updates or call log. Both
are up for the whole run and take turns round by round (the idle one waits in a long poll),
so a change in the machine's load hits both alike.

- Tiptoe: `build_application` on the real engine and a real database (a SQLite file in a
  temp folder, or a fresh PostgreSQL schema dropped afterwards). Each runner is driven
  through the bot itself (/start, screening, schedule, /session, readiness, Done) until a
  pain-score question is on screen.
- Bare: answers the press, edits the pressed message (fixed text, small keyboard) and
  sends fixed messages: as many Bot API calls per press of each kind as Tiptoe made for
  one check-in and one Done in a chat of their own, before any timing.

A press is pushed to the emulator at `pressed_at` (time.time(), just before the update is
queued). Its round trip ends at the emulator's own timestamp (`Call.at`, also time.time())
of the bot's first editMessageText/editMessageReplyMarkup/sendMessage to that chat after the
press; "next" ends at the sendMessage carrying the next buttons, when a runner can press
again. A check-in is a pain-score press; "done" is the Done press that brings the next
pain question. Runners alternate the two, so steady state is done, check-in, done, ...

Load: "1 chat" presses sequentially with no contention (latency); "N chats" press in a
closed loop, each chat again as soon as its next buttons arrived. Throughput is presses
completed per second of wall time; "cpu ms" is this process's CPU time per press (bot,
emulator and runners together), which other processes on the machine skew far less than
wall time. A press Tiptoe answers with its "something went wrong" toast counts as failed
and the runner taps again. A session has five exercises and Tiptoe allows one session a
day, so presses run in rounds of one session; between rounds (untimed) the bench's clock
moves a day on and each runner starts the next session. The bare bot runs the same rounds,
so both pay the same tail at each round's end. Warnings and errors are counted, not printed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import math
import os
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.clock import ManualClock
from bot.main import open_app
from bot.settings import Settings
from bot.telegram import RetryPolicy, build_application, run_telegram
from bot.telegram.app import SOMETHING_WENT_WRONG
from bot.telegram.ordering import PerChatOrder
from core.programme import EXERCISES
from tests.serving import serving as serving_platform
from tests.fakes.telegram_api import Call, FakeTelegram
from tests.storage.backends import BACKENDS, open_database
from tests.telegram.conftest import START, TelegramChat, onboard, settings_for, start_session

Json = dict[str, Any]

CHECK_IN, DONE = "check-in", "done"
PAIN_BUTTON, DONE_BUTTON, START_BUTTON = "0", "Done ✓", "Start a session"  # what the runners tap
PRESSES_PER_SESSION = 2 * len(EXERCISES)  # a Done and a pain score per exercise
SOLO_CHAT, CALIBRATION_CHAT = 1, 2  # the lone runner; the chat whose calls the bare bot copies
FIRST_CHAT = 1001  # the runners pressing at once: FIRST_CHAT, FIRST_CHAT + 1, ...
SETUP_CONCURRENCY = 5  # onboarding scans the emulator's log and fails after 5 s: keep it light
REPLY_TIMEOUT_S = 60.0
MAX_ATTEMPTS = 5  # a runner whose tap failed (the "went wrong" toast) taps again, up to this often
REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


# ---- the emulator, telling each chat about its own calls ------------------------------------

@dataclass
class Timing:
    """One press, as the emulator saw the bot answer it."""

    kind: str
    pressed_at: float
    first_reply_at: float = math.nan
    next_buttons_at: float = math.nan
    calls: int = 0  # Bot API calls for this chat (the answerCallbackQuery included) until the next buttons
    failed: bool = False  # Tiptoe's "something went wrong" toast came instead of a reply


@dataclass
class _Waiting:
    timing: Timing
    next_buttons: asyncio.Future[Json | None]  # None: the press failed


class WatchedTelegram(FakeTelegram):
    """FakeTelegram that hands each recorded call to the press waiting in that chat.

    `FakeTelegram.wait_for` rescans the call log on every call, from every waiter: with 50
    chats waiting at once that costs more than the bots being measured. Here one dict look-up
    per call finds the waiting press.
    """

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[int, _Waiting] = {}
        self._query_chats: dict[str, int] = {}

    async def press_and_wait(self, chat_id: int, message: Json, data: str,
                             kind: str = "") -> tuple[Timing, Json | None]:
        """Tap a button on `message`; returns the timing and the message with the next buttons (None: failed)."""
        waiting = self._expect(chat_id, kind)
        _, query_id = self.press(chat_id, message["message_id"], data)
        self._query_chats[query_id] = chat_id  # answerCallbackQuery names the query, not the chat
        return waiting.timing, await asyncio.wait_for(waiting.next_buttons, REPLY_TIMEOUT_S)

    async def type_and_wait(self, chat_id: int, text: str) -> Json:
        waiting = self._expect(chat_id, "")
        self.user_text(chat_id, text)
        reply = await asyncio.wait_for(waiting.next_buttons, REPLY_TIMEOUT_S)
        assert reply is not None, "only presses fail with a toast"
        return reply

    def _expect(self, chat_id: int, kind: str) -> _Waiting:
        waiting = _Waiting(Timing(kind, time.time()), asyncio.get_running_loop().create_future())
        self._waiting[chat_id] = waiting
        return waiting

    def _record(self, call: Call) -> None:
        super()._record(call)
        if call.method == "answerCallbackQuery":
            chat_id = self._query_chats.pop(str(call.params.get("callback_query_id")), None)
        else:
            chat_id = call.params.get("chat_id")
        waiting = self._waiting.get(chat_id) if isinstance(chat_id, int) else None
        if waiting is None:
            return
        timing = waiting.timing
        timing.calls += 1
        if call.method == "answerCallbackQuery" and call.params.get("text") == SOMETHING_WENT_WRONG:
            timing.failed = True  # the handler raised; nothing else will come for this press
            del self._waiting[chat_id]
            waiting.next_buttons.set_result(None)
            return
        if call.ok and call.method in REPLY_METHODS and math.isnan(timing.first_reply_at):
            timing.first_reply_at = call.at
        if call.ok and call.method == "sendMessage" and "reply_markup" in call.result:
            timing.next_buttons_at = call.at
            del self._waiting[chat_id]
            waiting.next_buttons.set_result(call.result)


def buttons_on(message: Json) -> dict[str, str]:
    """Label -> callback data of the inline buttons under a message."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def next_press(message: Json) -> tuple[str, str]:
    """What a runner taps in steady state: a pain score of 0, or Done."""
    buttons = buttons_on(message)
    if PAIN_BUTTON in buttons:
        return CHECK_IN, buttons[PAIN_BUTTON]
    if DONE_BUTTON in buttons:
        return DONE, buttons[DONE_BUTTON]
    raise LookupError(f"no pain score or Done button under {message.get('text', '')[:60]!r}")


async def tap(tg: WatchedTelegram, chat_id: int, message: Json, data: str,
              kind: str = "", timings: list[Timing] | None = None) -> Json:
    """Press until it works, as a runner would after the "went wrong" toast; every attempt is timed."""
    for _ in range(MAX_ATTEMPTS):
        timing, reply = await tg.press_and_wait(chat_id, message, data, kind)
        if timings is not None:
            timings.append(timing)
        if reply is not None:
            return reply
    raise RuntimeError(f"chat {chat_id}: {MAX_ATTEMPTS} presses in a row went wrong")


async def press_on(tg: WatchedTelegram, chat_id: int, message: Json, count: int) -> tuple[list[Timing], Json]:
    """`count` presses in one chat, each as soon as the previous one's buttons arrived."""
    timings: list[Timing] = []
    for _ in range(count):
        kind, data = next_press(message)
        message = await tap(tg, chat_id, message, data, kind, timings)
    return timings, message


# ---- the two bots -----------------------------------------------------------------------------

@asynccontextmanager
async def serving(application: Application, settings: Settings) -> AsyncIterator[None]:
    """run_telegram as bot/main.py runs it, for either bot; stopped cleanly afterwards."""
    async with serving_platform(lambda stop, started: run_telegram(application, settings, stop, started=started)):
        yield


@dataclass(frozen=True, slots=True)
class BareReplies:
    """How many messages the bare bot sends per press of each kind (after its answer and edit)."""

    messages: dict[str, int]


def keyboard(*rows: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                 for row in rows])


PAIN_QUESTION = ("How much pain did you feel? 0 = none, 10 = worst imaginable.",
                 keyboard([(str(n), CHECK_IN) for n in range(6)], [(str(n), CHECK_IN) for n in range(6, 11)]))
DONE_QUESTION = ("Exercise: do it, then tap Done.", keyboard([(DONE_BUTTON, DONE), ("Skip", DONE)]))
EDITED = ("✓ Noted", keyboard([("Undo", "undo")]))
NOTE = "Nice and easy. ✓"


async def bare_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the first pain question."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, PAIN_QUESTION[0], reply_markup=PAIN_QUESTION[1])


async def bare_press(replies: BareReplies, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer, edit the pressed message, then fixed messages; the last one asks the other question."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None and query.data is not None
    await query.answer()
    await query.edit_message_text(EDITED[0], reply_markup=EDITED[1])
    for _ in range(replies.messages[query.data] - 1):
        await context.bot.send_message(chat.id, NOTE)
    text, markup = DONE_QUESTION if query.data == CHECK_IN else PAIN_QUESTION
    await context.bot.send_message(chat.id, text, reply_markup=markup)


def build_bare_application(settings: Settings, replies: BareReplies) -> Application:
    """A PTB bot built like build_application's (same URLs, timeouts, update processor), no coach."""
    api, timeout = settings.telegram_api_url.rstrip("/"), RetryPolicy().call_timeout
    assert settings.telegram_token is not None
    application = (ApplicationBuilder().token(settings.telegram_token.get_secret_value())
                   .base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
                   .connect_timeout(timeout).read_timeout(timeout).write_timeout(timeout)
                   .media_write_timeout(timeout).concurrent_updates(PerChatOrder()).build())
    application.add_handler(CommandHandler("start", bare_start))
    application.add_handler(CallbackQueryHandler(partial(bare_press, replies)))
    return application


# ---- preparing runners and rounds -------------------------------------------------------------

Prepare = Callable[[list[int]], Awaitable[dict[int, Json]]]  # chats -> the message each runner taps next
NextRound = Callable[[dict[int, Json]], Awaitable[dict[int, Json]]]


def tiptoe_runners(tg: WatchedTelegram, clock: ManualClock) -> tuple[Prepare, NextRound]:
    """Runners driven through the real bot to a pain question; a new day's session per round."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def prepare_one(chat_id: int) -> Json:
        async with gate:
            chat = TelegramChat(tg, chat_id)
            await onboard(chat)
            await start_session(chat)
            message, data = chat.button(DONE_BUTTON)
            return await tap(tg, chat_id, message, data)

    async def next_session(chat_id: int, idle: Json) -> Json:
        async with gate:
            readiness = await tap(tg, chat_id, idle, buttons_on(idle)[START_BUTTON])
            return await tap(tg, chat_id, readiness, buttons_on(readiness)[PAIN_BUTTON])

    async def prepare(chats: list[int]) -> dict[int, Json]:
        return dict(zip(chats, await asyncio.gather(*map(prepare_one, chats))))

    async def next_round(messages: dict[int, Json]) -> dict[int, Json]:
        clock.set(clock.now() + timedelta(days=1))  # one session a day: the next one is tomorrow
        fresh = await asyncio.gather(*(next_session(chat, message) for chat, message in messages.items()))
        return dict(zip(messages, fresh))

    return prepare, next_round


def bare_runners(tg: WatchedTelegram) -> tuple[Prepare, NextRound]:
    """/start, then one press of each kind to warm up (Tiptoe's set-up warms it up too)."""

    async def prepare_one(chat_id: int) -> Json:
        return (await press_on(tg, chat_id, await tg.type_and_wait(chat_id, "/start"), 2))[1]

    async def prepare(chats: list[int]) -> dict[int, Json]:
        return dict(zip(chats, await asyncio.gather(*map(prepare_one, chats))))

    async def same_round(messages: dict[int, Json]) -> dict[int, Json]:
        return messages

    return prepare, same_round


def round_lengths(presses: int) -> list[int]:
    """Presses per round: the first from a pain question to the session's end, then whole sessions."""
    lengths, room = [], PRESSES_PER_SESSION - 1
    while presses > 0:
        lengths.append(min(room, presses))
        presses -= lengths[-1]
        room = PRESSES_PER_SESSION
    return lengths


@dataclass
class Run:
    """Every timed press of one load, and the wall time they took."""

    timings: list[Timing] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0  # this process's CPU time (all threads: bot, emulator, runners) in the rounds


@dataclass
class Contestant:
    """One bot with its own emulator and runners, and what was measured of it so far."""

    name: str
    tg: WatchedTelegram
    runners: tuple[Prepare, NextRound]
    runs: dict[str, Run] = field(default_factory=dict)  # load label -> run
    profiler: cProfile.Profile | None = None

    def calls_per_press(self, kind: str) -> int:
        """The usual number of Bot API calls for one (successful) press of this kind."""
        counts = Counter(t.calls for run in self.runs.values() for t in run.timings
                         if t.kind == kind and not t.failed)
        return counts.most_common(1)[0][0]

    async def timed_round(self, load: str, chats: list[int], messages: dict[int, Json],
                          length: int) -> dict[int, Json]:
        """Every chat presses `length` times in a closed loop; returns each chat's latest message."""
        run = self.runs.setdefault(load, Run())
        if self.profiler:
            self.profiler.enable()
        started, cpu_started = time.time(), time.process_time()
        results = await asyncio.gather(*(press_on(self.tg, chat, messages[chat], length) for chat in chats))
        run.cpu_s += time.process_time() - cpu_started
        if self.profiler:
            self.profiler.disable()
        timings = [t for chat_timings, _ in results for t in chat_timings]
        run.wall_s += max(t.next_buttons_at for t in timings if not t.failed) - started
        run.timings += timings
        return {chat: last for chat, (_, last) in zip(chats, results)}


async def measure(contestants: list[Contestant], load: str, chats: list[int], presses: int) -> None:
    """The bots take turns round by round, so a change in the machine's load hits both alike."""
    messages = [await c.runners[0](chats) for c in contestants]
    for index, length in enumerate(round_lengths(presses)):
        for position, contestant in enumerate(contestants):
            if index:
                messages[position] = await contestant.runners[1](messages[position])
            messages[position] = await contestant.timed_round(load, chats, messages[position], length)


async def calls_per_kind(tg: WatchedTelegram, runners: tuple[Prepare, NextRound], chat_id: int) -> BareReplies:
    """Tiptoe's Bot API calls for a check-in and a Done press (in a chat of its own), for the bare bot."""
    message = (await runners[0]([chat_id]))[chat_id]
    timings, _ = await press_on(tg, chat_id, message, 2)
    # The bare bot answers and edits too, then sends the rest of Tiptoe's calls as messages.
    return BareReplies({t.kind: t.calls - 2 for t in timings})


# ---- the whole benchmark ---------------------------------------------------------------------

class LogTally(logging.Handler):
    """Counts warnings and errors by logger and message, instead of printing a traceback each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        what = f"{type(error).__name__}: {str(error).splitlines()[0]}" if error else record.getMessage()
        self.counts[f"{record.name}: {what[:100]}"] += 1


async def tiptoe_contestant(args: argparse.Namespace, stack: AsyncExitStack) -> Contestant:
    """Tiptoe on its database, serving its own emulator until `stack` closes."""
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="tiptoe-bench-"))
    database = await stack.enter_async_context(open_database(args.db, Path(folder), migrate=False))
    clock = ManualClock(START)
    app = await stack.enter_async_context(open_app(database.url, clock, schema=database.schema))
    tg = await stack.enter_async_context(WatchedTelegram())
    settings = settings_for(tg)
    await stack.enter_async_context(serving(build_application(app.coach, settings), settings))
    return Contestant("tiptoe", tg, tiptoe_runners(tg, clock))


async def bare_contestant(stack: AsyncExitStack, replies: BareReplies) -> Contestant:
    """The bare bot, serving an emulator of its own until `stack` closes."""
    tg = await stack.enter_async_context(WatchedTelegram())
    settings = settings_for(tg)
    await stack.enter_async_context(serving(build_bare_application(settings, replies), settings))
    return Contestant("bare", tg, bare_runners(tg))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


HEADER = ["bot", "load", "kind", "n", "failed", "p50 ms", "p99 ms", "max ms", "next p50", "next p99", "per s",
          "cpu ms"]
P50, PER_S, CPU = HEADER.index("p50 ms"), HEADER.index("per s"), HEADER.index("cpu ms")


def result_rows(result: Contestant) -> list[list[str]]:
    """Per load and kind: latencies of the presses that worked, and how many per second of wall time."""
    rows = []
    for load, run in result.runs.items():
        for kind in (CHECK_IN, DONE, "all"):
            chosen = [t for t in run.timings if kind in ("all", t.kind)]
            worked = [t for t in chosen if not t.failed]
            first = [1000 * (t.first_reply_at - t.pressed_at) for t in worked]
            until_next = [1000 * (t.next_buttons_at - t.pressed_at) for t in worked]
            rows.append([result.name, load, kind, str(len(worked)), str(len(chosen) - len(worked)),
                         *(f"{percentile(first, q):.1f}" for q in (0.5, 0.99, 1.0)),
                         *(f"{percentile(until_next, q):.1f}" for q in (0.5, 0.99)),
                         f"{len(worked) / run.wall_s:.1f}",
                         f"{1000 * run.cpu_s / len(worked):.1f}" if kind == "all" else ""])
    return rows


def aligned(rows: list[list[str]]) -> str:
    """Plain-text table: the first three columns left-aligned, numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows)


def report(args: argparse.Namespace, load_average: float, tiptoe: Contestant, bare: Contestant,
           tally: LogTally) -> str:
    tiptoe_rows, bare_rows = result_rows(tiptoe), result_rows(bare)
    by_key = {(r[0], r[1], r[2]): r for r in tiptoe_rows + bare_rows}
    crowd = f"{args.runners} chats"

    def ratio(load: str, kind: str, column: int) -> float:
        """Tiptoe's figure over the bare bot's, from the table's own (rounded) cells."""
        return float(by_key["tiptoe", load, kind][column]) / float(by_key["bare", load, kind][column])

    calls = "; ".join(f"{r.name} check-in {r.calls_per_press(CHECK_IN)}, done {r.calls_per_press(DONE)}"
                      for r in (tiptoe, bare))
    logged = [f"  x{n}: {line}" for line, n in tally.counts.most_common()]
    return "\n".join([
        f"Telegram press -> reply at the emulator: Tiptoe on {args.db}; {args.runners} chats x {args.presses} "
        f"presses, 1 chat x {args.solo_presses} presses",
        "ms = press -> first edit/send to that chat; next = press -> the message with the next buttons;",
        "per s = presses of that kind that worked / wall time; failed = \"went wrong\" toasts (tapped again);",
        "cpu ms = CPU time of this process (bot + emulator + runners) per press: less skewed by other processes",
        f"machine: {os.cpu_count()} CPUs, load average {load_average:.2f} at the start",
        "",
        aligned([HEADER, *tiptoe_rows, *bare_rows]),
        "",
        f"Bot API calls per press: {calls}",
        f"Tiptoe / bare throughput: {crowd} {ratio(crowd, 'all', PER_S):.2f} (goal >= 0.70), "
        f"1 chat {ratio('1 chat', 'all', PER_S):.2f}",
        f"Tiptoe / bare p50 check-in round trip: 1 chat {ratio('1 chat', CHECK_IN, P50):.2f}, "
        f"{crowd} {ratio(crowd, CHECK_IN, P50):.2f}",
        f"Bare / Tiptoe CPU per press (the throughput ratio if both were CPU-bound): "
        f"{crowd} {1 / ratio(crowd, 'all', CPU):.2f}, 1 chat {1 / ratio('1 chat', 'all', CPU):.2f}",
        "Warnings and errors logged:" if logged else "Warnings and errors logged: none",
        *logged,
    ])


def print_profile(profiler: cProfile.Profile, args: argparse.Namespace) -> None:
    """Own time only: cumulative times of coroutines count their waits too, so they mislead here."""
    profiler.dump_stats(args.profile)
    print(f"\nTiptoe's {args.runners}-chat rounds under cProfile (whole profile in {args.profile}):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


async def main_async(args: argparse.Namespace) -> None:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + args.runners))
    load_average = os.getloadavg()[0]
    tally = LogTally()
    logging.getLogger().addHandler(tally)
    try:
        async with AsyncExitStack() as stack:  # both bots stay up; each is idle while the other is timed
            tiptoe = await tiptoe_contestant(args, stack)
            bare = await bare_contestant(stack, await calls_per_kind(tiptoe.tg, tiptoe.runners, CALIBRATION_CHAT))
            await measure([tiptoe, bare], "1 chat", [SOLO_CHAT], args.solo_presses)
            tiptoe.profiler = cProfile.Profile() if args.profile else None  # the concurrent rounds only
            await measure([tiptoe, bare], f"{args.runners} chats", chats, args.presses)
    except BaseException:
        print("Logged before the benchmark broke off:", *(f"  x{n}: {line}" for line, n in tally.counts.items()),
              sep="\n")
        raise
    print(report(args, load_average, tiptoe, bare, tally))
    if tiptoe.profiler is not None:
        print_profile(tiptoe.profiler, args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.telegram", description=__doc__.split("\n")[0])
    parser.add_argument("--runners", type=int, default=50, help="chats pressing at once (default 50)")
    parser.add_argument("--presses", type=int, default=20, help="presses per chat under load (default 20)")
    parser.add_argument("--solo-presses", type=int, default=200, help="presses of the lone chat (default 200)")
    parser.add_argument("--db", choices=BACKENDS, default="sqlite", help="Tiptoe's database (default sqlite)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile Tiptoe's concurrent rounds into FILE")
    args = parser.parse_args(argv)
    logging.getLogger().setLevel(logging.WARNING)  # LogTally counts them; main_async prints the counts
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
