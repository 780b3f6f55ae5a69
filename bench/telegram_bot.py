"""One bot of `bench.telegram`, in a process of its own: Tiptoe or the bare PTB bot.

    python -P bench/telegram_bot.py tiptoe --api URL --token T --db-url URL [--schema S] --start ISO --ready FILE
    python -P bench/telegram_bot.py bare --api URL --token T --replies FILE.json --ready FILE

Run by path with `-P` and PYTHONPATH set to a checkout of the project, so `--base REV` can
run Tiptoe at another revision: this file imports only what every revision has
(`bot.main.open_app` and `App.pacer`, `bot.telegram.build_application` / `run_telegram`,
`PerChatOrder`).
Tiptoe runs on a manual clock (one session a day): SIGUSR1 moves it a day on and appends
a line to `<ready>.days`, so the bench knows the move took. SIGTERM stops the bot cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
from datetime import datetime, timedelta
from pathlib import Path

CHECK_IN, DONE, EFFORT = "check-in", "done", "effort"  # the bare bot's callback data, one per kind of press
PAIN_BUTTON, DONE_BUTTON, EFFORT_BUTTON = "0", "Done ✓", "Just right"  # what the bench's runners tap
# (bench/telegram.py names the same kinds and labels: this file runs on other revisions' code and
# imports only what every revision has, never the bench itself)
UNLIMITED_RATE = 100_000.0  # messages per second: the pacer runs, but never holds a reply back


def settings_for(args: argparse.Namespace):
    from bot.settings import Settings

    return Settings(_env_file=None, telegram_token=args.token, telegram_api_url=args.api, telegram_webhook_url=None,
                    telegram_webhook_secret=None, discord_token=None)


def set_aside_start_up() -> None:
    """As `tiptoe run` does once started (revisions that have bot.startup.freeze_start_up): start-up's
    objects kept out of the cycle collector's scans. The bare bot is tuned alike."""
    try:
        from bot.startup import freeze_start_up
    except ImportError:  # an older revision's `tiptoe run` did not
        return
    freeze_start_up()


async def serve(application, settings, stop: asyncio.Event, ready: Path) -> None:
    """run_telegram as bot/main.py runs it, until SIGTERM; `ready` is written once it polls."""
    from bot.telegram import run_telegram

    started = asyncio.Event()
    task = asyncio.create_task(run_telegram(application, settings, stop, started=started))
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()
    ready.write_text("polling\n")
    await task


async def run_tiptoe(args: argparse.Namespace, stop: asyncio.Event) -> None:
    from bot.clock import ManualClock
    from bot.main import open_app
    from bot.reminders.limiter import TELEGRAM_PER_CHAT_BURST, TELEGRAM_PER_CHAT_GAP, RateLimiter
    from bot.telegram import build_application

    clock = ManualClock(datetime.fromisoformat(args.start))
    days = Path(f"{args.ready}.days")

    def next_day() -> None:
        clock.set(clock.now() + timedelta(days=1))
        with days.open("a") as out:
            out.write(f"{clock.now().isoformat()}\n")

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, next_day)
    async with open_app(args.db_url, clock, schema=args.schema) as app:
        settings = settings_for(args)
        # Paced as `tiptoe run` paces (on PostgreSQL the pace row every process shares), but at a rate
        # that never makes a press wait: Telegram's ~30 messages/s would cap both bots alike, and the
        # bench measures what Tiptoe itself costs.
        if args.pace == "local":  # this process's pacer even on PostgreSQL: what the shared pace costs
            pacer = RateLimiter(UNLIMITED_RATE, TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)
        else:
            pacer = app.pacer("telegram", args.token, UNLIMITED_RATE, TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)
        application = build_application(app.coach, settings, pacer=pacer)
        set_aside_start_up()
        await serve(application, settings, stop, Path(args.ready))


