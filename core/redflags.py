"""Red flags (PROGRAMME.md §6): stop, and see the right clinician in time.

Asked at /start one short question per group, and offered during every session
as "Something's wrong". Any yes: no session, the programme pauses until the
runner says they have been checked. The coach never diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RedFlag:
    key: str
    label: str  # short, for the "Something's wrong" menu
    question: str  # the screening question, answered yes/no
    advice: str  # whom to see and how urgently
    source: str


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag(
        key="rupture",
        label="Sudden heel/calf pain, a pop",
        question=("Have you had sudden pain at the back of the heel or calf, often with a snap or pop "
                  "or a feeling of being kicked, and since then trouble pushing off or rising onto tiptoe? "
                  "Or severe leg pain after an injury, with a tight, hard calf or numbness?"),
        advice=("That needs to be seen today: go to A&E or urgent care (an Achilles tendon injury "
                "is possible). Severe pain with a hard, tense calf after an injury is an emergency."),
        source="Bupa, Achilles tendon rupture; acute compartment syndrome (PROGRAMME.md §6)",
    ),
    RedFlag(
        key="clot",
        label="One calf swollen, warm or red",
        question=("Do you have pain in one calf with swelling, warmth, red or darker skin, "
                  "or hard, sore veins?"),
        advice=("Please get seen today (in the UK: an urgent GP appointment or NHS 111). If you are also "
                "short of breath, have chest pain when breathing in, cough blood or feel faint, "
                "call 999 / 112 / 911 now and don't drive yourself."),
        source="NHS Gloucestershire DVT leaflet; nhs.uk DVT (PROGRAMME.md §6)",
    ),
    RedFlag(
        key="bone",
        label="Sore spot on a bone, pain at night",
        question=("Is there a spot on your shin or foot that hurts to press, or pain that builds as a run "
                  "goes on, hurts at rest or at night, or when you hop on that leg?"),
        advice=("Please stop running and see a clinician within the next few days: those are signs of a "
                "possible bone stress injury that may need imaging. Groin pain when running needs a prompt review."),
        source="[WARD14] Warden, Davis & Fredericson, JOSPT 2014",
    ),
    RedFlag(
        key="nerve",
        label="Numbness, tingling, foot drop",
        question=("When you run, do you get numbness, tingling, weakness or a foot that slaps or drops, "
                  "or a tight, burning leg pain that starts at the same point each run and eases with rest?"),
        advice=("Please book a clinician appointment (not an emergency) before training on: those "
                "symptoms deserve a proper look."),
        source="Mayo Clinic, chronic exertional compartment syndrome (PROGRAMME.md §6)",
    ),
    RedFlag(
        key="ankle",
        label="Ankle/foot injury, can't walk",
        question=("Have you recently hurt your ankle or foot and couldn't take four steps on it, or is the "
                  "bony edge of your ankle or the middle of your foot tender to touch?"),
        advice="Please get that checked today: a same-day assessment, possibly an X-ray.",
        source="[OTT92] Stiell et al., Ottawa ankle rules",
    ),
    RedFlag(
        key="systemic",
        label="Hot swollen joint, fever, night pain",
        question=("Do you have a red, hot, swollen joint, a fever, pain that is constant at rest or wakes "
                  "you at night, or unexplained weight loss?"),
        advice=("Please get seen soon: a hot, swollen joint with fever needs a same-day check (in the UK, "
                "NHS 111); constant or night pain or weight loss, see your GP."),
        source="CHT NHS Achilles tendinopathy page; tendinopathy pain phases (PROGRAMME.md §6)",
    ),
    RedFlag(
        key="medication",
        label="Achilles pain after antibiotics/steroids",
        question=("Have you had new Achilles pain while taking, or after, antibiotics like ciprofloxacin "
                  "(fluoroquinolones), or after steroid injections or tablets?"),
        advice=("Please stop loading the tendon and contact whoever prescribed them, or a clinician, "
                "promptly: these medicines can weaken tendons."),
        source="CHCP MSK, Achilles tendinopathy (PROGRAMME.md §6)",
    ),
)

# Not urgent, but a reason to get a diagnosis (PROGRAMME.md §6, last row; [SILB07]).
REVIEW_ADVICE = ("Pain that changes how you run, isn't easing after about two weeks of lighter work, or keeps "
                 "creeping up week on week deserves a proper diagnosis: please book a physio or GP review.")

BLOOD_PRESSURE_QUESTION = ("Do you have high blood pressure that isn't under control, or a heart condition? "
                           "(Holding a position raises blood pressure for a while.)")
INJURY_QUESTION = ("Have you had a foot, ankle, calf, knee or hip injury or pain in the past year, "
                   "or do you have pain there now?")
CHECK_FIRST = ("Please check with your health provider before starting: they know your history and "
               "can say whether these exercises suit you right now.")


def red_flag(key: str) -> RedFlag | None:
    for flag in RED_FLAGS:
        if flag.key == key:
            return flag
    return None
