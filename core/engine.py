"""The one entry point adapters call: an event for a user in, replies out."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime

from core.conversation import dispatch, where_we_left_off

from core.events import Due, Event, Press, TimerDue
from core.linking import LinkOutcome, LinkPlan
from core.model import Dialogue, Runner, Snapshot, UserRef
from core.ports import Clock, ConcurrentUpdate, RunnerStore
from core.replies import Reply
from core.schedule import ReminderKind
from core.turn import Services, Turn, first_step

log = logging.getLogger(__name__)

SAVE_ATTEMPTS = 5  # concurrent events for one runner: reload and retry this often
BUSY = Reply("I'm a little busy; please try that once more.", notice=True)
LINK_FAILED = {
    LinkOutcome.CODE_GONE: "That code has just expired or been used, so nothing was linked. Send /link on "
                           "the other app for a new one.",
    LinkOutcome.ALREADY_LINKED: "One of these chats is already linked, so nothing changed. /unlink it first.",
    LinkOutcome.NOT_LINKED: "These chats aren't linked any more; nothing changed.",
}


class Coach:
    """Loads the runner, lets the dialogue answer the event, saves what changed."""

    def __init__(self, store: RunnerStore, clock: Clock, services: Services) -> None:
        self.store = store
        self.clock = clock
        self.services = services

    async def handle(self, user: UserRef, event: Event) -> tuple[Reply, ...]:
        """Something the runner did: a command, a press or typed text.

        A press (the check-in's hot path) first runs on the snapshot the store keeps from this
        process's last load or save, without asking the database: a save from it checks the
        stored version anyway, so a stale one fails and the press runs again on what is stored.
        Any other outcome (nothing to save, an erase, a link) is checked against the store first.
        Presses only: a typed link code may note a wrong try, which must not count twice.
        """
        guess = self.store.cached_for(user) if isinstance(event, Press) else None
        return await self._run(lambda: self.store.load_for(user), event,
                               lambda stored: self._snapshot_for(user, stored), user, guess)

    async def left_off(self, user: UserRef) -> tuple[Reply, ...]:
        """The question this person's conversation waits on, shown again, or nothing; nothing is
        saved. For a chat whose earlier messages are not on screen (`tiptoe chat` started again)."""
        stored = await self.store.load_for(user)
        if stored is None:
            return ()
        return tuple(where_we_left_off(Turn(stored, self.clock.now(), self.services, user=user)))

    async def due(self, key: str, kind: ReminderKind, local_date: date) -> tuple[Reply, ...]:
        """A reminder fell due for a known runner: what to deliver (nothing if it no longer applies)."""
        return await self._run(lambda: self.store.load(key), Due(kind, local_date), lambda stored: stored)

    async def timer_due(self, key: str, due_at: datetime, countdown: bool = True) -> tuple[Reply, ...]:
        """A runner's live timer fell due (the dialogue's `timer_due_at`): the edit to show, if any.
        `countdown=False` when the bot is busy: only step changes are shown."""
        return await self._run(lambda: self.store.load(key), TimerDue(due_at, countdown), lambda stored: stored)

    async def timer_posted(self, key: str, token: str, message_id: str) -> None:
        """The platform posted the timer message of walk `token` as `message_id`: later steps edit it."""
        for _ in range(SAVE_ATTEMPTS):
            before = await self.store.load(key)
            if before is None or before.dialogue.get("walk") != token \
                    or before.dialogue.timer_message == message_id:
                return  # that walk is over, or already known
            try:
                await self.store.save(before, replace(before, dialogue=replace(before.dialogue,
                                                                               timer_message=message_id)))
                return
            except ConcurrentUpdate:
                continue

    async def timer_posted_for(self, user: UserRef, token: str, message_id: str) -> None:
        """As `timer_posted`, for the identity that was answered."""
        await self.timer_posted(await self.store.key_for(user), token, message_id)

    async def owns(self, user: UserRef, payload: str) -> bool:
        """Whether a button was made for this person's runner (adapters ask before a press goes on).

        A linked identity's buttons are signed for the runner they share, so that key is
        looked up only when the identity's own key does not match.
        """
        signer = self.services.signer
        return signer.is_for(payload, user.key) or signer.is_for(payload, await self.store.key_for(user))

    async def mark_user_unreachable(self, user: UserRef) -> None:
        """An adapter found this person unreachable: the runner behind the identity gets no nudges."""
        await self.mark_unreachable(await self.store.key_for(user))

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

    async def _run(self, load: Callable[[], Awaitable[Snapshot | None]], event: Event,
                   prepare: Callable[[Snapshot | None], Snapshot | None],
                   user: UserRef | None = None, guess: Snapshot | None = None) -> tuple[Reply, ...]:
        """`guess`: a snapshot that may be stale (see handle); trusted only by a versioned save."""
        stored: Snapshot | None | _Unread = UNREAD
        for _ in range(SAVE_ATTEMPTS + (guess is not None)):  # a stale guess costs no attempt
            if guess is not None:
                before, guess = guess, None
                trusted = False
            else:
                before = await load() if stored is UNREAD else stored
                stored, trusted = UNREAD, True
            snapshot = prepare(before)
            if snapshot is None:
                return ()
            turn = Turn(snapshot, self.clock.now(), self.services, pressed=isinstance(event, Press), user=user)
            await dispatch(turn, event)
            if not trusted and not _plain_save(turn, before):
                stored = await load()
                if stored is not before:  # the guess was stale: run again on what is stored
                    continue
                stored = UNREAD
            if turn.erase:
                await self.store.delete(snapshot.runner.key)
                # The last line says it is done; adapters drop any files they keep for this person.
                return (*turn.replies[:-1], replace(turn.replies[-1], forget_files=True))
            if turn.link_change is not None and user is not None:
                try:
                    return await self._link(user, before, turn)
                except ConcurrentUpdate:
                    continue
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

    async def _link(self, user: UserRef, before: Snapshot | None, turn: Turn) -> tuple[Reply, ...]:
        """Save the turn, apply the link or unlink it planned, then note which chat was used last."""
        change = turn.link_change
        erased = isinstance(change, LinkPlan) and not change.set_aside and change.other == turn.runner.key
        if not erased and turn.snapshot != before:  # a runner about to be erased keeps nothing
            await self.store.save(before, turn.snapshot)
        outcome = await self.services.links.apply(change)
        if outcome is not LinkOutcome.DONE:
            return (Reply(LINK_FAILED[outcome]),)
        for _ in range(SAVE_ATTEMPTS):  # the identity now loads the runner it shares
            stored = await self.store.load_for(user)
            touched = self._snapshot_for(user, stored)
            if touched == stored:
                break
            try:
                await self.store.save(stored, touched)
                break
            except ConcurrentUpdate:
                continue
        return tuple(turn.replies)

    def _snapshot_for(self, user: UserRef, stored: Snapshot | None) -> Snapshot:
        if stored is None:
            now = self.clock.now()
            runner = Runner(key=user.key, platform=user.platform, chat_id=user.chat_id,
                            name=user.display_name, created_at=now)
            # Steps start somewhere new for every new conversation, so a button kept from a
            # conversation that was /deleted can never match a step of the new one.
            return Snapshot(runner=runner, dialogue=Dialogue(step=first_step()))
        runner = stored.runner
        if runner.chat_id != user.chat_id or runner.platform != user.platform \
                or (user.display_name and runner.name != user.display_name) or runner.unreachable or runner.quiet:
            # They wrote to us, so they can be reached here again (the chat used last), and want to hear from us.
            runner = replace(runner, platform=user.platform, chat_id=user.chat_id,
                             name=user.display_name or runner.name, unreachable=False, quiet=False,
                             links=tuple(replace(link, chat_id=user.chat_id)
                                         if (link.platform, link.external_id) == (user.platform, user.external_id)
                                         else link for link in runner.links))
        return replace(stored, runner=runner)


class _Unread:
    """No snapshot read ahead for the next attempt."""


UNREAD = _Unread()


def _plain_save(turn: Turn, before: Snapshot) -> bool:
    """Whether the turn ends in a versioned save and nothing else (what a stale guess cannot get past)."""
    return not turn.erase and turn.link_change is None and turn.snapshot != before
