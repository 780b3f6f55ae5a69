"""Issue 9's five journeys through the real `tiptoe chat` program, piped, on SQLite and PostgreSQL.

Steps match on what the coach says (never on the [n] numbers next to buttons), and each
step's reply is asserted. The clock starts on Monday 30 Nov 2026 at 06:00 (London keeps
UTC in winter) and moves with /clock in steps of at most 12 hours, so every reminder on
the way is planned and delivered by the real dispatcher.
"""

from __future__ import annotations

import json

from tests.terminal.conftest import ChatProgram

Step = tuple[str, str]


def onboarding(time: str = "7:00", days: tuple[str, ...] = ("Mon", "Wed", "Fri"),
               lead: str = "20 min (recommended)") -> list[Step]:
    return [
        ("/start", "short safety check"),
        ("Let's start", "Safety check 1/3"),
        ("None of these", "Safety check 2/3"),
        ("None of these", "Safety check 3/3"),
        ("No", "Which days do you usually run?"),
        *[(day, f"✓ {day}") for day in days],
        ("Done", "What time" if len(days) < 3 else "How many strength sessions"),
        *([("2 a week", "What time")] if len(days) >= 3 else []),
        (time, "Which time zone"),
        ("london", "Europe/London"),
        (lead, "All set!"),
    ]


START_SESSION = [
    ("Start a session now", "Before we start: any pain or stiffness"),
    ("0", "1/5 Isometric calf-raise hold, level 1"),
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("1", "2/5 Heels-up squat"),
]


def play(program: ChatProgram, script: list[Step], now: str = "2026-11-30 06:00") -> list[tuple[str, str]]:
    steps = program.run([line for line, _ in script], now=now)
    said = steps[1:]  # steps[0] is the banner
    assert [line for line, _ in said] == [line for line, _ in script]
    for (line, expected), (_, printed) in zip(script, said, strict=True):
        assert expected in printed, f"after {line!r} expected {expected!r} in:\n{printed}"
    return said


