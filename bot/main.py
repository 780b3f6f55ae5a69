"""The composition root and the command line: settings -> storage -> engine -> adapters.

Only this module sees everything; every other module gets what it needs passed in.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.audio import WaveClickTracks
from bot.charts import MatplotlibCharts
from bot.clock import ManualClock, SystemClock
from bot.documents import FileDocuments
from bot.health import Check, Health, database_check, ticking_check
from bot.http_server import WebServer
from bot.logging_setup import configure_logging, guard_logs
from bot.metrics import Metrics
from bot.pictures import LevelPictures
from bot.settings import Settings, settings_problems
from bot.startup import StartupError, freeze_start_up
from bot.storage.database import app_secret, make_engine, make_session_factory, sqlite_url, upgrade_head
from bot.storage.links import SqlLinks
from bot.storage.records import SqlRecords
from bot.storage.repository import SqlRunnerStore
from bot.storage.worker import UnitsOfWork
from bot.reminders.queries import next_pending_due
from bot.reminders.dispatcher import Dispatcher, DispatcherConfig
from bot.reminders.timers import EditBudget
from bot.reminders.limiter import (
    DISCORD_RATE, TELEGRAM_PER_CHAT_BURST, TELEGRAM_PER_CHAT_GAP, TELEGRAM_RATE, Pacer, RateLimiter,
)
from bot.reminders.shared_limiter import SharedPacer, bucket_name
from bot.reminders.planner import REPLAN_MARGIN, ReminderPlanner
from bot.terminal.chat import TerminalChat, parse_when
from bot.terminal.delivery import PLATFORM as TERMINAL, TerminalDelivery
from bot.terminal.words import CLOCK_HELP, CLOCK_USAGE, QUIT_HELP, banner, clock_now
from core.engine import Coach
from core.model import UserRef
from core.payloads import Signer
from core.ports import Clock, Delivery
from core.schedule import zone_for
from core.turn import Services

log = logging.getLogger("tiptoe")

NO_TOKEN_HELP = (
    "No TELEGRAM_TOKEN or DISCORD_TOKEN is set, so Tiptoe starts in this terminal.\n"
    "To run it on Telegram: talk to @BotFather, send /newbot, and put the token in .env as TELEGRAM_TOKEN=...\n"
    "Then run the same command again.\n"
)


@dataclass
class App:
    coach: Coach
    store: SqlRunnerStore
    engine: AsyncEngine
    clock: Clock
    sessions: async_sessionmaker[AsyncSession]
    units: UnitsOfWork  # the store, the reminder dispatcher and the timers run their statements here
    planner: ReminderPlanner
    # PostgreSQL: one connection of its own for the shared pace, so a reply's send slot never
    # waits for a pooled connection that reminders are busy with.
    pace_sessions: async_sessionmaker[AsyncSession] | None = None
    # Edits per chat in the last minute: timer countdowns and the adapters' press answers share it.
    edit_budget: EditBudget | None = None

    def dispatcher(self, deliveries: dict[str, Delivery], limiters: dict[str, Pacer],
                   config: DispatcherConfig = DispatcherConfig(), worker: str | None = None,
                   metrics: Metrics | None = None) -> Dispatcher:
        return Dispatcher(self.units, self.store, self.coach, self.planner, deliveries, limiters,
                          self.clock, config, worker, metrics, self.edit_budget)

    def pacer(self, platform: str, token: str, rate: float, per_chat_gap: float = 0.0,
              per_chat_burst: int = 1) -> Pacer:
        """PostgreSQL: one pace for the token across every process on the database; SQLite: this process's."""
        if self.pace_sessions is not None:
            return SharedPacer(self.pace_sessions, bucket_name(platform, token), rate, per_chat_gap, per_chat_burst)
        return RateLimiter(rate, per_chat_gap, per_chat_burst)


