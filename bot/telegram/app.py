"""The Telegram adapter: a PTB Application whose handlers translate updates for the coach.

Handlers turn an update into a UserRef and an event, let `Coach.handle` answer, and
send the replies back; they hold no rules of their own. Coaching happens in private
chats only. `run_telegram` runs the Application by hand (not `run_polling`, which
would own the event loop) so one process can also run Discord and the reminders.
Every message goes out at the token's pace (pacing.py); with several processes on one
database, one of them polls (the others stand by) or all serve the webhook (webhook.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommand, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.coordination import Hold, held_alone
from bot.http_server import WebServer
from bot.metrics import Metrics
from bot.reminders.timers import EditBudget
from bot.reminders.limiter import TELEGRAM_PER_CHAT_BURST, TELEGRAM_PER_CHAT_GAP, TELEGRAM_RATE, Pacer, RateLimiter
from bot.settings import Settings
from bot.startup import StartupError, host_of
from bot.storage.faults import is_busy
from bot.telegram.delivery import PLATFORM
from bot.telegram.faults import RetryPolicy, call_with_retries, describe, is_gone
from bot.telegram.keyboards import private_chat_keyboard
from bot.telegram.logs import MASK, one_line_start_failures, protect_token
from bot.telegram.ordering import PerChatOrder
from bot.telegram.pacing import PacedRequests
from bot.telegram.sending import PressedMessage, ReplySender, toast_text
from bot.telegram.transport import bot_api_requests
from bot.turns import AnsweredTurn, TurnObserver
from core.conversation import PRESS_PROBLEMS
from core.engine import BUSY, Coach
from core.events import Event, Press, parse_input
from core.model import UserRef
from core.replies import Reply
from core.texts import ONLY_TEXT

log = logging.getLogger(__name__)

COMMANDS: tuple[tuple[str, str], ...] = (  # Telegram's command menu, in this order
    ("start", "Set up, or carry on where we left off"),
    ("session", "Start today's strength session"),
    ("progress", "Your levels, pain trend and a chart"),
    ("settings", "Change run days, time, time zone, reminders"),
    ("pause", "Take a break: injury, illness or travel"),
    ("resume", "Carry on after a break"),
    ("selftest", "The single-leg heel-raise test (every 4-6 weeks)"),
    ("summary", "One page for your physio or GP (PDF)"),
    ("calendar", "Your planned sessions for your calendar app"),
    ("link", "Use Telegram and Discord as one runner"),
    ("unlink", "Split linked chats again"),
    ("export", "All your data as a file"),
    ("delete", "Erase everything I hold about you"),
    ("help", "What I can do"),
)
# Nothing else is handled, so nothing else is fetched. my_chat_member: blocked / unblocked.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
POLL_TIMEOUT_S = 30  # long polling: Telegram holds each getUpdates open this long when idle
# Before polling, PTB clears any webhook (deleteWebhook). getMe has just answered, so a failure
# here is a passing hiccup (a slow moment, a 5xx): retried this many times, a second apart,
# before the start is given up with the one-line error getMe's failure gives.
BOOTSTRAP_RETRIES = 3

IN_GROUPS = ("Hi! I coach one runner at a time in a private chat, so your answers and pain scores "
             "stay between us. Tap below to start there. 👟")
PRIVATE_ONLY = "Let's carry on in our private chat; nothing changed here."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try that once more."


@dataclass
class Wiring:
    """What the handlers need; PTB creates it empty and `build_application` fills it in."""

    coach: Coach | None = None
    sender: ReplySender | None = None
    on_turn: TurnObserver | None = None
    metrics: Metrics = field(default_factory=Metrics)
    receiving: str = "not yet"  # how updates arrive: "polling", "standing by", "webhook" (for /healthz)


class TiptoeContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Wiring]):
    """The handlers' context, with the coach and the sender by name instead of dict keys."""

    @property
    def coach(self) -> Coach:
        assert self.bot_data.coach is not None, "build_application wires the coach"
        return self.bot_data.coach

    @property
    def sender(self) -> ReplySender:
        assert self.bot_data.sender is not None, "build_application wires the sender"
        return self.bot_data.sender

    def observe(self, user: UserRef, event: Event, replies: tuple[Reply, ...], began: float) -> None:
        """Count a handled turn, and report it to the optional observer (logs, tests); it changes nothing."""
        metrics = self.bot_data.metrics
        metrics.updates.labels(PLATFORM, type(event).__name__.lower()).inc()
        metrics.turn_seconds.labels(PLATFORM).observe(time.monotonic() - began)
        if self.bot_data.on_turn is not None:
            self.bot_data.on_turn(AnsweredTurn(user, event, replies))


