"""/selftest: the single-leg heel-raise test (docs/programme.md §5) [HL17]."""

from __future__ import annotations

from dataclasses import replace

from core.flows.base import State, int_arg, pain_rows
from core.flows.hold import stop_for_red_flag
from core.flows.idle import show_idle
from core.metronome import SELFTEST_METRONOME, how_to_use
from core.flows.summary import trained_on
from core.model import SelfTest, Side, Zone
from core.pain import exercise_zone
from core.programme import (
    PAIN_MAX,
    SELFTEST_AGE_ESTIMATES,
    SELFTEST_BPM,
    SELFTEST_MINUTES,
    SELFTEST_PAIN_NOT_SCORED,
    SELFTEST_RETEST_DAYS,
    SELFTEST_WARM_UP_MINUTES,
    SELFTEST_WARM_UP_RISES,
)
from core.redflags import NO_HEEL_RISE
from core.selftest import last_scored_test, parse_reps, score_self_test
from core.sides import selftest_side_line
from core.texts import BUTTON_PROBLEM, PAIN_SCALE, RUN_EASY, short_date
from core.turn import Choice, Turn

RETEST_WEEKS = f"{SELFTEST_RETEST_DAYS[0] // 7}-{SELFTEST_RETEST_DAYS[1] // 7} weeks"
INSTRUCTIONS = (
    f"The heel-raise test, one leg at a time (about {SELFTEST_MINUTES} minutes):\n"
    f"• Warm up first: about {SELFTEST_WARM_UP_MINUTES} min walking or easy jogging, then "
    f"{SELFTEST_WARM_UP_RISES} two-leg heel rises.\n"
    "• Stand on a flat floor, fingertips on a wall at shoulder height for balance only.\n"
    f"• Knee straight, body upright. Rise as high as you can and lower, in time with a {SELFTEST_BPM} bpm "
    "metronome: one second up, one second down.\n"
    "• Count until the heel won't lift as high, you lose the pace, the knee bends, you lean, or you need "
    "more than fingertips.\n"
    "• If it hurts, stop and tell me the pain score."
)


ZERO_QUESTION = "{reps} on your {side} leg: not a single rise onto tiptoe on it?"
ZERO_ROWS: tuple[tuple[Choice, ...], ...] = ((("Yes, not one", "zero", "yes"), ("No, let me retype", "zero", "no")),)
SUDDEN_QUESTION = ("Did that start suddenly, with pain at the back of the heel or calf, a pop, or a feeling of "
                   "being kicked there?")
SUDDEN_ROWS: tuple[tuple[Choice, ...], ...] = ((("Yes", "sudden", "yes"), ("No", "sudden", "no")),)


async def cmd_selftest(turn: Turn, arg: str) -> None:
    if not turn.runner.onboarded:
        turn.say("Let's get you set up first; send /start.")
        return
    if turn.runner.clinician_hold:
        turn.say("Let's hold the self-test until a clinician has checked you (send /resume once they have).")
        return
    ask_intro(turn)


def _cautions(turn: Turn) -> str:
    """Asked for on a day with a session, or soon after the last test: allowed, with a word why not."""
    notes = []
    if trained_on(turn.history.sessions, turn.today):
        notes.append("You've had a session today, so your calves are tired and the count would read low: "
                     "a day without one is better.")
    if turn.history.self_tests:
        last = max(t.taken_at for t in turn.history.self_tests).astimezone(turn.tz).date()
        days = (turn.today - last).days
        if days < SELFTEST_RETEST_DAYS[0]:
            notes.append(f"Your last test was on {short_date(last)}, {days} days ago; a retest says most after "
                         f"{RETEST_WEEKS}.")
    return ("\n".join(notes) + " It's your call.\n\n") if notes else ""


def ask_intro(turn: Turn) -> None:
    turn.ask("selftest_intro", _cautions(turn) + INSTRUCTIONS,
             ((("Ready, left leg first", "go", ""), ("Not now", "later", "")),))


async def on_intro(turn: Turn, action: str, arg: str) -> None:
    if action == "later":
        turn.chosen("Not now")
        show_idle(turn, "No problem. Send /selftest whenever you like.")
        return
    turn.chosen("Ready")
    if turn.services.audio is not None:
        track = await turn.services.audio.click_track(SELFTEST_METRONOME)
        turn.say(how_to_use(SELFTEST_METRONOME), attachment=track)
    ask_reps(turn, "left")


def ask_reps(turn: Turn, side: str, **data: str) -> None:
    turn.ask(f"selftest_{side}", f"How many heel rises on your {side.upper()} leg? Type the number.", (),
             keep_data=True, **data)


async def on_reps_text(turn: Turn, text: str) -> bool:
    reps = parse_reps(text)
    side = "left" if turn.dialogue.state == "selftest_left" else "right"
    if reps is None:
        turn.say(f"Please type just the number of rises on your {side} leg, like 23.")
        return True
    if reps == 0:  # not one rise: a typo, or a leg to have checked before anything else
        turn.ask("selftest_zero", ZERO_QUESTION.format(reps=reps, side=side), ZERO_ROWS, keep_data=True, side=side)
        return True
    turn.say(f"{side.capitalize()} leg: {reps} ✓")
    if side == "left":
        ask_reps(turn, "right", left=str(reps))
    else:
        turn.ask("selftest_pain", f"Did the test hurt? Pain during it, {PAIN_SCALE}",
                 pain_rows("pain"), keep_data=True, right=str(reps))
    return True