@asynccontextmanager
async def open_app(database_url: str, clock: Clock, secret: bytes | None = None,
                   schema: str | None = None, pool_size: int | None = None,
                   files_dir: Path | None = None) -> AsyncIterator[App]:
    """Migrate the database, then wire storage, charts, pictures, audio and the engine together."""
    engine = make_engine(database_url, schema=schema, pool_size=pool_size)
    pace = make_engine(database_url, schema=schema, pool_size=1) if engine.dialect.name == "postgresql" else None
    units: UnitsOfWork | None = None
    try:
        await upgrade_head(engine)
        sessions = make_session_factory(engine)
        planner = ReminderPlanner(clock)
        units = UnitsOfWork(sessions)
        store = SqlRunnerStore(sessions, planner, units=units)
        signer = Signer(secret or await app_secret(sessions))
        pictures = LevelPictures((files_dir or _files_dir(database_url)) / "pictures")
        services = Services(signer=signer, charts=MatplotlibCharts(), pictures=pictures, audio=WaveClickTracks(),
                            documents=FileDocuments(), records=SqlRecords(sessions), links=SqlLinks(sessions))
        coach = Coach(store, clock, services)
        yield App(coach=coach, store=store, engine=engine, clock=clock, sessions=sessions, units=units,
                  planner=planner,
                  pace_sessions=make_session_factory(pace) if pace is not None else None,
                  edit_budget=EditBudget(monotonic=lambda: clock.now().timestamp()))
    finally:
        if units is not None:
            units.close()
        if pace is not None:
            await pace.dispose()
        await engine.dispose()


def _database_url(settings: Settings, db_path: str | None) -> str:
    return sqlite_url(db_path) if db_path else settings.database_url


def _files_dir(database_url: str) -> Path:
    """Pictures and exports from `tiptoe chat` go next to the database file."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).resolve().parent / "tiptoe-files"
    return Path.cwd() / "tiptoe-files"


async def chat(settings: Settings, db_path: str | None, user_name: str, now: datetime | None) -> None:
    """`now` (from --now) starts a manual clock; a time without a zone is the runner's local time."""
    database_url = _database_url(settings, db_path)
    manual = ManualClock(now.replace(tzinfo=now.tzinfo or UTC)) if now else None
    clock: Clock = manual or SystemClock()
    secret = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
    schema = None if db_path else settings.database_schema
    async with open_app(database_url, clock, secret, schema=schema, pool_size=settings.database_pool_size) as app:
        user = UserRef(platform=TERMINAL, external_id=user_name, chat_id=user_name, display_name=user_name)
        snapshot = await app.store.load(user.key)
        zone_name = snapshot.runner.schedule.timezone if snapshot and snapshot.runner.schedule else None
        if manual and now and now.tzinfo is None and zone_name:
            manual.set(now.replace(tzinfo=zone_for(zone_name)))  # --now is their local time
        terminal = TerminalChat(coach=app.coach, user=user, files_dir=_files_dir(database_url),
                                help_lines=(QUIT_HELP, CLOCK_HELP) if manual else (QUIT_HELP,))
        local_now = manual.now().astimezone(zone_for(zone_name or "UTC")) if manual else None
        waiting = await app.coach.left_off(user)
        terminal.out.write(banner(known=zone_name is not None, now=local_now, zone_name=zone_name,
                                  resuming=bool(waiting)))
        await terminal.present(waiting)
        # Reminders print in the chat; there is one reader, so no pacing is needed.
        dispatcher = app.dispatcher({TERMINAL: TerminalDelivery(terminal.deliver)},
                                    {TERMINAL: RateLimiter(rate=1000.0)})
        if manual:
            terminal.move_clock = _clock_mover(app, dispatcher, terminal, manual)
            await terminal.run()
            return
        dispatcher.start()
        try:
            await terminal.run()
        finally:
            await dispatcher.stop()


