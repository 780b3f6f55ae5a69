"""A side-view figure for the exercise pictures: proportions, joint angles in, points out.

Pure geometry, no drawing. core/poses.py describes each level as joint angles; `skeleton`
turns those angles into points (forward kinematics), so the pictures and the tests agree on
where every heel, knee and hand is. Units are fractions of standing height; x points the way
the figure faces, y is up, the floor is y = 0. Angles are degrees.

The chain starts at the ball of the near foot, which stands on the floor at x = 0, and goes
up through the ankle, knee and hip to the trunk; the far leg and both arms hang from there.
The near leg is the working leg (drawn dark); the far leg is drawn light.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

# Segment lengths as fractions of standing height (Winter DA, Biomechanics and Motor Control
# of Human Movement, 4th ed., 2009, ch. 4); drawing proportions only, no coaching rule uses them.
SHANK = 0.246  # ankle joint to knee joint
THIGH = 0.245  # knee joint to hip joint
TRUNK = 0.288  # hip joint to shoulder joint
NECK = 0.118  # shoulder joint to the centre of the head
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.108
# The foot in its own frame: origin at the ball (first toe joint) on the sole, x toward the toes.
# Drawn about 30% larger than life so that a lifted heel is plain at phone size.
FOOT_HEEL = (-0.140, 0.0)
FOOT_ANKLE = (-0.098, 0.048)
TOE_LENGTH = 0.052
# Half the thickness of each part as drawn: a part lying on the floor has its joint this high.
HEAD_RADIUS = 0.062
TRUNK_RADIUS = 0.055
THIGH_RADIUS = 0.038
SHANK_RADIUS = 0.027
ARM_RADIUS = 0.02
# Share of body mass and where its centre lies along the segment from the proximal joint
# (Winter 2009, table 4.1); used to check that a freestanding pose could balance.
SEGMENT_MASS = {"head": 0.081, "trunk": 0.497, "upper_arm": 0.028, "forearm_hand": 0.022,
                "thigh": 0.100, "shank": 0.0465, "foot": 0.0145}
SEGMENT_COM = {"upper_arm": 0.436, "forearm_hand": 0.682, "thigh": 0.433, "shank": 0.433}


@dataclass(frozen=True, slots=True)
class Leg:
    hip: float = 0.0  # flexion: + brings the knee forward of the trunk line, - takes it behind
    knee: float = 0.0  # flexion: 0 = straight
    ankle: float = 0.0  # plantarflexion: + points the toes, 0 = foot at right angles to the shin


@dataclass(frozen=True, slots=True)
class Arm:
    shoulder: float = 0.0  # flexion: 0 = hanging along the trunk, 90 = straight ahead of it
    elbow: float = 0.0  # flexion: 0 = straight
    seen: float = 1.0  # share of forearm and hand seen from the side: less when they point across the body


class Support(StrEnum):
    """What a level uses for balance, drawn where the hands reach it."""

    WALL = "wall"  # a wall in front: its face at `support_x`
    COUNTER = "counter"  # a counter in front: its near edge at `support_x`, its top at `support_top`


class Hands(StrEnum):
    """Which hands rest on the support in a pose."""

    FREE = "free"
    NEAR = "near"
    FAR = "far"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Pose:
    """One position of the figure, with its 2-4 word caption."""

    caption: str
    stance: Leg  # the near leg, its foot on the floor: the working leg
    heel_lift: float = 0.0  # the near foot's sole tilted off the floor about the ball (0 = heel down)
    other: Leg | None = None  # the far leg; None = beside the near one (both feet on the floor)
    arm: Arm = Arm()  # the near arm
    far_arm: Arm | None = None  # None = beside the near arm
    neck: float = 0.0  # head tilt from the trunk line, + = chin toward the chest
    hands: Hands = Hands.FREE  # which hands touch the support
    heel_up: bool = False  # the working heel is lifted: the picture marks it
    far_foot_down: bool = False  # the far foot touches the floor (split stance, kickstand ...)
    lying: bool = False  # on the back (bridge): the shoulders rest on the floor
    hips_down: bool = False  # lying with the hips on the floor too


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float

    def __add__(self, other: Point) -> Point:
        return Point(self.x + other.x, self.y + other.y)

    def scaled(self, factor: float) -> Point:
        return Point(self.x * factor, self.y * factor)


@dataclass(frozen=True, slots=True)
class LegPoints:
    hip: Point
    knee: Point
    ankle: Point
    heel: Point
    ball: Point
    toe: Point


@dataclass(frozen=True, slots=True)
class ArmPoints:
    shoulder: Point
    elbow: Point
    wrist: Point
    fingertip: Point


@dataclass(frozen=True, slots=True)
class Skeleton:
    """Where every joint of one pose is."""

    near_leg: LegPoints
    far_leg: LegPoints
    near_arm: ArmPoints
    far_arm: ArmPoints
    hip: Point
    shoulder: Point
    head: Point  # centre of the head

    def points(self) -> dict[str, Point]:
        """Every point by name, for checks: "near_heel", "far_ball", "head" ..."""
        named = {"hip": self.hip, "shoulder": self.shoulder, "head": self.head}
        for side, leg in (("near", self.near_leg), ("far", self.far_leg)):
            for name in ("knee", "ankle", "heel", "ball", "toe"):
                named[f"{side}_{name}"] = getattr(leg, name)
        for side, arm in (("near", self.near_arm), ("far", self.far_arm)):
            for name in ("elbow", "wrist", "fingertip"):
                named[f"{side}_{name}"] = getattr(arm, name)
        return named


def direction(theta: float) -> Point:
    """A unit vector `theta` degrees from straight up, positive toward the way the figure faces."""
    radians = math.radians(theta)
    return Point(math.sin(radians), math.cos(radians))


def skeleton(pose: Pose) -> Skeleton:
    """Forward kinematics: the pose's joint angles as points."""
    stance = pose.stance
    sole = 90.0 + pose.heel_lift  # heel-to-ball direction: the heel rises as the sole tilts about the ball
    ball = Point(0.0, 0.0)
    ankle = _foot_point(ball, sole, FOOT_ANKLE)
    shank_up = pose.heel_lift - stance.ankle
    knee = ankle + direction(shank_up).scaled(SHANK)
    thigh_up = shank_up - stance.knee
    hip = knee + direction(thigh_up).scaled(THIGH)
    trunk_up = thigh_up + stance.hip
    shoulder = hip + direction(trunk_up).scaled(TRUNK)
    head = shoulder + direction(trunk_up + pose.neck).scaled(NECK)
    near_leg = LegPoints(hip, knee, ankle, _foot_point(ball, sole, FOOT_HEEL), ball, _toe(ball, sole))
    far_leg = _hanging_leg(hip, trunk_up, pose.other or stance)
    near_arm = _arm(shoulder, trunk_up, pose.arm)
    far_arm = _arm(shoulder, trunk_up, pose.far_arm or pose.arm)
    return Skeleton(near_leg, far_leg, near_arm, far_arm, hip, shoulder, head)


