"""Tiptoe on Telegram: the PTB Application, its sending rules and reminder delivery.

bot/main.py needs only these (after logging is configured, so the token filter lands
on its handlers):
    application = build_application(app.coach, settings)
    await run_telegram(application, settings, stop, started=ready)  # until `stop` is set
    TelegramDelivery(application.bot)  # core.ports.Delivery for the dispatcher, once `ready` is set
"""

from bot.telegram.app import build_application, run_telegram
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.faults import RetryPolicy

__all__ = ["RetryPolicy", "TelegramDelivery", "build_application", "run_telegram"]