def fault_text(error: BaseException) -> str:
    """What a runner reads when their update could not be handled: busy, or broken."""
    return BUSY.text if is_busy(error) else SOMETHING_WENT_WRONG


# ---- from updates to the coach's terms ----------------------------------------------------

def runner_of(update: Update) -> UserRef:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None, "only messages and presses in chats reach here"
    return UserRef(platform=PLATFORM, external_id=str(user.id), chat_id=str(chat.id),
                   display_name=user.first_name or "")


def pressed_message(message: object) -> PressedMessage | None:
    """The message a button sat on; its text is unknown when it is too old to read (or a photo)."""
    if isinstance(message, Message):
        return PressedMessage(message.message_id, message.text)
    message_id = getattr(message, "message_id", None)
    return PressedMessage(message_id, None) if isinstance(message_id, int) else None


async def speak(context: TiptoeContext, user: UserRef, replies: tuple[Reply, ...],
                pressed: PressedMessage | None = None) -> None:
    """Send a turn's replies; the engine saved the turn already, so a failed send loses no answer."""
    try:
        timers = await context.sender.send(int(user.chat_id), replies, pressed)
    except TelegramError as error:
        if is_gone(error):
            log.info("a runner blocked the bot or left (%s); no more nudges until they write", describe(error))
            await context.coach.mark_user_unreachable(user)
        else:
            log.warning("replies not delivered (%s); the runner's answers are saved", describe(error))
        return
    for token, message_id in timers:  # a live timer's message: its later steps edit it
        await context.coach.timer_posted_for(user, token, message_id)


# ---- handlers -----------------------------------------------------------------------------

async def talk(update: Update, context: TiptoeContext) -> None:
    """A message in a private chat: a command or typed text (a time, a time zone) for the coach."""
    began = time.monotonic()
    message = update.effective_message
    assert message is not None and message.text is not None
    user = runner_of(update)
    event = parse_input(message.text)
    try:
        replies = await context.coach.handle(user, event)
    except Exception as error:  # the database failed: say so, then let report_error log it
        await speak(context, user, (Reply(fault_text(error)),))
        raise
    await speak(context, user, replies)
    context.observe(user, event, replies, began)


async def only_text(update: Update, context: TiptoeContext) -> None:
    """A sticker, photo, voice note, location ...: one line saying what the coach can read."""
    await speak(context, runner_of(update), (Reply(ONLY_TEXT),))
    context.bot_data.metrics.updates.labels(PLATFORM, "other").inc()


async def membership(update: Update, context: TiptoeContext) -> None:
    """They blocked the bot (no more nudges) or unblocked it (nudges resume), in a private chat."""
    change = update.my_chat_member
    assert change is not None
    if change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    key = runner_of(update).key
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        log.info("a runner blocked the bot; no more nudges until they unblock it or write")
        await context.coach.mark_unreachable(key)
    elif status == ChatMemberStatus.MEMBER:
        log.info("a runner unblocked the bot; their nudges resume")
        await context.coach.mark_reachable(key)


async def press(update: Update, context: TiptoeContext) -> None:
    """A button press: exactly one answer (the toast), and the pressed message shows the choice."""
    began = time.monotonic()
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    user = runner_of(update) if chat is not None else None
    data = query.data or ""
    if user is None or not await context.coach.owns(user, data):
        # Not this person's button: answer here, so neither the store nor the message changes.
        problem = context.coach.services.signer.read(data, user.key if user else "")
        await context.sender.answer(query.id, PRESS_PROBLEMS.get(problem, PRIVATE_ONLY))
        return
    if chat.type != ChatType.PRIVATE:
        await context.sender.answer(query.id, PRIVATE_ONLY)
        return
    event = Press(data)
    try:
        replies = await context.coach.handle(user, event)
    except Exception as error:
        await context.sender.answer(query.id, fault_text(error))
        raise
    # The toast and the chat's replies are independent calls: both go out at once, so the
    # runner sees the pressed message change one round trip sooner. `answer` never raises.
    answered = asyncio.create_task(context.sender.answer(query.id, toast_text(replies)))
    try:
        await speak(context, user, replies, pressed_message(query.message))
    finally:
        await answered
    context.observe(user, event, replies, began)


