"""`SqlRunnerStore`: the engine's `RunnerStore` port on SQLAlchemy (SQLite or PostgreSQL).

A save is one transaction (on PostgreSQL, when it replans no reminders, one statement:
writes.py), handed to the database in one piece (worker.py). The runner row carries a `version`; a save names the
version it started from and fails with `ConcurrentUpdate` if someone saved in
between, so two events for the same runner can never both win. History is
append-only: a save inserts results, morning checks, level changes, self-tests and
holds that `before` did not have, and never rewrites or deletes one that it had (a
hold's clearing is the one later write).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, selectinload

from bot.reminders.planner import ReminderPlanner, reminder_inputs
from bot.storage.identities import (
    KEY_AND_VERSION_FOR,
    KEY_FOR,
    identity_params,
    runner_family,
    write_identity_chats,
)
from bot.storage.mapping import (
    dialogue_columns,
    hold_columns,
    level_change_columns,
    morning_columns,
    result_columns,
    runner_columns,
    self_test_columns,
    session_columns,
    snapshot_from_row,
)
from bot.storage.worker import UnitsOfWork, scalar
from bot.storage.writes import Change, Insert, OneStatementSaves, Save, in_transaction, write_history
from bot.storage.tables import (
    DialogueRow,
    ExerciseResultRow,
    HoldRow,
    LevelChangeRow,
    LinkTryRow,
    MorningCheckRow,
    RunnerRow,
    SelfTestRow,
    SessionRow,
    metadata,
)
from core.model import History, Hold, Snapshot, UserRef
from core.ports import ConcurrentUpdate

FIRST_VERSION = 1  # a new runner's row; each later save adds one
CACHE_SIZE = 10_000  # snapshots kept in memory, least recently used dropped first
_VERSION_OF = select(RunnerRow.version).where(RunnerRow.key == bindparam("key"))

_SESSIONS, _HOLDS = SessionRow.__table__, HoldRow.__table__

# Eight queries whatever the history's length: the runner, then one per child table.
_WHOLE_SNAPSHOT = (
    selectinload(RunnerRow.identities),
    selectinload(RunnerRow.dialogue),
    selectinload(RunnerRow.sessions).selectinload(SessionRow.results),
    selectinload(RunnerRow.sessions).selectinload(SessionRow.morning),
    selectinload(RunnerRow.level_changes),
    selectinload(RunnerRow.self_tests),
    selectinload(RunnerRow.holds),
)


class SqlRunnerStore:
    """Runners, their dialogue and their whole history, one transaction per save.

    Snapshots this process saved or loaded are kept (they are immutable values); a load
    then only asks the database for the runner's version, and rebuilds the snapshot from
    its rows when another process moved it on. That turns the seven reads of a load into
    one for a runner in the middle of a session. A load and a save are each one unit of
    work handed to the database at once (worker.py).
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession],
                 planner: ReminderPlanner | None = None, cache_size: int = CACHE_SIZE,
                 units: UnitsOfWork | None = None) -> None:
        """`units`: the process's units of work (shared with the dispatcher); by default the store's own."""
        self._sessions = session_factory
        self._own_units = units is None
        self._units = units or UnitsOfWork(session_factory)
        self._planner = planner  # keeps reminder rows in step, in the same transaction
        self._cache: OrderedDict[str, Snapshot] = OrderedDict()
        self._keys: OrderedDict[tuple[str, str], str] = OrderedDict()  # identity -> runner key, as last loaded
        self._cache_size = cache_size
        bind = session_factory.kw.get("bind")
        self._one_statement = (OneStatementSaves() if bind is not None and bind.dialect.name == "postgresql"
                               else None)

    def close(self) -> None:
        """Release what the store opened itself (SQLite: its threads and connections)."""
        if self._own_units:
            self._units.close()

    async def load(self, key: str) -> Snapshot | None:
        """The runner's snapshot with their whole history (oldest first), or None if unknown.

        The runner row is read first, so the history is never older than `version`;
        if a save lands mid-load, the next save from this snapshot fails and reloads.
        """
        cached = self._cache.get(key)
        found = await self._units.read(_load, key, cached.version if cached is not None else None,
                                       heavy=cached is None)  # read from its rows
        if found is UNCHANGED and cached is not None:
            self._cache.move_to_end(key)
            return cached
        return self._loaded(key, found)

    async def load_for(self, user: UserRef) -> Snapshot | None:
        """The snapshot of the runner this identity belongs to; one query when it is cached."""
        found = await self._units.read(_load_for, identity_params(user), self._cached_version,
                                       heavy=self.cached_for(user) is None)
        identity = (user.platform, user.external_id)
        if found is None:
            self._keys.pop(identity, None)
            return None
        key, snapshot = found
        _keep_latest(self._keys, identity, key, self._cache_size)
        if snapshot is UNCHANGED:
            cached = self._cache.get(key)
            if cached is None:  # dropped from the cache meanwhile
                return await self.load(key)
            self._cache.move_to_end(key)
            return cached
        return self._loaded(key, snapshot)

    async def key_for(self, user: UserRef) -> str:
        return await self._units.read(scalar, KEY_FOR, identity_params(user))

    def cached_for(self, user: UserRef) -> Snapshot | None:
        """The snapshot `load_for` or a save last left for this identity, unchecked (see RunnerStore).

        Linking, unlinking and erasing move on (or delete) the version of the runner an identity
        used to load, so a save from a snapshot kept from before them fails and reloads.
        """
        key = self._keys.get((user.platform, user.external_id))
        return self._cache.get(key) if key is not None else None

    def forget(self, *keys: str) -> None:
        """Drop cached snapshots another writer (the link registry) has changed."""
        for key in keys:
            self._cache.pop(key, None)

    def _cached_version(self, key: str) -> int | None:
        cached = self._cache.get(key)
        return cached.version if cached is not None else None

    def _loaded(self, key: str, snapshot: Snapshot | None) -> Snapshot | None:
        if snapshot is None:  # unknown, or deleted between two reads
            self._cache.pop(key, None)
            return None
        self._remember(snapshot)
        return snapshot

    def _remember(self, snapshot: Snapshot) -> None:
        _keep_latest(self._cache, snapshot.runner.key, snapshot, self._cache_size)

    async def save(self, before: Snapshot | None, after: Snapshot) -> int:
        """Persist what changed from `before` to `after` in one transaction; return the new version.

        `before` is None for a new runner. Raises ConcurrentUpdate when the runner
        already exists (new runner) or the stored version is no longer
        `before.version`; then nothing of `after` is written. The stored version
        moves on with every save, so the next save must start from a snapshot that
        carries the returned version: `replace(after, version=returned)`, or a reload.
        """
        key = after.runner.key
        if before is not None and before.runner.key != key:
            raise ValueError(f"cannot save runner {key!r} over {before.runner.key!r}")
        if before is None:
            version = await self._units.write(self._save_new, after, heavy=True)
        else:
            save = Save(key, before.version, runner_columns(after.runner),
                        None if before.dialogue == after.dialogue else dialogue_columns(key, after.dialogue),
                        _history_writes(key, before.history, after.history))
            if (self._one_statement is not None and not self._replans(before, after)
                    and before.runner.links == after.runner.links):
                version = await self._units.read(self._one_statement.run, save)  # atomic on its own
            else:
                version = await self._units.write(self._save, before, after, save, heavy=self._replans(before, after))
        if _adds_only(before, after):
            self._remember(replace(after, version=version))
        else:  # `after` dropped recorded facts, which stay stored: the next load reads the rows
            self._cache.pop(key, None)
        return version

    def _replans(self, before: Snapshot | None, after: Snapshot) -> bool:
        return self._planner is not None and reminder_inputs(before) != reminder_inputs(after)

    def _save_new(self, db: Session, after: Snapshot) -> int:
        key = after.runner.key
        try:
            db.execute(insert(RunnerRow).values(**runner_columns(after.runner), version=FIRST_VERSION))
        except IntegrityError as error:  # another event created the same runner first
            raise ConcurrentUpdate(key) from error
        db.execute(insert(DialogueRow.__table__), dialogue_columns(key, after.dialogue))
        write_history(db, key, _history_writes(key, History(), after.history))
        self._after_save(db, None, after)
        return FIRST_VERSION

    def _save(self, db: Session, before: Snapshot, after: Snapshot, save: Save) -> int:
        version = in_transaction(db, save)
        self._after_save(db, before, after)
        return version

    def _after_save(self, db: Session, before: Snapshot | None, after: Snapshot) -> None:
        write_identity_chats(db, before, after)
        if self._planner is not None and self._replans(before, after):
            self._planner.replan(db, after)

    async def replan(self, key: str, since: datetime | None = None) -> None:
        """Extend or repair one runner's reminder rows (the planner's periodic pass)."""
        if self._planner is not None:
            await self._units.write(self._replan, key, since, heavy=True)

    def _replan(self, db: Session, key: str, since: datetime | None) -> None:
        assert self._planner is not None
        snapshot = _whole_snapshot(db, key)
        if snapshot is not None:
            self._planner.replan(db, snapshot, since)

    async def delete(self, key: str) -> None:
        """Erase everything stored for this runner, in every table, with any history set aside for them."""
        async with self._sessions.begin() as db:
            keys, identities = await runner_family(db, key)
            # Children first. Explicit deletes, not only ON DELETE CASCADE, so this holds
            # on a SQLite connection without foreign keys on; every table with a
            # runner_key column is covered, including ones added later.
            for table in reversed(metadata.sorted_tables):
                if "runner_key" in table.c:
                    await db.execute(delete(table).where(table.c.runner_key.in_(keys)))
            if identities:
                await db.execute(delete(LinkTryRow).where(
                    tuple_(LinkTryRow.platform, LinkTryRow.external_id).in_(identities)))
            await db.execute(delete(RunnerRow).where(RunnerRow.key.in_(keys)))
        self.forget(*keys)

    async def list_runner_keys(self) -> list[str]:
        """Every stored runner's key, in key order."""
        async with self._sessions() as db:
            keys = await db.scalars(select(RunnerRow.key).order_by(RunnerRow.key))
            return list(keys)

    async def count_runners(self) -> int:
        async with self._sessions() as db:
            count = await db.scalar(select(func.count()).select_from(RunnerRow))
            return int(count or 0)


