"""Red flags (docs/programme.md §6): stop, and see the right clinician in time.

Screened at /start (one tap-all-that-apply question) and offered during every session as
"Something's wrong". Any of them: no session, and a clinician hold until the runner says
a clinician checked them. The coach never diagnoses. Every piece of advice starts with
one short line that says what to do; emergencies name the local emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.emergency import emergency_number
from core.programme import OTTAWA_STEPS, REDUCED_LOAD_DAYS_FOR_REVIEW


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # call the emergency number or go now; nothing about running
    TODAY = "today"
    SOON = "soon"  # within days
    ROUTINE = "routine"


@dataclass(frozen=True, slots=True)
class RedFlag:
    key: str
    label: str  # short, for buttons
    screen: str  # the line in the start-up screen's list; "" = only offered mid-session
    advice: str  # first line: what to do; "{number}" is the local emergency number
    urgency: Urgency
    source: str

    def advice_for(self, zone: str | None) -> str:
        return self.advice.format(number=emergency_number(zone))


EMERGENCY = RedFlag(
    key="emergency",
    label="Chest pain, breathless or faint",
    screen="",
    advice=("Call {number} now.\n"
            "Chest pain, trouble breathing or feeling faint needs help straight away. Stop, sit or lie "
            "down, and don't drive yourself."),
    urgency=Urgency.EMERGENCY,
    source="NHS, when to call 999 (chest pain, breathlessness, collapse) [D]",
)
CLOT = RedFlag(
    key="clot",
    label="One calf swollen, warm or red",
    screen="Pain in one calf with swelling, warmth, red or darker skin, or hard, sore veins",
    advice=("Please get seen today: an urgent doctor's appointment (in the UK, NHS 111).\n"
            "A swollen, warm calf can be a blood clot. If you become short of breath, get chest pain "
            "or feel faint, call {number} at once."),
    urgency=Urgency.TODAY,
    source="NHS Gloucestershire DVT leaflet; nhs.uk DVT (docs/programme.md §6)",
)
# The clot flag's follow-up: with breathlessness or chest pain it is an emergency.
CLOT_FOLLOW_UP = ("Are you also short of breath, or do you have chest pain when you breathe in, "
                  "cough up blood or feel faint?")
CLOT_EMERGENCY = RedFlag(
    key="clot_lungs",
    label="Swollen calf and breathless",
    screen="",
    advice=("Call {number} now.\n"
            "A swollen calf with breathlessness or chest pain can mean a clot has reached the lungs. "
            "Don't drive yourself."),
    urgency=Urgency.EMERGENCY,
    source="NHS Gloucestershire DVT leaflet: pulmonary embolism signs (docs/programme.md §6)",
)

# A self-test leg that could not rise once (docs/programme.md §6). Not in the screens or the
# session menu: it comes up only from the test, after "did it start suddenly?" rules out the
# same-day route (the rupture flag).
NO_HEEL_RISE = RedFlag(
    key="no_heel_rise",
    label="Couldn't rise onto tiptoe on one leg",
    screen="",
    advice=("Please see a physio or GP in the next few days, before training on.\n"
            "Not being able to rise onto tiptoe on one leg at all deserves a proper look."),
    urgency=Urgency.SOON,
    source="[D]: a self-test count of 0; can't rise onto tiptoe is among the Achilles signs (docs/programme.md §4)",
)

RED_FLAGS: tuple[RedFlag, ...] = (
    EMERGENCY,
    RedFlag(
        key="compartment",
        label="Severe pain, tight swollen shin",
        screen="Severe leg pain out of proportion to what happened, with a tight, swollen shin or calf, or numbness",
        advice=("Go to an emergency department now, or call {number}.\n"
                "Severe pain with a tight, swollen shin or calf can be acute compartment syndrome, which "
                "needs treatment within hours. Don't drive yourself."),
        urgency=Urgency.EMERGENCY,
        source="Acute vs chronic compartment syndrome (docs/programme.md §6)",
    ),
    RedFlag(
        key="rupture",
        label="Sudden heel/calf pain, a pop",
        screen=("Sudden pain at the back of the heel or calf, with a pop or a feeling of being kicked, "
                "and since then trouble pushing off or rising onto tiptoe"),
        advice=("Please get it seen today, at an emergency department or urgent care.\n"
                "Those are signs of a possible Achilles tendon injury."),
        urgency=Urgency.TODAY,
        source="Bupa, Achilles tendon rupture (docs/programme.md §6)",
    ),
    CLOT,
    RedFlag(
        key="bone",
        label="Sore spot on a bone, pain at night",
        screen=("A spot on your shin or foot that hurts to press, or pain that builds as a run goes on, "
                "hurts at rest or at night, or when you hop on that leg"),
        advice=("Please stop running and see a clinician within the next few days.\n"
                "Those can be signs of a bone stress injury, which may need imaging."),
        urgency=Urgency.SOON,
        source="[WARD14] Warden, Davis & Fredericson, JOSPT 2014",
    ),
    RedFlag(
        key="nerve",
        label="Numbness, tingling, foot drop",
        screen=("Numbness, tingling, weakness or a foot that slaps when you run, or a tight, burning leg "
                "pain that starts at the same point each run and eases with rest"),
        advice=("Please book a clinician appointment (not an emergency) before training on.\n"
                "Those symptoms deserve a proper look."),
        urgency=Urgency.ROUTINE,
        source="Mayo Clinic, chronic exertional compartment syndrome (docs/programme.md §6)",
    ),
    RedFlag(
        key="ankle",
        label="Ankle/foot injury, can't walk",
        screen=(f"A recent ankle or foot injury after which you couldn't take {OTTAWA_STEPS} steps, or a bony "
                "edge of the ankle or the middle of the foot that is tender to touch"),
        advice=("Please get it checked today: a same-day assessment, possibly an X-ray.\n"
                "That can be a sign of a fracture."),
        urgency=Urgency.TODAY,
        source="[OTT92] Stiell et al., Ottawa ankle rules",
    ),
    RedFlag(
        key="systemic",
        label="Hot swollen joint, fever, night pain",
        screen=("A red, hot, swollen joint, a fever, pain that is constant at rest or wakes you, or unexplained "
                "weight loss"),
        advice=("Please get seen: today for a hot, swollen joint or a fever (in the UK, NHS 111); your GP "
                "for constant or night pain or weight loss.\n"
                "Those need a doctor rather than an exercise plan."),
        urgency=Urgency.TODAY,
        source="CHT NHS Achilles tendinopathy page; tendinopathy pain phases (docs/programme.md §6)",
    ),
    RedFlag(
        key="medication",
        label="Achilles pain after antibiotics/steroids",
        screen=("New Achilles pain while taking, or after, antibiotics like ciprofloxacin (fluoroquinolones), "
                "or after steroid injections or tablets"),
        advice=("Please stop loading the tendon and contact whoever prescribed them, or a clinician, promptly.\n"
                "These medicines can weaken tendons."),
        urgency=Urgency.SOON,
        source="CHCP MSK, Achilles tendinopathy (docs/programme.md §6)",
    ),
)
SCREENED: tuple[RedFlag, ...] = tuple(flag for flag in RED_FLAGS if flag.screen)

# Not urgent, but a reason to get a diagnosis (docs/programme.md §6, last row; [SILB07]).
REVIEW_ADVICE = ("Pain that keeps coming back, changes how you run, isn't easing after about "
                 f"{REDUCED_LOAD_DAYS_FOR_REVIEW // 7} weeks of lighter work, or creeps up week on week deserves a "
                 "proper diagnosis: please book a physio or GP review.")
CHECK_FIRST = ("Please check with your health provider before starting: they know your history and "
               "can say whether these exercises suit you right now.")
PAIN_WHOM = "Please see a GP or physio about the pain before training again."


def red_flag(key: str) -> RedFlag | None:
    for flag in (*RED_FLAGS, CLOT_EMERGENCY, NO_HEEL_RISE):
        if flag.key == key:
            return flag
    return None
