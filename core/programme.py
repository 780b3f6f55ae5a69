"""The programme as data: five heels-up exercises, five levels each, and every number the
rules and the wording use. One place per fact; the key in brackets is the source, and
docs/programme.md explains every key: [D] marks a design decision of ours with no trial
behind it. Emergency numbers live in core/emergency.py, the red flags in core/redflags.py.
"""

from __future__ import annotations

from core.dose import Dose, Exercise, Level, PauseAt, Tempo

# ---- the exercises (docs/programme.md §3) ---------------------------------------------
# Exercise 1 comes from the article [LIIRA25]; 2-5 are our choice of classic patterns [D].
# Versions and doses follow the spec's tables [D]; rests the tables leave open are ours [D].

_BOTTOM, _TOP = PauseAt.BOTTOM, PauseAt.TOP

# ---- beyond level 5 (docs/programme.md §2, "Beyond level 5") [D] ------------------------
# The spec's tables stop at level 5. Two more levels per exercise keep a consistent runner
# moving: a step edge for calf range, a light backpack load, longer holds. None of this has a
# trial behind it [D]; the pain rules apply exactly as before, and "Too hard" goes back down.
CORE_LEVELS = 5  # the spec's five levels per exercise
LOAD_START_KG = 5  # a backpack's first load: light, and the same for everyone [D]
_LOAD = f"wearing a backpack with a light load (start with about {LOAD_START_KG} kg)"
_BREATHE = "Breathe normally the whole time."
_TOES = "Press the big toe down and keep the ankle from rolling out."

CALF = Exercise(
    key="calf", name="Isometric calf-raise hold", short="Calf hold",
    cues=(
        "Rise as high as you can, then ease down a touch into a strong, high position and stay still.",
        _TOES,
        "Stand tall, hips over ankles; fingertips steady you, don't lean on the wall.",
        _BREATHE,
    ),
    levels=(
        Level(1, "Both feet, both hands on a wall or counter", Dose(sets=4, hold_s=20, rest_s=20), cues=(
            "Rise as high as you can on both feet, then ease down a touch and stay still.",
            "Press the big toes down and keep the ankles from rolling out.",
            "Both hands rest on the wall or counter for balance; stand tall, hips over ankles.",
            _BREATHE)),
        Level(2, "Both feet, fingertip support, knees slightly bent", Dose(sets=3, hold_s=40, rest_s=20), cues=(
            "Bend the knees slightly, then rise as high as you can and hold still: "
            "the bend works the deeper calf muscle (soleus).",
            "Press the big toes down and keep the ankles from rolling out.",
            "Fingertips steady you; don't lean on the wall.",
            _BREATHE)),
        Level(3, "Staggered stance: front foot takes about 80% of your weight, back toes just touch",
              Dose(sets=2, hold_s=30, per_side=True, alternating=True), cues=(
                  "Front foot takes most of your weight; the back toes only touch the floor.",
                  "Rise high on the front foot and stay still.",
                  _TOES,
                  "Fingertips steady you. " + _BREATHE)),
        Level(4, "Single leg, knee straight, fingertip support",
              Dose(sets=3, hold_s=30, per_side=True, alternating=True)),
        Level(5, "Single leg, knee bent about 30–45°, fingertip support",
              Dose(sets=2, hold_s=45, per_side=True, alternating=True), cues=(
                  "Stand on one leg, bend the knee about 30–45°, then rise high and stay still.",
                  "Keep the knee bend the same for the whole hold.",
                  _TOES,
                  "Fingertips steady you. " + _BREATHE)),
        # 45 s: the top of the 30-45 s holds isometric tendon work uses (docs/programme.md §2) [D].
        Level(6, "Single leg on a step edge, knee straight: heel level with the step, rise and hold high",
              Dose(sets=2, hold_s=45, per_side=True, alternating=True), cues=(
                  "Ball of the foot on the edge of a stair, heel over the edge, level with the step.",
                  "Rise as high as you can, then ease down a touch and stay still.",
                  _TOES,
                  "Fingertips on the wall or banister. " + _BREATHE)),
        Level(7, f"Single leg on a step edge, {_LOAD}",
              Dose(sets=2, hold_s=45, per_side=True, alternating=True), cues=(
                  f"Backpack on, about {LOAD_START_KG} kg to start; ball of the foot on the stair's edge.",
                  "Rise as high as you can, then ease down a touch and stay still.",
                  _TOES,
                  "Fingertips on the wall or banister. " + _BREATHE)),
    ),
)

