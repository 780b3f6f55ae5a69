"""The pose model's geometry: what each level's picture claims about the body holds in its points."""

from __future__ import annotations

import pytest

from core.body import (
    ARM_RADIUS,
    FOOT_HEEL,
    HEAD_RADIUS,
    TRUNK_RADIUS,
    Hands,
    Leg,
    Point,
    Pose,
    Skeleton,
    Support,
    centre_of_mass,
    skeleton,
)
from core.poses import LEVEL_POSES, LevelPoses, level_poses, picture_label
from core.programme import EXERCISES

ON_FLOOR = 0.012  # a point this close to its resting height touches (about 2 cm on a runner)
HEEL_CLEARLY_UP = 0.04  # a lifted heel is at least this far off the floor (about 7 cm)
FOOT_CLEARLY_UP = 0.03  # a foot meant to be off the floor clears it by this much
BALANCE_SLACK = 0.015  # the centre of mass may sit this far past the edge of the feet
# Joint ranges a physio would accept in a drawing: normal range of motion (AAOS; Norkin & White)
# with some leeway, since a picture shows a pose, not a measurement.
HIP_RANGE, KNEE_RANGE, ANKLE_RANGE = (-30.0, 125.0), (0.0, 145.0), (-25.0, 60.0)
SHOULDER_RANGE, ELBOW_RANGE = (-75.0, 180.0), (0.0, 150.0)

FRAMES = [pytest.param(entry, pose, id=f"{entry.exercise}-{entry.level}-{index + 1}")
          for entry in LEVEL_POSES for index, pose in enumerate(entry.frames)]


def test_every_level_of_the_programme_has_one_entry_of_two_or_three_frames() -> None:
    expected = [(exercise.key, level.number) for exercise in EXERCISES for level in exercise.levels]
    assert [(entry.exercise, entry.level) for entry in LEVEL_POSES] == expected
    assert all(2 <= len(entry.frames) <= 3 for entry in LEVEL_POSES)
    # A level drawn with a wall or counter uses it in at least one position.
    assert all(any(p.hands is not Hands.FREE for p in entry.frames) for entry in LEVEL_POSES if entry.support)


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_captions_are_short(entry: LevelPoses, pose: Pose) -> None:
    assert 2 <= len(pose.caption.split()) <= 5 and len(pose.caption) <= 24, pose.caption


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_a_heel_shown_lifted_is_off_the_floor_and_one_shown_down_is_down(entry: LevelPoses, pose: Pose) -> None:
    leg = skeleton(pose).near_leg
    assert abs(leg.ball.y) < 1e-9 and abs(leg.toe.y) < 1e-9  # the working foot stands on its ball and toes
    if pose.heel_up:
        assert leg.heel.y >= HEEL_CLEARLY_UP
    else:
        assert abs(leg.heel.y) < ON_FLOOR


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_the_far_foot_is_down_exactly_when_the_pose_says_so(entry: LevelPoses, pose: Pose) -> None:
    leg = skeleton(pose).far_leg
    if pose.other is None or pose.far_foot_down:
        assert abs(leg.ball.y) < ON_FLOOR and abs(leg.toe.y) < ON_FLOOR and leg.heel.y > -ON_FLOOR
    else:
        assert min(leg.ball.y, leg.heel.y, leg.toe.y) > FOOT_CLEARLY_UP


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_nothing_sinks_into_the_floor(entry: LevelPoses, pose: Pose) -> None:
    bones = skeleton(pose)
    assert bones.head.y >= HEAD_RADIUS - ON_FLOOR
    assert min(bones.hip.y, bones.shoulder.y) >= TRUNK_RADIUS - ON_FLOOR
    for arm in (bones.near_arm, bones.far_arm):
        assert min(arm.elbow.y, arm.wrist.y, arm.fingertip.y) >= ARM_RADIUS - ON_FLOOR
    for leg in (bones.near_leg, bones.far_leg):
        assert min(leg.heel.y, leg.ball.y, leg.toe.y) >= -ON_FLOOR


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_lying_poses_rest_shoulders_and_head_on_the_floor(entry: LevelPoses, pose: Pose) -> None:
    bones = skeleton(pose)
    if not pose.lying:
        assert bones.shoulder.y > bones.hip.y > 0.3  # standing: the trunk is above the hips
        return
    assert abs(bones.shoulder.y - TRUNK_RADIUS) < ON_FLOOR and abs(bones.head.y - HEAD_RADIUS) < ON_FLOOR
    assert (abs(bones.hip.y - TRUNK_RADIUS) < ON_FLOOR) == pose.hips_down


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_hands_meant_for_the_support_reach_it(entry: LevelPoses, pose: Pose) -> None:
    bones = skeleton(pose)
    hands = {Hands.NEAR: [bones.near_arm], Hands.FAR: [bones.far_arm],
             Hands.BOTH: [bones.near_arm, bones.far_arm], Hands.FREE: []}[pose.hands]
    assert entry.support is not None or not hands
    if entry.support is Support.WALL:  # and nothing goes through the wall
        assert bones.head.x + HEAD_RADIUS <= entry.support_x
        assert all(p.x <= entry.support_x + ON_FLOOR for p in bones.points().values())
    for arm in hands:
        tip = arm.fingertip
        if entry.support is Support.WALL:
            assert abs(tip.x - entry.support_x) < ON_FLOOR
        else:
            assert abs(tip.y - entry.support_top) < ON_FLOOR and tip.x >= entry.support_x


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_a_freestanding_pose_balances_over_its_feet(entry: LevelPoses, pose: Pose) -> None:
    if pose.lying or pose.hands is not Hands.FREE:
        return  # the floor or the support carries part of the weight
    bones = skeleton(pose)
    touching = _floor_contacts(bones)
    assert min(touching) - BALANCE_SLACK <= centre_of_mass(bones).x <= max(touching) + BALANCE_SLACK