# ---- the units of work (synchronous, on one Session: see worker.py) -----------------------------

class _Unchanged:
    """What a load answers when the cached snapshot is still the stored one."""


UNCHANGED: Any = _Unchanged()


def _whole_snapshot(db: Session, key: str) -> Snapshot | None:
    row = db.scalar(select(RunnerRow).where(RunnerRow.key == key).options(*_WHOLE_SNAPSHOT))
    return snapshot_from_row(row) if row is not None else None


def _load(db: Session, key: str, cached_version: int | None) -> Snapshot | None:
    if cached_version is not None and db.connection().scalar(_VERSION_OF, {"key": key}) == cached_version:
        return UNCHANGED
    return _whole_snapshot(db, key)


def _load_for(db: Session, params: dict[str, str],
              cached_version: Callable[[str], int | None]) -> tuple[str, Snapshot | None] | None:
    found = db.connection().execute(KEY_AND_VERSION_FOR, params).first()  # Core: no ORM layer
    if found is None:
        return None
    if cached_version(found.key) == found.version:
        return found.key, UNCHANGED
    return found.key, _whole_snapshot(db, found.key)


def _keep_latest(kept: OrderedDict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """Put `value` under `key` as the most recent; the least recently used go beyond `limit`."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > limit:
        kept.popitem(last=False)


def _adds_only(before: Snapshot | None, after: Snapshot) -> bool:
    """Whether `after` holds every recorded fact of `before`, so it is what is now stored."""
    if before is None:
        return True
    sessions = {s.number: s for s in after.history.sessions}
    for old in before.history.sessions:
        new = sessions.get(old.number)
        if new is old:  # the same value object: a session the turn did not touch
            continue
        if new is None or not set(old.results) <= set(new.results):
            return False
        if old.morning is not None and new.morning != old.morning:
            return False
    holds = {h.number: h for h in after.history.holds}
    if any(old.number not in holds or _hold_rewritten(old, holds[old.number]) for old in before.history.holds):
        return False
    return (set(before.history.level_changes) <= set(after.history.level_changes)
            and set(before.history.self_tests) <= set(after.history.self_tests))


def _hold_rewritten(old: Hold, new: Hold) -> bool:
    """Only clearing moves a stored hold on; anything else would not be written."""
    return replace(old, cleared_at=None) != replace(new, cleared_at=None) or (
        old.cleared_at is not None and new.cleared_at != old.cleared_at)


def _history_writes(key: str, before: History, after: History) -> tuple[Insert | Change, ...]:
    """What `after` adds to `before`, parents first; what `before` had stays exactly as stored."""
    sessions_before = {session.number: session for session in before.sessions}
    changes: list[Change] = []
    new_sessions: list[dict[str, Any]] = []
    new_results: list[dict[str, Any]] = []
    new_mornings: list[dict[str, Any]] = []
    for session in after.sessions:
        old = sessions_before.get(session.number)
        if old is session:  # untouched: the very same value, so nothing to compare (O(1) per old session)
            continue
        columns = session_columns(key, session)
        if old is None:
            new_sessions.append(columns)
        elif columns != session_columns(key, old):  # status, readiness, end moved on
            values = {name: value for name, value in columns.items() if name not in ("runner_key", "number")}
            changes.append(Change(_SESSIONS, {"number": session.number}, values))
        recorded = {result.exercise for result in old.results} if old else set()
        new_results.extend(
            result_columns(key, session.number, result)
            for result in session.results
            if result.exercise not in recorded
        )
        if session.morning is not None and (old is None or old.morning is None):
            new_mornings.append(morning_columns(key, session.number, session.morning))

    changes_before = {change.number for change in before.level_changes}
    tests_before = {test.number for test in before.self_tests}
    holds_before = {hold.number: hold for hold in before.holds}
    for hold in after.holds:  # a hold is written once, then only its clearing
        old_hold = holds_before.get(hold.number)
        if old_hold is not None and old_hold.cleared_at is None and hold.cleared_at is not None:
            changes.append(Change(_HOLDS, {"number": hold.number}, {"cleared_at": hold.cleared_at}))
    inserts = (
        (_SESSIONS, new_sessions),
        (ExerciseResultRow.__table__, new_results),
        (MorningCheckRow.__table__, new_mornings),
        (LevelChangeRow.__table__, [level_change_columns(key, c) for c in after.level_changes
                                    if c.number not in changes_before]),
        (SelfTestRow.__table__, [self_test_columns(key, t) for t in after.self_tests if t.number not in tests_before]),
        (_HOLDS, [hold_columns(key, h) for h in after.holds if h.number not in holds_before]),
    )
    return (*changes, *(Insert(table, tuple(rows)) for table, rows in inserts if rows))
