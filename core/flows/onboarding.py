"""/start: the welcome and the safety screening; the schedule questions follow (questions.py)."""

from __future__ import annotations

from core.flows.base import State, int_arg, yes_no
from core.flows.questions import ask_schedule_question
from core.model import Profile
from core.redflags import BLOOD_PRESSURE_QUESTION, CHECK_FIRST, INJURY_QUESTION, RED_FLAGS
from core.turn import Turn


# ---- welcome and screening ----------------------------------------------------------

def ask_welcome(turn: Turn) -> None:
    turn.ask("welcome", (
        "Hi! I'm Tiptoe, a strength coach for runners. 👟\n\n"
        "Twice or three times a week, before a run, I'll guide you through five classic lower-body "
        "exercises done with your heels lifted: about 15-20 minutes as your warm-up. Slowly, only as "
        "deep as stays pain-free, and consistency over heroics.\n\n"
        "First a short safety check (a few yes/no questions), then your running days."),
        ((("Let's start", "begin", ""),),))


async def on_welcome(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Let's start")
    ask_screen(turn, 0)


def ask_screen(turn: Turn, index: int) -> None:
    flag = RED_FLAGS[index]
    turn.ask("screen", f"Safety check {index + 1}/{len(RED_FLAGS)}\n\n{flag.question}",
             yes_no("screen"), i=str(index))


async def on_screen(turn: Turn, action: str, arg: str) -> None:
    index = int_arg(turn.data("i"), 0, len(RED_FLAGS) - 1) or 0
    turn.chosen("Yes" if arg == "yes" else "No")
    if arg == "yes":
        stop_for_red_flag(turn, RED_FLAGS[index].key, RED_FLAGS[index].advice, resume_at=f"screen:{index + 1}")
    elif index + 1 < len(RED_FLAGS):
        ask_screen(turn, index + 1)
    else:
        ask_bp(turn)


def stop_for_red_flag(turn: Turn, key: str, advice: str, resume_at: str = "idle") -> None:
    """Any red flag: no training, a clear route to a clinician, paused until they've been checked."""
    turn.update_runner(clinician_hold=key)
    turn.say(f"Let's stop here. {advice}\n\nI can't diagnose anything, and I don't want to guess.")
    ask_hold(turn, resume_at)


def ask_hold(turn: Turn, resume_at: str = "") -> None:
    turn.ask("hold", ("Your programme is paused for now. When a clinician has checked you and is happy "
                      "for you to train, tap below (or send /resume)."),
             ((("I've been checked", "checked", ""),),), resume=resume_at or turn.data("resume", "idle"))


async def on_hold(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("I've been checked")
    turn.update_runner(clinician_hold=None)
    turn.say("Thanks for getting checked. Let's carry on gently.")
    await resume_after_hold(turn, turn.data("resume", "idle"))


async def resume_after_hold(turn: Turn, resume_at: str) -> None:
    from core.flows.idle import show_idle  # idle imports onboarding for /settings

    where, _, arg = resume_at.partition(":")
    if where == "screen":
        index = int_arg(arg, 0, len(RED_FLAGS)) or 0
        ask_screen(turn, index) if index < len(RED_FLAGS) else ask_bp(turn)
    else:
        show_idle(turn)


def ask_bp(turn: Turn) -> None:
    turn.ask("bp", BLOOD_PRESSURE_QUESTION, yes_no("bp"))


BP_CHECK_FIRST = "Please ask your clinician before doing the holds in this programme. " + CHECK_FIRST


def clearance_text(reason: str) -> str:
    return BP_CHECK_FIRST if reason == "bp" else CHECK_FIRST


async def on_bp(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Yes" if arg == "yes" else "No")
    if arg == "yes":
        ask_clearance(turn, "bp", clearance_text("bp"))
    else:
        ask_injury(turn)


def ask_injury(turn: Turn) -> None:
    turn.ask("injury", INJURY_QUESTION, yes_no("injury"))


async def on_injury(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Yes" if arg == "yes" else "No")
    turn.update_runner(injury_history=arg == "yes")
    if arg == "yes":
        ask_clearance(turn, "injury", CHECK_FIRST)
    else:
        ask_schedule_question(turn, "days", "onboard")


def ask_clearance(turn: Turn, reason: str, text: str) -> None:
    turn.ask("clearance", text, ((("I've been cleared", "cleared", ""), ("Remind me later", "later", "")),),
             reason=reason)


def ask_clearance_again(turn: Turn) -> None:
    """Asked again (/start, free text): the same advice as the first time, blood pressure included."""
    reason = turn.data("reason", "injury")
    ask_clearance(turn, reason, clearance_text(reason))


async def on_clearance(turn: Turn, action: str, arg: str) -> None:
    reason = turn.data("reason", "injury")
    if action == "later":
        turn.chosen("Remind me later")
        turn.ask("clearance", "No problem. When you've spoken to them, tap below or send /start and "
                              "we'll pick up right here.",
                 ((("I've been cleared", "cleared", ""),),), reason=reason)
        return
    turn.chosen("I've been cleared")
    if reason == "bp":
        ask_injury(turn)
    else:
        turn.ask("rehab", ("Good. One more: did a clinician diagnose a tendinopathy (for example Achilles) "
                           "and clear you to train with some discomfort, up to 5/10?"), yes_no("rehab"))


async def on_rehab(turn: Turn, action: str, arg: str) -> None:
    turn.chosen("Yes" if arg == "yes" else "No")
    if arg == "yes":
        turn.update_runner(profile=Profile.REHAB)
        turn.say("Then I'll use the pain-monitoring limits from tendon research: up to 5/10 during an "
                 "exercise is acceptable, as long as it settles by the next morning (Silbernagel 2007).")
    else:
        turn.update_runner(profile=Profile.PAIN_FREE)
    turn.say("You'll stay on level 1 until you've had two easy sessions in a row.")
    ask_schedule_question(turn, "days", "onboard")


STATES: dict[str, State] = {
    "welcome": State(ask_welcome, on_welcome),
    "screen": State(lambda t: ask_screen(t, int_arg(t.data("i"), 0, len(RED_FLAGS) - 1) or 0), on_screen),
    "hold": State(ask_hold, on_hold),
    "bp": State(ask_bp, on_bp),
    "injury": State(ask_injury, on_injury),
    "clearance": State(ask_clearance_again, on_clearance),
    "rehab": State(lambda t: t.ask("rehab", t.dialogue.prompt, yes_no("rehab")), on_rehab),
}
