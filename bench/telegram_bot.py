"""One bot of `bench.telegram`, in a process of its own: Tiptoe or the bare PTB bot.

    python -P bench/telegram_bot.py tiptoe --api URL --token T --db-url URL [--schema S] --start ISO --ready FILE
    python -P bench/telegram_bot.py bare --api URL --token T --replies '{"check-in": 2, "done": 2}' --ready FILE

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
from functools import partial
from pathlib import Path

CHECK_IN, DONE = "check-in", "done"  # the bare bot's callback data, one per kind of press
DONE_BUTTON = "Done ✓"
UNLIMITED_RATE = 100_000.0  # messages per second: the pacer runs, but never holds a reply back


def settings_for(args: argparse.Namespace):
    from bot.settings import Settings

    return Settings(_env_file=None, telegram_token=args.token, telegram_api_url=args.api, telegram_webhook_url=None,
                    telegram_webhook_secret=None, discord_token=None)


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
        await serve(build_application(app.coach, settings, pacer=pacer), settings, stop, Path(args.ready))


async def run_bare(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """A PTB bot built like build_application's (same URLs, timeouts, update processor), no coach."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

    from bot.telegram import RetryPolicy
    from bot.telegram.ordering import PerChatOrder

    def keyboard(*rows):
        return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                     for row in rows])

    pain = ("How much pain did you feel? 0 = none, 10 = worst imaginable.",
            keyboard([(str(n), CHECK_IN) for n in range(6)], [(str(n), CHECK_IN) for n in range(6, 11)]))
    done = ("Exercise: do it, then tap Done.", keyboard([(DONE_BUTTON, DONE), ("Skip", DONE)]))
    edited = ("✓ Noted", keyboard([("Undo", "undo")]))
    messages: dict[str, int] = json.loads(args.replies)  # sendMessage calls per press of each kind

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: the first pain question."""
        await context.bot.send_message(update.effective_chat.id, pain[0], reply_markup=pain[1])

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer, edit the pressed message, then fixed messages; the last one asks the other question."""
        query, chat = update.callback_query, update.effective_chat
        await query.answer()
        await query.edit_message_text(edited[0], reply_markup=edited[1])
        for _ in range(messages[query.data] - 1):
            await context.bot.send_message(chat.id, "Nice and easy. ✓")
        text, markup = done if query.data == CHECK_IN else pain
        await context.bot.send_message(chat.id, text, reply_markup=markup)

    api, timeout = args.api.rstrip("/"), RetryPolicy().call_timeout
    application = (ApplicationBuilder().token(args.token).base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
                   .connect_timeout(timeout).read_timeout(timeout).write_timeout(timeout)
                   .media_write_timeout(timeout).concurrent_updates(PerChatOrder()).build())
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(press))
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
    parser.add_argument("--replies", help="bare: sendMessage calls per press kind, as JSON")
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
