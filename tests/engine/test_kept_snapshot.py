"""A press runs first on the snapshot the store kept (no read), and anything but a save is checked.

tests/integration/test_two_processes.py runs the same rule on the real stores, with a second process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import ManualClock
from core.engine import Coach
from core.model import Snapshot, UserRef
from core.payloads import Signer
from core.turn import Services
from tests.engine.fakes import MemoryStore, TinyCharts
from tests.engine.script import Chat, onboard, texts
from tests.engine.test_flows import ANN, START


@dataclass
class KeepingStore(MemoryStore):
    """MemoryStore that, like SqlRunnerStore, keeps what it last loaded or saved, and counts its reads."""

    kept: dict[str, Snapshot] = field(default_factory=dict)
    reads: int = 0

    async def load_for(self, user: UserRef) -> Snapshot | None:
        self.reads += 1
        found = await super().load_for(user)
        if found is not None:
            self.kept[user.key] = found
        return found

    def cached_for(self, user: UserRef) -> Snapshot | None:
        return self.kept.get(user.key)

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        version = await super().save(before, after)
        self.kept[after.runner.key] = self.rows[after.runner.key]
        return version


async def test_a_check_in_reads_nothing_and_a_press_that_changes_nothing_is_checked() -> None:
    store = KeepingStore()
    chat = Chat(Coach(store, ManualClock(START), Services(signer=Signer(b"kept"), charts=TinyCharts())), ANN)
    await onboard(chat)
    await chat.send("/session")
    await chat.press("0")
    store.reads = 0
    done = chat.button("Done")
    assert "how hard was that" in texts(await chat.press_payload(done.payload))
    assert store.reads == 0  # answered from the kept snapshot; the save checked its version
    again = await chat.press_payload(done.payload)  # pressed twice
    assert all(reply.notice for reply in again)
    assert store.reads == 1  # nothing to save, so what is stored was read before answering
