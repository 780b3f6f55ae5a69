"""Logging for `tiptoe run`: plain lines or JSON, never a secret, never what a runner wrote or read.

- Secrets (platform tokens, the webhook secret, SECRET_KEY, the database password) are
  masked wherever they appear, on every handler, at every level.
- Libraries log request bodies at DEBUG (PTB: every Bot API call with its parameters;
  discord.py: every REST body; aiosqlite: every statement's arguments), and those carry
  message texts. Below INFO, a library's log arguments are hidden (numbers stay), so
  LOG_LEVEL=DEBUG shows the flow without the content. Our own modules never log texts.
- LOG_FORMAT=json writes one JSON object per line for log shippers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from bot.telegram.logs import TokenRedactor

SECRET_MASK = "[secret]"
HIDDEN = "[hidden]"
OUR_LOGGERS = ("tiptoe", "bot.", "core.")  # the project's own: they log ids and counts, never texts
# Warnings only: request URLs carry the Telegram token (httpx, httpcore); APScheduler logs every
# one of the dispatcher's passes, each second, at INFO.
QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LibraryPayloads(logging.Filter):
    """Below INFO, a library record's arguments (request bodies, updates, rows) become [hidden]."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO or record.name == "tiptoe" or record.name.startswith(OUR_LOGGERS):
            return True
        if isinstance(record.args, Mapping):  # "%(name)s" style
            record.args = {key: _shown(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_shown(value) for value in record.args)
        return True


def _shown(value: object) -> object:
    """Numbers (counts, ids, statuses) stay; anything else may carry a text, so it goes."""
    return value if isinstance(value, int | float | bool) or value is None else HIDDEN


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int | str, json_lines: bool = False) -> None:
    """Root logging to stderr, in the chosen format, with the payload filter in place."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(PLAIN_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    guard_logs(())


def guard_logs(secrets: Iterable[str]) -> None:
    """On every root handler: hide library payloads, and mask each of `secrets` (once per handler)."""
    wanted = [secret for secret in secrets if secret]
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, LibraryPayloads) for f in handler.filters):
            handler.filters.insert(0, LibraryPayloads())  # first: before a redactor formats the message
        for secret in wanted:
            if not any(isinstance(f, TokenRedactor) and f.token == secret for f in handler.filters):
                handler.addFilter(TokenRedactor(secret, SECRET_MASK))