SQUAT = Exercise(
    key="squat", name="Heels-up squat", short="Squat",
    cues=(
        "Rise onto the balls of your feet first and keep the heels high throughout.",
        "Go only as deep as your heels stay up and it stays pain-free.",
        "Knees track over the second and third toes; don't let them cave in.",
        "Arms forward help balance.",
    ),
    levels=(
        Level(1, "Tiptoe quarter-squat, hands on a counter",
              Dose(sets=2, reps=8, rest_s=30, tempo=Tempo(3, 0, 1)), cues=(
                  "Hands on the counter; rise onto the balls of your feet first.",
                  "Bend only a little (a quarter squat), heels high the whole time.",
                  "Knees track over the second and third toes; don't let them cave in.",
                  "Stop where it would hurt.")),
        Level(2, "Freestanding tiptoe half-squat", Dose(sets=3, reps=8, rest_s=30, tempo=Tempo(3, 1, 1))),
        Level(3, "Tiptoe squat with a 3 s pause at the bottom",
              Dose(sets=3, reps=8, rest_s=30, tempo=Tempo(3, 3, 1))),
        Level(4, "Deeper tiptoe squat (pain-free, heels up), 10 s hold on the last rep",
              Dose(sets=3, reps=8, rest_s=30, tempo=Tempo(3, 1, 1), end_hold_s=10)),
        Level(5, "Tiptoe squat, 4 s down, finishing each set with a 20 s hold at half depth",
              Dose(sets=2, reps=8, rest_s=30, tempo=Tempo(4, 0, 1), end_hold_s=20)),
        Level(6, f"Tiptoe squat {_LOAD}", Dose(sets=3, reps=8, rest_s=30, tempo=Tempo(3, 1, 1))),
        Level(7, "Tiptoe squat with the backpack, finishing each set with a 30 s hold at half depth",
              Dose(sets=2, reps=8, rest_s=30, tempo=Tempo(3, 1, 1), end_hold_s=30)),
    ),
)

SPLIT = Exercise(
    key="split", name="Heels-up split squat", short="Split squat",
    cues=(
        "Stand about a stride apart, lift the front heel and keep it lifted.",
        "Sink straight down, back knee toward the floor; the front knee may go past the toes.",
        "Keep your pelvis level and your chest tall.",
        "Push back up through the ball of the front foot.",
    ),
    levels=(
        Level(1, "Split-stance hold, front heel up, shallow bend, hand on a wall",
              Dose(sets=2, hold_s=20, per_side=True, rest_s=20), cues=(
                  "Stand about a stride apart, a hand on the wall, and lift the front heel.",
                  "Bend both knees a little and hold still there, front heel high.",
                  "Keep your pelvis level and your chest tall.",
                  "Hold, then swap legs.")),
        Level(2, "Split squat, front heel up, hand support, partial range",
              Dose(sets=2, reps=8, per_side=True, rest_s=20, tempo=Tempo(3, 0, 1))),
        Level(3, "Same without support, full pain-free range",
              Dose(sets=2, reps=8, per_side=True, rest_s=20, tempo=Tempo(3, 1, 1))),
        Level(4, "Same with a 2 s pause at the bottom",
              Dose(sets=2, reps=8, per_side=True, rest_s=20, tempo=Tempo(3, 2, 1))),
        Level(5, "Split squat into a knee drive: rise into a single-leg calf raise, hold 1 s",
              Dose(sets=2, reps=6, per_side=True, rest_s=30, tempo=Tempo(3, 1, 1, _TOP)), cues=(
                  "Stand about a stride apart, front heel up.",
                  "Sink down, then drive the back knee forward and up as you rise.",
                  "Finish tall on the ball of the front foot and hold 1 s.",
                  "Keep the pelvis level; fingertips on a wall if you wobble.")),
        Level(6, f"Split squat, front heel up, {_LOAD}",
              Dose(sets=2, reps=8, per_side=True, rest_s=30, tempo=Tempo(3, 1, 1))),
        Level(7, "Split squat into a knee drive, wearing the backpack",
              Dose(sets=2, reps=6, per_side=True, rest_s=30, tempo=Tempo(3, 1, 1, _TOP))),
    ),
)

