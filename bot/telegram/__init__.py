"""Tiptoe on Telegram: the PTB Application, its sending rules and reminder delivery.

bot/main.py needs only these (after logging is configured, so the token filter lands
on its handlers):
    application = build_application(app.coach, settings)
    await run_telegram(application, settings, stop, started=ready)  # until `stop` is set
    TelegramDelivery(application.bot)  # core.ports.Delivery for the dispatcher, once `ready` is set

Importing this package loads no PTB: the names above load their modules on first use, so
bot/logging_setup.py can use bot.telegram.logs in a process without a Telegram token.
"""

import os
from importlib import import_module
from typing import Any

# PTB 22 gives durations (RetryAfter.retry_after ...) as timedelta only when this is set, and
# warns on every read of the int form otherwise; it reads the variable at each access.
os.environ.setdefault("PTB_TIMEDELTA", "1")

_HOMES = {"build_application": "bot.telegram.app", "run_telegram": "bot.telegram.app",
          "TelegramDelivery": "bot.telegram.delivery", "RetryPolicy": "bot.telegram.faults"}
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
