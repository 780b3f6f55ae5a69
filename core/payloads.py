"""Signed button payloads.

A payload names whose button it is, which step of the dialogue it belongs to and
what it does, and carries an HMAC so a forged or altered payload is recognised.
It fits Telegram's 64-byte callback_data and Discord's 100-character custom_id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit (Discord allows 100)
SEP = "|"
STANDALONE = "s"  # step marker for buttons valid whatever the dialogue is doing (reminders)
_OWNER_LEN = 6
_SIG_LEN = 10
_PSEUDONYM_LEN = 20


class PayloadProblem(StrEnum):
    MALFORMED = "malformed"  # not one of ours at all
    FORGED = "forged"  # looks like ours but the signature does not match
    FOREIGN = "foreign"  # a genuine button of somebody else's conversation


@dataclass(frozen=True, slots=True)
class Payload:
    owner: str
    step: str  # the dialogue step as text, or STANDALONE
    action: str
    arg: str

    @property
    def standalone(self) -> bool:
        return self.step == STANDALONE


def _digest(secret: bytes, message: str, length: int) -> str:
    mac = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:length]


@dataclass(frozen=True, slots=True)
class Signer:
    secret: bytes

    def owner_tag(self, runner_key: str) -> str:
        return _digest(self.secret, "owner:" + runner_key, _OWNER_LEN)

    def pseudonym(self, runner_key: str) -> str:
        """A stable name for the runner in files they take elsewhere (calendar ids): no platform id in it."""
        return _digest(self.secret, "pseudonym:" + runner_key, _PSEUDONYM_LEN).replace("_", "").replace("-", "")

    def sign(self, runner_key: str, step: str, action: str, arg: str = "") -> str:
        for part in (step, action, arg):
            if SEP in part:
                raise ValueError(f"payload part may not contain {SEP!r}: {part!r}")
        body = SEP.join((self.owner_tag(runner_key), step, action, arg))
        payload = body + SEP + _digest(self.secret, body, _SIG_LEN)
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload too long for Telegram: {payload!r}")
        return payload

    def read(self, payload: str, runner_key: str) -> Payload | PayloadProblem:
        parts = payload.split(SEP)
        if len(parts) != 5 or len(payload.encode()) > MAX_PAYLOAD_BYTES:
            return PayloadProblem.MALFORMED
        owner, step, action, arg, sig = parts
        body = SEP.join(parts[:4])
        if not hmac.compare_digest(sig, _digest(self.secret, body, _SIG_LEN)):
            return PayloadProblem.FORGED
        if owner != self.owner_tag(runner_key):
            return PayloadProblem.FOREIGN
        return Payload(owner=owner, step=step, action=action, arg=arg)

    def is_for(self, payload: str, runner_key: str) -> bool:
        """Whether a payload was issued to this runner (adapters' ownership check)."""
        return payload.split(SEP, 1)[0] == self.owner_tag(runner_key)
