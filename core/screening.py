"""The start-up screen's health questions (docs/programme.md §6) and what each answer changes.

Three taps for a runner with nothing to report: the red flags (core/redflags.py) in one
tap-all-that-apply list, these health items in a second, and any lower-body injury or
pain, ever or now, as a yes/no. Each item routes one of two ways: a clinician hold (no
start until a doctor has seen them), or a clearance step with its reason. Two items also
change the programme itself: under-18s stay on the gentlest levels, and in pregnancy or
the year after a birth the bridge keeps to its short holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.emergency import emergency_number
from core.model import Runner
from core.programme import (
    ADULT_AGE,
    EXERCISES,
    MAX_LEVEL,
    MIN_LEVEL,
    POSTPARTUM_MONTHS,
    PREGNANCY_BRIDGE_MAX_LEVEL,
    RECENT_SURGERY_MONTHS,
    YOUTH_MAX_LEVEL,
)


class Route(StrEnum):
    HOLD = "hold"  # a clinician hold: see a doctor before starting
    CLEARANCE = "clearance"  # check with a health provider, then tap "I've been cleared"


@dataclass(frozen=True, slots=True)
class HealthItem:
    key: str
    label: str  # the button, and the line in the list
    route: Route
    reason: str  # hold: advice whose first line says what to do; clearance: why to check first


YOUTH, PREGNANT = "under18", "pregnant"
INJURY = "injury"  # the third question's yes: a clearance reason too

HEALTH_ITEMS: tuple[HealthItem, ...] = (
    HealthItem(YOUTH, f"Under {ADULT_AGE}", Route.CLEARANCE,
               f"you're under {ADULT_AGE}: do this with a parent's OK and a check by your doctor or physio. "
               f"You'll stay on levels {MIN_LEVEL}-{YOUTH_MAX_LEVEL}, the gentlest ones"),
    HealthItem(PREGNANT, f"Pregnant, or a baby in the last {POSTPARTUM_MONTHS} months", Route.CLEARANCE,
               "pregnancy or a recent birth: check with your midwife, doctor or physio first. The bridge "
               f"stays on levels {MIN_LEVEL}-{PREGNANCY_BRIDGE_MAX_LEVEL}, with short holds only (no long holds "
               "lying on your back)"),
    HealthItem("surgery", f"Surgery in the last {RECENT_SURGERY_MONTHS} months", Route.CLEARANCE,
               "recent surgery: your surgeon or physio should say when loading is safe"),
    HealthItem("exertion", "Chest pain, fainting or dizziness when exercising", Route.HOLD,
               "Please see a doctor before you start.\nChest pain, fainting or dizziness during exercise needs a "
               "check before any training. If it happens now, call {number}."),
    HealthItem("heart", "High blood pressure (not controlled) or a heart condition", Route.CLEARANCE,
               "blood pressure or the heart: holding a position raises blood pressure for a while, so ask "
               "your clinician about the holds in this programme"),
    HealthItem("fracture", "A past stress fracture", Route.CLEARANCE,
               "a past stress fracture: bone stress injuries tend to come back, so a clinician should know "
               "your plan"),
    HealthItem("groin", "Groin pain when running", Route.HOLD,
               "Please stop running and see a clinician promptly.\nGroin pain with running can come from a "
               "stress injury of the hip bone, which needs a prompt review."),
    HealthItem("reds", "Missed periods, or eating too little for your training", Route.CLEARANCE,
               "missed periods or too little fuel (RED-S): a doctor should check, because low energy raises "
               "the risk of bone stress injuries"),
)
INJURY_QUESTION = ("Have you ever had an injury or pain in your feet, ankles, legs, knees, hips or lower back, "
                   "or do you have any now?")
INJURY_REASON = ("an injury or pain in your lower body, now or in the past: someone who knows your history "
                 "should say whether these exercises suit you")


def health_item(key: str) -> HealthItem | None:
    return next((item for item in HEALTH_ITEMS if item.key == key), None)


def hold_advice(item: HealthItem, zone: str | None) -> str:
    return item.reason.format(number=emergency_number(zone))


def clearance_reasons(runner: Runner) -> list[str]:
    """Why the runner should check with a clinician before starting, one line each."""
    reasons = [item.reason for item in HEALTH_ITEMS
               if item.route is Route.CLEARANCE and item.key in runner.screen_flags]
    if runner.injury_history:
        reasons.append(INJURY_REASON)
    return reasons


def level_cap(runner: Runner, exercise: int) -> int:
    """The highest level this runner may reach on this exercise [D]."""
    cap = MAX_LEVEL
    if YOUTH in runner.screen_flags:
        cap = min(cap, YOUTH_MAX_LEVEL)
    if PREGNANT in runner.screen_flags and EXERCISES[exercise].key == "bridge":
        cap = min(cap, PREGNANCY_BRIDGE_MAX_LEVEL)
    return cap
