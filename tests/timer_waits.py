"""Waiting for what a bot stores after a timer message reaches the emulator."""

from __future__ import annotations

import asyncio

from core.ports import RunnerStore


async def timer_message_stored(store: RunnerStore, key: str) -> None:
    """Wait (bounded) until the bot has stored the timer message's id.

    The message reaches the emulator a moment before the handler saves its id; a timer that
    fell due in between (a test moving the clock at once) would post a new message instead
    of editing this one.
    """
    for _ in range(200):
        snapshot = await store.load(key)
        if snapshot is not None and snapshot.dialogue.timer_message:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the timer message's id was never stored")