HINGE = Exercise(
    key="hinge", name="Heels-up single-leg Romanian deadlift", short="SL deadlift",
    cues=(
        "Soft knee. Send your hips back with a long spine and reach the free leg straight back.",
        "Hinge only as far as the heel stays up and your hips stay square to the floor.",
        "Stand up by squeezing the glute of the standing leg.",
        "Fingertips on a wall are fine; losing balance ends the set.",
    ),
    levels=(
        Level(1, "Two-leg tiptoe hip hinge, hands on hips, torso to about 45°",
              Dose(sets=2, reps=10, rest_s=30, tempo=Tempo(3, 0, 2)), cues=(
                  "Up on the balls of both feet, hands on your hips.",
                  "Soft knees; send the hips back with a long spine until your torso is about 45°.",
                  "Heels stay up: stop where they would sink.",
                  "Squeeze the glutes to stand back up.")),
        Level(2, "Kickstand tiptoe RDL: front heel up, about 80% of weight in front, back toes lightly down",
              Dose(sets=2, reps=8, per_side=True, rest_s=30, tempo=Tempo(3, 0, 2)), cues=(
                  "Front heel up, most of your weight on the front foot; the back toes only steady you.",
                  "Soft front knee; send the hips back with a long spine.",
                  "Hinge only as far as the front heel stays up and your hips stay square.",
                  "Stand up by squeezing the glute of the front leg.")),
        Level(3, "Single-leg RDL, heel flat, finishing with a calf raise at the top; fingertip support",
              Dose(sets=2, reps=8, per_side=True, rest_s=30, tempo=Tempo(3, 0, 2)), cues=(
                  "Stand on one leg, heel down this time, fingertips on a wall.",
                  "Soft knee; hips back, long spine, the free leg reaches straight back.",
                  "Keep your hips square to the floor.",
                  "At the top, squeeze the glute and rise onto your toes for a moment.")),
        Level(4, "Single-leg tiptoe RDL (heel up throughout), fingertip support",
              Dose(sets=2, reps=6, reps_max=8, per_side=True, rest_s=30, tempo=Tempo(3, 0, 1))),
        Level(5, "Single-leg tiptoe RDL without support",
              Dose(sets=2, reps=6, per_side=True, rest_s=30, tempo=Tempo(3, 2, 1))),
        Level(6, "Single-leg tiptoe RDL without support, 3 s hold at the bottom",
              Dose(sets=2, reps=6, per_side=True, rest_s=30, tempo=Tempo(3, 3, 1))),
        Level(7, f"Single-leg tiptoe RDL without support, {_LOAD}",
              Dose(sets=2, reps=6, per_side=True, rest_s=30, tempo=Tempo(3, 2, 1))),
    ),
)

BRIDGE = Exercise(
    key="bridge", name="Heels-up glute bridge", short="Bridge",
    cues=(
        "Feet hip-width, about a hand's length from your glutes. Up onto the balls of the feet, then lift the hips.",
        "Ribs down and squeeze the glutes at the top so your lower back doesn't arch.",
        "Keep the hips level; neither side dips.",
        "If hamstrings or calves cramp, bring the feet closer and tap “Too hard”.",
    ),
    levels=(
        Level(1, "Normal bridge; at the top lift the heels for 2 s, lower the heels, then the hips",
              Dose(sets=2, reps=10, rest_s=30, tempo=Tempo(2, 2, 1, _TOP)), cues=(
                  "Lie on your back, feet flat and hip-width, about a hand's length from your glutes.",
                  "Lift the hips; ribs down, squeeze the glutes so your lower back doesn't arch.",
                  "At the top, lift both heels for 2 s, lower the heels, then the hips.",
                  "If hamstrings or calves cramp, bring the feet closer and tap “Too hard”.")),
        Level(2, "Tiptoe bridge, heels up throughout", Dose(sets=3, reps=10, rest_s=30, tempo=Tempo(2, 2, 1, _TOP))),
        Level(3, "Tiptoe bridge hold", Dose(sets=3, hold_s=30, rest_s=30)),
        Level(4, "Tiptoe bridge march: lift one foot for 2 s at a time, hips level, feet taking turns",
              Dose(sets=3, reps=10, rest_s=20)),
        Level(5, "Single-leg tiptoe bridge", Dose(sets=2, reps=8, per_side=True, rest_s=30,
                                                  tempo=Tempo(2, 2, 1, _TOP))),
        Level(6, "Single-leg tiptoe bridge, finishing each set with a 10 s hold at the top",
              Dose(sets=2, reps=8, per_side=True, rest_s=30, tempo=Tempo(2, 2, 1, _TOP), end_hold_s=10)),
        Level(7, f"Single-leg tiptoe bridge with a backpack resting on your hips (start with about {LOAD_START_KG} kg)",
              Dose(sets=2, reps=8, per_side=True, rest_s=30, tempo=Tempo(2, 2, 1, _TOP))),
    ),
)

EXERCISES: tuple[Exercise, ...] = (CALF, SQUAT, SPLIT, HINGE, BRIDGE)

