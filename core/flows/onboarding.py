"""/start: the welcome and the three-question safety screen; the schedule questions follow (questions.py).

1/3 the red flags and 2/3 the health items are tap-all-that-apply lists ("None of these"
is one tap); 3/3 asks about any lower-body injury or pain, ever or now. A red flag or a
hold item pauses everything until a clinician has checked them (flows/hold.py); the
other items, and an injury, ask them to check with a clinician first (the clearance step).
"""

from __future__ import annotations

from datetime import timedelta

from core.flows.base import State, int_arg, yes_no
from core.flows.hold import ask_clot_follow_up, stop_for_red_flag
from core.flows.questions import ask_schedule_question
from core.model import Profile
from core.programme import (
    AMBER_MAX_REHAB,
    CLEARANCE_REMINDER_DAYS,
    INJURY_HOLD_GREEN_SESSIONS,
    MIN_LEVEL,
    PAIN_MAX,
    SESSIONS_PER_WEEK_CHOICES,
    SESSION_MINUTES_RANGE,
)
from core.redflags import CLOT, SCREENED, Urgency
from core.screening import HEALTH_ITEMS, INJURY_QUESTION, Route, clearance_reasons, hold_advice
from core.texts import number_word, short_date
from core.turn import Choice, Turn

SCREENS = 3
NONE = "None of these"


# ---- welcome ------------------------------------------------------------------------

def ask_welcome(turn: Turn) -> None:
    low, high = SESSIONS_PER_WEEK_CHOICES[0], SESSIONS_PER_WEEK_CHOICES[-1]
    turn.ask("welcome", (
        "Hi! I'm Tiptoe, a strength coach for runners. 👟\n\n"
        f"{number_word(low).capitalize()} or {number_word(high)} times a week, before a run, I'll guide you through "
        "five classic lower-body exercises done with your heels lifted: about "
        f"{SESSION_MINUTES_RANGE[0]}-{SESSION_MINUTES_RANGE[1]} minutes as your warm-up. Slowly, only as deep as "
        "stays pain-free, and consistency over heroics.\n\n"
        f"First a short safety check ({number_word(SCREENS)} questions, buttons only), then your running days."),
        ((("Let's start", "begin", ""),),))


async def on_welcome(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Let's start")
    ask_screen(turn, 1)


# ---- the screen -----------------------------------------------------------------------

def _ticked(turn: Turn) -> list[str]:
    return [key for key in turn.data("ticked").split(",") if key]


def _items(screen: int) -> tuple[tuple[str, str], ...]:
    """(key, button label) of a tap-all-that-apply screen."""
    if screen == 1:
        return tuple((flag.key, flag.label) for flag in SCREENED)
    return tuple((item.key, item.label) for item in HEALTH_ITEMS)


def _screen_text(screen: int) -> str:
    if screen == 1:
        lines = "\n".join(f"• {flag.screen}" for flag in SCREENED)
        return (f"Safety check 1/{SCREENS}: do you have any of these right now?\n\n{lines}\n\n"
                "Tap each one that applies, then Done; or tap “None of these”.")
    lines = "\n".join(f"• {item.label}" for item in HEALTH_ITEMS)
    return (f"Safety check 2/{SCREENS}: does any of these apply to you?\n\n{lines}\n\n"
            "Tap each one that applies, then Done; or tap “None of these”.")


def _screen_rows(screen: int, ticked: list[str]) -> tuple[tuple[Choice, ...], ...]:
    buttons = [(f"✓ {label}" if key in ticked else label, "tick", key) for key, label in _items(screen)]
    rows = tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))
    return rows + (((NONE, "none", ""), ("Done", "done", "")),)


def ask_screen(turn: Turn, screen: int) -> None:
    if screen >= SCREENS:
        ask_injury(turn)
        return
    turn.ask("screen", _screen_text(screen), _screen_rows(screen, []), i=str(screen), ticked="")


async def on_screen(turn: Turn, action: str, arg: str) -> None:
    screen = int_arg(turn.data("i"), 1, SCREENS - 1) or 1
    ticked = _ticked(turn)
    if action == "tick":
        if arg not in dict(_items(screen)):
            turn.notice("That button didn't make sense to me; nothing changed.")
            return
        ticked = [k for k in ticked if k != arg] if arg in ticked else ticked + [arg]
        turn.goto("screen", keep_data=True, ticked=",".join(ticked))
        turn.chosen("", turn.keyboard(_screen_rows(screen, ticked)))
        if not turn.pressed:
            turn.say(_screen_text(screen), turn.keyboard(_screen_rows(screen, ticked)))
        return
    if action == "none" and ticked:
        turn.notice("You've ticked some: tap Done, or untick them first.")
        return
    chosen = [] if action == "none" else ticked
    labels = dict(_items(screen))
    turn.chosen(", ".join(labels[k] for k in chosen) if chosen else NONE)
    if screen == 1:
        _after_red_flags(turn, chosen)
    else:
        _after_health(turn, chosen)


