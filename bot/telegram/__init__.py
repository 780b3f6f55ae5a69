"""Tiptoe on Telegram: the PTB Application, its sending rules and reminder delivery.

bot/main.py needs only these:
    application = build_application(app.coach, settings)
    await run_telegram(application, settings, stop)      # until `stop` is set
    TelegramDelivery(application.bot)                      # core.ports.Delivery for reminders
"""

from bot.telegram.app import build_application, run_telegram
from bot.telegram.delivery import TelegramDelivery
from bot.telegram.faults import RetryPolicy

__all__ = ["RetryPolicy", "TelegramDelivery", "build_application", "run_telegram"]
