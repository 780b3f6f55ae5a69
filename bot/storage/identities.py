"""Linked platform identities in storage: which runner an identity loads, and a runner's whole family.

Only linked identities have rows in `runner_identities`; any other identity is the
runner whose key is "platform:external id". A runner's family is its own key plus
the keys of histories set aside for it when it linked (runners.linked_into).
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.storage.tables import RunnerIdentityRow, RunnerRow
from core.model import Snapshot, UserRef

# A platform identity's runner: the one it is linked to, else the runner with its own key.
LINKED_KEY = (select(RunnerIdentityRow.runner_key)
              .where(RunnerIdentityRow.platform == bindparam("platform"),
                     RunnerIdentityRow.external_id == bindparam("external_id"))
              .scalar_subquery())
KEY_FOR = select(func.coalesce(LINKED_KEY, bindparam("key")))
KEY_AND_VERSION_FOR = select(RunnerRow.key, RunnerRow.version).where(
    RunnerRow.key == func.coalesce(LINKED_KEY, bindparam("key")))
UPDATE_IDENTITY_CHAT = (update(RunnerIdentityRow.__table__)
                        .where(RunnerIdentityRow.platform == bindparam("b_platform"),
                               RunnerIdentityRow.external_id == bindparam("b_external_id")))


def identity_params(user: UserRef) -> dict[str, str]:
    return {"platform": user.platform, "external_id": user.external_id, "key": user.key}


async def runner_family(db: AsyncSession, key: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The runner's key with the keys of histories set aside for them, and every identity of theirs.

    An identity is (platform, external id): the linked ones, and the one each key was made from.
    """
    keys = [key, *(await db.scalars(select(RunnerRow.key).where(RunnerRow.linked_into == key)))]
    linked = (await db.execute(select(RunnerIdentityRow.platform, RunnerIdentityRow.external_id)
                               .where(RunnerIdentityRow.runner_key.in_(keys)))).all()
    own = [tuple(k.split("~", 1)[0].split(":", 1)) for k in keys if ":" in k]
    identities = sorted({(platform, external) for platform, external in [*linked, *own]})
    return keys, identities


def write_identity_chats(db: Session, before: Snapshot | None, after: Snapshot) -> None:
    """A linked identity wrote from a new chat: its row follows (the registry owns the rest of the rows)."""
    old = {(link.platform, link.external_id): link.chat_id for link in before.runner.links} if before else {}
    for link in after.runner.links:
        if old.get((link.platform, link.external_id), link.chat_id) != link.chat_id:
            db.execute(UPDATE_IDENTITY_CHAT, {"chat_id": link.chat_id, "b_platform": link.platform,
                                                     "b_external_id": link.external_id})
