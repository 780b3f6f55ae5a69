"""The Discord adapter: a discord.py client whose handlers translate interactions for the coach.

Slash commands, button presses and DM messages become a UserRef and an event;
`Coach.handle` answers and render.py shows the replies. The coaching lives in the
runner's DMs: a command used in a server (or in someone else's DM, with the app
installed to the user) answers there ephemerally and carries on in the DM.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.discord.delivery import PLATFORM
from bot.discord.render import (
    DEFER_AFTER_S, DiscordError, InteractionAnswer, Outbox, RetryPolicy, call_with_retries, describe, is_gone,
)
from bot.discord.sync import sync_if_changed
from bot.discord.views import CoachButton
from bot.metrics import Metrics
from bot.reminders.timers import EditBudget
from bot.settings import Settings
from bot.startup import StartupError, host_of
from bot.storage.faults import is_busy
from bot.turns import AnsweredTurn, TurnObserver
from core.conversation import PRESS_PROBLEMS
from core.engine import BUSY, Coach
from core.events import Command, Event, Press, parse_input
from core.model import UserRef
from core.payloads import PayloadProblem
from core.replies import Reply
from core.texts import ONLY_TEXT

log = logging.getLogger(__name__)

SLOW_COMMANDS = frozenset({"progress", "export", "summary", "calendar"})  # draw a chart / gather everything: defer at once
MOVED_TO_DM = ("I coach one runner at a time in our direct messages, so your answers and pain scores stay "
               "between us. I've written to you there. 👟")
CANNOT_DM = ("I couldn't send you a direct message. Please allow direct messages from this server's members "
             "(or add me to your apps), then try again.")
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try that once more."
CLOSE_TIMEOUT_S = 10


def fault_text(error: BaseException) -> str:
    """What a runner reads when their action could not be handled: busy, or broken."""
    return BUSY.text if is_busy(error) else SOMETHING_WENT_WRONG


def coach_intents() -> discord.Intents:
    """No privileged intent: DM text reaches bots without message_content."""
    return discord.Intents(guilds=True, dm_messages=True)


def runner_ref(user: discord.abc.User, chat_id: int | str) -> UserRef:
    return UserRef(platform=PLATFORM, external_id=str(user.id), chat_id=str(chat_id),
                   display_name=user.display_name)


def runner_key(user: discord.abc.User) -> str:
    return runner_ref(user, "").key


def aim_discord_py(api_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at another REST base / gateway (a local server); None keeps Discord's own.

    Both are class attributes discord.py reads on every request and (re)connect.
    """
    if api_url:
        discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class TiptoeDiscord(discord.Client):
    """The coach on Discord. State lives in the database and in each button's custom_id."""

    def __init__(self, coach: Coach, token: str, *, sessions: async_sessionmaker[AsyncSession] | None = None,
                 retry: RetryPolicy | None = None, on_turn: TurnObserver | None = None,
                 guild_ready_timeout: float = 2.0, defer_after: float = DEFER_AFTER_S,
                 **client_options: Any) -> None:
        self.retry = retry or RetryPolicy()
        self.defer_after = defer_after
        super().__init__(intents=coach_intents(), max_ratelimit_timeout=self.retry.longest_flood_wait,
                         guild_ready_timeout=guild_ready_timeout, **client_options)
        self.coach = coach
        self.sessions = sessions
        self.on_turn = on_turn
        self.metrics = Metrics()  # build_discord_client passes the process's own
        self.edit_budget: EditBudget | None = None  # told of every edit, so live timers leave room
        self.tree = app_commands.CommandTree(self)
        self._token = token

    async def setup_hook(self) -> None:
        self.add_dynamic_items(CoachButton)
        for callback in COMMAND_CALLBACKS:
            self.tree.add_command(coach_command(callback))

    async def log_in(self) -> None:
        await self.login(self._token)

    def dm(self, chat_id: int | str) -> Outbox:
        channel = self.get_partial_messageable(int(chat_id), type=discord.ChannelType.private)
        return Outbox(channel, self.retry, edit_budget=self.edit_budget)

    def answering(self, interaction: discord.Interaction, chat_id: int | str) -> InteractionAnswer:
        return InteractionAnswer(interaction, self.dm(chat_id), defer_after=self.defer_after)

    # ---- slash commands ---------------------------------------------------------------------

    async def answer_command(self, interaction: discord.Interaction, name: str, arg: str = "") -> None:
        if not interaction.context.dm_channel or interaction.guild_id is not None:
            await self._answer_elsewhere(interaction, name, arg)
            return
        user = runner_ref(interaction.user, interaction.channel_id or 0)
        answer = self.answering(interaction, user.chat_id)
        if name in SLOW_COMMANDS:
            await answer.defer(thinking=True)
        try:
            replies = await answer.in_time(self.coach.handle(user, Command(name, arg)), thinking=True)
        except Exception as error:
            await answer.notice(fault_text(error))
            raise
        if await self._speak(user, answer.render_command(replies)):
            await self._timers_posted(user, answer.outbox)
        self._observe(user, Command(name, arg), replies)

    async def _answer_elsewhere(self, interaction: discord.Interaction, name: str, arg: str = "") -> None:
        """A command in a server or another DM: an ephemeral pointer here, the coaching in our DM."""
        await self.answering(interaction, 0).defer(ephemeral=True, thinking=True)
        user, replies, delivered = None, (), False
        try:
            channel = await call_with_retries(interaction.user.create_dm, self.retry)
        except DiscordError as error:
            log.info("could not open a DM (%s)", describe(error))
        else:
            user = runner_ref(interaction.user, channel.id)
            replies = await self.coach.handle(user, Command(name, arg))
            delivered = await self._speak(user, Outbox(channel, self.retry).post_all(replies))
        try:
            await interaction.edit_original_response(content=MOVED_TO_DM if delivered else CANNOT_DM)
        except DiscordError as error:
            log.info("could not answer a command outside DMs (%s)", describe(error))
        if user is not None:
            self._observe(user, Command(name, arg), replies)

    # ---- button presses (CoachButton calls these) ---------------------------------------------

    async def allow_press(self, interaction: discord.Interaction, payload: str) -> bool:
        """Only the runner a button was made for may press it; anyone else gets a notice only."""
        signer = self.coach.services.signer
        if await self.coach.owns(runner_ref(interaction.user, interaction.channel_id or 0), payload):
            return True
        problem = signer.read(payload, runner_key(interaction.user))  # forged, malformed, or someone else's
        text = PRESS_PROBLEMS[problem if isinstance(problem, PayloadProblem) else PayloadProblem.FOREIGN]
        await self.answering(interaction, interaction.channel_id or 0).notice(text)
        return False

    async def answer_press(self, interaction: discord.Interaction, payload: str) -> None:
        user = runner_ref(interaction.user, interaction.channel_id or 0)
        answer = self.answering(interaction, user.chat_id)
        try:
            replies = await answer.in_time(self.coach.handle(user, Press(payload)), thinking=False)
        except Exception as error:
            await answer.notice(fault_text(error))
            raise
        if await self._speak(user, answer.render_press(replies)):
            await self._timers_posted(user, answer.outbox)
        self._observe(user, Press(payload), replies)

    # ---- typed text in DMs ----------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        """A DM from a runner: typed text (a time, a time zone, reps) or a typed /command."""
        if message.guild is not None or message.author.bot or not isinstance(message.channel, discord.DMChannel):
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        user = runner_ref(message.author, message.channel.id)
        if not message.content.strip():
            if message.attachments or message.stickers:  # a picture, a voice note, a sticker ...
                await self._speak(user, self.dm(user.chat_id).post(Reply(ONLY_TEXT)))
            return
        event = parse_input(message.content)
        try:
            replies = await self.coach.handle(user, event)
        except Exception as error:  # the database failed: say so, then let discord.py log it
            await self._speak(user, self.dm(user.chat_id).post(Reply(fault_text(error))))
            raise
        outbox = self.dm(user.chat_id)
        if await self._speak(user, outbox.post_all(replies)):
            await self._timers_posted(user, outbox)
        self._observe(user, event, replies)

    # ---- shared -----------------------------------------------------------------------------------

    async def _speak(self, user: UserRef, sending: Awaitable[None]) -> bool:
        """Show a turn's replies; the engine saved the turn already, so a failed send loses no answer."""
        try:
            await sending
            return True
        except DiscordError as error:
            if is_gone(error):
                log.info("a runner can't be messaged (%s); no more nudges until they write", describe(error))
                await self.coach.mark_user_unreachable(user)
            else:
                log.warning("replies not delivered (%s); the runner's answers are saved", describe(error))
            return False

    async def _timers_posted(self, user: UserRef, outbox: Outbox) -> None:
        """A live timer's message went out: its later steps edit it."""
        for token, message_id in outbox.timers:
            await self.coach.timer_posted_for(user, token, message_id)

    def _observe(self, user: UserRef, event: Event, replies: tuple[Reply, ...]) -> None:
        self.metrics.updates.labels(PLATFORM, type(event).__name__.lower()).inc()
        if self.on_turn is not None:
            self.on_turn(AnsweredTurn(user, event, replies))