@pytest.mark.parametrize(("entry", "pose"), FRAMES)
def test_joint_angles_stay_within_a_normal_range(entry: LevelPoses, pose: Pose) -> None:
    for leg in (pose.stance, pose.other or pose.stance):
        assert HIP_RANGE[0] <= leg.hip <= HIP_RANGE[1] and KNEE_RANGE[0] <= leg.knee <= KNEE_RANGE[1]
        assert ANKLE_RANGE[0] <= leg.ankle <= ANKLE_RANGE[1]
    for arm in (pose.arm, pose.far_arm or pose.arm):
        assert SHOULDER_RANGE[0] <= arm.shoulder <= SHOULDER_RANGE[1]
        assert ELBOW_RANGE[0] <= arm.elbow <= ELBOW_RANGE[1] and 0 < arm.seen <= 1


def test_the_levels_look_different_from_each_other() -> None:
    drawn = {(entry.frames, entry.step, entry.load) for entry in LEVEL_POSES}  # a step or backpack shows too
    assert len(drawn) == len(LEVEL_POSES)


@pytest.mark.parametrize(("lift", "height"), [
    pytest.param(0.0, 0.0, id="flat foot: heel on the floor"),
    pytest.param(30.0, 0.5, id="30 degrees: heel up half the heel-to-ball length"),
    pytest.param(90.0, 1.0, id="on the toes: heel straight above the ball"),
])
def test_forward_kinematics_lifts_the_heel_by_the_sole_angle(lift: float, height: float) -> None:
    heel = skeleton(Pose("Test pose", Leg(ankle=lift), heel_lift=lift)).near_leg.heel
    assert heel.y == pytest.approx(-FOOT_HEEL[0] * height, abs=1e-9)


def test_forward_kinematics_stacks_a_straight_leg_and_trunk_over_the_ankle() -> None:
    bones = skeleton(Pose("Stand tall", Leg()))
    assert bones.near_leg.knee.x == pytest.approx(bones.near_leg.ankle.x)
    assert bones.hip.x == pytest.approx(bones.shoulder.x) == pytest.approx(bones.head.x)
    for name in ("knee", "ankle", "heel", "ball", "toe"):  # both feet together: the far leg hides behind
        far, near = getattr(bones.far_leg, name), getattr(bones.near_leg, name)
        assert (far.x, far.y) == pytest.approx((near.x, near.y))


def test_knee_and_hip_flexion_bend_the_way_joints_bend() -> None:
    squat = skeleton(Pose("Sit back", Leg(hip=90, knee=90)))
    assert squat.near_leg.knee.x > squat.hip.x  # the knee goes forward, the hips back
    assert squat.shoulder.x == pytest.approx(squat.hip.x)  # hip flexed as much as the knee: trunk upright
    lifted = skeleton(Pose("Knee up", Leg(), other=Leg(hip=90, knee=90)))
    assert lifted.far_leg.knee.y == pytest.approx(lifted.hip.y) and lifted.far_leg.knee.x > lifted.hip.x


def test_unknown_levels_are_refused() -> None:
    with pytest.raises(KeyError):
        level_poses("calf", 8)
    with pytest.raises(KeyError):
        picture_label("plank", 1)


def test_labels_name_the_exercise_and_level() -> None:
    label = picture_label("hinge", 2)
    assert label.title == "Heels-up single-leg Romanian deadlift · level 2"
    assert label.subtitle.startswith("Kickstand tiptoe RDL")
    assert label.caption.startswith("Heels-up single-leg Romanian deadlift, level 2. Kickstand")


def _floor_contacts(bones: Skeleton) -> list[float]:
    points: list[Point] = [p for leg in (bones.near_leg, bones.far_leg) for p in (leg.heel, leg.ball, leg.toe)]
    return [p.x for p in points if abs(p.y) < ON_FLOOR]
