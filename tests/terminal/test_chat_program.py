"""The core issue's scripted journey through the real `tiptoe chat` program, piped, no TTY.

Every input's reply is asserted. The database is a real SQLite file or a PostgreSQL
schema; a second process on the same database carries on where the first stopped.
"""

from __future__ import annotations

import json

from tests.terminal.conftest import ChatProgram

ONBOARDING = [
    ("/start", "short safety check"),
    ("Let's start", "Safety check 1/3"),
    ("None of these", "Safety check 2/3"),
    ("None of these", "injury or pain"),
    ("No", "Which days do you usually run?"),
    ("Mon", "[1] ✓ Mon"),
    ("Wed", "✓ Wed"),
    ("Fri", "✓ Fri"),
    ("Done", "How many strength sessions"),
    ("2 a week", "What time do you usually start your run?"),
    ("half past six", "I couldn't read"),  # a typed time that isn't one: asked again
    ("6:30", "Which time zone"),
    ("Mars/Olympus_Mons", "I don't know the time zone"),
    ("europe/london", "Time zone set: Europe/London"),
    ("1", "Strength days: Mon and Fri"),  # the first lead button: 20 min (recommended)
]

FIRST_EXERCISES = [
    ("Start a session now", "Before we start"),
    ("hello?", "Please tap one of the buttons"),  # free text where a button was expected
    ("0", "1/5 Isometric calf-raise hold, level 1"),
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("1", "2/5 Heels-up squat"),
]

REST_OF_SESSION = [
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("2", "3/5 Heels-up split squat"),
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("0", "4/5 Heels-up single-leg Romanian deadlift"),
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("1", "5/5 Heels-up glute bridge"),
    ("Done ✓", "how hard was that?"),
    ("Just right", "how much pain"),
    ("0", "Session done"),
]


def assert_steps(steps: list[tuple[str, str]], script: list[tuple[str, str]]) -> None:
    said = steps[1:]  # steps[0] is what was printed before the first input
    assert [s for s, _ in said] == [line for line, _ in script]
    for (line, expected), (_, printed) in zip(script, said, strict=True):
        assert expected in printed, f"after {line!r} expected {expected!r} in:\n{printed}"


def test_the_whole_journey_through_the_terminal(program: ChatProgram) -> None:
    after = [
        ("/clock 2026-12-01 08:05", "Good morning! After yesterday"),
        ("0", "Settled overnight"),
        ("/progress", "[file saved:"),
        ("/export", "[file saved:"),
        ("/summary", "[file saved:"),
    ]
    script = ONBOARDING + FIRST_EXERCISES + REST_OF_SESSION + after
    steps = program.run([line for line, _ in script])
    assert_steps(steps, script)
    # One folder per person, named after them, beside the level pictures' shared cache.
    (folder,) = (path for path in program.files_dir.iterdir() if path.name != "pictures")
    assert len(list(folder.glob("calf-level-1-*.png"))) == 1  # the pictures sent are the person's files too
    assert folder.name.startswith("me-")
    chart = next(folder.glob("tiptoe-progress-*.png"))
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert next(folder.glob("tiptoe-summary-*.pdf")).read_bytes().startswith(b"%PDF")
    exported = json.loads(next(folder.glob("tiptoe-export-*.json")).read_text())
    scores = [e["pain"] for e in exported["sessions"][0]["exercises"]]
    assert scores == [1, 2, 0, 1, 0]
    assert exported["sessions"][0]["next_morning"]["score"] == 0

    erase = [
        ("/delete", "can't be undone"),
        ("Yes, delete everything", "[files removed:"),
        ("/progress", "Let's finish setting you up first"),
    ]
    assert_steps(program.run([line for line, _ in erase], now="2026-12-01 09:00"), erase)
    assert not folder.exists()  # /delete took the charts, exports and summaries with it


def test_a_new_process_resumes_mid_session(program: ChatProgram) -> None:
    first = ONBOARDING + FIRST_EXERCISES
    assert_steps(program.run([line for line, _ in first]), first)
    # A new process with only the database: /session picks up at exercise 2, then finishes.
    second = [("/session", "Picking up where you left off")] + REST_OF_SESSION
    steps = program.run([line for line, _ in second], now="2026-11-30 06:20")
    assert_steps(steps, second)
    assert "2/5 Heels-up squat" in steps[1][1]
    # And a third sees everything the first two recorded.
    third = [("/export", "[file saved:")]
    assert_steps(program.run(["/export"], now="2026-11-30 07:00"), third)
    exported = json.loads(next(program.files_dir.rglob("tiptoe-export-*.json")).read_text())
    assert [e["pain"] for e in exported["sessions"][0]["exercises"]] == [1, 2, 0, 1, 0]


def test_a_new_process_shows_the_question_it_stopped_at_and_takes_its_buttons(program: ChatProgram) -> None:
    to_the_zone = ONBOARDING[:12]  # up to "Which time zone"
    assert_steps(program.run([line for line, _ in to_the_zone]), to_the_zone)
    # The earlier messages are gone with the old process: the question comes again, with its buttons.
    steps = program.run(["London"], now="2026-11-30 06:05")
    assert "Here's where we left off" in steps[0][1] and "Which time zone" in steps[0][1]
    assert "✓ Europe/London" in steps[1][1] and "How long before your run" in steps[1][1]  # its button, pressed

    # Mid-session, the same: the exercise it stopped at, ready for "Done ✓".
    assert_steps(program.run([line for line, _ in ONBOARDING[-1:] + FIRST_EXERCISES], now="2026-11-30 06:05"),
                 ONBOARDING[-1:] + FIRST_EXERCISES)
    steps = program.run(["Done ✓"], now="2026-11-30 06:20")
    assert "2/5 Heels-up squat" in steps[0][1] and "how hard was that?" in steps[1][1]

    # With nothing asked (the session over), the usual greeting.
    assert_steps(program.run([line for line, _ in REST_OF_SESSION[1:]], now="2026-11-30 06:25"),
                 REST_OF_SESSION[1:])
    steps = program.run(["/quit"], now="2026-11-30 06:30")
    assert "Welcome back!" in steps[0][1] and "where we left off" not in steps[0][1]