class ShardedTiptoeDiscord(TiptoeDiscord, discord.AutoShardedClient):
    """The coach for a bot big enough to split its gateway shards across processes.

    Each process runs the shards in DISCORD_SHARD_IDS of DISCORD_SHARD_COUNT. Direct
    messages (and so most of the coaching) arrive on shard 0; reminders go out over REST
    from any process.
    """


# ---- the slash commands: one small function each; the docstring is the description -----------

def _client(interaction: discord.Interaction) -> TiptoeDiscord:
    client = interaction.client
    assert isinstance(client, TiptoeDiscord), "only TiptoeDiscord registers these commands"
    return client


async def cmd_start(interaction: discord.Interaction) -> None:
    """Set up, or carry on where we left off"""
    await _client(interaction).answer_command(interaction, "start")


async def cmd_session(interaction: discord.Interaction) -> None:
    """Start today's strength session"""
    await _client(interaction).answer_command(interaction, "session")


async def cmd_progress(interaction: discord.Interaction) -> None:
    """Your levels, pain trend and a chart"""
    await _client(interaction).answer_command(interaction, "progress")


async def cmd_settings(interaction: discord.Interaction) -> None:
    """Change run days, time, time zone, reminders"""
    await _client(interaction).answer_command(interaction, "settings")


