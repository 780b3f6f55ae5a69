"""The coach's buttons as discord.py views, and the one button class that answers them.

A button's `custom_id` is our prefix plus the engine's signed payload, unchanged: the
payload already names its owner and step, so no state is kept in memory and a button
pressed after a restart is parsed by `CoachButton.template` like any other.
"""

from __future__ import annotations

import math
import re
from typing import Any, Protocol

import discord

from core.replies import Button, Keyboard

CUSTOM_ID_PREFIX = "tt:"  # every custom_id of ours starts so; payloads are at most 64 bytes
MAX_PER_ROW = 5  # Discord: five buttons in one action row
MAX_ROWS = 5  # Discord: five action rows on one message
LABEL_LIMIT = 80  # characters on one button


class TooManyButtons(ValueError):
    """A keyboard that cannot fit on one Discord message (more than 25 buttons)."""


class PressHandler(Protocol):
    """What a press needs from the client (`TiptoeDiscord` in client.py supplies it)."""

    async def allow_press(self, interaction: discord.Interaction, payload: str) -> bool: ...

    async def answer_press(self, interaction: discord.Interaction, payload: str) -> None: ...


def _even_chunks(row: list[Button]) -> list[list[Button]]:
    """One row too wide for Discord as the fewest rows of near-equal width (0-5 -> 0-2, 3-5)."""
    count = math.ceil(len(row) / MAX_PER_ROW)
    size, longer = divmod(len(row), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < longer else 0)
        chunks.append(row[start:end])
        start = end
    return chunks


def discord_rows(keyboard: Keyboard) -> list[list[Button]]:
    """The engine's rows within Discord's limits: five buttons a row, five rows a message.

    Rows that fit stay as they are. A wider row (pain 0-5 has six) is split evenly; then,
    while there are more than five rows, the two neighbouring rows with the fewest buttons
    between them share one row (the red-flag list has one button per row).
    """
    rows = [chunk for row in keyboard if row for chunk in _even_chunks(list(row))]
    while len(rows) > MAX_ROWS:
        joinable = [(len(a) + len(b), index) for index, (a, b) in enumerate(zip(rows, rows[1:]))
                    if len(a) + len(b) <= MAX_PER_ROW]
        if not joinable:
            raise TooManyButtons(f"{sum(map(len, rows))} buttons do not fit on one Discord message")
        _, index = min(joinable)
        rows[index:index + 2] = [rows[index] + rows[index + 1]]
    return rows


class CoachButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=re.escape(CUSTOM_ID_PREFIX) + r"(?P<payload>[^\s]{1,97})"):
    """One engine button; the client it reaches decides whose it is and what it does."""

    def __init__(self, label: str, payload: str, row: int | None = None) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label[:LABEL_LIMIT], custom_id=CUSTOM_ID_PREFIX + payload, style=discord.ButtonStyle.secondary)
        super().__init__(button, row=row)
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> CoachButton:
        return cls(getattr(item, "label", None) or "", match["payload"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only the runner the button was made for may press it (the signer's owner tag)."""
        handler: PressHandler = interaction.client  # type: ignore[assignment]
        return await handler.allow_press(interaction, self.payload)

    async def callback(self, interaction: discord.Interaction) -> None:
        handler: PressHandler = interaction.client  # type: ignore[assignment]
        await handler.answer_press(interaction, self.payload)


def view_for(keyboard: Keyboard) -> discord.ui.View | None:
    """A view of CoachButtons laid out like the engine's rows; None when there are no buttons."""
    rows = discord_rows(keyboard)
    if not rows:
        return None
    view = discord.ui.View(timeout=None)  # the buttons live as long as the message does
    for index, row in enumerate(rows):
        for button in row:
            view.add_item(CoachButton(button.label, button.payload, row=index))
    return view
