"""The one entry point adapters call: an event for a user in, replies out."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import date

from core.conversation import dispatch
from core.events import Due, Event, Press
from core.model import Dialogue, Runner, Snapshot, UserRef
from core.ports import Clock, ConcurrentUpdate, RunnerStore
from core.replies import Reply
from core.schedule import ReminderKind
from core.turn import Services, Turn

log = logging.getLogger(__name__)

STEP_SPAN = 10**8  # a new conversation's first step is drawn from this range
SAVE_ATTEMPTS = 5  # concurrent events for one runner: reload and retry this often
BUSY = Reply("I'm a little busy; please try that once more.", notice=True)


def first_step() -> int:
    return secrets.randbelow(STEP_SPAN)


class Coach:
    """Loads the runner, lets the dialogue answer the event, saves what changed."""

    def __init__(self, store: RunnerStore, clock: Clock, services: Services) -> None:
        self.store = store
        self.clock = clock
        self.services = services

    async def handle(self, user: UserRef, event: Event) -> tuple[Reply, ...]:
        """Something the runner did: a command, a press or typed text."""
        return await self._run(user.key, event, lambda stored: self._snapshot_for(user, stored))

    async def due(self, key: str, kind: ReminderKind, local_date: date) -> tuple[Reply, ...]:
        """A reminder fell due for a known runner: what to deliver (nothing if it no longer applies)."""
        return await self._run(key, Due(kind, local_date), lambda stored: stored)

    async def mark_unreachable(self, key: str) -> None:
        """The platform says they blocked us or closed DMs: no more nudges until they write again."""
        await self._set_unreachable(key, True)

    async def mark_reachable(self, key: str) -> None:
        """The platform says they let us back in (unblocked the bot): their nudges resume."""
        await self._set_unreachable(key, False)

    async def _set_unreachable(self, key: str, unreachable: bool) -> None:
        for _ in range(SAVE_ATTEMPTS):
            before = await self.store.load(key)
            if before is None or before.runner.unreachable == unreachable:
                return
            try:
                await self.store.save(before, replace(before, runner=replace(before.runner, unreachable=unreachable)))
                return
            except ConcurrentUpdate:
                continue

    async def _run(self, key: str, event: Event, prepare) -> tuple[Reply, ...]:
        for _ in range(SAVE_ATTEMPTS):
            before = await self.store.load(key)
            snapshot = prepare(before)
            if snapshot is None:
                return ()
            turn = Turn(snapshot, self.clock.now(), self.services, pressed=isinstance(event, Press))
            await dispatch(turn, event)
            if turn.erase:
                await self.store.delete(key)
                return tuple(turn.replies)
            after = turn.snapshot
            refused = bool(turn.replies) and all(reply.notice for reply in turn.replies)
            if after == before or (before is None and refused):
                # A refused press from someone unknown (an old button after /delete, a forged
                # one) stores nothing: a notice never changes what we hold.
                return tuple(turn.replies)
            try:
                await self.store.save(before, after)
            except ConcurrentUpdate:
                log.info("concurrent update for a runner; retrying")
                continue
            return tuple(turn.replies)
        return (BUSY,)

    def _snapshot_for(self, user: UserRef, stored: Snapshot | None) -> Snapshot:
        if stored is None:
            now = self.clock.now()
            runner = Runner(key=user.key, platform=user.platform, chat_id=user.chat_id,
                            name=user.display_name, created_at=now)
            # Steps start somewhere new for every new conversation, so a button kept from a
            # conversation that was /deleted can never match a step of the new one.
            return Snapshot(runner=runner, dialogue=Dialogue(step=first_step()))
        runner = stored.runner
        if runner.chat_id != user.chat_id or (user.display_name and runner.name != user.display_name) \
                or runner.unreachable or runner.quiet:
            # They wrote to us, so they can be reached here again, and want to hear from us.
            runner = replace(runner, chat_id=user.chat_id, name=user.display_name or runner.name,
                             unreachable=False, quiet=False)
        return replace(stored, runner=runner)
