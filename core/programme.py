"""The programme as data: five heels-up exercises, five levels each, and every
number the rules use. One place per fact; the key in brackets is the source
(see PROGRAMME.md §8): [D] marks a design decision of ours with no trial behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---- the exercises ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    version: str
    dose: str
    minutes: float  # approximate time it takes


@dataclass(frozen=True, slots=True)
class Exercise:
    key: str
    name: str
    short: str  # for charts and one-line decisions
    cues: tuple[str, ...]
    levels: tuple[Level, ...]

    def level(self, number: int) -> Level:
        return self.levels[number - 1]


# Exercise 1 comes from the article [LIIRA25]; 2-5 are our choice of classic patterns [D].
EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        key="calf",
        name="Isometric calf-raise hold",
        short="Calf hold",
        cues=(
            "Rise as high as you can, then ease down a touch into a strong, high position and stay still.",
            "Press the big toe down and keep the ankle from rolling out.",
            "Stand tall, hips over ankles; fingertips steady you, don't lean on the wall.",
            "Breathe normally the whole time.",
        ),
        levels=(
            Level(1, "Both feet, both hands on a wall or counter", "4 × 20 s hold, 20 s rest", 2.5),
            Level(2, "Both feet, fingertip support, knees slightly bent", "3 × 40 s, 20 s rest", 3),
            Level(3, "Staggered stance: front foot takes about 80% of your weight, back toes just touch",
                  "2 × 30 s per side, alternating", 2.5),
            Level(4, "Single leg, knee straight, fingertip support", "3 × 30 s per leg, alternating", 3),
            Level(5, "Single leg, knee bent about 30–45°, fingertip support", "2 × 45 s per leg, alternating", 3),
        ),
    ),
    Exercise(
        key="squat",
        name="Heels-up squat",
        short="Squat",
        cues=(
            "Rise onto the balls of your feet first and keep the heels high throughout.",
            "Go only as deep as your heels stay up and it stays pain-free.",
            "Knees track over the second and third toes; don't let them cave in.",
            "Three seconds down, a one-second pause, smooth up. Arms forward help balance.",
        ),
        levels=(
            Level(1, "Tiptoe quarter-squat, hands on a counter", "2 × 8, 3 s down, 30 s rest", 2),
            Level(2, "Freestanding tiptoe half-squat", "3 × 8, tempo 3-1-1, 30 s rest", 3),
            Level(3, "Tiptoe squat with a 3 s pause at the bottom", "3 × 8, 30 s rest", 3.5),
            Level(4, "Deeper tiptoe squat (pain-free, heels up), 10 s hold on the last rep",
                  "3 × 8, 20–30 s rest", 3.5),
            Level(5, "Tiptoe squat, 4 s down, finish each set with a 20 s hold at half depth",
                  "2 × (8 + 20 s hold), 30 s rest", 3),
        ),
    ),
    Exercise(
        key="split",
        name="Heels-up split squat",
        short="Split squat",
        cues=(
            "Stand about a stride apart, lift the front heel and keep it lifted.",
            "Sink straight down, back knee toward the floor; the front knee may go past the toes.",
            "Keep your pelvis level and your chest tall.",
            "Push back up through the ball of the front foot.",
        ),
        levels=(
            Level(1, "Split-stance hold, front heel up, shallow bend, hand on a wall", "2 × 20 s per side", 2),
            Level(2, "Split squat, front heel up, hand support, partial range",
                  "2 × 8 per side, 3 s down, 20 s rest", 3),
            Level(3, "Same without support, full pain-free range", "2 × 8 per side, tempo 3-1-1", 3),
            Level(4, "Same with a 2 s pause at the bottom", "2 × 8 per side", 3.5),
            Level(5, "Split squat into a knee drive: rise into a single-leg calf raise, hold 1 s",
                  "2 × 6 per side", 3),
        ),
    ),
    Exercise(
        key="hinge",
        name="Heels-up single-leg Romanian deadlift",
        short="SL deadlift",
        cues=(
            "Soft knee. Send your hips back with a long spine and reach the free leg straight back.",
            "Hinge only as far as the heel stays up and your hips stay square to the floor.",
            "Stand up by squeezing the glute of the standing leg.",
            "Fingertips on a wall are fine; losing balance ends the set.",
        ),
        levels=(
            Level(1, "Two-leg tiptoe hip hinge, hands on hips, torso to about 45°", "2 × 10, slow, 30 s rest", 2),
            Level(2, "Kickstand tiptoe RDL: front heel up, about 80% of weight in front, back toes lightly down",
                  "2 × 8 per side", 3),
            Level(3, "Single-leg RDL, heel flat, finishing with a calf raise at the top; fingertip support",
                  "2 × 8 per side", 3),
            Level(4, "Single-leg tiptoe RDL (heel up throughout), fingertip support, 3 s down",
                  "2 × 6–8 per side", 3),
            Level(5, "Single-leg tiptoe RDL without support, 3 s down and a 2 s hold at the bottom",
                  "2 × 6 per side", 3),
        ),
    ),
    Exercise(
        key="bridge",
        name="Heels-up glute bridge",
        short="Bridge",
        cues=(
            "Feet hip-width, about a hand's length from your glutes. Up onto the balls of the feet, then lift the hips.",
            "Ribs down and squeeze the glutes at the top so your lower back doesn't arch.",
            "Keep the hips level; neither side dips.",
            "If hamstrings or calves cramp, bring the feet closer and tap “Too hard”.",
        ),
        levels=(
            Level(1, "Normal bridge; at the top lift the heels for 2 s, lower heels, then hips",
                  "2 × 10, 30 s rest", 2),
            Level(2, "Tiptoe bridge, heels up throughout, 2 s hold at the top", "3 × 10, 30 s rest", 3),
            Level(3, "Tiptoe bridge hold", "3 × 30 s, 20–30 s rest", 2.5),
            Level(4, "Tiptoe bridge march: lift one foot for 2 s at a time, hips level",
                  "3 × 10 alternating, 20 s rest", 3),
            Level(5, "Single-leg tiptoe bridge, 2 s hold at the top", "2 × 8 per side", 3),
        ),
    ),
)

MIN_LEVEL = 1  # every runner starts here on every exercise [D]
MAX_LEVEL = 5  # five levels per exercise [D]

# Rules for every exercise (PROGRAMME.md §2) [D]: shown before the first exercise.
GENERAL_CUES: tuple[str, ...] = (
    "Heel height is your form marker: when the heels sink, the set is over.",
    "Weight through the big and second toe; don't let the ankle roll out.",
    "About 3 s down, a short pause, 1-2 s up, to your deepest pain-free range.",
    "It's a warm-up: about 6-7/10 effort, stopping 2-3 reps short of failure.",
)
MOBILITY_DRILL = "Optional 2-3 min first: ankle circles, leg swings, walking lunges."
SESSION_MINUTES = (15, 20)  # the whole session [LIIRA25]

# ---- pain limits (PROGRAMME.md §4b) ------------------------------------------------
# Upper bound of each zone, inclusive, per profile. The default is pain-free because the
# article asks for a pain-free range [LIIRA25]; the rehab profile allows up to 5/10 during
# activity as in the pain-monitoring model [SILB07].
GREEN_MAX = 2  # 0-2 green in both profiles [D]
AMBER_MAX_PAIN_FREE = 3  # 3 amber; 4-6 red [D]
AMBER_MAX_REHAB = 5  # 3-5 amber: "may reach 5/10" [SILB07]
STOP_FROM = 7  # 7-10: stop the session, pause, see a clinician [D]

# Readiness (pain now, before the session): at or above this, no session today [D].
NOT_READY_FROM_PAIN_FREE = 4
NOT_READY_FROM_REHAB = 6

# ---- progression (PROGRAMME.md §4) -------------------------------------------------
GREEN_SESSIONS_TO_PROGRESS = 2  # two sessions in a row, green and settled next morning [D]
DAYS_BETWEEN_PROGRESSIONS = 7  # never more than one level up per exercise per week [D]
INJURY_HOLD_GREEN_SESSIONS = 2  # injury history: stay at level 1 until two green sessions [D]
WEEKLY_RISE_POINTS = 1.0  # weekly morning mean up by >= 1 point = "rising" [SILB07]
RISING_WEEKS_FOR_REVIEW = 2  # rising two weeks in a row: suggest a physio/GP review [SILB07]
REDUCED_LOAD_DAYS_FOR_REVIEW = 14  # not improving after ~2 weeks of reduced load: review [SILB07]
GAP_ONE_LEVEL_DAYS = 14  # no session for 14+ days: every exercise one level down [D]
GAP_TWO_LEVELS_DAYS = 28  # 28+ days: two levels down [D]

# ---- consistency (PROGRAMME.md §4) -------------------------------------------------
SESSIONS_PER_WEEK_CHOICES = (2, 3)  # "2-3 times a week" [LIIRA25]
DEFAULT_SESSIONS_PER_WEEK = 2

# ---- reminders ---------------------------------------------------------------------
# Default lead: the 15-20 min session ends as the run starts [LIIRA25].
DEFAULT_LEAD_MINUTES = 20
LEAD_CHOICES = (20, 30, 45, 60)
SNOOZE_MINUTES = 10
DEFAULT_MORNING_CHECK = (8, 0)  # next-morning check, local hh:mm, changeable in /settings
WEEKLY_SUMMARY_AT = (6, 19, 0)  # Sunday 19:00 local: weekday, hh, mm
CHECK_IN_AFTER_MISSED_WEEKS = 2  # "are you still there?" once, then quiet

# ---- heel-raise self-test (PROGRAMME.md §5) ----------------------------------------
SELFTEST_BPM = 60  # one beat up, one beat down: 30 rises a minute [HL17]
METRONOME_LEAD_IN_BEATS = 4  # low count-in clicks before the first rise [D]
# Rises on the click track: 43 (a 90 s track) is past the estimate for men in their 20s (37) [HL17, via S] [D].
METRONOME_RISES = 43
SELFTEST_MEDIAN = {"m": 24, "f": 21}  # median single-leg heel rises, n = 566 [HL17]
SELFTEST_NOISE_REPS = 6  # a change of 6 reps or fewer between tests may be noise [HL17]
SELFTEST_SIDE_GAP = 0.10  # weaker side more than 10% below the stronger: "worth building" [S]
SELFTEST_RETEST_DAYS = (28, 42)  # offer a retest every 4-6 weeks [D]
# Regression estimates by age band (BMI 24.2, moderate activity), ranges where the two
# secondary transcriptions differ [HL17, via S]; shown as context, never as a threshold.
SELFTEST_AGE_ESTIMATES: dict[int, dict[str, str]] = {
    20: {"m": "37", "f": "30"},
    30: {"m": "32–33", "f": "27"},
    40: {"m": "28", "f": "24–25"},
    50: {"m": "23–24", "f": "21–22"},
    60: {"m": "19", "f": "19"},
    70: {"m": "14–15", "f": "16"},
}

# ---- documents and linking (issue 13) ----------------------------------------------
SUMMARY_WEEKS_CHOICES = (4, 6, 8, 12)  # periods a clinician summary can cover [D]
SUMMARY_DEFAULT_WEEKS = 6  # long enough for a trend, short enough to read in a minute [D]
CALENDAR_WEEKS = 8  # how far ahead the calendar file plans sessions [D]
CALENDAR_RUN_MINUTES = 45  # a run day's block in the calendar; the runner's own run length is unknown [D]
LINK_CODE_MINUTES = 10  # a link code is valid this long, once [D]
LINK_CODES_PER_HOUR = 5  # codes one runner may ask for in an hour [D]
LINK_WRONG_TRIES_PER_MINUTE = 3  # wrong codes one chat may try in a minute [D]