async def on_zero(turn: Turn, action: str, arg: str) -> None:
    if arg not in ("yes", "no"):
        turn.notice(BUTTON_PROBLEM)
        return
    if arg == "no":
        turn.chosen("Let me retype")
        ask_reps(turn, turn.data("side", "left"))
        return
    turn.chosen("Not one")
    turn.ask("selftest_sudden", SUDDEN_QUESTION, SUDDEN_ROWS, keep_data=True)


async def on_sudden(turn: Turn, action: str, arg: str) -> None:
    if arg not in ("yes", "no"):
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen("Yes" if arg == "yes" else "No")
    stop_for_red_flag(turn, "rupture" if arg == "yes" else NO_HEEL_RISE.key)


async def on_pain(turn: Turn, action: str, arg: str) -> None:
    score = int_arg(arg, 0, 10)
    if score is None:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(f"Pain: {score}/{PAIN_MAX}")
    turn.set_data(pain=str(score))
    if turn.runner.sex is None and not turn.data("asked") and score < SELFTEST_PAIN_NOT_SCORED:
        turn.ask("selftest_sex", "To compare with the study norms (which differ for men and women), which should "
                                 "I use? This stays optional.",
                 ((("Men's", "sex", "m"), ("Women's", "sex", "f"), ("Skip", "sex", "")),), keep_data=True)
        return
    _finish(turn)


async def on_sex(turn: Turn, action: str, arg: str) -> None:
    if arg not in ("m", "f", ""):
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen({"m": "Men's norms", "f": "Women's norms", "": "Skipped"}[arg])
    turn.update_runner(sex=arg or None)
    turn.ask("selftest_age", "And your age group? (Also optional.)", _age_rows(), keep_data=True, asked="1")


def _age_rows() -> tuple[tuple[Choice, ...], ...]:
    bands = [(f"{band}s", "age", str(band)) for band in SELFTEST_AGE_ESTIMATES]
    return (tuple(bands[:3]), tuple(bands[3:]) + (("Skip", "age", ""),))


async def on_age(turn: Turn, action: str, arg: str) -> None:
    if arg and int_arg(arg, 20, 70) not in SELFTEST_AGE_ESTIMATES:
        turn.notice(BUTTON_PROBLEM)
        return
    turn.chosen(f"{arg}s" if arg else "Skipped")
    turn.update_runner(age_band=int(arg) if arg else None)
    _finish(turn)


def _finish(turn: Turn) -> None:
    left, right = int(turn.data("left", "0")), int(turn.data("right", "0"))
    pain = int(turn.data("pain", "0"))
    previous = last_scored_test(turn.history)
    test = SelfTest(number=len(turn.history.self_tests) + 1, taken_at=turn.now, left=left, right=right, pain=pain)
    turn.history = replace(turn.history, self_tests=turn.history.self_tests + (test,))
    if pain >= SELFTEST_PAIN_NOT_SCORED:
        # A painful count measures the pain more than the calf: kept as a pain report, not scored.
        lines = [f"Saved as a pain report, not compared with the norms: at {pain}/{PAIN_MAX} the count says more "
                 "about the pain than about your strength."]
    else:
        weaker = Side.LEFT if left < right else Side.RIGHT if right < left else None
        note = selftest_side_line(turn.history, turn.today, weaker)
        lines = list(score_self_test(left, right, turn.runner.sex, turn.runner.age_band, previous, note).lines)
    zone = exercise_zone(pain, turn.runner.profile)
    if zone is Zone.STOP:
        turn.say("\n".join(lines))
        stop_for_red_flag(turn, "pain", "Please have it checked by a clinician.\n"
                                        f"Pain at {pain}/{PAIN_MAX} during the test is too much to train on.")
        return
    extra = f"\n\nIt hurt more than it should, so take it easy and tell me in your next session. {RUN_EASY}" \
        if zone is Zone.RED else ""
    show_idle(turn, "Test saved ✓\n\n" + "\n".join(lines) + extra
              + f"\n\nI'll suggest a retest in {RETEST_WEEKS}.")


STATES: dict[str, State] = {
    "selftest_intro": State(ask_intro, on_intro),
    "selftest_left": State(lambda t: ask_reps(t, "left"), None, on_reps_text),
    "selftest_right": State(lambda t: ask_reps(t, "right"), None, on_reps_text),
    "selftest_zero": State(lambda t: t.ask("selftest_zero", t.dialogue.prompt, ZERO_ROWS, keep_data=True), on_zero),
    "selftest_sudden": State(lambda t: t.ask("selftest_sudden", SUDDEN_QUESTION, SUDDEN_ROWS, keep_data=True),
                             on_sudden),
    "selftest_pain": State(lambda t: t.ask("selftest_pain", t.dialogue.prompt, pain_rows("pain"), keep_data=True),
                           on_pain),
    "selftest_sex": State(lambda t: t.ask("selftest_sex", t.dialogue.prompt, (
        (("Men's", "sex", "m"), ("Women's", "sex", "f"), ("Skip", "sex", "")),), keep_data=True), on_sex),
    "selftest_age": State(lambda t: t.ask("selftest_age", t.dialogue.prompt, _age_rows(), keep_data=True), on_age),
}
