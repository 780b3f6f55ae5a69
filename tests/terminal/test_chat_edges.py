"""The `tiptoe chat` program at its edges: typing labels, the clock's zone, /help, a bad --now.

Each test runs the real program (a new process per run) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.terminal.conftest import TIMEOUT_S, ChatProgram, split_transcript
from tests.terminal.test_chat_program import ONBOARDING, assert_steps

IN_NEW_YORK = [(line, expected) if line != "europe/london" else ("New York", "✓ America/New_York")
               for line, expected in ONBOARDING]


def test_pain_scores_are_typed_as_labelled_and_labels_match_loosely(program: ChatProgram) -> None:
    script = ONBOARDING + [
        ("Start", "Before we start"),  # the start of "Start a session now"
        ("0", "1/5 Isometric calf-raise hold"),  # the label "0", not button [1]
        ("s", "fits more than one button (Start sets ▶, Skip, Show me, Stop session, Something's wrong)"),
        ("done", "how hard was that?"),  # "Done ✓"
        ("Just right", "how much pain"),
        ("3", "Pain: 3/10"),  # the score 3, not the third button (which is "2")
        ("DONE ✓", "how hard was that?"),
        ("Just right", "how much pain"),
        ("2", "Pain: 2/10"),
        ("/export", "[file saved:"),
    ]
    steps = program.run([line for line, _ in script])
    assert_steps(steps, script)
    readiness = dict(steps[1:])["Start"]
    assert "  [0]   [1]   [2]   [3]   [4]   [5]\n" in readiness and "[Something's wrong]" in readiness
    assert "[1] 0" not in readiness  # no number beside a label that is itself a number
    assert "[1] Start sets ▶\n  [2] Done ✓   [3] Too hard   [4] Skip" in dict(steps[1:])["0"]  # words keep their numbers
    exported = json.loads(next(program.files_dir.rglob("tiptoe-export-*.json")).read_text())
    assert [e["pain"] for e in exported["sessions"][0]["exercises"]] == [3, 2]


def test_now_is_the_runners_local_time_once_their_zone_is_known(program: ChatProgram) -> None:
    first = program.run([line for line, _ in IN_NEW_YORK])
    assert_steps(first, IN_NEW_YORK)
    assert "UTC until you set your time zone" in first[0][1]  # the banner, before any input
    # Fri 4 Dec is a strength day; the run is at 06:30 New York time, the nudge 20 min before.
    script = [("/clock +15m", "Start now"), ("/clock", "It is now Fri 04 Dec 2026 06:15 (America/New_York)")]
    steps = program.run([line for line, _ in script], now="2026-12-04 06:00")
    assert "It is Fri 04 Dec 2026 06:00 (America/New_York)" in steps[0][1]
    assert_steps(steps, script)


def test_help_lists_start_and_how_to_leave(program: ChatProgram) -> None:
    with_clock = program.run(["/help"])
    assert_steps(with_clock, [("/help", "/start: set up")])
    assert "/quit (or Ctrl-D, Ctrl-C)" in with_clock[1][1] and "/clock +1d" in with_clock[1][1]
    real_time = program.run(["/help", "/quit", "/help"], now=None)
    assert [said for said, _ in real_time[1:]] == ["/help", "/quit"]  # nothing is read after /quit
    assert "/quit (or Ctrl-D, Ctrl-C)" in real_time[1][1] and "/clock" not in real_time[1][1]
    assert "Bye for now!" in real_time[2][1]
    assert "Type /start to begin" in real_time[0][1]


def test_a_bad_now_says_which_format_it_wants(program: ChatProgram) -> None:
    done = subprocess.run([sys.executable, "-m", "bot.main", "chat", *program.args, "--now", "tomorrow 6am"],
                          capture_output=True, text=True, env=program.env, cwd=program.cwd, timeout=TIMEOUT_S)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == ("tiptoe chat: error: argument --now: 'tomorrow 6am' is not a date "
                                            'and time: use "YYYY-MM-DD HH:MM", e.g. "2026-12-01 06:30"')


def test_run_without_a_token_greets_in_the_terminal_with_no_log_lines(program: ChatProgram) -> None:
    env = dict(program.env, LOG_LEVEL="INFO")  # the server default: start-up would log at INFO
    done = subprocess.run([sys.executable, "-m", "bot.main", "run"], input="/help\n", capture_output=True,
                          text=True, env=env, cwd=program.cwd, timeout=TIMEOUT_S)
    assert done.returncode == 0 and done.stderr == ""
    banner = split_transcript(done.stdout)[0][1]
    assert banner.startswith("No TELEGRAM_TOKEN or DISCORD_TOKEN is set, so Tiptoe starts in this terminal.")
    assert "Type /start to begin" in banner


def test_a_long_clock_jump_delivers_every_reminder_on_the_way_with_its_time(program: ChatProgram) -> None:
    # Mon 30 Nov 06:00 London; strength days Mon and Fri, run 06:30, nudge 20 min before.
    script = ONBOARDING + [
        ("Wait for the reminder", "See you before your next run"),
        ("/clock 2026-12-04 07:00", "It is now Mon 30 Nov 2026 06:10 (Europe/London)"),
    ]
    steps = program.run([line for line, _ in script])
    assert_steps(steps, script)
    jump = steps[-1][1]
    # Friday is beyond the 36 hours of planned reminders when the jump starts: still delivered.
    friday = jump.index("🕒 It is now Fri 04 Dec 2026 06:10 (Europe/London)")
    assert "Run at 06:30 today" in jump[friday:]
    assert jump.index("🕒 It is now Fri 04 Dec 2026 07:00 (Europe/London)") > friday


def test_a_number_typed_for_a_question_without_buttons_is_the_answer(program: ChatProgram) -> None:
    # The "All set" message above still shows [1] Start a session now [2] Wait for the reminder.
    script = ONBOARDING + [
        ("/selftest", "The heel-raise test"),
        ("ready", "How many heel rises on your LEFT leg?"),
        ("2", "Left leg: 2 ✓"),
        ("1", "Right leg: 1 ✓"),
    ]
    assert_steps(program.run([line for line, _ in script]), script)


def test_the_clock_walks_a_live_timer_and_a_restart_carries_it_on(program: ChatProgram) -> None:
    script = ONBOARDING + [
        ("Start a session now", "Before we start"),
        ("0", "1/5 Isometric calf-raise hold, level 1"),
        ("Start sets", "Set 1 of 4 · hold 20 s"),
        ("/clock +12s", "⏱ 10 s left"),  # each countdown is one line
    ]
    steps = program.run([line for line, _ in script])
    assert_steps(steps, script)
    assert "⏱ 15 s left" in steps[-1][1] and "Rest 20 s" not in steps[-1][1]
    # A new process on the same database, the clock where the first one left it: the hold carries on.
    again = [("/clock +9s", "┃ Rest 20 s"), ("Skip rest", "┃ Set 2 of 4 · hold 20 s"), ("Stop", "Timer stopped.")]
    steps = program.run([line for line, _ in again], now="2026-11-30 06:00:12")
    assert_steps(steps, again)
    assert "⏱ 5 s left" in steps[1][1] and "1/5 Isometric calf-raise hold" in steps[3][1]