MIN_LEVEL = 1  # every runner starts here on every exercise [D]
MAX_LEVEL = 7  # the five levels of the spec and two beyond them, per exercise [D]

# ---- the easy week (docs/programme.md §3, "The easy week") [D] -------------------------
# After this many weeks in a row with training, the next week is easy: one set fewer on every
# exercise and no step up. Within the 6-8 weeks the issue asked about; PROGRAMME.md and its
# sources say nothing on deloading, so this is ours [D]. A week without a session starts the
# count again: it was a rest already.
EASY_WEEK_AFTER_WEEKS = 6
EASY_WEEK_SETS_FEWER = 1  # never below one set [D]

# ---- effort (docs/programme.md §4c) ----------------------------------------------------
# A warm-up works at about 6-7/10 effort, stopping 2-3 reps short of failure (spec §2) [D]:
# that is "Just right" when we ask how hard an exercise was.
REPS_IN_RESERVE = (2, 3)
HARD_SESSIONS_TO_HOLD = 2  # "Hard" this many sessions in a row at a level: say we hold there [D]

# Rules for every exercise (spec §2) [D]: shown before the first exercise.
GENERAL_CUES: tuple[str, ...] = (
    "Heel height is your form marker: when the heels sink, the set is over.",
    "Weight through the big and second toe; don't let the ankle roll out.",
    "Move slowly, to your deepest pain-free range; each exercise says its pace.",
    "It's a warm-up: about 6-7/10 effort, stopping {}-{} reps short of failure.".format(*REPS_IN_RESERVE),
)
MOBILITY_MINUTES = (2, 3)  # optional active mobility first [LIIRA25]
MOBILITY_MOVES = "ankle circles, leg swings, walking lunges"  # [LIIRA25]

# ---- how long things take [D] ---------------------------------------------------------
REP_SECONDS = 5  # a rep with no stated tempo: about 3 s down, a short pause, 1-2 s up (spec §2) [D]
SETUP_SECONDS = 30  # per exercise: reading it, getting into position, swapping sides [D]


def level_minutes(level: Level) -> float:
    """Minutes one level takes, from its dose."""
    return level.dose.seconds(REP_SECONDS, SETUP_SECONDS) / 60