async def cmd_pause(interaction: discord.Interaction) -> None:
    """Take a break: injury, illness or travel"""
    await _client(interaction).answer_command(interaction, "pause")


async def cmd_resume(interaction: discord.Interaction) -> None:
    """Carry on after a break"""
    await _client(interaction).answer_command(interaction, "resume")


async def cmd_selftest(interaction: discord.Interaction) -> None:
    """The single-leg heel-raise test (every 4-6 weeks)"""
    await _client(interaction).answer_command(interaction, "selftest")


async def cmd_summary(interaction: discord.Interaction) -> None:
    """One page for your physio or GP (PDF)"""
    await _client(interaction).answer_command(interaction, "summary")


async def cmd_calendar(interaction: discord.Interaction) -> None:
    """Your planned sessions for your calendar app"""
    await _client(interaction).answer_command(interaction, "calendar")


@app_commands.describe(code="A link code from your chat with me on the other app (leave empty to get one)")
async def cmd_link(interaction: discord.Interaction, code: str = "") -> None:
    """Use Telegram and Discord as one runner"""
    await _client(interaction).answer_command(interaction, "link", code)


async def cmd_unlink(interaction: discord.Interaction) -> None:
    """Split linked chats again"""
    await _client(interaction).answer_command(interaction, "unlink")


async def cmd_export(interaction: discord.Interaction) -> None:
    """All your data as a file"""
    await _client(interaction).answer_command(interaction, "export")


async def cmd_delete(interaction: discord.Interaction) -> None:
    """Erase everything I hold about you"""
    await _client(interaction).answer_command(interaction, "delete")


async def cmd_help(interaction: discord.Interaction) -> None:
    """What I can do"""
    await _client(interaction).answer_command(interaction, "help")


COMMAND_CALLBACKS = (cmd_start, cmd_session, cmd_progress, cmd_settings, cmd_pause, cmd_resume,
                     cmd_selftest, cmd_summary, cmd_calendar, cmd_link, cmd_unlink, cmd_export, cmd_delete,
                     cmd_help)