async def point_to_private_chat(update: Update, context: TiptoeContext) -> None:
    """A command in a group: one reply with a button to the private chat, nothing else."""
    chat = update.effective_chat
    assert chat is not None
    send = partial(context.bot.send_message, chat.id, IN_GROUPS,
                   reply_markup=private_chat_keyboard(context.bot.username))
    try:
        await call_with_retries(send, context.sender.retry)
    except TelegramError as error:
        log.info("could not answer in a group (%s)", describe(error))


async def report_error(update: object, context: TiptoeContext) -> None:
    """Anything a handler raised: log it with its traceback (the token is masked by logs.py)."""
    log.error("a Telegram update could not be handled", exc_info=context.error)


async def announce_commands(application: Application) -> None:
    """post_init: fill Telegram's command menu (a failure only costs the menu)."""
    try:
        await application.bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])
    except TelegramError as error:
        log.warning("could not set the command menu: %s", describe(error))


def add_handlers(application: Application) -> None:
    fresh_private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE  # edits are not answers
    application.add_handler(MessageHandler(fresh_private & filters.TEXT, talk))
    application.add_handler(MessageHandler(fresh_private & ~filters.TEXT & ~filters.StatusUpdate.ALL, only_text))
    application.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler([name for name, _ in COMMANDS], point_to_private_chat,
                                           filters=filters.ChatType.GROUPS & filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(press))
    application.add_error_handler(report_error)


# ---- building and running -----------------------------------------------------------------

def build_application(coach: Coach, settings: Settings, *, retry: RetryPolicy | None = None,
                      on_turn: TurnObserver | None = None, pacer: Pacer | None = None,
                      metrics: Metrics | None = None, edit_budget: EditBudget | None = None) -> Application:
    """A ready-to-run Application talking to TELEGRAM_API_URL with TELEGRAM_TOKEN.

    Every message waits for `pacer` (default: this process alone paces the token).
    `on_turn` (optional) hears each answered update after its replies were sent.
    `edit_budget` (optional) hears every edit a press's answer makes (live timers leave room for them).
    """
    if settings.telegram_token is None:
        raise ValueError("TELEGRAM_TOKEN is not set")
    token = settings.telegram_token.get_secret_value()
    protect_token(token)
    one_line_start_failures()
    retry = retry or RetryPolicy()
    metrics = metrics or Metrics()
    pacer = pacer or RateLimiter(TELEGRAM_RATE, TELEGRAM_PER_CHAT_GAP, TELEGRAM_PER_CHAT_BURST)
    api = settings.telegram_api_url.rstrip("/")
    # Every call over aiohttp (transport.py): PTB's own httpx transport was most of a press's CPU.
    calls, polls = bot_api_requests(retry.call_timeout)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(context=TiptoeContext, bot_data=Wiring))
        .request(calls)
        .get_updates_request(polls)
        .post_init(announce_commands)
        .concurrent_updates(PerChatOrder())
        .rate_limiter(PacedRequests(pacer, metrics))
        .job_queue(None)  # reminders are the dispatcher's; PTB's scheduler would only idle and log
        .build()
    )
    application.bot_data.metrics = metrics
    application.bot_data.coach = coach
    application.bot_data.sender = ReplySender(application.bot, retry, edit_budget=edit_budget)
    application.bot_data.on_turn = on_turn
    add_handlers(application)
    return application


async def _initialize(application: Application, settings: Settings) -> None:
    """The first call to Telegram (getMe): a rejected token or no network ends the start in one line."""
    try:
        await application.initialize()
    except InvalidToken:
        # PTB's own message quotes the token; ours names only the setting.
        raise StartupError("Telegram rejected the token: check TELEGRAM_TOKEN in .env "
                           "(@BotFather shows it again with /token)") from None
    except NetworkError as error:  # TimedOut is one too; InvalidToken is caught above
        raise _unreachable(application, settings, error) from None