def _foot_point(ball: Point, sole: float, local: tuple[float, float]) -> Point:
    along, up = direction(sole), direction(sole - 90.0)
    return ball + along.scaled(local[0]) + up.scaled(local[1])


def _toe(ball: Point, sole: float) -> Point:
    # A foot standing on its ball keeps its toes flat on the floor; a foot in the air points them.
    if abs(ball.y) < 0.01 and 90.0 <= sole <= 180.0:
        return ball + Point(TOE_LENGTH, 0.0)
    return ball + direction(sole).scaled(TOE_LENGTH)


def _hanging_leg(hip: Point, trunk_up: float, leg: Leg) -> LegPoints:
    thigh_down = trunk_up + 180.0 - leg.hip
    knee = hip + direction(thigh_down).scaled(THIGH)
    shank_down = thigh_down + leg.knee
    ankle = knee + direction(shank_down).scaled(SHANK)
    sole = shank_down - 90.0 + leg.ankle
    along, up = direction(sole), direction(sole - 90.0)
    ball = ankle + along.scaled(-FOOT_ANKLE[0]) + up.scaled(-FOOT_ANKLE[1])
    return LegPoints(hip, knee, ankle, _foot_point(ball, sole, FOOT_HEEL), ball, _toe(ball, sole))


def _arm(shoulder: Point, trunk_up: float, arm: Arm) -> ArmPoints:
    upper = trunk_up + 180.0 - arm.shoulder
    elbow = shoulder + direction(upper).scaled(UPPER_ARM)
    fore = upper - arm.elbow
    wrist = elbow + direction(fore).scaled(FOREARM * arm.seen)
    return ArmPoints(shoulder, elbow, wrist, wrist + direction(fore).scaled(HAND * arm.seen))


def centre_of_mass(bones: Skeleton) -> Point:
    """Where the body's weight acts, from Winter's segment masses."""
    parts: list[tuple[float, Point]] = [
        (SEGMENT_MASS["head"], bones.head),
        (SEGMENT_MASS["trunk"], _between(bones.hip, bones.shoulder, 0.5)),
    ]
    for arm in (bones.near_arm, bones.far_arm):
        parts.append((SEGMENT_MASS["upper_arm"], _between(arm.shoulder, arm.elbow, SEGMENT_COM["upper_arm"])))
        parts.append((SEGMENT_MASS["forearm_hand"], _between(arm.elbow, arm.wrist, SEGMENT_COM["forearm_hand"])))
    for leg in (bones.near_leg, bones.far_leg):
        parts.append((SEGMENT_MASS["thigh"], _between(leg.hip, leg.knee, SEGMENT_COM["thigh"])))
        parts.append((SEGMENT_MASS["shank"], _between(leg.knee, leg.ankle, SEGMENT_COM["shank"])))
        parts.append((SEGMENT_MASS["foot"], _between(leg.heel, leg.ball, 0.5)))
    total = sum(mass for mass, _ in parts)
    return Point(sum(m * p.x for m, p in parts) / total, sum(m * p.y for m, p in parts) / total)


def _between(a: Point, b: Point, share: float) -> Point:
    return Point(a.x + (b.x - a.x) * share, a.y + (b.y - a.y) * share)
