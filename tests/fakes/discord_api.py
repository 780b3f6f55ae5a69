"""Local Discord REST + gateway emulator for tests.

`FakeDiscord` is one aiohttp server on 127.0.0.1 speaking enough of Discord's v10 REST API
and JSON gateway for the real discord.py client to log in, sync commands, receive
interactions and answer them over real sockets:

    async with FakeDiscord() as dc, point_discord_py_at(dc):
        await client.login(dc.token)
        task = asyncio.create_task(client.connect())
        ref = await dc.slash(USER_ID, "start")
        call = await dc.wait_for(lambda c: c.path.startswith(f"/interactions/{ref.id}/"))

Tests play the user with `slash` / `click`, inject faults with `fail_next` / `close_dms` /
`drop_gateway`, and assert on `dc.calls` (every REST request, failed ones included).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, NamedTuple

import discord.gateway
import discord.http
import yarl
from aiohttp import WSMsgType, web

Json = dict[str, Any]
API_PREFIX = "/api/v10"
DEFAULT_TOKEN = "fake-discord-bot-token"
PERMISSIONS = "2248473465835073"  # what a typical bot gets; only echoed back
_EPHEMERAL, _LOADING = 1 << 6, 1 << 7  # message flags
_CALLBACK_TYPES = frozenset({1, 4, 5, 6, 7, 9})  # PONG, MESSAGE, DEFERRED x2, UPDATE, MODAL
# Python type -> application command option type; bool first because bool is an int.
_OPTION_TYPES: tuple[tuple[type, int], ...] = ((bool, 5), (int, 4), (float, 10), (str, 3))


def _error(message: str, code: int) -> Json:
    """Discord's error body shape."""
    return {"message": message, "code": code}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _user(user_id: int | str, *, bot: bool = False) -> Json:
    """A User object; injected users get deterministic names from their id."""
    uid = str(user_id)
    return {"id": uid, "username": f"runner{uid}", "global_name": f"Runner {uid}",
            "discriminator": "0", "avatar": None, "public_flags": 0, "bot": bot}


@dataclass(frozen=True)
class Attachment:
    """An uploaded file: a `files[n]` part of a request, or (with an id) a stored one."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    id: str = ""


@dataclass(frozen=True)
class Call:
    """One REST request as the emulator saw it (path is relative to /api/v10)."""

    method: str
    path: str
    json: Any
    files: tuple[Attachment, ...]
    status: int
    at: float  # time.monotonic() when answered


class Injected(NamedTuple):
    """What `slash` / `click` return, so tests can find the bot's callback."""

    id: str
    token: str


@dataclass
class FakeMessage:
    """A stored message; `components` / `embeds` are kept exactly as the bot sent them."""

    id: str
    channel_id: str
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    timestamp: str = field(default_factory=_now)
    edited_timestamp: str | None = None


@dataclass
class _Interaction:
    kind: int  # 2 = APPLICATION_COMMAND, 3 = MESSAGE_COMPONENT
    token: str
    channel_id: str
    original_id: str | None  # the response message; for components, the clicked message
    acked: bool = False
    expired: bool = False


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    retry_after: float
    remaining: int


@dataclass(frozen=True)
class _Req:
    """A parsed REST request as route handlers see it."""

    method: str
    path: str
    match: dict[str, str]
    query: dict[str, str]
    json: Any
    files: tuple[Attachment, ...]


class _Reply(NamedTuple):
    status: int
    body: Any = None
    headers: dict[str, str] = {}


Handler = Callable[[_Req], _Reply]
_NO_MESSAGE = _Reply(404, _error("Unknown Message", 10008))
_NO_WEBHOOK = _Reply(404, _error("Unknown Webhook", 10015))
_BAD_FORM = _Reply(400, _error("Invalid Form Body", 50035))
_NO_METHOD = _Reply(405, _error("405: Method Not Allowed", 0))


async def _read_request(request: web.Request) -> _Req:
    """Decode JSON or multipart (`payload_json` + `files[n]`) bodies the way Discord does."""
    body: Any = None
    files: list[Attachment] = []
    if request.content_type.startswith("multipart/"):
        async for part in await request.multipart():
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename is not None:
                ctype = part.headers.get("Content-Type", "application/octet-stream")
                files.append(Attachment(part.filename, bytes(await part.read()), ctype))
    elif request.can_read_body:
        body = json.loads(await request.read() or b"null")
    return _Req(request.method, request.path.removeprefix(API_PREFIX), dict(request.match_info),
                dict(request.query), body, tuple(files))


