"""/export: everything Tiptoe holds about a runner, readable and machine-readable, as one JSON file.

The readable sections come from the snapshot (core/progress.py has the history's) and
from the stored rows a RecordSource hands over: reminders, identities, the dialogue.
`tables` then repeats every stored row about the runner exactly as stored, so nothing
held is left out, and `README` says what each section is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.model import Snapshot
from core.progress import export_json

# The layout of the file: 1 had no version field and no README; 2 added both, the reminders,
# identities, settings, dialogue and the stored tables; 3 added each exercise's effort and per-side pain,
# the first side and the pictures sent. Raise it when a section changes shape.
EXPORT_SCHEMA_VERSION = 3

README: dict[str, str] = {
    "schema_version": "The version of this file's layout; it goes up when sections or their fields change.",
    "exported_at": "When this file was made (UTC).",
    "runner": "You as Tiptoe knows you: name, pain-limit profile, levels, any pause or hold, what the start-up "
              "safety screen found, when a physio/GP review was last suggested, the sex and age band you "
              "gave for the self-test norms, the side you start one-sided exercises with, and which exercise "
              "pictures you have been sent.",
    "schedule": "Your run days and time, time zone, reminder lead, strength days, morning-check time and "
                "off-day notes.",
    "settings": "Other choices you made, such as where reminders go when two chats are linked.",
    "identities": "The chat accounts this history belongs to (platform and account ids), the chat used last, "
                  "and when accounts were linked.",
    "dialogue": "Where our conversation stands, so a restart carries on there: the step, the question on "
                "screen and the answers given so far.",
    "sessions": "Every session: date, readiness pain, each exercise with its level, outcome, pain score (the "
                "worse side's, with left and right when you said they differed) and how hard it felt, and the "
                "next-morning check.",
    "level_changes": "Every level change and the one-line reason you were shown.",
    "holds": "Every time the coach paused your programme until a clinician checked you: why, when, which "
             "exercises, and when you were cleared.",
    "self_tests": "Every heel-raise self-test: reps per leg and any pain.",
    "reminders": "Every reminder planned for you: what, for which day, when it was due, where it went, and "
                 "whether it was sent (and when), missed, skipped or cancelled.",
    "tables": "The same facts exactly as stored, table by table and row by row (machine-readable): every row "
              "about you, including any history set aside when you linked two accounts and wrong link codes "
              "typed from your accounts.",
}

JsonRow = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    kind: str
    local_date: date
    due_at: datetime
    platform: str
    status: str  # pending, claimed, sent, missed, skipped, cancelled, failed
    sent_at: datetime | None
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class StoredRecords:
    """What storage holds about a runner beyond the snapshot, and every row as stored."""

    reminders: tuple[ReminderRecord, ...] = ()
    tables: Mapping[str, tuple[JsonRow, ...]] = field(default_factory=dict)  # values already JSON-ready


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_document(snapshot: Snapshot, records: StoredRecords, exported_at: datetime) -> bytes:
    runner, dialogue = snapshot.runner, snapshot.dialogue
    document: dict[str, Any] = {"schema_version": EXPORT_SCHEMA_VERSION, "README": README}
    # The history sections exactly as /export has always written them.
    document.update(json.loads(export_json(snapshot, exported_at)))
    document["settings"] = {
        "reminders_to": "every linked chat" if runner.remind_all_chats else "the chat you used last",
    }
    document["identities"] = {
        "runner_id": runner.key,
        "chat_used_last": {"platform": runner.platform, "chat_id": runner.chat_id},
        "linked_accounts": [
            {"platform": link.platform, "account_id": link.external_id, "chat_id": link.chat_id,
             "linked_at": link.linked_at.isoformat()}
            for link in runner.links
        ],
    }
    document["dialogue"] = {
        "state": dialogue.state, "step": dialogue.step, "question_on_screen": dialogue.prompt,
        "answers_so_far": dict(dialogue.data), "last_button_pressed": dialogue.last_press,
    }
    document["reminders"] = [
        {"kind": r.kind, "day": r.local_date.isoformat(), "due_at": r.due_at.isoformat(), "platform": r.platform,
         "status": r.status, "sent_at": _instant(r.sent_at), "attempts": r.attempts, "last_error": r.last_error}
        for r in records.reminders
    ]
    document["tables"] = {name: list(rows) for name, rows in records.tables.items()}
    return json.dumps(document, indent=2, ensure_ascii=False).encode()
