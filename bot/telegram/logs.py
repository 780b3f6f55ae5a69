"""Keep the bot token out of every log line.

The token is part of every Bot API URL, and httpx logs each request URL at INFO.
So httpx is turned down to warnings, and a filter on the root logger's handlers
masks the token in whatever still gets through (messages, arguments, tracebacks),
whichever library logged it.
"""

from __future__ import annotations

import logging

MASK = "[telegram-token]"
PTB_LOOP_LOGGER = "telegram.ext"  # PTB's network retry loops log here
BOOTSTRAP = "Network Retry Loop (Bootstrap"  # how PTB's record starts when it gives up before polling
NOISY_URL_LOGGERS = ("httpx",)  # log full request URLs (with the token) at INFO


class TokenRedactor(logging.Filter):
    """Replaces the token in a record before any handler formats it."""

    def __init__(self, token: str, mask: str = MASK) -> None:
        super().__init__()
        self.token = token
        self.mask = mask

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: the handler reports it, unchanged
            return True
        if self.token in message:
            record.msg, record.args = message.replace(self.token, self.mask), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set, so the traceback is masked too.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, self.mask)
        if record.stack_info and self.token in record.stack_info:
            record.stack_info = record.stack_info.replace(self.token, self.mask)
        return True


def protect_token(token: str) -> None:
    """Quiet the URL-logging libraries and mask `token` on every root handler (once per handler)."""
    if not token:
        return
    for name in NOISY_URL_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, TokenRedactor) and f.token == token for f in handler.filters):
            handler.addFilter(TokenRedactor(token))


class BootstrapGiveUp(logging.Filter):
    """Drops PTB's traceback for giving up before polling: run_telegram reports that in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and record.getMessage().startswith(BOOTSTRAP))


def one_line_start_failures() -> None:
    """Install BootstrapGiveUp on PTB's loop logger (once)."""
    logger = logging.getLogger(PTB_LOOP_LOGGER)
    if not any(isinstance(f, BootstrapGiveUp) for f in logger.filters):
        logger.addFilter(BootstrapGiveUp())