def coach_command(callback: Callable[[discord.Interaction], Awaitable[None]]) -> app_commands.Command[Any, Any, Any]:
    """A fresh slash command for a client's tree, usable in servers, our DM and other DMs."""
    command = app_commands.command(name=callback.__name__.removeprefix("cmd_"))(callback)
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


# ---- building and running ---------------------------------------------------------------------

def build_discord_client(coach: Coach, settings: Settings, *,
                         sessions: async_sessionmaker[AsyncSession] | None = None,
                         retry: RetryPolicy | None = None, on_turn: TurnObserver | None = None,
                         guild_ready_timeout: float = 2.0, defer_after: float = DEFER_AFTER_S,
                         metrics: Metrics | None = None, edit_budget: EditBudget | None = None) -> TiptoeDiscord:
    """A client for DISCORD_TOKEN, aimed at DISCORD_API_URL / DISCORD_GATEWAY_URL when set.

    With `sessions`, `run_discord` syncs the slash commands at start when they changed.
    """
    if settings.discord_token is None:
        raise ValueError("DISCORD_TOKEN is not set")
    aim_discord_py(settings.discord_api_url, settings.discord_gateway_url)
    # The coach never joins voice: discord.py's start-up warnings about voice libraries are noise.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    kind, shards = TiptoeDiscord, {}
    if settings.discord_shard_count is not None:
        kind = ShardedTiptoeDiscord
        shards = {"shard_count": settings.discord_shard_count,
                  "shard_ids": list(settings.discord_shard_ids or range(settings.discord_shard_count))}
    client = kind(coach, settings.discord_token.get_secret_value(), sessions=sessions, retry=retry,
                  on_turn=on_turn, guild_ready_timeout=guild_ready_timeout, defer_after=defer_after, **shards)
    if metrics is not None:
        client.metrics = metrics
    client.edit_budget = edit_budget
    return client


@asynccontextmanager
async def logged_in(client: TiptoeDiscord) -> AsyncIterator[TiptoeDiscord]:
    """Logged in over REST without joining the gateway: enough to send reminders (`tiptoe dispatch`)."""
    try:
        await client.log_in()
        yield client
    finally:
        await client.close()


def discord_check(client: TiptoeDiscord):
    """/healthz: the gateway session is up."""

    async def check() -> str | None:
        return None if client.is_ready() and not client.is_closed() else "not connected to the gateway"

    return check


async def run_discord(client: TiptoeDiscord, settings: Settings, stop: asyncio.Event,
                      *, started: asyncio.Event | None = None) -> None:
    """Log in, sync commands if they changed, stay connected (discord.py resumes) until `stop`.

    `started` (optional) is set once the gateway session is ready.
    """
    aim_discord_py(settings.discord_api_url, settings.discord_gateway_url)
    connection: asyncio.Task[None] | None = None
    try:
        await _log_in(client)
        if client.sessions is not None:
            try:
                await sync_if_changed(client)
            except DiscordError as error:  # the old commands keep working; try again next start
                log.warning("could not sync the slash commands: %s", describe(error))
        connection = asyncio.create_task(client.connect(reconnect=True))
        ready = asyncio.create_task(_announce_ready(client, started))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in (ready, stopping):
            task.cancel()
    finally:
        await client.close()
    if connection is not None:
        await asyncio.wait_for(connection, CLOSE_TIMEOUT_S)  # re-raises what the connection died of


async def _log_in(client: TiptoeDiscord) -> None:
    """The first call to Discord: a rejected token or no network ends the start in one line."""
    try:
        await client.log_in()
    except discord.LoginFailure:
        raise StartupError("Discord rejected the token: check DISCORD_TOKEN in .env "
                           "(the Developer Portal's Bot page can reset it)") from None
    except (OSError, asyncio.TimeoutError) as error:  # aiohttp's connection errors are OSErrors
        raise StartupError(f"Can't reach {host_of(discord.http.Route.BASE)}: check the network "
                           f"({type(error).__name__})") from None
    except discord.HTTPException as error:
        raise StartupError(f"Discord refused the login ({describe(error)}): try again later") from None


async def _announce_ready(client: TiptoeDiscord, started: asyncio.Event | None) -> None:
    await client.wait_until_ready()
    log.info("Discord bot %s is running", client.user)
    if started is not None:
        started.set()