def _unreachable(application: Application, settings: Settings, error: NetworkError) -> StartupError:
    detail = describe(error).replace(application.bot.token, MASK)
    return StartupError(f"Can't reach {host_of(settings.telegram_api_url)}: check the network ({detail})")


async def run_telegram(application: Application, settings: Settings, stop: asyncio.Event,
                       *, started: asyncio.Event | None = None, web: WebServer | None = None,
                       engine: AsyncEngine | None = None) -> None:
    """Poll (or serve the webhook when TELEGRAM_WEBHOOK_URL is set) until `stop` is set.

    `engine`: the database other processes of this deployment share, so that only one of
    them polls (the rest stand by and take over if it dies) and the webhook is registered
    once; without it this process acts alone. `web`: the server to add the webhook to
    (the one /metrics uses); without it the webhook gets a server of its own.
    `started` (optional) is set once updates are being received and handled.
    """
    own_web = WebServer() if web is None and settings.telegram_webhook_url else None
    try:
        await _initialize(application, settings)
        if application.post_init is not None:  # only run_polling/run_webhook would call it
            await application.post_init(application)
        await application.start()
        if settings.telegram_webhook_url:
            await _serve_webhook(application, settings, web or own_web, engine)
            _running(application, "webhook", started)
            await stop.wait()
        else:
            await _poll_while_alone(application, settings, engine, stop, started)
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        # An Application whose getMe failed never initialised, so its shutdown skips the bot;
        # the bot's connections were open for getMe all the same. A no-op after a clean shutdown.
        await application.bot.shutdown()
        if own_web is not None:
            await own_web.close()


def telegram_check(application: Application):
    """/healthz: the Application runs and receives updates (or stands by to take over polling)."""

    async def check() -> str | None:
        receiving = application.bot_data.receiving
        if application.running and receiving in ("polling", "standing by", "webhook"):
            return None
        return f"not receiving updates ({receiving})"

    return check


def _running(application: Application, how: str, started: asyncio.Event | None) -> None:
    application.bot_data.receiving = how
    log.info("Telegram bot @%s is running (%s)", application.bot.username, how)
    if started is not None:
        started.set()


async def _poll_while_alone(application: Application, settings: Settings, engine: AsyncEngine | None,
                            stop: asyncio.Event, started: asyncio.Event | None) -> None:
    """Long-poll while this process alone holds the poller's lock: two pollers would fight (409)."""
    updater = application.updater
    assert updater is not None, "ApplicationBuilder makes an Updater by default"
    role = f"telegram-poller:{application.bot.id}"
    while not stop.is_set():
        application.bot_data.receiving = "standing by"
        holding = held_alone(engine, role, stop) if engine is not None else nullcontext(Hold(role))
        async with holding as hold:
            if hold is None:
                return  # stopped while standing by
            try:
                await updater.start_polling(poll_interval=0.0, timeout=POLL_TIMEOUT_S,
                                            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES)
            except NetworkError as error:
                raise _unreachable(application, settings, error) from None
            _running(application, "polling", started)
            stopping, lost = asyncio.create_task(stop.wait()), asyncio.create_task(hold.lost.wait())
            await asyncio.wait({stopping, lost}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            lost.cancel()
            await updater.stop()


async def _serve_webhook(application: Application, settings: Settings, web: WebServer | None,
                         engine: AsyncEngine | None) -> None:
    from bot.telegram.webhook import add_webhook_route, register_once  # aiohttp: only for a webhook

    assert web is not None and settings.telegram_webhook_url is not None
    url = settings.telegram_webhook_url
    if settings.telegram_webhook_secret is not None:
        secret = settings.telegram_webhook_secret.get_secret_value()
    else:
        # Alone (no shared setting or key): a fresh secret, registered at every start, still locks out forgers.
        secret = secrets.token_urlsafe(32)
    add_webhook_route(web, settings.telegram_webhook_port, application, url, secret)
    await web.listen(settings.telegram_webhook_listen, settings.telegram_webhook_port)
    await register_once(application.bot, engine, url, secret, ALLOWED_UPDATES)
