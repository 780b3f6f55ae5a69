"""Tiptoe on Discord: a discord.py client, its views, reply rendering and reminder delivery.

bot/main.py needs only these:
    client = build_discord_client(app.coach, settings, sessions=app.sessions)
    await run_discord(client, settings, stop)      # until `stop` is set; syncs commands if changed
    DiscordDelivery(client)                         # core.ports.Delivery for reminders
    await sync_commands(client)                     # `tiptoe discord-sync`; then `await client.close()`
"""

from bot.discord.client import TiptoeDiscord, build_discord_client, run_discord
from bot.discord.delivery import DiscordDelivery
from bot.discord.render import RetryPolicy
from bot.discord.sync import sync_commands, sync_if_changed

__all__ = ["DiscordDelivery", "RetryPolicy", "TiptoeDiscord", "build_discord_client", "run_discord",
           "sync_commands", "sync_if_changed"]
