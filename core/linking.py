"""One runner on two platforms: link codes, what a link or an unlink does, where reminders go.

A runner asks for a code on one platform (`/link`) and sends it from the other. The
code is short, single use, valid LINK_CODE_MINUTES and stored only as a hash. Linking
makes both identities load the same runner; if both already have a history, the
runner chooses which to keep and the other is set aside untouched. `/unlink` sent
from one chat keeps the history there; the other chat gets back what it had before
linking, or starts afresh. Nothing here touches storage: the engine hands a
LinkPlan or UnlinkPlan to the LinkRegistry port, which applies it in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import Runner, Snapshot, UserRef

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread
CODE_LENGTH = 8  # 40 bits: guessing is hopeless at a few tries a minute
EXAMPLE_CODE = "K7QM-X2PD"  # what a code looks like, in the messages that ask for one
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_CODE_TEXT = re.compile(r"[0-9A-Za-z][0-9A-Za-z\- ]{6,14}[0-9A-Za-z]")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """"K7QMX2PD" as "K7QM-X2PD", easier to copy by eye."""
    return f"{code[:4]}-{code[4:]}"


def read_code(text: str) -> str | None:
    """The code in what the runner typed ("k7qm-x2pd", "K7QM X2PD"), normalised; None if it can't be one."""
    stripped = text.strip()
    if not _CODE_TEXT.fullmatch(stripped):
        return None
    code = re.sub(r"[\s\-]", "", stripped).upper().translate(_TYPO)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def code_hash(code: str) -> str:
    """What is stored instead of the code itself."""
    return hashlib.sha256(("tiptoe-link:" + code).encode()).hexdigest()


class CodeProblem(StrEnum):
    UNKNOWN = "unknown"  # never issued (mistyped or forged)
    EXPIRED = "expired"
    USED = "used"
    OWN = "own"  # issued to this very runner
    SAME_PLATFORM = "same_platform"  # asked for on the platform it is being used on
    ALREADY_LINKED = "already_linked"  # either runner is linked already


@dataclass(frozen=True, slots=True)
class Identity:
    platform: str
    external_id: str
    chat_id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.external_id}"

    @classmethod
    def of(cls, user: UserRef) -> Identity:
        return cls(user.platform, user.external_id, user.chat_id)


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A code as the registry stores it (the hash, never the code)."""

    code_hash: str
    runner_key: str  # the runner who asked for it
    issuer: Identity  # the identity that asked for it
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CodeOwner:
    """What a redeemer needs to know about the runner behind a code."""

    code: LinkCode
    has_history: bool  # set up, or any session, level change or self-test
    sessions: int  # sessions with at least one exercise done, to help choose which history to keep
    linked: bool
    platform_name: str


@dataclass(frozen=True, slots=True)
class LinkPlan:
    """Link the `joiner` identity to the code's runner, keeping `keep`'s history.

    `other` is the runner not kept: set aside untouched when `set_aside`, else erased
    (it held nothing worth keeping).
    """

    code_hash: str
    issuer_key: str
    joiner: Identity
    joiner_key: str
    keep: str
    other: str
    set_aside: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class UnlinkPlan:
    """Detach `leaving` from the runner; `fresh` is its new runner when its own key holds the history."""

    runner_key: str
    leaving: Identity
    fresh: Snapshot | None
    at: datetime


LinkChange = LinkPlan | UnlinkPlan


class LinkOutcome(StrEnum):
    DONE = "done"
    CODE_GONE = "code_gone"  # used or expired between the check and the link
    ALREADY_LINKED = "already_linked"
    NOT_LINKED = "not_linked"


def worth_keeping(snapshot: Snapshot | None) -> bool:
    """Whether a runner holds anything that losing would hurt: set-up answers or any history."""
    if snapshot is None:
        return False
    history = snapshot.history
    return snapshot.runner.onboarded or bool(history.sessions or history.level_changes or history.self_tests)


def is_linked(runner: Runner) -> bool:
    return len({link.platform for link in runner.links}) > 1


def reminder_chats(runner: Runner) -> tuple[tuple[str, str], ...]:
    """(platform, chat) pairs a reminder goes to: the chat used last, or every linked chat if they asked."""
    if runner.remind_all_chats and is_linked(runner):
        return tuple(sorted({(link.platform, link.chat_id) for link in runner.links}))
    return ((runner.platform, runner.chat_id),)


def fresh_key(identity: Identity) -> str:
    """A new runner key for an identity whose own key keeps a history it no longer shares."""
    return f"{identity.key}~{secrets.token_hex(4)}"