def _respond(reply: _Reply) -> web.Response:
    if reply.body is None:
        return web.Response(status=reply.status, headers=reply.headers)
    # discord.py only decodes JSON when Content-Type is *exactly* application/json, so no
    # charset suffix (aiohttp's json_response would add one).
    headers = {"Content-Type": "application/json", **reply.headers}
    return web.Response(status=reply.status, body=json.dumps(reply.body).encode(), headers=headers)


def _pressable(message: FakeMessage, custom_id: str) -> Json:
    """The enabled component with `custom_id` on a message (LookupError / ValueError if not)."""
    stack = list(message.components)
    while stack:
        component = stack.pop()
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled; users cannot use it")
            return component
        stack += component.get("components", [])
        if "accessory" in component:  # components v2 sections
            stack.append(component["accessory"])
    raise LookupError(f"message {message.id} has no component {custom_id!r}")


@contextmanager
def point_discord_py_at(dc: FakeDiscord) -> Iterator[None]:
    """Aim discord.py's REST base and default gateway at `dc`; restore them on exit.

    Both are class attributes read on every request / (re)connect, so keep this active
    for the whole life of the client.
    """
    route, ws_cls = discord.http.Route, discord.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, ws_cls.DEFAULT_GATEWAY
    route.BASE, ws_cls.DEFAULT_GATEWAY = dc.api_url, yarl.URL(dc.gateway_url)
    try:
        yield
    finally:
        route.BASE, ws_cls.DEFAULT_GATEWAY = old_base, old_gateway