def exported(program: ChatProgram, now: str = "2026-12-31 12:00") -> dict:
    """What a new process on the same database exports at `now` (a session still open later than its day closes)."""
    play(program, [("/export", "[file saved:")], now=now)
    newest = max(program.files_dir.glob("**/tiptoe-export-*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(newest.read_text())


def first_message(printed: str) -> str:
    """The first line the coach printed as a message (not the ✓ edit of the pressed one)."""
    lines = [line for line in printed.splitlines() if line.strip() and not line.startswith("  ")]
    return lines[0]


def test_an_emergency_mid_session(program: ChatProgram) -> None:
    script = onboarding() + START_SESSION + [
        ("Something's wrong", "What's going on? Tap the closest match."),
        ("Chest pain, breathless or faint", "Call 999 or 112 now."),
        ("/session", "Your programme is paused"),
        ("I've been checked", "I can take that from Tue 1 Dec"),
    ]
    said = play(program, script)
    emergency = said[len(script) - 3][1]
    assert first_message(emergency) == "Call 999 or 112 now."
    assert "how much pain" not in emergency and "run" not in emergency.replace("/resume", "")
    document = exported(program)
    session = document["sessions"][0]
    assert session["status"] == "stopped" and [e["pain"] for e in session["exercises"]] == [1]
    assert [(h["reason"], h["cleared_at"]) for h in document["holds"]] == [("emergency", None)]


def test_a_hold_then_the_next_days_clearance(program: ChatProgram) -> None:
    script = onboarding() + START_SESSION + [
        ("Done ✓", "how hard was that?"),
        ("Just right", "how much pain"),
        ("7", "Please stop here and have it checked by a clinician."),
        ("I've been checked", "I can take that from Tue 1 Dec"),
        ("/clock 2026-11-30 18:00", "It is now Mon 30 Nov 2026 18:00"),
        ("/clock 2026-12-01 06:00", "It is now Tue 01 Dec 2026 06:00"),
        ("/resume", "Did a doctor or physio check you and say you can train again?"),
        ("Not yet", "the pause stays"),
        ("I've been checked", "Did a doctor or physio check you"),
        ("Yes, a clinician checked me", "Thanks for getting checked. Let's carry on gently."),
        ("/session", "Before we start"),
    ]
    said = play(program, script)
    assert "Please don't run until you've been checked." in said[len(onboarding()) + len(START_SESSION) + 2][1]
    holds = exported(program)["holds"]
    assert [(h["reason"], h["exercises"]) for h in holds] == [("pain", ["squat"])] and holds[0]["cleared_at"]


def test_a_readiness_refusal_then_session_again(program: ChatProgram) -> None:
    script = onboarding() + [
        ("Start a session now", "Before we start"),
        ("5", "let's skip strength work today"),
        ("/session", "no strength session today"),
        ("Show the mobility drill", "ankle circles, leg swings, walking lunges"),
        ("/clock 2026-11-30 07:30", "It is now Mon 30 Nov 2026 07:30"),
        ("/clock 2026-11-30 19:00", "It is now Mon 30 Nov 2026 19:00"),
        ("/clock 2026-12-01 06:00", "It is now Tue 01 Dec 2026 06:00"),
        ("/session", "Before we start"),
        ("0", "1/5 Isometric calf-raise hold"),
    ]
    said = play(program, script)
    past_the_nudge = said[len(onboarding()) + 4][1]
    assert "Ready?" not in past_the_nudge  # the 06:40 nudge was cancelled
    assert [s["status"] for s in exported(program, "2026-12-01 06:10")["sessions"]] == ["not_ready", "active"]


def test_an_abandoned_session_then_the_next_strength_day(program: ChatProgram) -> None:
    script = onboarding() + START_SESSION + [
        ("/clock 2026-11-30 18:00", "It is now Mon 30 Nov"),
        ("/clock 2026-12-01 06:00", "It is now Tue 01 Dec"),
        ("/clock 2026-12-01 09:00", "Good morning! After yesterday's session"),
        ("0", "Settled overnight"),
        ("/clock 2026-12-01 21:00", "It is now Tue 01 Dec"),
        ("/clock 2026-12-02 09:00", "Run day, no strength work today"),
        ("/clock 2026-12-02 21:00", "It is now Wed 02 Dec"),
        ("/clock 2026-12-03 09:00", "It is now Thu 03 Dec"),
        ("/clock 2026-12-03 21:00", "It is now Thu 03 Dec"),
        ("/clock 2026-12-04 06:45", "Run at 07:00 today: time for your"),
        ("Start now", "Before we start: any pain or stiffness"),
        ("0", "1/5 Isometric calf-raise hold"),
    ]
    play(program, script)
    first, second = exported(program, "2026-12-04 06:50")["sessions"]
    assert first["status"] == "partial" and [e["pain"] for e in first["exercises"]] == [1]
    assert first["next_morning"]["score"] == 0
    assert second["date"] == "2026-12-04" and second["status"] == "active" and second["readiness_pain"] == 0


def test_a_nudge_that_crosses_midnight(program: ChatProgram) -> None:
    script = onboarding(time="0:10", days=("Tue", "Thu"), lead="30 min") + [
        ("Wait for the reminder", "See you before your next run"),
        ("/clock 2026-11-30 18:00", "It is now Mon 30 Nov"),
        ("/clock 2026-11-30 23:45", "Run at 00:10 on Tue 1 Dec: time for your"),
        ("Snooze 10 min", "Snoozed for 10 min"),
        ("/clock 2026-11-30 23:56", "Run at 00:10 on Tue 1 Dec"),
        ("Start now", "Before we start"),
        ("0", "1/5 Isometric calf-raise hold"),
    ]
    play(program, script)
    (session,) = exported(program)["sessions"]
    assert session["date"] == "2026-12-01"  # the run's day, though it started on Monday evening