def start_time(text: str) -> datetime:
    """`--now`: a local date and time; argparse turns the error into one line and exit code 2."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a date and time: use "YYYY-MM-DD HH:MM", e.g. "2026-12-01 06:30"') from None


def _clock_mover(app: App, dispatcher: Dispatcher, terminal: TerminalChat, clock: ManualClock):
    """`/clock +1d`: move time forward through the real dispatcher, one due reminder or timer edit at a time."""

    async def move(arg: str) -> str:
        snapshot = await app.store.load(terminal.user.key)
        schedule = snapshot.runner.schedule if snapshot else None
        zone_name = schedule.timezone if schedule else "UTC"
        terminal.stamp = lambda: clock_now(clock.now(), zone_name)  # each reminder says when it came
        if not arg.strip():
            return f"{clock_now(clock.now(), zone_name)}. {CLOCK_USAGE}"
        target = parse_when(arg, clock.now(), zone_for(zone_name))
        if target is None:
            return CLOCK_USAGE
        if target <= clock.now():
            return "The clock only moves forward."
        while True:
            await dispatcher.plan_pass()
            # Reminders and live timers alike, in the order they fall due.
            dues = [due for due in (await next_pending_due(app.sessions), await dispatcher.timers.next_due())
                    if due is not None]
            next_due = min(dues, default=None)
            if next_due is not None and next_due <= target:
                clock.set(max(next_due, clock.now()))
                await dispatcher.tick()
                await dispatcher.timers.tick()
                await dispatcher.drain()
            elif clock.now() < target:
                # Rows are planned only so far ahead: walk on in steps the planner keeps up with.
                clock.set(min(target, clock.now() + REPLAN_MARGIN))
            else:
                break
        return clock_now(target, zone_name)

    return move


@dataclass
class Platforms:
    """The chat platforms this process serves, and how to send reminders to each."""

    tasks: list[Callable[[asyncio.Event], Awaitable[None]]] = field(default_factory=list)  # serve updates
    senders: list[AbstractAsyncContextManager[object]] = field(default_factory=list)  # open to send only
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    limiters: dict[str, Pacer] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)  # /healthz: is the platform connected


def platforms(app: App, settings: Settings, metrics: Metrics, web: WebServer) -> Platforms:
    # Each platform's library is imported only when its token is set (discord.py alone is ~16 MB).
    found = Platforms()
    if settings.telegram_token:
        from bot.telegram.app import build_application, run_telegram, telegram_check
        from bot.telegram.delivery import TelegramDelivery

        pacer = app.pacer("telegram", settings.telegram_token.get_secret_value(), TELEGRAM_RATE,
                          TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)
        application = build_application(app.coach, settings, pacer=pacer, metrics=metrics,
                                        edit_budget=app.edit_budget)
        found.tasks.append(lambda stop: run_telegram(application, settings, stop, web=web, engine=app.engine))
        found.senders.append(application.bot)  # `async with bot`: initialised, then shut down
        found.deliveries["telegram"] = TelegramDelivery(application.bot)
        found.limiters["telegram"] = pacer
        found.checks["telegram"] = telegram_check(application)
    if settings.discord_token:
        from bot.discord.client import build_discord_client, discord_check, logged_in, run_discord
        from bot.discord.delivery import DiscordDelivery

        pacer = app.pacer("discord", settings.discord_token.get_secret_value(), DISCORD_RATE)
        client = build_discord_client(app.coach, settings, sessions=app.sessions, metrics=metrics,
                                      edit_budget=app.edit_budget)
        found.tasks.append(lambda stop: run_discord(client, settings, stop))
        found.senders.append(logged_in(client))
        found.deliveries["discord"] = DiscordDelivery(client, pacer=pacer)
        found.limiters["discord"] = pacer
        found.checks["discord"] = discord_check(client)
    return found


def with_shared_webhook_secret(settings: Settings, app: App) -> Settings:
    """Webhook workers on one database derive the same secret when none is set (see telegram/webhook.py)."""
    if not settings.telegram_webhook_url or settings.telegram_webhook_secret is not None:
        return settings
    from bot.telegram.webhook import derived_secret  # aiohttp comes with it: only for a webhook

    secret = derived_secret(app.coach.services.signer.secret)
    return settings.model_copy(update={"telegram_webhook_secret": SecretStr(secret)})


def secrets_in(settings: Settings) -> list[str]:
    """Every secret a log line must never show."""
    found = [value.get_secret_value() for value in (settings.telegram_token, settings.discord_token,
                                                   settings.telegram_webhook_secret, settings.secret_key) if value]
    password = make_url(settings.database_url).password
    return found + ([str(password)] if password else [])


async def run(settings: Settings, *, receive_updates: bool = True) -> None:
    """Every platform whose token is set, plus the reminder dispatcher, in one process.

    `receive_updates=False` (`tiptoe dispatch`) sends reminders only. Any number of either
    may share one PostgreSQL database: they share each token's pace, one polls Telegram
    at a time, and webhook workers share one registration and secret.
    """
    if not settings.any_platform:
        if not receive_updates:
            raise SystemExit("No TELEGRAM_TOKEN or DISCORD_TOKEN is set: there is nowhere to send reminders.")
        sys.stdout.write(NO_TOKEN_HELP)
        await chat(settings, None, "me", None)
        return
    secret = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
    metrics, web = Metrics(), WebServer()
    async with open_app(settings.database_url, SystemClock(), secret, schema=settings.database_schema,
                        pool_size=settings.database_pool_size) as app:
        settings = with_shared_webhook_secret(settings, app)
        guard_logs(secrets_in(settings))
        found = platforms(app, settings, metrics, web)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        config = DispatcherConfig(early_window=timedelta(minutes=settings.reminder_early_minutes))
        dispatcher = app.dispatcher(found.deliveries, found.limiters, config, metrics=metrics)
        health = Health(metrics)
        health.add("database", database_check(app.engine))
        health.add("dispatcher", ticking_check(lambda: dispatcher.last_tick))
        for name, check in found.checks.items() if receive_updates else ():
            health.add(name, check)
        try:
            if settings.metrics_port is not None:
                health.serve_on(web, settings.metrics_port)
                await web.listen(settings.metrics_listen, settings.metrics_port)
            log.info("start-up done: %d objects set aside from garbage collection", freeze_start_up())
            if receive_updates:
                dispatcher.start()
                await asyncio.gather(*(serve(stop) for serve in found.tasks))
            else:
                async with AsyncExitStack() as senders:
                    for sender in found.senders:
                        await senders.enter_async_context(sender)
                    dispatcher.start()
                    log.info("dispatching reminders for %s", ", ".join(found.deliveries))
                    await stop.wait()
                    await dispatcher.stop()
        finally:
            stop.set()
            await dispatcher.stop()
            await web.close()


async def discord_sync(settings: Settings) -> None:
    from bot.discord.client import build_discord_client
    from bot.discord.sync import sync_commands

    if not settings.discord_token:
        raise SystemExit("Set DISCORD_TOKEN first.")
    async with open_app(settings.database_url, SystemClock(), schema=settings.database_schema) as app:
        client = build_discord_client(app.coach, settings, sessions=app.sessions)
        try:
            count = await sync_commands(client)
        finally:
            await client.close()
    sys.stdout.write(f"Synced {count} slash commands.\n")


def pictures(settings: Settings, out: str | None) -> None:
    """Draw every level's picture now (they are otherwise drawn on first use) and list them."""
    folder = Path(out) if out else _files_dir(settings.database_url) / "pictures"
    for path in LevelPictures(folder).ensure_all():
        sys.stdout.write(f"{path}\n")


