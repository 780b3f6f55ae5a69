"""Slash-command sync: explicit (`sync_commands`), or at start only when the commands changed.

Discord rate-limits command syncs hard, and a sync on every start would also make
clients refetch the commands. So the payload discord.py would send is hashed (with
the application id, in case the token now belongs to another app) and the hash kept
in the app_meta table; `sync_if_changed` syncs only when it differs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Protocol

import discord
from discord import app_commands
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.tables import AppMetaRow

log = logging.getLogger(__name__)

COMMANDS_HASH_NAME = "discord_commands_hash"  # the app_meta row holding the last synced payload's hash


class SyncingClient(Protocol):
    """What syncing needs of the client (TiptoeDiscord has it)."""

    tree: app_commands.CommandTree[discord.Client]
    sessions: async_sessionmaker[AsyncSession] | None

    @property
    def application_id(self) -> int | None: ...

    async def log_in(self) -> None: ...


def commands_hash(client: SyncingClient) -> str:
    """A hash of exactly what a global sync would send for this application."""
    tree = client.tree
    payload = sorted((command.to_dict(tree) for command in tree.get_commands()), key=lambda c: c["name"])
    material = json.dumps({"application_id": str(client.application_id), "commands": payload}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


async def stored_hash(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    async with sessions() as db:
        return await db.scalar(select(AppMetaRow.value).where(AppMetaRow.name == COMMANDS_HASH_NAME))


async def store_hash(sessions: async_sessionmaker[AsyncSession], value: str) -> None:
    """Insert or update the row; a concurrent insert by another process is updated instead."""
    try:
        async with sessions.begin() as db:
            if await db.get(AppMetaRow, COMMANDS_HASH_NAME) is None:
                db.add(AppMetaRow(name=COMMANDS_HASH_NAME, value=value))
            else:
                await db.execute(update(AppMetaRow).where(AppMetaRow.name == COMMANDS_HASH_NAME).values(value=value))
    except IntegrityError:
        async with sessions.begin() as db:
            await db.execute(update(AppMetaRow).where(AppMetaRow.name == COMMANDS_HASH_NAME).values(value=value))


async def _logged_in(client: SyncingClient) -> None:
    if client.application_id is None:
        await client.log_in()  # also runs setup_hook, which registers the commands


async def sync_commands(client: SyncingClient) -> int:
    """Sync the global slash commands now (`tiptoe discord-sync`); returns how many were synced.

    Logs the client in if it is not yet; the caller closes it. With `sessions`, the hash is
    stored too, so the next start does not sync again.
    """
    await _logged_in(client)
    synced = await client.tree.sync()
    if client.sessions is not None:
        await store_hash(client.sessions, commands_hash(client))
    log.info("synced %d Discord slash commands", len(synced))
    return len(synced)


async def sync_if_changed(client: SyncingClient) -> bool:
    """Sync only if the commands differ from the last sync recorded in app_meta; True if synced."""
    if client.sessions is None:
        raise ValueError("sync_if_changed needs the database sessions to remember the last sync")
    await _logged_in(client)
    if await stored_hash(client.sessions) == commands_hash(client):
        return False
    await sync_commands(client)
    return True