def session_minutes(levels: tuple[int, ...]) -> int:
    """Whole minutes for a session at these levels (exercises only), rounded up."""
    seconds = sum(exercise.level(n).dose.seconds(REP_SECONDS, SETUP_SECONDS) for exercise, n in zip(EXERCISES, levels))
    return -(-seconds // 60)


SESSION_MINUTES_RANGE = (session_minutes((MIN_LEVEL,) * len(EXERCISES)),
                         session_minutes((MAX_LEVEL,) * len(EXERCISES)))

# ---- pain limits (docs/programme.md §4b) -----------------------------------------------
PAIN_MIN, PAIN_MAX = 0, 10  # the 0-10 numeric pain scale, 0 none and 10 worst imaginable [SILB07]
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

# Next morning: in the first week of training a rise of this many points over the
# pre-session score is new-exercise muscle soreness and still counts as settled [D].
FIRST_WEEK_DAYS = 7
FIRST_WEEK_SORENESS_POINTS = 1

# ---- progression (docs/programme.md §4) ------------------------------------------------
GREEN_SESSIONS_TO_PROGRESS = 2  # two sessions in a row, green and settled next morning [D]
DAYS_BETWEEN_PROGRESSIONS = 7  # never more than one level up per exercise per week [D]
INJURY_HOLD_GREEN_SESSIONS = 2  # injury history: stay at level 1 until two green sessions [D]
WEEKLY_RISE_POINTS = 1.0  # weekly morning mean up by >= 1 point = "rising" [SILB07]
RISING_WEEKS_FOR_REVIEW = 2  # rising two weeks in a row: suggest a physio/GP review [SILB07]
REDUCED_LOAD_DAYS_FOR_REVIEW = 14  # not improving after ~2 weeks of reduced load: review [SILB07]
GAP_ONE_LEVEL_DAYS = 14  # no session for 14+ days: every exercise one level down [D]
GAP_TWO_LEVELS_DAYS = 28  # 28+ days: two levels down [D]

# Persistent pain: amber or red in this many of an exercise's last sessions suggests a
# physio/GP review, once per REFERRAL_QUIET_DAYS [D, after the "not improving" rule of SILB07].
REFERRAL_NOT_GREEN_SESSIONS = 3
REFERRAL_OF_LAST_SESSIONS = 4
REFERRAL_QUIET_DAYS = 28

# ---- clinician holds (docs/programme.md §6) --------------------------------------------
HOLD_CLEARANCE_AFTER_DAYS = 1  # "I've been checked" is taken from the next local day on [D]
REPEAT_HOLD_DAYS = 28  # a second hold within 4 weeks: a clinician reviews the programme itself [D]

# ---- the start-up screen (docs/programme.md §6) ----------------------------------------
ADULT_AGE = 18  # under this: a gentler programme and a parent/clinician check [D]
YOUTH_MAX_LEVEL = 2  # under-18s stay on levels 1-2 [D]
RECENT_SURGERY_MONTHS = 6  # surgery this recent: a clinician clears them first [D, PAR-Q style]
POSTPARTUM_MONTHS = 12  # "given birth in the last year" [D]
PREGNANCY_BRIDGE_MAX_LEVEL = 2  # bridge levels 1-2 only: 2 s holds, no 30 s holds lying on the back [D]
CLEARANCE_REMINDER_DAYS = 3  # "Remind me later" on the clearance step [D]
OTTAWA_STEPS = 4  # unable to take four steps after an ankle or foot injury [OTT92]

# ---- consistency (docs/programme.md §4) ------------------------------------------------
SESSIONS_PER_WEEK_CHOICES = (2, 3)  # "2-3 times a week" [LIIRA25]
DEFAULT_SESSIONS_PER_WEEK = 2  # also what a one-run-day runner gets, one on a non-run day [D]

# ---- reminders ---------------------------------------------------------------------
# Default lead: the session and the optional mobility drill end about as the run starts [D].
DEFAULT_LEAD_MINUTES = 20
LEAD_CHOICES = (20, 30, 45, 60)
SNOOZE_MINUTES = 10
DEFAULT_MORNING_CHECK = (8, 0)  # next-morning check, local hh:mm, changeable in /settings
WEEKLY_SUMMARY_AT = (6, 19, 0)  # Sunday 19:00 local: weekday, hh, mm
CHECK_IN_AFTER_MISSED_WEEKS = 2  # "are you still there?" once, then quiet
# How long after its due time a reminder is still worth sending [D]; a pre-run nudge
# expires when the run starts.
STALE_AFTER_HOURS = {"morning": 4, "weekly": 12, "check_in": 12, "clearance": 24}
STALE_AFTER_HOURS_OTHERS = 1
CHART_WEEKS = 8  # how many weeks the chart looks back [D]

# ---- the dialogue's choices [D] ------------------------------------------------------
RUN_TIME_CHOICES = ("06:00", "06:30", "07:00", "07:30", "12:00", "17:30", "18:00", "19:00")
ZONE_CHOICES = ("Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
                "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney", "UTC")
MORNING_CHOICES = ("06:00", "07:00", "08:00", "09:00", "10:00")
PAUSE_DAYS_CHOICES = (7, 14, 28)  # "1 week", "2 weeks", "4 weeks", or until /resume
PAUSE_MAX_DAYS = 60  # the longest pause a button can carry; a typed date may go further

# ---- heel-raise self-test (docs/programme.md §5) ---------------------------------------
SELFTEST_BPM = 60  # one beat up, one beat down: 30 rises a minute [HL17]
METRONOME_LEAD_IN_BEATS = 4  # low count-in clicks before the first rise [D]
# Rises on the click track: 43 (a 90 s track) is past the estimate for men in their 20s (37) [HL17, via S] [D].
METRONOME_RISES = 43
SELFTEST_MEDIAN = {"m": 24, "f": 21}  # median single-leg heel rises, n = 566 [HL17]
SELFTEST_NOISE_REPS = 6  # a change of 6 reps or fewer between tests may be noise [HL17]
SELFTEST_SIDE_GAP = 0.10  # weaker side more than 10% below the stronger: "worth building" [S]
SELFTEST_RETEST_DAYS = (28, 42)  # offer a retest every 4-6 weeks, never sooner unless asked [D]
# Side differences (one side hurt more) shown in /progress and beside the self-test's side gap
# look back over this many days: one retest interval [D].
SIDE_LOOKBACK_DAYS = SELFTEST_RETEST_DAYS[1]
SELFTEST_INCLINE_DEGREES = 10  # the study's board; ours is a flat floor [HL17]
SELFTEST_WARM_UP_MINUTES = 10  # walking or easy jogging first [S]
SELFTEST_WARM_UP_RISES = 10  # then this many two-leg heel rises [S]
SELFTEST_MINUTES = 5  # about how long the test takes after the warm-up [D]
SELFTEST_PAIN_NOT_SCORED = 6  # pain from this score up: not compared with the norms [D]
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
