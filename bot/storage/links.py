"""`SqlLinks`: the engine's LinkRegistry port on SQLAlchemy: link codes, linked identities, wrong tries.

`apply` links or unlinks in one transaction. A code is claimed with one conditional
UPDATE (unused and unexpired), so two redeemers can never both use it. Every runner
whose rows change gets its version bumped, so cached snapshots elsewhere are reloaded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.database import single_statements
from bot.storage.mapping import dialogue_columns, runner_columns
from bot.storage.repository import FIRST_VERSION
from bot.storage.tables import (
    DialogueRow,
    ExerciseResultRow,
    LevelChangeRow,
    LinkCodeRow,
    LinkTryRow,
    ReminderRow,
    RunnerIdentityRow,
    RunnerRow,
    SelfTestRow,
    SessionRow,
    metadata,
)
from core.linking import CodeOwner, Identity, LinkChange, LinkCode, LinkOutcome, LinkPlan, UnlinkPlan

PENDING = "pending"
TRY_HISTORY_HOURS = 1  # wrong tries older than this are dropped when a new one is noted


class SqlLinks:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def codes_issued_since(self, runner_key: str, since: datetime) -> int:
        async with single_statements(self._sessions) as db:
            return int(await db.scalar(select(func.count()).select_from(LinkCodeRow).where(
                LinkCodeRow.runner_key == runner_key, LinkCodeRow.created_at >= since)) or 0)

    async def issue(self, code: LinkCode) -> None:
        async with self._sessions.begin() as db:
            await db.execute(insert(LinkCodeRow).values(
                code_hash=code.code_hash, runner_key=code.runner_key, platform=code.issuer.platform,
                external_id=code.issuer.external_id, chat_id=code.issuer.chat_id, created_at=code.created_at,
                expires_at=code.expires_at, used_at=None))

    async def owner_of(self, code_hash: str) -> CodeOwner | None:
        async with single_statements(self._sessions) as db:
            row = await db.get(LinkCodeRow, code_hash)
            if row is None:
                return None
            code = LinkCode(row.code_hash, row.runner_key, Identity(row.platform, row.external_id, row.chat_id),
                            row.created_at, row.expires_at, row.used_at)
            runner = await db.get(RunnerRow, row.runner_key)
            platforms = set(await db.scalars(select(RunnerIdentityRow.platform)
                                             .where(RunnerIdentityRow.runner_key == row.runner_key)))
            history = await _has_history(db, row.runner_key)
            sessions = await db.scalar(select(func.count(func.distinct(ExerciseResultRow.session_number)))
                                       .where(ExerciseResultRow.runner_key == row.runner_key))
        return CodeOwner(code=code, has_history=bool(runner is not None and (runner.onboarded or history)),
                         sessions=int(sessions or 0), linked=len(platforms) > 1, platform_name=row.platform)

    async def wrong_tries_since(self, platform: str, external_id: str, since: datetime) -> int:
        async with single_statements(self._sessions) as db:
            return int(await db.scalar(select(func.count()).select_from(LinkTryRow).where(
                LinkTryRow.platform == platform, LinkTryRow.external_id == external_id,
                LinkTryRow.tried_at >= since)) or 0)

    async def note_wrong_try(self, platform: str, external_id: str, at: datetime) -> None:
        async with self._sessions.begin() as db:
            await db.execute(delete(LinkTryRow).where(
                LinkTryRow.platform == platform, LinkTryRow.external_id == external_id,
                LinkTryRow.tried_at < at - timedelta(hours=TRY_HISTORY_HOURS)))
            await db.execute(insert(LinkTryRow).values(platform=platform, external_id=external_id, tried_at=at))

    async def apply(self, change: LinkChange) -> LinkOutcome:
        async with self._sessions.begin() as db:
            if isinstance(change, LinkPlan):
                return await _link(db, change)
            return await _unlink(db, change)


async def _has_history(db: AsyncSession, key: str) -> bool:
    for table in (SessionRow, LevelChangeRow, SelfTestRow):
        if await db.scalar(select(table.runner_key).where(table.runner_key == key).limit(1)) is not None:
            return True
    return False


async def _bump(db: AsyncSession, *keys: str, **values: object) -> None:
    await db.execute(update(RunnerRow).where(RunnerRow.key.in_(keys))
                     .values(version=RunnerRow.version + 1, **values).execution_options(synchronize_session=False))


async def _linked_platforms(db: AsyncSession, key: str) -> set[str]:
    return set(await db.scalars(select(RunnerIdentityRow.platform).where(RunnerIdentityRow.runner_key == key)))


async def _link(db: AsyncSession, plan: LinkPlan) -> LinkOutcome:
    if len(await _linked_platforms(db, plan.issuer_key)) > 1 or len(await _linked_platforms(db, plan.joiner_key)) > 1:
        return LinkOutcome.ALREADY_LINKED
    claimed = (await db.execute(
        update(LinkCodeRow)
        .where(LinkCodeRow.code_hash == plan.code_hash, LinkCodeRow.used_at.is_(None),
               LinkCodeRow.expires_at > plan.at, LinkCodeRow.runner_key == plan.issuer_key)
        .values(used_at=plan.at)
        .returning(LinkCodeRow.platform, LinkCodeRow.external_id, LinkCodeRow.chat_id)
        .execution_options(synchronize_session=False))).first()
    if claimed is None:
        return LinkOutcome.CODE_GONE
    issuer = Identity(claimed.platform, claimed.external_id, claimed.chat_id)
    identities = (issuer, plan.joiner)
    await db.execute(delete(RunnerIdentityRow).where(RunnerIdentityRow.runner_key.in_((plan.issuer_key,
                                                                                        plan.joiner_key))))
    for identity in identities:
        await db.execute(delete(RunnerIdentityRow).where(RunnerIdentityRow.platform == identity.platform,
                                                         RunnerIdentityRow.external_id == identity.external_id))
    if plan.set_aside:
        # The history not kept rests untouched under its own key: no reminders, back on /unlink.
        await db.execute(delete(ReminderRow).where(ReminderRow.runner_key == plan.other,
                                                   ReminderRow.status == PENDING))
        await _bump(db, plan.other, linked_into=plan.keep, planned_until=None)
    else:
        await _erase(db, plan.other)
    await db.execute(insert(RunnerIdentityRow), [
        {"platform": i.platform, "external_id": i.external_id, "runner_key": plan.keep, "chat_id": i.chat_id,
         "linked_at": plan.at} for i in identities])
    await _bump(db, plan.keep)
    return LinkOutcome.DONE


async def _erase(db: AsyncSession, key: str) -> None:
    """A runner that held nothing worth keeping (no set-up, no history): every row goes."""
    for table in reversed(metadata.sorted_tables):
        if "runner_key" in table.c:
            await db.execute(delete(table).where(table.c.runner_key == key))
    await db.execute(delete(RunnerRow).where(RunnerRow.key == key))


async def _unlink(db: AsyncSession, plan: UnlinkPlan) -> LinkOutcome:
    leaving = plan.leaving
    gone = await db.execute(delete(RunnerIdentityRow).where(
        RunnerIdentityRow.platform == leaving.platform, RunnerIdentityRow.external_id == leaving.external_id,
        RunnerIdentityRow.runner_key == plan.runner_key))
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        return LinkOutcome.NOT_LINKED
    own = await db.get(RunnerRow, leaving.key)
    if own is not None and own.linked_into == plan.runner_key:
        await _bump(db, leaving.key, linked_into=None, planned_until=None)  # its own history comes back
    elif plan.fresh is not None:
        fresh = plan.fresh.runner
        await db.execute(insert(RunnerRow).values(**runner_columns(fresh), version=FIRST_VERSION))
        await db.execute(insert(DialogueRow).values(**dialogue_columns(fresh.key, plan.fresh.dialogue)))
        await db.execute(insert(RunnerIdentityRow).values(
            platform=leaving.platform, external_id=leaving.external_id, runner_key=fresh.key,
            chat_id=leaving.chat_id, linked_at=plan.at))
    # An identity left alone on its own runner's key needs no row to find it.
    await db.execute(delete(RunnerIdentityRow).where(
        RunnerIdentityRow.runner_key == plan.runner_key,
        RunnerIdentityRow.platform.concat(":").concat(RunnerIdentityRow.external_id) == plan.runner_key))
    await _bump(db, plan.runner_key)
    return LinkOutcome.DONE