async def run_bare(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """A PTB bot built like build_application's (same URLs, timeouts, update processor), no coach,
    on PTB's own transport (httpx), as PTB's documentation builds one, or (`--transport aiohttp`) on
    Tiptoe's.

    Each press makes the calls Tiptoe made for that kind of press in a steady-state session
    (`--replies`: a JSON file of {kind: [calls of one press, ...]}, one list per exercise, taken
    in turn): the answer, then the edits and messages in order, with the same texts and
    button labels; each button's data is its kind, padded to the length Tiptoe's had.
    /start shows the session's first exercise, as Tiptoe's "Start a session" and readiness did.
    """
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

    from bot.telegram import RetryPolicy
    from bot.telegram.ordering import PerChatOrder

    kinds = {PAIN_BUTTON: CHECK_IN, DONE_BUTTON: DONE, EFFORT_BUTTON: EFFORT}
    scripts = json.loads(Path(args.replies).read_text())  # {"opening": call, "presses": {kind: [calls, ...]}}
    turns: dict[tuple[int, str], int] = {}  # (chat, kind) -> presses so far: which exercise's calls come next

    def keyboard(rows):
        if rows is None:
            return None
        return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=padded(kinds.get(label, "other"), size))
                                      for label, size in row] for row in rows])

    def padded(kind: str, size: int) -> str:
        return f"{kind}|".ljust(max(size, len(kind) + 1), "x")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: a session's first exercise, as Tiptoe showed it; the presses start from the top."""
        chat = update.effective_chat.id
        for kind in scripts["presses"]:
            turns.pop((chat, kind), None)
        opening = scripts["opening"]
        await context.bot.send_message(chat, opening["text"], reply_markup=keyboard(opening["buttons"]))

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        kind = (query.data or "").split("|", 1)[0]
        turn = turns.get((chat.id, kind), 0)
        turns[chat.id, kind] = turn + 1
        calls = scripts["presses"][kind][turn % len(scripts["presses"][kind])]
        toast = next((c["text"] for c in calls if c["method"] == "answerCallbackQuery"), None)
        await query.answer(text=toast)
        for call in calls:
            if call["method"] == "editMessageText":
                await query.edit_message_text(call["text"], reply_markup=keyboard(call["buttons"]))
            elif call["method"] == "editMessageReplyMarkup":
                await query.edit_message_reply_markup(reply_markup=keyboard(call["buttons"]))
            elif call["method"] == "sendMessage":
                await context.bot.send_message(chat.id, call["text"], reply_markup=keyboard(call["buttons"]))

    api, timeout = args.api.rstrip("/"), RetryPolicy().call_timeout
    builder = ApplicationBuilder().token(args.token).base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    if args.transport == "aiohttp":  # Tiptoe's transport, as build_application wires it
        from bot.telegram.transport import bot_api_requests

        calls, polls = bot_api_requests(timeout)
        builder = builder.request(calls).get_updates_request(polls)
    else:
        builder = (builder.connect_timeout(timeout).read_timeout(timeout).write_timeout(timeout)
                   .media_write_timeout(timeout))
    application = builder.concurrent_updates(PerChatOrder()).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(press))
    set_aside_start_up()
    async with application:  # PTB's own polling: run_telegram expects Tiptoe's wiring
        await application.start()
        await application.updater.start_polling(timeout=10)
        Path(args.ready).write_text("polling\n")
        await stop.wait()
        await application.updater.stop()
        await application.stop()


async def main_async(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await (run_tiptoe if args.kind == "tiptoe" else run_bare)(args, stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=("tiptoe", "bare"))
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--ready", required=True, help="file written once the bot polls")
    parser.add_argument("--db-url")
    parser.add_argument("--schema")
    parser.add_argument("--start", help="Tiptoe's clock at start (ISO 8601 with a zone)")
    parser.add_argument("--replies", help="bare: a JSON file of Tiptoe's calls per kind of press")
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="httpx",
                        help="bare: PTB's default transport, or Tiptoe's (bot/telegram/transport.py)")
    parser.add_argument("--profile", help="cProfile the whole run into this file")
    parser.add_argument("--pace", choices=("as-run", "local"), default="as-run",
                        help="Tiptoe's pacer: as `tiptoe run` has it (shared on PostgreSQL), or this process's")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        cProfile.runctx("asyncio.run(main_async(args))", globals(), {"args": args}, args.profile)
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
