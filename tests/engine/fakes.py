"""Fakes at the engine's ports only: an in-memory store, a hand-moved clock, a tiny chart.

They let property tests run thousands of events quickly; the same scripts also run
against the real SQLite and PostgreSQL stores in tests/integration.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.model import Snapshot, UserRef
from core.ports import ConcurrentUpdate
from core.progress import ProgressData

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class MemoryStore:
    """RunnerStore in a dict, with the same version check as the SQL one."""

    rows: dict[str, Snapshot] = field(default_factory=dict)

    async def load(self, key: str) -> Snapshot | None:
        return self.rows.get(key)

    async def load_for(self, user: UserRef) -> Snapshot | None:
        return self.rows.get(user.key)  # no linked identities in memory: every identity is its own runner

    async def key_for(self, user: UserRef) -> str:
        return user.key

    def cached_for(self, user: UserRef) -> Snapshot | None:
        return self.rows.get(user.key)  # the dict is the store: never stale

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        stored = self.rows.get(after.runner.key)
        if (before is None) != (stored is None) or (stored is not None and stored.version != before.version):
            raise ConcurrentUpdate(after.runner.key)
        version = 0 if before is None else before.version + 1
        self.rows[after.runner.key] = replace(after, version=version)
        return version

    async def delete(self, key: str) -> None:
        self.rows.pop(key, None)


@dataclass
class TinyCharts:
    """ChartRenderer that returns a PNG signature and remembers what it was asked to draw."""

    drawn: list[ProgressData] = field(default_factory=list)

    async def progress_png(self, data: ProgressData) -> bytes:
        self.drawn.append(data)
        return PNG_SIGNATURE + b"tiny"