class FakeDiscord:
    """Discord REST API + gateway emulator (one bot, one gateway session at a time)."""

    def __init__(self, *, token: str = DEFAULT_TOKEN, heartbeat_interval_ms: int = 41250,
                 app_id: int = 1_100_000_000_000_000_001) -> None:
        self.token, self.app_id = token, str(app_id)
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.bot_user = _user(app_id, bot=True) | {"username": "tiptoe"}
        self.calls: list[Call] = []
        self.identify_count = self.resume_count = 0
        self.intents: int | None = None
        self.identified_shards: list[list[int] | None] = []  # IDENTIFY's [shard_id, shard_count], in order
        self.gateway_connects: list[str] = []  # path?query of every gateway connection
        self.expire_interactions = False  # while True every callback answers 10062
        self.api_url = self.gateway_url = ""
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self._messages: dict[str, FakeMessage] = {}
        self._channels: dict[str, Json] = {}
        self._dms: dict[str, str] = {}  # user id -> DM channel id
        self._guild_channels: dict[str, str] = {}  # guild id -> text channel id
        self._commands: dict[str | None, dict[str, Json]] = {}  # guild id (None=global) -> name
        self._interactions: dict[str, _Interaction] = {}
        self._closed_dms: set[str] = set()
        self._faults: list[_Fault] = []
        self._waiters: list[tuple[Callable[[Call], bool], asyncio.Future[Call]]] = []
        self._sockets: dict[web.WebSocketResponse, web.Request] = {}
        self._live: web.WebSocketResponse | None = None  # the socket receiving dispatches
        self._session_id: str | None = None
        self._log: list[Json] = []  # every dispatch of the session, for RESUME replay
        self._ready = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(client_max_size=10 * 1024 * 1024)  # Discord's upload limit without Nitro
        for method, path, handler, authed in self._routes():
            app.router.add_route(method, API_PREFIX + path, self._wrap(handler, authed))
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)  # distinct, so tests see it used
        app.router.add_route("*", "/{tail:.*}", self._wrap(lambda req: _Reply(
            404, _error("404: Not Found", 0)), authed=False))
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                     shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.api_url = f"http://127.0.0.1:{port}{API_PREFIX}"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    # -- test-facing helpers ------------------------------------------------------------

    @property
    def syncs(self) -> list[Call]:
        """Successful application-command sync PUTs (global and guild)."""
        return [c for c in self.calls
                if c.method == "PUT" and c.path.endswith("/commands") and c.status == 200]

    def messages_in(self, channel_id: int | str | None) -> list[FakeMessage]:
        """Live (undeleted) messages of a channel, oldest first."""
        return [m for m in self._messages.values() if m.channel_id == str(channel_id)]

    def message(self, message_id: int | str) -> FakeMessage:
        """A stored message by id (KeyError if unknown or deleted)."""
        return self._messages[str(message_id)]

    def dm_channel_of(self, user_id: int | str) -> str | None:
        """The DM channel id opened with a user, if any."""
        return self._dms.get(str(user_id))

    def text_channel(self, guild_id: int | str) -> str:
        """The (stable) guild text channel used for guild interactions."""
        gid = str(guild_id)
        if gid not in self._guild_channels:
            cid = self._guild_channels[gid] = self._snowflake()
            self._channels[cid] = {"id": cid, "type": 0, "guild_id": gid, "name": "general",
                                   "position": 0, "permission_overwrites": [], "nsfw": False,
                                   "parent_id": None, "topic": None, "last_message_id": None}
        return self._guild_channels[gid]

    def callbacks_for(self, interaction_id: int | str) -> list[Call]:
        """Every callback POST for an interaction (rejected ones included)."""
        return [c for c in self.calls if c.path.startswith(f"/interactions/{interaction_id}/")]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 5.0) -> Call:
        """First Call, already recorded or yet to come, matching `predicate`."""
        if match := next((c for c in self.calls if predicate(c)), None):
            return match
        waiter = (predicate, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter[1], timeout)
        except asyncio.TimeoutError:
            seen = [(c.method, c.path, c.status) for c in self.calls[-10:]]
            raise TimeoutError(f"no matching call within {timeout}s; last calls: {seen}") from None
        finally:
            self._waiters.remove(waiter)

    async def wait_ready(self, timeout: float = 5.0) -> None:
        """Wait until a gateway session is live (READY or RESUMED sent on the socket)."""
        await asyncio.wait_for(self._ready.wait(), timeout)

    def fail_next(self, method: str, path_regex: str, status: int, json: Any = None,
                  retry_after: float | None = None, count: int = 1) -> None:
        """Answer the next `count` requests matching method ("*" = any) + path regex.

        Default bodies are Discord's (429 rate-limit body, 403 = 50007, others "NNN: Reason");
        a custom 429 `json` must keep `retry_after`, which discord.py sleeps for.
        """
        delay = 0.05 if retry_after is None else retry_after
        body = json if json is not None else self._default_error(status, delay)
        pattern = re.compile(path_regex)
        self._faults.append(_Fault(method.upper(), pattern, status, body, delay, count))

    def close_dms(self, user_id: int | str) -> None:
        """Make every POST into this user's DM channel fail with 403 / 50007."""
        self._closed_dms.add(str(user_id))

    def expire_interaction(self, interaction_id: int | str) -> None:
        """Make callbacks for one interaction answer 404 / 10062 (token expired)."""
        self._interactions[str(interaction_id)].expired = True

    async def drop_gateway(self, code: int | None = None) -> None:
        """Kill the live gateway socket: abruptly (None) or with a close code (e.g. 4000)."""
        ws, self._live = self._live, None
        self._ready.clear()
        if ws is not None and code is not None:
            await ws.close(code=code)
        elif ws is not None and (transport := self._sockets[ws].transport) is not None:
            transport.abort()  # no close frame: the client sees an abnormal (1006) closure

    # -- user actions -------------------------------------------------------------------

    async def slash(self, user_id: int | str, name: str, options: Json | list[Json] | None = None,
                    guild_id: int | str | None = None) -> Injected:
        """Dispatch an APPLICATION_COMMAND interaction (in the user's DM unless `guild_id`)."""
        gid = None if guild_id is None else str(guild_id)
        command = self._commands.get(gid, {}).get(name) or self._commands.get(None, {}).get(name)
        data: Json = {"id": command["id"] if command else self._snowflake(), "name": name,
                      "type": 1}
        if command and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]  # discord.py looks guild commands up by it
        if options:
            data["options"] = self._options(options, command)
        return await self._inject(2, user_id, data, guild_id=gid)

    async def user_message(self, user_id: int | str, text: str, attachments: list[Json] | None = None) -> str:
        """The user types `text` (and attaches files) in the bot's DM: MESSAGE_CREATE, as Discord sends it."""
        channel = self._dm(str(user_id))
        message_id = self._snowflake()
        await self._dispatch("MESSAGE_CREATE", {
            "id": message_id, "channel_id": channel["id"], "author": _user(user_id), "content": text,
            "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": attachments or [],
            "embeds": [], "components": [], "pinned": False, "type": 0, "flags": 0})
        return message_id

    async def click(self, user_id: int | str, message_id: int | str, custom_id: str,
                    values: list[str] | None = None) -> Injected:
        """Dispatch a MESSAGE_COMPONENT interaction: press a button (or pick select `values`).

        Like Discord, only enabled components currently on the stored message can be used.
        """
        message = self._messages[str(message_id)]
        data: Json = {"custom_id": custom_id,
                      "component_type": _pressable(message, custom_id)["type"]}
        if values is not None:
            data["values"] = values
        guild_id = self._channels[message.channel_id].get("guild_id")
        return await self._inject(3, user_id, data, guild_id=guild_id, message=message)

    async def _inject(self, kind: int, user_id: int | str, data: Json, *,
                      guild_id: str | None, message: FakeMessage | None = None) -> Injected:
        payload = self._interaction_payload(kind, user_id, data, guild_id=guild_id, message=message)
        self._interactions[payload["id"]] = _Interaction(
            kind, payload["token"], payload["channel_id"], message.id if message else None)
        await self._dispatch("INTERACTION_CREATE", payload)
        return Injected(payload["id"], payload["token"])

    def _interaction_payload(self, kind: int, user_id: int | str, data: Json, *,
                             guild_id: str | None, message: FakeMessage | None) -> Json:
        """The single builder for every injected interaction (shaped as Discord sends it)."""
        iid, user = self._snowflake(), _user(user_id)
        if message is not None:
            channel = self._channels[message.channel_id]
        else:
            channel = self._dm(str(user_id)) if guild_id is None else \
                self._channels[self.text_channel(guild_id)]
        payload: Json = {
            "id": iid, "application_id": self.app_id, "type": kind, "data": data,
            "token": f"itoken-{iid}-{uuid.uuid4().hex}", "version": 1,
            "channel_id": channel["id"], "channel": channel, "locale": "en-US",
            "app_permissions": PERMISSIONS, "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id or "0"},
            "context": 0 if guild_id else 1,  # GUILD / BOT_DM
            "attachment_size_limit": 10 * 1024 * 1024}
        if guild_id is None:
            payload["user"] = user
        else:
            payload |= {"guild_id": guild_id, "guild_locale": "en-US",
                        "guild": {"id": guild_id, "locale": "en-US", "features": []},
                        "member": {"user": user, "roles": [], "joined_at": _now(), "flags": 0,
                                   "permissions": PERMISSIONS, "deaf": False, "mute": False}}
        if message is not None:
            payload["message"] = self._message_json(message)
        return payload

    @staticmethod
    def _options(options: Json | list[Json], command: Json | None) -> list[Json]:
        """{name: value} -> option list (types from the synced command); lists pass through."""
        if isinstance(options, list):
            return options
        declared = {o["name"]: o["type"] for o in (command or {}).get("options", [])}
        return [{"name": k, "value": v,
                 "type": declared.get(k) or next(t for py, t in _OPTION_TYPES if isinstance(v, py))}
                for k, v in options.items()]

    # -- gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        # discord.py always asks for ?compress=zlib-stream but only inflates BINARY frames,
        # so ignoring the parameter and sending plain text frames just works.
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets[ws] = request
        self.gateway_connects.append(str(request.rel_url))
        try:
            hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            await self._send(ws, hello)
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_frame(ws, json.loads(msg.data))
        finally:
            del self._sockets[ws]
            if self._live is ws:
                self._live = None
                self._ready.clear()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, frame: Json) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await self._send(ws, {"op": 11})
        elif op in (2, 6) and data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
        elif op == 2:
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> None:
        self.identify_count += 1
        self.intents = data.get("intents")
        self.identified_shards.append(data.get("shard"))
        self._session_id, self._log, self._live = uuid.uuid4().hex, [], ws
        await self._dispatch("READY", {
            "v": 10, "user": self.bot_user, "guilds": [], "session_id": self._session_id,
            "resume_gateway_url": f"{self.gateway_url}-resume", "private_channels": [],
            "application": {"id": self.app_id, "flags": 0},
            **({"shard": data["shard"]} if data.get("shard") else {})})
        self._ready.set()

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        if data.get("session_id") != self._session_id:
            await self._send(ws, {"op": 9, "d": False})  # INVALID_SESSION: client re-IDENTIFYs
            return
        self.resume_count += 1
        self._live = None  # a half-dead previous socket must not get frames anymore
        sent = await self._catch_up(ws, data.get("seq") or 0)
        await self._send(ws, {"op": 0, "t": "RESUMED", "s": None, "d": {}})
        await self._catch_up(ws, sent)
        self._live = ws  # no await since the last catch-up, so no dispatch can slip through
        self._ready.set()

    async def _catch_up(self, ws: web.WebSocketResponse, after: int) -> int:
        """Replay logged dispatches with seq > after, including ones logged meanwhile."""
        while missed := [f for f in self._log if f["s"] > after]:
            for frame in missed:
                await self._send(ws, frame)
                after = frame["s"]
        return after

    async def _dispatch(self, event: str, data: Json) -> None:
        """Sequence, log and (if a socket is live) send a DISPATCH; RESUME replays the rest."""
        if self._session_id is None:
            raise RuntimeError("no gateway session: connect the client first")
        frame = {"op": 0, "t": event, "s": len(self._log) + 1, "d": data}
        self._log.append(frame)
        if self._live is not None:
            try:
                await self._send(self._live, frame)
            except ConnectionError:
                self._live = None  # the client will RESUME and get it replayed

    async def _send(self, ws: web.WebSocketResponse, frame: Json) -> None:
        async with self._send_lock:  # keep frames from concurrent tasks whole and ordered
            await ws.send_str(json.dumps(frame))

    # -- REST plumbing ------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, str, Handler, bool]]:
        ok = lambda build: lambda req: _Reply(200, build(req))  # noqa: E731
        # Interaction callbacks / webhooks authenticate by the token in the URL, not a header.
        return [
            ("GET", "/users/@me", ok(lambda req: self.bot_user), True),
            ("GET", "/users/{user_id}", ok(lambda req: _user(req.match["user_id"])), True),
            ("GET", "/oauth2/applications/@me", ok(self._application), True),
            ("GET", "/gateway", ok(lambda req: {"url": self.gateway_url}), False),
            ("GET", "/gateway/bot", ok(lambda req: {"url": self.gateway_url, "shards": 1,
             "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000,
                                     "max_concurrency": 1}}), True),
            ("*", "/applications/{app_id}/commands", self._commands_route, True),
            ("*", "/applications/{app_id}/guilds/{guild_id}/commands", self._commands_route, True),
            ("POST", "/interactions/{iid}/{token}/callback", self._callback, False),
            ("POST", "/webhooks/{app_id}/{token}", self._followup, False),
            ("*", "/webhooks/{app_id}/{token}/messages/{mid}", self._webhook_message, False),
            ("POST", "/users/@me/channels",
             ok(lambda req: self._dm(str(req.json["recipient_id"]))), True),
            ("POST", "/channels/{cid}/messages", self._post_message, True),
            ("*", "/channels/{cid}/messages/{mid}", self._channel_message, True),
            ("POST", "/channels/{cid}/typing", lambda req: _Reply(204), True),
        ]

    def _wrap(self, handler: Handler,
              authed: bool) -> Callable[[web.Request], Awaitable[web.Response]]:
        """aiohttp endpoint: parse, check auth, apply faults, run the handler, record."""
        async def endpoint(request: web.Request) -> web.Response:
            req = await _read_request(request)
            if authed and request.headers.get("Authorization") != f"Bot {self.token}":
                reply = _Reply(401, _error("401: Unauthorized", 0))
            else:
                reply = (self._take_fault(req) or self._closed_dm_error(req)
                         or self._run(handler, req))
            self._record(Call(req.method, req.path, req.json, req.files, reply.status,
                              time.monotonic()))
            return _respond(reply)
        return endpoint

    @staticmethod
    def _run(handler: Handler, req: _Req) -> _Reply:
        try:
            return handler(req)
        except (KeyError, TypeError, AttributeError):  # a body missing what Discord requires
            return _BAD_FORM

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        for predicate, future in self._waiters:
            if not future.done() and predicate(call):
                future.set_result(call)

    def _take_fault(self, req: _Req) -> _Reply | None:
        fault = next((f for f in self._faults if f.method in (req.method, "*")
                      and f.pattern.search(req.path)), None)
        if fault is None:
            return None
        fault.remaining -= 1
        if fault.remaining <= 0:
            self._faults.remove(fault)
        if fault.status != 429:
            return _Reply(fault.status, fault.body)
        # discord.py treats a 429 without `Via` as a Cloudflare ban and gives up; it sleeps
        # for the *body's* retry_after. The X-RateLimit-* set mirrors what Discord sends.
        delay = fault.retry_after
        return _Reply(429, fault.body, {
            "Via": "1.1 google", "Retry-After": str(math.ceil(delay)),
            "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + delay:.3f}",
            "X-RateLimit-Reset-After": f"{delay:.3f}", "X-RateLimit-Scope": "user",
            "X-RateLimit-Bucket": f"fake-{abs(hash(fault.pattern)):x}"})

    @staticmethod
    def _default_error(status: int, retry_after: float) -> Json:
        if status == 429:
            return {"message": "You are being rate limited.", "retry_after": retry_after,
                    "global": False}
        if status == 403:
            return _error("Cannot send messages to this user", 50007)
        return _error(f"{status}: {HTTPStatus(status).phrase}", 0)

    def _closed_dm_error(self, req: _Req) -> _Reply | None:
        channel = self._channels.get(req.match.get("cid", ""), {})
        recipients = {u["id"] for u in channel.get("recipients", [])}
        if req.method == "POST" and recipients & self._closed_dms:
            return _Reply(403, _error("Cannot send messages to this user", 50007))
        return None

    def _snowflake(self) -> str:
        return str(next(self._ids))

    # -- REST handlers ------------------------------------------------------------------

    def _application(self, req: _Req) -> Json:
        return {"id": self.app_id, "name": "Tiptoe", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False, "owner": _user(1),
                "verify_key": "0" * 64, "flags": 0, "team": None, "bot": self.bot_user,
                "interactions_endpoint_url": None, "summary": "", "redirect_uris": []}

    def _commands_route(self, req: _Req) -> _Reply:
        guild_id = req.match.get("guild_id")
        if req.method == "PUT":
            self._commands[guild_id] = {c["name"]: self._command(c, guild_id) for c in req.json}
        elif req.method != "GET":
            return _NO_METHOD
        return _Reply(200, list(self._commands.get(guild_id, {}).values()))

    def _command(self, sent: Json, guild_id: str | None) -> Json:
        """Stored form of a synced command; ids stay stable across re-syncs, like Discord's."""
        old = self._commands.get(guild_id, {}).get(sent["name"])
        command = {"type": 1, "description": "", "default_member_permissions": None, "nsfw": False,
                   **sent, "id": old["id"] if old else self._snowflake(),
                   "application_id": self.app_id, "version": self._snowflake()}
        return command | ({"guild_id": guild_id} if guild_id else {})

    def _dm(self, user_id: str) -> Json:
        if user_id not in self._dms:
            cid = self._dms[user_id] = self._snowflake()
            self._channels[cid] = {"id": cid, "type": 1, "last_message_id": None, "flags": 0,
                                   "recipients": [_user(user_id)]}
        return self._channels[self._dms[user_id]]

    def _post_message(self, req: _Req) -> _Reply:
        if req.match["cid"] not in self._channels:
            return _Reply(404, _error("Unknown Channel", 10003))
        return self._created(req.match["cid"], req)

    def _channel_message(self, req: _Req) -> _Reply:
        message = self._messages.get(req.match["mid"])
        if message is None or message.channel_id != req.match["cid"]:
            return _NO_MESSAGE
        return self._message_verb(req, message)

    def _callback(self, req: _Req) -> _Reply:
        inter = self._interactions.get(req.match["iid"])
        if (inter is None or inter.token != req.match["token"] or inter.expired
                or self.expire_interactions):
            return _Reply(404, _error("Unknown interaction", 10062))
        if inter.acked:
            return _Reply(400, _error("Interaction has already been acknowledged.", 40060))
        kind, data = req.json.get("type"), req.json.get("data") or {}
        if kind not in _CALLBACK_TYPES or (kind in (6, 7) and inter.original_id is None):
            return _BAD_FORM  # (deferred) updates only exist for component interactions
        inter.acked = True
        message = None
        if kind in (4, 5):  # the response message becomes @original
            flags = ((data.get("flags") or 0) & _EPHEMERAL) | _LOADING
            shown = data if kind == 4 else {"flags": flags}
            message = self._new_message(inter.channel_id, shown, req.files)
            inter.original_id = message.id
        elif kind == 7 and inter.original_id in self._messages:
            message = self._edit(self._messages[inter.original_id], data, req.files)
        if req.query.get("with_response", "").lower() not in ("1", "true"):
            return _Reply(204)
        summary: Json = {"id": req.match["iid"], "type": inter.kind}
        resource: Json = {"type": kind}
        if message is not None:
            summary |= {"response_message_id": message.id, "response_message_loading": kind == 5,
                        "response_message_ephemeral": bool(message.flags & _EPHEMERAL)}
            resource["message"] = self._message_json(message)
        return _Reply(200, {"interaction": summary, "resource": resource})

    def _interaction_by_token(self, req: _Req) -> _Interaction | None:
        if req.match["app_id"] != self.app_id:
            return None
        return next((i for i in self._interactions.values() if i.token == req.match["token"]), None)

    def _followup(self, req: _Req) -> _Reply:
        if (inter := self._interaction_by_token(req)) is None:
            return _NO_WEBHOOK
        return self._created(inter.channel_id, req)

    def _webhook_message(self, req: _Req) -> _Reply:
        if (inter := self._interaction_by_token(req)) is None:
            return _NO_WEBHOOK
        mid = inter.original_id if req.match["mid"] == "@original" else req.match["mid"]
        message = self._messages.get(mid or "")
        return _NO_MESSAGE if message is None else self._message_verb(req, message)

    def _message_verb(self, req: _Req, message: FakeMessage) -> _Reply:
        """GET / PATCH / DELETE on one stored message."""
        if req.method == "DELETE":
            del self._messages[message.id]
            return _Reply(204)
        if req.method == "PATCH":
            self._edit(message, req.json or {}, req.files)
        elif req.method != "GET":
            return _NO_METHOD
        return _Reply(200, self._message_json(message))

    # -- message store ------------------------------------------------------------------

    def _created(self, channel_id: str, req: _Req) -> _Reply:
        return _Reply(200, self._message_json(self._new_message(channel_id, req.json, req.files)))

    def _new_message(self, channel_id: str, data: Json | None,
                     files: tuple[Attachment, ...]) -> FakeMessage:
        message = FakeMessage(self._snowflake(), channel_id)
        self._messages[message.id] = message
        self._edit(message, data or {}, files)
        message.flags, message.edited_timestamp = (data or {}).get("flags") or 0, None
        return message

    def _edit(self, message: FakeMessage, data: Json, files: tuple[Attachment, ...]) -> FakeMessage:
        """Apply a create/edit payload: only the fields sent change, like Discord."""
        for key, empty in (("content", ""), ("embeds", []), ("components", [])):
            if key in data:
                setattr(message, key, data[key] or empty)
        # Ephemerality is fixed at creation; any edit of a deferred ("thinking") response ends it.
        sent = (data["flags"] or 0) if "flags" in data else message.flags
        message.flags = (sent | (message.flags & _EPHEMERAL)) & ~_LOADING
        if "attachments" in data:  # the list names which existing attachments survive
            keep = {str(a.get("id")) for a in data["attachments"] or []}
            message.attachments = [a for a in message.attachments if a.id in keep]
        message.attachments += [replace(f, id=self._snowflake()) for f in files]
        message.edited_timestamp = _now()
        return message

    def _message_json(self, message: FakeMessage) -> Json:
        """The full Message object Discord would echo."""
        body: Json = {
            "id": message.id, "channel_id": message.channel_id, "author": self.bot_user,
            "content": message.content, "embeds": message.embeds, "components": message.components,
            "timestamp": message.timestamp, "edited_timestamp": message.edited_timestamp,
            "type": 0, "flags": message.flags, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "pinned": False, "application_id": self.app_id,
            "attachments": [{"id": a.id, "filename": a.filename, "size": len(a.data),
                             "content_type": a.content_type,
                             "url": f"https://cdn.invalid/{message.channel_id}/{a.id}/{a.filename}",
                             "proxy_url": f"https://media.invalid/{a.id}/{a.filename}"}
                            for a in message.attachments]}
        if guild_id := self._channels[message.channel_id].get("guild_id"):
            body["guild_id"] = guild_id
        return body
