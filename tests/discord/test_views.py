"""The engine's keyboards within Discord's limits, and the custom_id that carries a payload."""

from __future__ import annotations

import pytest

from bot.discord.views import CUSTOM_ID_PREFIX, CoachButton, TooManyButtons, discord_rows, view_for
from core.payloads import MAX_PAYLOAD_BYTES, Signer
from core.replies import Button, Keyboard


def keyboard(*widths: int) -> Keyboard:
    """Rows of buttons labelled 0, 1, 2 ... in order."""
    rows, label = [], 0
    for width in widths:
        rows.append(tuple(Button(str(n), f"p{n}") for n in range(label, label + width)))
        label += width
    return tuple(rows)


def widths(rows: list[list[Button]]) -> list[int]:
    return [len(row) for row in rows]


LAYOUTS = [  # (the engine's row widths, the rows Discord gets)
    pytest.param((), [], id="no buttons"),
    pytest.param((2,), [2], id="yes-no fits as it is"),
    pytest.param((5,), [5], id="five in a row: at the edge, kept"),
    pytest.param((6,), [3, 3], id="six in a row: one over, split evenly"),
    pytest.param((6, 5), [3, 3, 5], id="pain 0-10"),
    pytest.param((6, 5, 1), [3, 3, 5, 1], id="readiness: pain and something's wrong"),
    pytest.param((4, 3, 1), [4, 3, 1], id="run days and Done"),
    pytest.param((1,) * 5, [1] * 5, id="five rows: at the edge, kept"),
    pytest.param((1,) * 6, [2, 1, 1, 1, 1], id="six rows: one over, two share"),
    pytest.param((1,) * 9, [2, 2, 2, 2, 1], id="red flags: seven, pain only, back"),
    pytest.param((11,), [4, 4, 3], id="eleven in one row"),
    pytest.param((5,) * 5, [5] * 5, id="25 buttons: the most a message holds"),
]


@pytest.mark.parametrize(("engine", "expected"), LAYOUTS)
def test_rows_fit_discord_and_keep_the_engines_order(engine: tuple[int, ...], expected: list[int]) -> None:
    rows = discord_rows(keyboard(*engine))
    assert widths(rows) == expected
    assert [b.label for row in rows for b in row] == [str(n) for n in range(sum(engine))]


@pytest.mark.parametrize("engine", [pytest.param((5,) * 5 + (1,), id="26 buttons"),
                                    pytest.param((3,) * 6, id="six rows of three: none can share")])
def test_a_keyboard_that_cannot_fit_is_a_named_error(engine: tuple[int, ...]) -> None:
    with pytest.raises(TooManyButtons):
        discord_rows(keyboard(*engine))


@pytest.mark.asyncio
async def test_the_longest_payload_fits_a_custom_id_and_parses_back() -> None:
    signer = Signer(b"secret")
    payload = signer.sign("discord:1", "12345", "a" * 19, "b" * 20)
    assert len(payload.encode()) == MAX_PAYLOAD_BYTES
    button = CoachButton("Done", payload)
    assert button.custom_id == CUSTOM_ID_PREFIX + payload and len(button.custom_id) <= 100
    match = CoachButton.__discord_ui_compiled_template__.fullmatch(button.custom_id)
    assert match is not None and match["payload"] == payload
    assert CoachButton.__discord_ui_compiled_template__.fullmatch("count:1") is None  # not ours


@pytest.mark.asyncio
async def test_a_view_lays_buttons_out_in_discord_rows() -> None:
    view = view_for(keyboard(6, 5))
    assert view is not None and view.timeout is None
    rows = [[c["label"] for c in row["components"]] for row in view.to_components()]
    assert rows == [["0", "1", "2"], ["3", "4", "5"], ["6", "7", "8", "9", "10"]]
    assert view_for(()) is None
