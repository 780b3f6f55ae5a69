"""What each exercise level looks like: its positions as joint angles (see core/body.py).

One entry per exercise level (PROGRAMME.md §3), with two or three positions in the order they
are done, each with a 2-4 word caption. The pictures are drawn from these (bot/figures.py), and
tests/core/test_poses.py checks the geometry: a heel shown lifted is off the floor, a foot meant
to be down is down, hands reach the support, and a freestanding pose balances over its feet.

The near leg is the working leg. Standing poses face right with the ball of the near foot at
x = 0; the bridge lies on its back with the head to the left. The closed-chain angles (a back
foot on the floor, hands on a wall, shoulders on the floor) were solved once so that the contacts
land where they should, then rounded to half degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.body import Arm, Hands, Leg, Pose, Support
from core.programme import EXERCISES


@dataclass(frozen=True, slots=True)
class LevelPoses:
    exercise: str  # Exercise.key
    level: int
    frames: tuple[Pose, ...]  # in the order they are done
    support: Support | None = None
    support_x: float = 0.0  # the wall's face, or the counter's near edge
    support_top: float = 0.0  # the counter's top
    step: bool = False  # the working foot's ball on a step's edge, the heel over it (calf levels 6-7)
    load: bool = False  # a backpack: on the back standing, on the hips lying (levels beyond 5)


HEEL_UP_WORDS = "heel up"  # under every lifted heel in the pictures
STRAIGHT = Leg()
HANGING = Arm(8, 12)  # an arm hanging relaxed by the side
BY_THE_SIDES = Arm(10, 15)

SQUAT_UP_ON_YOUR_TOES = Pose("Up on your toes", Leg(-3.5, 0, 23.5), heel_lift=30, arm=Arm(91, 5), heel_up=True)
SPLIT_STANCE_HEEL_UP_HAND_ON_WALL = Pose("Split stance, heel up", Leg(45, 45.5, 20.5), heel_lift=25,
                                         other=Leg(-15, 26, 17), arm=Arm(50.5, 58.5), far_arm=HANGING,
                                         hands=Hands.NEAR, heel_up=True, far_foot_down=True)
SPLIT_STANCE_HEEL_UP = Pose("Split stance, heel up", Leg(45, 45.5, 20.5), heel_lift=25, other=Leg(-15, 26, 17),
                            arm=BY_THE_SIDES, heel_up=True, far_foot_down=True)
SPLIT_KNEE_DRIVE = (  # the split squat's level 5 movement (level 7: the same with a backpack)
    Pose("Split stance", Leg(45, 45.5, 20.5), heel_lift=25, other=Leg(-15, 26, 17), arm=BY_THE_SIDES,
         heel_up=True, far_foot_down=True),
    Pose("Lowest point", Leg(84.5, 102, 3.5), heel_lift=25, other=Leg(11.5, 96, -10.5), arm=BY_THE_SIDES,
         heel_up=True, far_foot_down=True),
    Pose("Knee drive, hold 1 s", Leg(0, 0, 31.5), heel_lift=35, other=Leg(95, 95, 15), arm=Arm(55, 80),
         far_arm=Arm(-35, 80), heel_up=True),
)
BRIDGE_HEELS_UP_FIRST = Pose("Heels up first", Leg(77.5, 137, 52), heel_lift=22, arm=Arm(-4.5, 0), neck=3.5,
                             heel_up=True, lying=True, hips_down=True)

BRIDGE_ONE_FOOT_HEEL_UP = Pose("One foot, heel up", Leg(77.5, 137, 52), heel_lift=22, other=Leg(77.5, 0, 20),
                               arm=Arm(-4.5, 0), neck=3.5, heel_up=True, lying=True, hips_down=True)

LEVEL_POSES: tuple[LevelPoses, ...] = (
    LevelPoses("calf", 1, (
        Pose("Hands on the counter", STRAIGHT, arm=Arm(25, 34.5), hands=Hands.BOTH),
        Pose("High hold, heels up", Leg(0, 0, 32), heel_lift=35, arm=Arm(7, 47.5), hands=Hands.BOTH, heel_up=True),
    ), Support.COUNTER, 0.16, 0.52),
    LevelPoses("calf", 2, (
        Pose("Fingertips on the wall", STRAIGHT, arm=Arm(51, 41.5), far_arm=HANGING, hands=Hands.NEAR),
        Pose("Heels up, knees bent", Leg(10.5, 26, 19.5), heel_lift=35, arm=Arm(25, 71), far_arm=HANGING,
             hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.3),
    LevelPoses("calf", 3, (
        Pose("Staggered stance", STRAIGHT, other=Leg(13, 51.5, 16.5), arm=Arm(51, 41.5), far_arm=HANGING,
             hands=Hands.NEAR, far_foot_down=True),
        Pose("Front heel up, hold", Leg(0, 0, 32.5), heel_lift=35, other=Leg(0.5, 17, 49), arm=Arm(26, 79.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True, far_foot_down=True),
    ), Support.WALL, 0.3),
    LevelPoses("calf", 4, (
        Pose("Start, one leg", STRAIGHT, other=Leg(5, 80, 25), arm=Arm(51, 41.5), far_arm=HANGING,
             hands=Hands.NEAR),
        Pose("Heel up, knee straight", Leg(0, 0, 31.5), heel_lift=35, other=Leg(5, 80, 25), arm=Arm(22, 85.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.3),
    LevelPoses("calf", 5, (
        Pose("Start, knee bent", Leg(18, 36, -18), other=Leg(15, 85, 25), arm=Arm(50.5, 38.5), far_arm=HANGING,
             hands=Hands.NEAR),
        Pose("Heel up, knee bent", Leg(16, 38, 13), heel_lift=35, other=Leg(15, 85, 25), arm=Arm(24.5, 75),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.3),
    LevelPoses("calf", 6, (
        Pose("Heel level with step", STRAIGHT, other=Leg(5, 80, 25), arm=Arm(51, 41.5), far_arm=HANGING,
             hands=Hands.NEAR),
        Pose("Rise high, hold", Leg(0, 0, 31.5), heel_lift=35, other=Leg(5, 80, 25), arm=Arm(22, 85.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.3, step=True),
    LevelPoses("calf", 7, (
        Pose("Backpack on, on step", STRAIGHT, other=Leg(5, 80, 25), arm=Arm(51, 41.5), far_arm=HANGING,
             hands=Hands.NEAR),
        Pose("Rise high, hold", Leg(0, 0, 31.5), heel_lift=35, other=Leg(5, 80, 25), arm=Arm(22, 85.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.3, step=True, load=True),
    LevelPoses("squat", 1, (
        Pose("Up on your toes", Leg(-3.5, 0, 23.5), heel_lift=30, arm=Arm(11, 45.5), hands=Hands.BOTH,
             heel_up=True),
        Pose("Quarter squat, heels up", Leg(35, 45, 6), heel_lift=30, arm=Arm(10.5, 68.5), hands=Hands.BOTH,
             heel_up=True),
    ), Support.COUNTER, 0.2, 0.52),
    LevelPoses("squat", 2, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("Half squat, heels up", Leg(67.5, 80, -6.5), heel_lift=30, arm=Arm(112, 5), heel_up=True),
    )),
    LevelPoses("squat", 3, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("Pause 3 s, heels up", Leg(84, 98, -12), heel_lift=30, arm=Arm(116, 5), heel_up=True),
    )),
    LevelPoses("squat", 4, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("Deeper, heels still up", Leg(102.5, 118, -17.5), heel_lift=30, arm=Arm(120, 5), heel_up=True),
    )),
    LevelPoses("squat", 5, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("4 s down, heels up", Leg(91, 105, -14), heel_lift=30, arm=Arm(118, 5), heel_up=True),
        Pose("Hold 20 s half way", Leg(60.5, 72, -3.5), heel_lift=30, arm=Arm(110, 5), heel_up=True),
    )),
    LevelPoses("squat", 6, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("Backpack on, heels up", Leg(84, 98, -12), heel_lift=30, arm=Arm(116, 5), heel_up=True),
    ), load=True),
    LevelPoses("squat", 7, (
        SQUAT_UP_ON_YOUR_TOES,
        Pose("Down, heels up", Leg(91, 105, -14), heel_lift=30, arm=Arm(118, 5), heel_up=True),
        Pose("Hold 30 s half way", Leg(60.5, 72, -3.5), heel_lift=30, arm=Arm(110, 5), heel_up=True),
    ), load=True),
    LevelPoses("split", 1, (
        SPLIT_STANCE_HEEL_UP_HAND_ON_WALL,
        Pose("Shallow bend, hold", Leg(60, 70.5, 10.5), heel_lift=25, other=Leg(-3.5, 56.5, -2), arm=Arm(50, 58),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True, far_foot_down=True),
    ), Support.WALL, 0.19),
    LevelPoses("split", 2, (
        SPLIT_STANCE_HEEL_UP_HAND_ON_WALL,
        Pose("Part way down", Leg(67, 81, 7), heel_lift=25, other=Leg(-0.5, 67, -10), arm=Arm(50, 58),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True, far_foot_down=True),
    ), Support.WALL, 0.19),
    LevelPoses("split", 3, (
        SPLIT_STANCE_HEEL_UP,
        Pose("Lowest point, heel up", Leg(91, 109.5, 2.5), heel_lift=25, other=Leg(12.5, 103.5, -15),
             arm=BY_THE_SIDES, heel_up=True, far_foot_down=True),
    )),
    LevelPoses("split", 4, (
        SPLIT_STANCE_HEEL_UP,
        Pose("Lowest point, pause 2 s", Leg(91, 109.5, 2.5), heel_lift=25, other=Leg(12.5, 103.5, -15),
             arm=BY_THE_SIDES, heel_up=True, far_foot_down=True),
    )),
    LevelPoses("split", 5, SPLIT_KNEE_DRIVE),
    LevelPoses("split", 6, (
        SPLIT_STANCE_HEEL_UP,
        Pose("Backpack on, go low", Leg(91, 109.5, 2.5), heel_lift=25, other=Leg(12.5, 103.5, -15),
             arm=BY_THE_SIDES, heel_up=True, far_foot_down=True),
    ), load=True),
    LevelPoses("split", 7, SPLIT_KNEE_DRIVE, load=True),  # level 5's movement with a backpack
    LevelPoses("hinge", 1, (
        Pose("Up on your toes", Leg(-4.5, 5, 18.5), heel_lift=30, arm=Arm(-40, 112, 0.58), heel_up=True),
        Pose("Hinge to 45°, heels up", Leg(59, 20, 24), heel_lift=30, arm=Arm(-40, 112, 0.58), heel_up=True),
    )),
    LevelPoses("hinge", 2, (
        Pose("Kickstand stance", Leg(7.5, 15, 20.5), heel_lift=30, other=Leg(-7.5, 11.5, 57), arm=Arm(6, 8),
             heel_up=True, far_foot_down=True),
        Pose("Hinge, front heel up", Leg(87.5, 22, 33.5), heel_lift=30, other=Leg(86.5, 46.5, 56), arm=Arm(66, 8),
             heel_up=True, far_foot_down=True),
    )),
    LevelPoses("hinge", 3, (
        Pose("One leg, heel flat", Leg(-1, 8, -11), other=Leg(-12, 55, 20), arm=Arm(41.5, 69), far_arm=HANGING,
             hands=Hands.NEAR),
        Pose("Hinge, heel flat", Leg(76.5, 22, -5.5), other=Leg(0, 5, 10), arm=Arm(59, 117.5), far_arm=Arm(64, 8),
             hands=Hands.NEAR),
        Pose("Stand tall, heel up", Leg(-6, 4, 18), heel_lift=30, other=Leg(-12, 55, 20), arm=Arm(20.5, 93.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.33),
    LevelPoses("hinge", 4, (
        Pose("One leg, heel up", Leg(-4, 8, 16), heel_lift=30, other=Leg(-12, 55, 20), arm=Arm(62.5, 32.5),
             far_arm=HANGING, hands=Hands.NEAR, heel_up=True),
        Pose("Hinge, heel up", Leg(75.5, 22, 21.5), heel_lift=30, other=Leg(0, 5, 10), arm=Arm(72.5, 96.5),
             far_arm=Arm(66, 8), hands=Hands.NEAR, heel_up=True),
    ), Support.WALL, 0.45),
    LevelPoses("hinge", 5, (
        Pose("One leg, heel up", Leg(-4, 8, 16), heel_lift=30, other=Leg(-12, 55, 20), arm=HANGING, heel_up=True),
        Pose("Hold 2 s, heel up", Leg(83, 24, 21), heel_lift=30, other=Leg(0, 5, 10), arm=Arm(72, 8), heel_up=True),
    )),
    LevelPoses("hinge", 6, (
        Pose("One leg, heel up", Leg(-4, 8, 16), heel_lift=30, other=Leg(-12, 55, 20), arm=HANGING, heel_up=True),
        Pose("Hold 3 s, heel up", Leg(83, 24, 21), heel_lift=30, other=Leg(0, 5, 10), arm=Arm(72, 8), heel_up=True),
    )),
    LevelPoses("hinge", 7, (
        Pose("Backpack on, heel up", Leg(-4, 8, 16), heel_lift=30, other=Leg(-12, 55, 20), arm=HANGING,
             heel_up=True),
        Pose("Hinge, heel up", Leg(83, 24, 21), heel_lift=30, other=Leg(0, 5, 10), arm=Arm(72, 8), heel_up=True),
    ), load=True),
    LevelPoses("bridge", 1, (
        Pose("Lie, knees bent", Leg(63, 129, 24), arm=Arm(-4.5, 0), neck=3.5, lying=True, hips_down=True),
        Pose("Hips up", Leg(0, 111, 5.5), arm=Arm(-31, 0), neck=30, lying=True),
        Pose("Heels up 2 s", Leg(0, 100, 55.5), heel_lift=35, arm=Arm(-35, 0), neck=34, heel_up=True, lying=True),
    )),
    LevelPoses("bridge", 2, (
        BRIDGE_HEELS_UP_FIRST,
        Pose("Hips up, hold 2 s", Leg(0, 114, 43), heel_lift=35, arm=Arm(-37, 0), neck=35.5, heel_up=True,
             lying=True),
    )),
    LevelPoses("bridge", 3, (
        BRIDGE_HEELS_UP_FIRST,
        Pose("Hips up, hold 30 s", Leg(0, 114, 43), heel_lift=35, arm=Arm(-37, 0), neck=35.5, heel_up=True,
             lying=True),
    )),
    LevelPoses("bridge", 4, (
        Pose("Tiptoe bridge", Leg(0, 114, 43), heel_lift=35, arm=Arm(-37, 0), neck=35.5, heel_up=True, lying=True),
        Pose("Lift one foot 2 s", Leg(0, 114, 43), heel_lift=35, other=Leg(70, 100, 20), arm=Arm(-37, 0),
             neck=35.5, heel_up=True, lying=True),
    )),
    LevelPoses("bridge", 5, (
        BRIDGE_ONE_FOOT_HEEL_UP,
        Pose("Hips up, hold 2 s", Leg(0, 114, 43), heel_lift=35, other=Leg(0, 0, 20), arm=Arm(-37, 0), neck=35.5,
             heel_up=True, lying=True),
    )),
    LevelPoses("bridge", 6, (
        BRIDGE_ONE_FOOT_HEEL_UP,
        Pose("Hips up, hold 10 s", Leg(0, 114, 43), heel_lift=35, other=Leg(0, 0, 20), arm=Arm(-37, 0), neck=35.5,
             heel_up=True, lying=True),
    )),
    LevelPoses("bridge", 7, (
        Pose("Backpack on hips", Leg(77.5, 137, 52), heel_lift=22, other=Leg(77.5, 0, 20), arm=Arm(-4.5, 0),
             neck=3.5, heel_up=True, lying=True, hips_down=True),
        Pose("Hips up, hold 2 s", Leg(0, 114, 43), heel_lift=35, other=Leg(0, 0, 20), arm=Arm(-37, 0), neck=35.5,
             heel_up=True, lying=True),
    ), load=True),
)


@dataclass(frozen=True, slots=True)
class PictureLabel:
    title: str  # "Heels-up squat · level 2", drawn at the top
    subtitle: str  # the level's version as the programme words it
    caption: str  # the message the picture goes with


def level_poses(exercise: str, level: int) -> LevelPoses:
    """The positions of one exercise level; KeyError for a level the programme doesn't have."""
    for entry in LEVEL_POSES:
        if entry.exercise == exercise and entry.level == level:
            return entry
    raise KeyError(f"no poses for {exercise} level {level}")


def picture_label(exercise: str, level: int) -> PictureLabel:
    """What a level's picture says about itself; KeyError for a level the programme doesn't have."""
    for candidate in EXERCISES:
        if candidate.key == exercise and 1 <= level <= len(candidate.levels):
            version = candidate.level(level).version
            return PictureLabel(f"{candidate.name} · level {level}", version,
                                f"{candidate.name}, level {level}. {version}")
    raise KeyError(f"no {exercise} level {level} in the programme")