async def migrate(settings: Settings) -> None:
    engine = make_engine(settings.database_url, schema=settings.database_schema, pool_size=1)
    try:
        await upgrade_head(engine)
    finally:
        await engine.dispose()


def _main(argv: list[str] | None) -> None:
    parser = argparse.ArgumentParser(prog="tiptoe", description="Tiptoe, a heels-up strength coach for runners.")
    commands = parser.add_subparsers(dest="command")
    chat_parser = commands.add_parser("chat", help="talk to the coach in this terminal")
    chat_parser.add_argument("--db", help="SQLite file to use (default: DATABASE_URL)")
    chat_parser.add_argument("--user", default="me", help="who you are, so several people can try it")
    chat_parser.add_argument("--now", type=start_time,
                             help='start the clock at this local time, e.g. "2026-12-01 06:30"; '
                                  "then /clock +1d moves it and delivers due reminders")
    commands.add_parser("run", help="run every platform whose token is set (the terminal if none)")
    commands.add_parser("dispatch", help="send reminders only (extra workers beside one `tiptoe run`)")
    commands.add_parser("discord-sync", help="register the slash commands with Discord now")
    commands.add_parser("migrate", help="bring the database schema up to date")
    pictures_parser = commands.add_parser("pictures", help="draw the 35 exercise-level pictures now")
    pictures_parser.add_argument("--out", help="folder to draw them into (default: the files folder)")
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:  # one line per bad setting, not a traceback
        raise SystemExit("Tiptoe can't start; fix these settings (environment or .env):\n  "
                         + "\n  ".join(settings_problems(error))) from None
    # In the terminal chat (also `tiptoe run` with no token), log lines would interleave with the
    # conversation, and the runner there is not an operator: errors only.
    in_terminal = args.command == "chat" or (args.command in (None, "run") and not settings.any_platform)
    level = "ERROR" if in_terminal else settings.log_level
    configure_logging(level, json_lines=settings.log_format == "json")
    guard_logs(secrets_in(settings))
    if args.command == "chat":
        asyncio.run(chat(settings, args.db, args.user, args.now))
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    elif args.command == "pictures":
        pictures(settings, args.out)
    elif args.command == "dispatch":
        asyncio.run(run(settings, receive_updates=False))
    elif args.command == "discord-sync":
        asyncio.run(discord_sync(settings))
    else:
        asyncio.run(run(settings))


def main(argv: list[str] | None = None) -> None:
    """The `tiptoe` command; a platform that cannot start, or Ctrl-C, ends it without a traceback."""
    try:
        _main(argv)
    except StartupError as error:  # a rejected token, no network: one line on stderr, exit code 1
        sys.exit(str(error))
    except KeyboardInterrupt:  # Ctrl-C before the chat or the platforms were up
        sys.stderr.write("\nStopped.\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
