"""Local Telegram Bot API emulator for tests.

`FakeTelegram` is a small aiohttp server speaking the Bot API over real HTTP, so the
real python-telegram-bot stack (httpx, Updater, webhooks) runs unmodified against it:

    async with FakeTelegram() as tg:
        app = (ApplicationBuilder().token(tg.token).base_url(f"{tg.url}/bot")
               .base_file_url(f"{tg.url}/file/bot").build())

Tests play the user with `user_text` / `press`, and assert on `tg.calls`.

Telegram's flood limits are off unless asked for: `FakeTelegram(flood_limit=30,
per_chat_rate=1.0)` answers 429 (retry_after=1) to a message or edit above 30 in any
one second for the token, or above one a second in one chat once a short burst
(`per_chat_burst`) is spent. Two pollers fight as on Telegram: a new getUpdates ends
the one in flight with 409.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

Json = dict[str, Any]
Uploads = dict[str, tuple[str, bytes, str]]  # part name -> (filename, bytes, mime type)
Handler = Callable[[Json, Uploads], Any]  # may return an awaitable (getUpdates)

# PTB form-encodes every parameter as JSON *except* plain strings, so "123" as text must
# not be decoded into an int. These fields are always strings in the Bot API.
_STRING_FIELDS = frozenset({
    "text", "caption", "callback_query_id", "url", "secret_token", "parse_mode", "file_id",
    "action", "language_code", "inline_message_id", "photo", "document", "thumbnail",
    "ip_address", "business_connection_id", "message_effect_id",
})
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
    404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway",
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup"
    " are exactly the same as a current content and reply markup of a message"
)
_QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
# Methods whose successful result is a Message the bot put into a chat (see `sent_to`).
_MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)
FLOOD_WINDOW_S = 1.0  # Telegram's "30 messages per second", as a sliding window
_POLL_CONFLICT = ("Conflict: terminated by other getUpdates request; make sure that only one bot"
                  " instance is running")


@dataclass(frozen=True)
class Call:
    """One bot -> API request as the emulator saw it (failed ones included)."""

    method: str
    params: Json
    files: dict[str, tuple[str, bytes]]
    at: float
    status: int = 200
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """True when the emulator answered with `"ok": true`."""
        return self.status == 200


class ApiError(Exception):
    """Raised by method handlers; rendered as a Telegram error response."""

    def __init__(self, status: int, description: str | None = None,
                 retry_after: int | None = None) -> None:
        if status == 429:
            description = description or f"Too Many Requests: retry after {retry_after}"
        self.status = status
        self.description = description or _DEFAULT_DESCRIPTIONS.get(status, "Error")
        self.retry_after = retry_after
        super().__init__(f"{status} {self.description}")

    def response(self) -> web.Response:
        """The JSON body Telegram sends for this error."""
        body: Json = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return web.json_response(body, status=self.status)


@dataclass
class _Rule:
    """A pending fault or stall: applies to the next `remaining` calls of `method`."""

    method: str
    remaining: int
    status: int = 0
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    data: bytes
    mime_type: str


class FakeTelegram:
    """In-process Telegram Bot API server; all state lives on the instance."""

    def __init__(self, token: str = "123:ABC", bot_username: str = "tiptoe_test_bot", *,
                 flood_limit: float | None = None, per_chat_rate: float | None = None,
                 per_chat_burst: int = 3) -> None:
        self.token = token
        self.flood_limit = flood_limit
        self.per_chat_rate = per_chat_rate
        self.per_chat_burst = per_chat_burst
        self._accepted: deque[float] = deque()  # monotonic times of messages accepted in the window
        self._chat_full_again: dict[int, float] = {}  # per chat: when its burst allowance is whole again
        self._poll_in_flight: asyncio.Event | None = None
        self.url = ""  # set once the server listens
        self.bot_user: Json = {
            "id": int(token.split(":")[0]), "is_bot": True, "first_name": "Tiptoe",
            "username": bot_username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.use_webhook = False
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.commands: dict[str, list[Json]] = {}
        self._updates: list[Json] = []
        self._allowed_updates: list[str] | None = None
        self._chats: dict[int, Json] = {}
        self._messages: dict[int, dict[int, Json]] = {}
        self._last_message_id: dict[int, int] = {}
        self._open_queries: set[str] = set()
        self._files: dict[str, _StoredFile] = {}
        self._blocked: set[int] = set()
        self._faults: list[_Rule] = []
        self._stalls: list[_Rule] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        def ok(params: Json, uploads: Uploads) -> bool:
            return True

        # Keyed by lower-case name because Bot API method names are case-insensitive.
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, fn) for name, fn in {
                "getMe": lambda params, uploads: self.bot_user, "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook, "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info, "setMyCommands": self._set_commands,
                "getMyCommands": self._get_commands, "deleteMyCommands": self._delete_commands,
                "sendMessage": self._send_message, "editMessageText": self._edit_text,
                "editMessageReplyMarkup": self._edit_markup,
                "answerCallbackQuery": self._answer_callback, "sendPhoto": self._send_photo,
                "sendDocument": self._send_document, "sendChatAction": ok,
                "deleteMessage": self._delete_message, "close": ok,
                "logOut": ok, "getChat": self._get_chat, "getFile": self._get_file,
            }.items()
        }

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024)  # Bot API upload limit
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        # Short shutdown timeout: a stalled or long-polling handler must not hold up teardown.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._closing.set()
        self._notify()  # release long polls so the runner can stop promptly
        if self._runner is not None:
            await self._runner.cleanup()

    # -- test-facing helpers: user side ----------------------------------------------------

    def user_text(self, chat_id: int, text: str, user_id: int | None = None,
                  first_name: str = "Runner", chat_type: str = "private") -> Json:
        """Push a text message from a user; a leading /command gets a bot_command entity.

        Negative chat ids are groups; `chat_type` only matters for them ("supergroup").
        """
        self._register_chat(chat_id, chat_type, first_name)
        content: Json = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        msg = self._store_message(chat_id, self._user(chat_id, user_id, first_name), content)
        return self._push({"message": msg})

    def press(self, chat_id: int, message_id: int, data: str,
              user_id: int | None = None) -> tuple[Json, str]:
        """Push a callback_query for a button on a stored message; returns (update, query id)."""
        msg = self._messages.get(chat_id, {}).get(message_id)
        if msg is None:
            raise LookupError(f"no message {message_id} in chat {chat_id}")
        query_id = str(next(self._ids))
        self._open_queries.add(query_id)
        first_name = self._chats.get(chat_id, {}).get("first_name", "Runner")
        query = {"id": query_id, "from": self._user(chat_id, user_id, first_name),
                 "message": msg, "chat_instance": str(chat_id), "data": data}
        return self._push({"callback_query": query}), query_id

    def user_content(self, chat_id: int, content: Json, first_name: str = "Runner") -> Json:
        """Push a message without text: {"sticker": ...}, {"location": ...}, {"photo": [...]} ..."""
        self._register_chat(chat_id, "private", first_name)
        msg = self._store_message(chat_id, self._user(chat_id, None, first_name), content)
        return self._push({"message": msg})

    def member_status(self, chat_id: int, status: str, first_name: str = "Runner") -> Json:
        """The runner blocks ("kicked") or unblocks ("member") the bot: a my_chat_member update.

        Blocking also makes every later call to the chat answer 403, as on Telegram.
        """
        self._register_chat(chat_id, "private", first_name)
        old = "member" if status == "kicked" else "kicked"
        (self.block_user if status == "kicked" else self.unblock_user)(chat_id)
        member = {"user": self.bot_user}
        change = {"chat": self._chat(chat_id), "from": self._user(chat_id, None, first_name),
                  "date": int(time.time()),
                  "old_chat_member": {**member, "status": old, **({"until_date": 0} if old == "kicked" else {})},
                  "new_chat_member": {**member, "status": status,
                                      **({"until_date": 0} if status == "kicked" else {})}}
        return self._push({"my_chat_member": change})

    async def push_webhook(self, update: Json, secret_token: str | None = None, url: str | None = None) -> int:
        """POST `update` to the registered webhook (or to `url`: one worker behind a load balancer).

        Returns the HTTP status. `secret_token=None` sends the registered secret, "" sends
        no header, anything else is sent as-is (to test a wrong secret).
        """
        if not self.webhook_url:
            raise RuntimeError("no webhook registered: the bot never called setWebhook")
        secret = self.webhook_secret if secret_token is None else secret_token
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with ClientSession() as session, session.post(
            url or self.webhook_url, json=update, headers=headers
        ) as resp:
            return resp.status

    # -- test-facing helpers: faults -------------------------------------------------------

    def fail_next(self, method: str, status: int, description: str | None = None,
                  retry_after: int | None = None, count: int = 1) -> None:
        """Answer the next `count` calls of `method` ("*" = any) with an error.

        Beware: with a polling bot running, "*" is usually consumed by getUpdates.
        """
        if status == 429 and retry_after is None:
            retry_after = 1  # PTB only raises RetryAfter when the parameter is present
        self._faults.append(_Rule(method, count, status, description, retry_after))

    def stall_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the next `count` responses of `method` ("*" = any) by `seconds`."""
        self._stalls.append(_Rule(method, count, seconds=seconds))

    def clear_faults(self) -> None:
        """Forget every pending `fail_next` (the outage is over)."""
        self._faults.clear()

    def block_user(self, chat_id: int) -> None:
        """Every call aimed at `chat_id` answers 403 until `unblock_user`."""
        self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """Undo `block_user`."""
        self._blocked.discard(chat_id)

    # -- test-facing helpers: assertions ---------------------------------------------------

    @property
    def polled(self) -> bool:
        """True once a getUpdates arrived (a long poll is recorded in `calls` only when it returns)."""
        return self._poll_in_flight is not None or any(c.method == "getUpdates" for c in self.calls)

    def calls_of(self, method: str) -> list[Call]:
        """All recorded calls of `method`, failed ones included."""
        return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[Json]:
        """Messages the bot successfully sent or edited in `chat_id`, as snapshots, in order."""
        return [c.result for c in self.calls if c.ok and c.method in _MESSAGE_METHODS
                and isinstance(c.result, dict) and c.result["chat"]["id"] == chat_id]

    def file_bytes(self, file_id: str) -> bytes:
        """Bytes of an uploaded file."""
        return self._files[file_id].data

    async def wait_for(self, method: str, predicate: Callable[[Call], bool] | None = None,
                       timeout: float = 5.0, since: int | None = None) -> Call:
        """First matching call recorded after index `since` (default: calls made from now).

        Pass `since=len(tg.calls)` captured *before* triggering the action when the bot may
        answer before this coroutine starts waiting (e.g. around `await push_webhook`).
        """
        start = len(self.calls) if since is None else since

        def find() -> Call | None:
            return next((c for c in self.calls[start:] if c.method == method
                         and (predicate is None or predicate(c))), None)

        if (call := await self._wait_until(find, timeout)) is None:
            seen = [c.method for c in self.calls[start:]]
            raise TimeoutError(f"no matching {method} within {timeout}s; saw {seen}")
        return call

    async def wait_for_count(self, method: str, n: int, timeout: float = 5.0) -> list[Call]:
        """Wait until at least `n` calls of `method` were recorded in total; returns them."""
        if not await self._wait_until(lambda: len(self.calls_of(method)) >= n, timeout):
            got = len(self.calls_of(method))
            raise TimeoutError(f"expected {n} {method} calls within {timeout}s, got {got}")
        return self.calls_of(method)

    # -- plumbing --------------------------------------------------------------------------

    def _notify(self) -> None:
        # Swap-and-set instead of asyncio.Condition so that sync helpers (user_text) can
        # wake waiters too.
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_until(self, check: Callable[[], Any], timeout: float) -> Any:
        """Re-evaluate `check` on every state change until truthy or `timeout` elapses."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not check() and not self._closing.is_set():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return check()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _push(self, body: Json) -> Json:
        update = {"update_id": next(self._ids), **body}
        if not self.use_webhook:  # webhook updates travel only via push_webhook
            self._updates.append(update)
            self._notify()
        return update

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.time()
        params, uploads = await _read_params(request)
        name = request.match_info["method"]
        method, handler = self._methods.get(name.lower(), (name, None))
        files = {k: (fname, data) for k, (fname, data, _) in uploads.items()}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if not await self._stall(method):
                return web.Response(status=503)  # emulator closing; nobody is listening
            self._check_faults(method, params)
            result = handler(params, uploads)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as err:
            if err.status == 409 and (request.transport is None or request.transport.is_closing()):
                return err.response()  # a poll its client gave up on (stopped, or died): nobody hears it
            self._record(Call(method, params, files, at, err.status, None, err.description))
            return err.response()
        self._record(Call(method, params, files, at, 200, result))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return ApiError(401).response()
        path = request.match_info["file_path"]
        stored = next((f for f in self._files.values() if f.file_path == path), None)
        if stored is None:
            return ApiError(404).response()
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def _stall(self, method: str) -> bool:
        """Apply a pending stall; False when the emulator shut down meanwhile."""
        rule = _take_rule(self._stalls, method)
        if rule is None:
            return True
        try:
            await asyncio.wait_for(self._closing.wait(), rule.seconds)
        except TimeoutError:
            return True
        return False

    def _check_faults(self, method: str, params: Json) -> None:
        if (rule := _take_rule(self._faults, method)) is not None:
            raise ApiError(rule.status, rule.description, rule.retry_after)
        chat_id = params.get("chat_id")
        if method != "getChat" and chat_id is not None and _chat_id(params) in self._blocked:
            raise ApiError(403)
        if method in _MESSAGE_METHODS:
            self._check_flood(_chat_id(params))

    def _check_flood(self, chat_id: int) -> None:
        """Telegram's flood limits, when switched on: per token, then per chat."""
        now = time.monotonic()
        if self.flood_limit is not None:
            while self._accepted and self._accepted[0] <= now - FLOOD_WINDOW_S:
                self._accepted.popleft()
            if len(self._accepted) >= self.flood_limit:
                raise ApiError(429, retry_after=1)
        if self.per_chat_rate is not None:
            gap = 1.0 / self.per_chat_rate
            full_again = max(now, self._chat_full_again.get(chat_id, now))
            if full_again - now > (self.per_chat_burst - 1) * gap:
                raise ApiError(429, retry_after=1)
            self._chat_full_again[chat_id] = full_again + gap
        if self.flood_limit is not None:
            self._accepted.append(now)

    # -- chats, users, messages ------------------------------------------------------------

    def _register_chat(self, chat_id: int, chat_type: str, first_name: str) -> None:
        if chat_id < 0:
            chat_type = "group" if chat_type == "private" else chat_type
            self._chats.setdefault(chat_id, {"id": chat_id, "type": chat_type,
                                             "title": f"Group {-chat_id}"})
        else:
            self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": first_name}

    def _chat(self, chat_id: int) -> Json:
        if chat_id not in self._chats:
            self._register_chat(chat_id, "private", "Runner")
        return self._chats[chat_id]

    @staticmethod
    def _user(chat_id: int, user_id: int | None, first_name: str) -> Json:
        # In a private chat the chat id *is* the user id, as on real Telegram.
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1)
        return {"id": uid, "is_bot": False, "first_name": first_name}

    def _store_message(self, chat_id: int, sender: Json, content: Json) -> Json:
        """Create the next message in `chat_id`; only called once a request has succeeded."""
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        msg = {"message_id": message_id, "date": int(time.time()),
               "chat": self._chat(chat_id), "from": sender, **content}
        self._messages.setdefault(chat_id, {})[message_id] = msg
        return msg

    def _bot_message(self, params: Json, content: Json) -> Json:
        markup = _inline_markup(params.get("reply_markup"))
        extra = {"reply_markup": markup} if markup else {}
        return self._store_message(_chat_id(params), self.bot_user, {**content, **extra})

    def _existing(self, params: Json, verb: str = "edit") -> Json:
        msg = self._messages.get(_chat_id(params), {}).get(int(params.get("message_id", 0)))
        if msg is None:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        return msg

    def _replace(self, old: Json, changes: Json, markup: Json | None) -> Json:
        # Build a new dict: recorded results are snapshots and must never change later.
        new = {k: v for k, v in old.items() if k != "reply_markup"}
        new.update(changes, edit_date=int(time.time()))
        if markup:
            new["reply_markup"] = markup
        self._messages[old["chat"]["id"]][old["message_id"]] = new
        return new

    def _store_file(self, params: Json, uploads: Uploads, field: str) -> _StoredFile:
        """Resolve the upload (part or attach://) or an existing file_id for `field`."""
        ref = params.get(field)
        part = ref.removeprefix("attach://") if isinstance(ref, str) else field
        if part in uploads:
            filename, data, mime = uploads[part]
            n = next(self._ids)
            stored = _StoredFile(f"{field}-{n}", f"u{n}", f"{field}s/file_{n}_{filename}",
                                 filename, data, mime)
            self._files[stored.file_id] = stored
            return stored
        if isinstance(ref, str) and ref in self._files:
            return self._files[ref]
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # -- Bot API methods -------------------------------------------------------------------

    async def _get_updates(self, params: Json, uploads: Uploads) -> list[Json]:
        if self.use_webhook:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active;"
                                " use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset", 0))
        if offset > 0:  # offset confirms (forgets) everything below it
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        if "allowed_updates" in params:  # sticky, like Telegram; [] means "all"
            self._allowed_updates = params["allowed_updates"] or None
        limit = int(params.get("limit", 100))
        if self._poll_in_flight is not None:  # a second poller: Telegram ends the first one's request
            self._poll_in_flight.set()
            self._notify()
        mine = self._poll_in_flight = asyncio.Event()
        try:
            await self._wait_until(lambda: self._deliverable() or mine.is_set(), float(params.get("timeout", 0)))
        finally:
            if self._poll_in_flight is mine:
                self._poll_in_flight = None
        if mine.is_set():
            raise ApiError(409, _POLL_CONFLICT)
        return self._deliverable()[:limit]

    def _deliverable(self) -> list[Json]:
        allowed = self._allowed_updates
        return [u for u in self._updates if not allowed or (set(u) - {"update_id"}) & set(allowed)]

    def _set_webhook(self, params: Json, uploads: Uploads) -> bool:
        if not params.get("url"):  # Telegram treats an empty url as deleteWebhook
            return self._delete_webhook(params, uploads)
        self.webhook_url, self.webhook_secret = params["url"], params.get("secret_token")
        self.use_webhook = True
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: Json, uploads: Uploads) -> bool:
        self.webhook_url = self.webhook_secret = None
        self.use_webhook = False
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: Json, uploads: Uploads) -> Json:
        return {"url": self.webhook_url or "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    def _set_commands(self, params: Json, uploads: Uploads) -> bool:
        self.commands[_scope_key(params)] = params.get("commands", [])
        return True

    def _get_commands(self, params: Json, uploads: Uploads) -> list[Json]:
        return self.commands.get(_scope_key(params), [])

    def _delete_commands(self, params: Json, uploads: Uploads) -> bool:
        self.commands.pop(_scope_key(params), None)
        return True

    def _send_message(self, params: Json, uploads: Uploads) -> Json:
        if not str(params.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        return self._bot_message(params, {"text": str(params["text"])})

    def _send_photo(self, params: Json, uploads: Uploads) -> Json:
        f = self._store_file(params, uploads, "photo")
        width, height = _image_size(f.data)
        photo = [{"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                  "width": width, "height": height, "file_size": len(f.data)}]
        return self._bot_message(params, {"photo": photo, **_caption(params)})

    def _send_document(self, params: Json, uploads: Uploads) -> Json:
        f = self._store_file(params, uploads, "document")
        document = {"file_id": f.file_id, "file_unique_id": f.file_unique_id,
                    "file_name": f.filename, "mime_type": f.mime_type, "file_size": len(f.data)}
        return self._bot_message(params, {"document": document, **_caption(params)})

    def _edit_text(self, params: Json, uploads: Uploads) -> Json:
        msg = self._existing(params)
        if "text" not in msg:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        # Like Telegram, an edit without reply_markup drops the inline keyboard.
        markup = _inline_markup(params.get("reply_markup"))
        if str(params.get("text")) == msg["text"] and markup == msg.get("reply_markup"):
            raise ApiError(400, _NOT_MODIFIED)
        return self._replace(msg, {"text": str(params.get("text"))}, markup)

    def _edit_markup(self, params: Json, uploads: Uploads) -> Json:
        msg = self._existing(params)
        markup = _inline_markup(params.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise ApiError(400, _NOT_MODIFIED)
        return self._replace(msg, {}, markup)

    def _answer_callback(self, params: Json, uploads: Uploads) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(400, _QUERY_TOO_OLD)
        self._open_queries.discard(query_id)
        return True

    def _delete_message(self, params: Json, uploads: Uploads) -> bool:
        msg = self._existing(params, verb="delete")
        del self._messages[msg["chat"]["id"]][msg["message_id"]]
        return True

    def _get_chat(self, params: Json, uploads: Uploads) -> Json:
        # PTB's ChatFullInfo requires these three fields.
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**self._chat(_chat_id(params)), "accent_color_id": 0,
                "max_reaction_count": 11, "accepted_gift_types": gifts}

    def _get_file(self, params: Json, uploads: Uploads) -> Json:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data), "file_path": stored.file_path}


# -- module helpers (pure functions, no state) -----------------------------------------------


def _decode(key: str, raw: str) -> Any:
    if key in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:  # e.g. chat_id="@channel"
        return raw


async def _read_params(request: web.Request) -> tuple[Json, Uploads]:
    """Merge query string and JSON / urlencoded / multipart body into typed params."""
    params: Json = {k: _decode(k, v) for k, v in request.query.items()}
    uploads: Uploads = {}
    if request.content_type == "application/json" and request.body_exists:
        params.update(await request.json())
    elif request.body_exists:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                uploads[key] = (value.filename, value.file.read(), value.content_type)
            else:
                params[key] = _decode(key, str(value))
    if isinstance(params.get("reply_markup"), str):  # allowed even in JSON bodies
        params["reply_markup"] = json.loads(params["reply_markup"])
    return params, uploads


def _chat_id(params: Json) -> int:
    try:
        return int(params.get("chat_id", 0))
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: chat not found") from None


def _take_rule(rules: list[_Rule], method: str) -> _Rule | None:
    """Consume one use of the first rule matching `method` (or "*")."""
    rule = next((r for r in rules if r.method in (method, "*")), None)
    if rule is not None:
        rule.remaining -= 1
        if rule.remaining <= 0:
            rules.remove(rule)
    return rule


def _inline_markup(markup: Any) -> Json | None:
    # Telegram echoes only inline keyboards; an empty one means "no keyboard".
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return markup
    return None


def _caption(params: Json) -> Json:
    return {"caption": str(params["caption"])} if params.get("caption") else {}


def _scope_key(params: Json) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code", "")], sort_keys=True)


def _image_size(data: bytes) -> tuple[int, int]:
    """Width/height of a PNG; (1, 1) for anything else (no imaging library needed)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return 1, 1