def _after_red_flags(turn: Turn, chosen: list[str]) -> None:
    if not chosen:
        ask_screen(turn, 2)
        return
    # The most urgent first: its advice leads, the others follow in a line each.
    flags = sorted((f for f in SCREENED if f.key in chosen), key=lambda f: list(Urgency).index(f.urgency))
    others = [f.advice_for(None).split("\n", 1)[0] for f in flags[1:]]
    if others:
        turn.say("Also: " + " ".join(others))
    if flags[0].key == CLOT.key:
        ask_clot_follow_up(turn, resume_at="screen:2")
        return
    stop_for_red_flag(turn, flags[0].key, resume_at="screen:2")


def _after_health(turn: Turn, chosen: list[str]) -> None:
    turn.update_runner(screen_flags=turn.runner.screen_flags | frozenset(chosen))
    holds = [item for item in HEALTH_ITEMS if item.key in chosen and item.route is Route.HOLD]
    if holds:
        for extra in holds[1:]:
            turn.say("Also: " + hold_advice(extra, None).split("\n", 1)[0])
        stop_for_red_flag(turn, holds[0].key, hold_advice(holds[0], None), resume_at="screen:3")
        return
    ask_injury(turn)


def ask_injury(turn: Turn) -> None:
    turn.ask("injury", f"Safety check 3/{SCREENS}: {INJURY_QUESTION}", yes_no("injury"))


async def on_injury(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Yes" if arg == "yes" else "No")
    turn.update_runner(injury_history=arg == "yes")
    if clearance_reasons(turn.runner):
        ask_clearance(turn)
    else:
        ask_schedule_question(turn, "days", "onboard")


# ---- the clearance step -----------------------------------------------------------------

CLEARANCE_BUTTONS = ((("I've been cleared", "cleared", ""), ("Remind me later", "later", "")),)


def ask_clearance(turn: Turn) -> None:
    reasons = "\n".join(f"• {reason}" for reason in clearance_reasons(turn.runner))
    turn.ask("clearance", ("Please check with a health provider before you start, because of:\n"
                           f"{reasons}\n\nWhen they're happy for you to train, tap “I've been cleared”."),
             CLEARANCE_BUTTONS)


async def on_clearance(turn: Turn, action: str, arg: str) -> None:
    if action == "later":
        turn.chosen("Remind me later")
        due = turn.now + timedelta(days=CLEARANCE_REMINDER_DAYS)
        turn.update_runner(clearance_reminder_at=due)
        turn.ask("clearance", (f"No problem. I'll remind you on {short_date(due.astimezone(turn.tz).date())}. "
                               "When you've spoken to them, tap below or send /start and we'll pick up right here."),
                 ((("I've been cleared", "cleared", ""),),))
        return
    turn.chosen("I've been cleared")
    turn.update_runner(clearance_reminder_at=None)
    if turn.runner.injury_history:
        turn.ask("rehab", ("Good. One more: did a clinician diagnose a tendinopathy (for example Achilles) "
                           f"and clear you to train with some discomfort, up to {AMBER_MAX_REHAB}/{PAIN_MAX}?"),
                 yes_no("rehab"))
    else:
        ask_schedule_question(turn, "days", "onboard")


async def on_rehab(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Yes" if arg == "yes" else "No")
    if arg == "yes":
        turn.update_runner(profile=Profile.REHAB)
        turn.say("Then I'll use the pain-monitoring limits from tendon research: up to "
                 f"{AMBER_MAX_REHAB}/{PAIN_MAX} during an exercise is acceptable, as long as it settles by the next "
                 "morning (Silbernagel 2007).")
    else:
        turn.update_runner(profile=Profile.PAIN_FREE)
    turn.say(f"You'll stay on level {MIN_LEVEL} until you've had {number_word(INJURY_HOLD_GREEN_SESSIONS)} sessions "
             "in which everything felt easy.")
    ask_schedule_question(turn, "days", "onboard")


def _reask_screen(turn: Turn) -> None:
    screen = int_arg(turn.data("i"), 1, SCREENS - 1) or 1
    turn.ask("screen", _screen_text(screen), _screen_rows(screen, _ticked(turn)), keep_data=True)


STATES: dict[str, State] = {
    "welcome": State(ask_welcome, on_welcome),
    "screen": State(_reask_screen, on_screen),
    "injury": State(ask_injury, on_injury),
    "clearance": State(lambda t: t.ask("clearance", t.dialogue.prompt, CLEARANCE_BUTTONS), on_clearance),
    "rehab": State(lambda t: t.ask("rehab", t.dialogue.prompt, yes_no("rehab")), on_rehab),
}
