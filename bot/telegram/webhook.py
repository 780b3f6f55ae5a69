"""Telegram's webhook for any number of worker processes behind one URL.

- Every worker serves the same path and checks the same secret: TELEGRAM_WEBHOOK_SECRET,
  or one derived from the key that signs buttons (SECRET_KEY, or the one kept in the
  database), so workers on one database agree without being told.
- `setWebhook` runs once per deployment, not once per process: under a lock, a worker
  compares what Telegram has (getWebhookInfo) and what was last registered (a hash
  in app_meta) with what it would register, and only a change is sent.
- Updates go straight into the Application's queue, as PTB's own webhook server does;
  a request without the secret gets 403 and is never read further.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot, Update
from telegram.ext import Application

from bot.coordination import one_at_a_time
from bot.http_server import WebServer
from bot.storage.tables import AppMetaRow

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REGISTERED = "telegram_webhook"  # app_meta row: a hash of the URL, secret and update kinds last registered


def derived_secret(signing_key: bytes) -> str:
    """The webhook secret every worker derives alike (Telegram allows A-Z, a-z, 0-9, _ and -)."""
    return hmac.new(signing_key, b"tiptoe telegram webhook secret", hashlib.sha256).hexdigest()


def webhook_path(url: str) -> str:
    """Workers listen on the public URL's own path (a proxy in front forwards it unchanged)."""
    return urlsplit(url).path or "/"


def add_webhook_route(server: WebServer, port: int, application: Application, url: str, secret: str) -> None:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await application.update_queue.put(update)
        return web.Response()

    server.add(port, "POST", webhook_path(url), receive)


def _fingerprint(url: str, secret: str, allowed_updates: Sequence[str]) -> str:
    return hashlib.sha256("\n".join([url, secret, *sorted(allowed_updates)]).encode()).hexdigest()


async def register_once(bot: Bot, engine: AsyncEngine | None, url: str, secret: str,
                        allowed_updates: Sequence[str]) -> bool:
    """Make sure Telegram sends updates to `url` with `secret`; True when this call registered it."""
    wanted = _fingerprint(url, secret, allowed_updates)
    if engine is None:  # alone: nothing to compare with
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(allowed_updates))
        return True
    async with one_at_a_time(engine, "telegram-webhook") as connection:
        stored = await connection.scalar(select(AppMetaRow.value).where(AppMetaRow.name == REGISTERED))
        info = await bot.get_webhook_info()
        if info.url == url and stored == wanted:
            log.info("the Telegram webhook is already registered for this deployment")
            return False
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(allowed_updates))
        await connection.execute(delete(AppMetaRow).where(AppMetaRow.name == REGISTERED))
        await connection.execute(insert(AppMetaRow).values(name=REGISTERED, value=wanted))
    log.info("registered the Telegram webhook")
    return True
