"""SqlRunnerStore on real SQLite and PostgreSQL: round trips, append-only history,
optimistic concurrency, deletion and the app secret."""

from __future__ import annotations

import asyncio
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from bot.storage.database import APP_SECRET_BYTES, app_secret, application_name, make_engine, make_session_factory
from bot.storage.faults import is_busy
from bot.storage.repository import SqlRunnerStore
from bot.storage.records import NOT_PERSONAL, rows_of
from bot.storage.tables import LinkCodeRow, LinkTryRow, ReminderRow, RunnerIdentityRow, metadata
from core.model import (
    Hold,
    Dialogue,
    ExerciseResult,
    History,
    LevelChange,
    MorningCheck,
    Outcome,
    Profile,
    Runner,
    Schedule,
    SelfTest,
    Session,
    SessionStatus,
    Snapshot,
)
from core.ports import ConcurrentUpdate
from tests.storage.backends import POSTGRES_URL, DatabaseUnderTest, open_database

T0 = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)  # the night European clocks go forward
BERLIN_SUMMER = timezone(timedelta(hours=2))
NEW_YORK_WINTER = timezone(timedelta(hours=-5))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_runner(key: str = "telegram:42", **changes: Any) -> Runner:
    platform, _, external_id = key.partition(":")
    runner = Runner(key=key, platform=platform, chat_id=external_id, name="Ana", created_at=T0)
    return replace(runner, **changes)


def result(exercise: int, pain: int | None = 1, minutes: int = 0, **changes: Any) -> ExerciseResult:
    made = ExerciseResult(
        exercise=exercise, level=1, outcome=Outcome.DONE, pain=pain, recorded_at=at(minutes)
    )
    return replace(made, **changes)


FULL_SCHEDULE = Schedule(
    run_days=frozenset({0, 2, 4, 6}),
    run_time=time(6, 45),
    timezone="Europe/Berlin",
    lead_minutes=30,
    sessions_target=3,
    strength_days=frozenset({0, 2, 4}),
    morning_time=time(7, 15),
    offday_notes=False,
)

FULL_HISTORY = History(
    sessions=(
        Session(
            number=1,
            started_at=at(0),
            local_date=date(2025, 3, 30),
            status=SessionStatus.COMPLETED,
            readiness=0,
            ended_at=at(20),
            results=(
                result(0, pain=0, minutes=3),
                result(1, pain=2, minutes=6, outcome=Outcome.TOO_HARD),
                result(2, pain=None, minutes=7, outcome=Outcome.SKIPPED),
                result(3, pain=3, minutes=12, level=2),
                result(4, pain=1, minutes=15),
            ),
            morning=MorningCheck(score=2, recorded_at=at(24 * 60)),
        ),
        Session(
            number=2,
            started_at=at(3 * 24 * 60),
            local_date=date(2025, 4, 2),
            status=SessionStatus.NOT_READY,
            readiness=6,
        ),
        Session(
            number=3,
            started_at=at(5 * 24 * 60),
            local_date=date(2025, 4, 4),
            status=SessionStatus.STOPPED,
            readiness=1,
            ended_at=at(5 * 24 * 60 + 4),
            results=(result(0, pain=7, minutes=5 * 24 * 60 + 3, outcome=Outcome.STOPPED),),
        ),
        Session(number=4, started_at=at(7 * 24 * 60), local_date=date(2025, 4, 6)),
    ),
    level_changes=(
        LevelChange(1, 3, 1, 2, "Two green sessions: up a level.", at(25 * 60), "progress"),
        LevelChange(2, 3, 2, 1, "That hurt: one level back.", at(5 * 24 * 60 + 5), "pain"),
    ),
    self_tests=(
        SelfTest(number=1, taken_at=at(60), left=22, right=25, pain=1),
        SelfTest(number=2, taken_at=at(40 * 24 * 60), left=27, right=26),
    ),
    holds=(
        Hold(number=1, reason="bone", started_at=at(2 * 24 * 60), exercises=(0, 1, 2, 3, 4),
             cleared_at=at(4 * 24 * 60)),
        Hold(number=2, reason="pain", started_at=at(5 * 24 * 60 + 3), exercises=(0,)),
    ),
)

FULL_SNAPSHOT = Snapshot(
    runner=new_runner(
        "discord:1234567890",
        name="Zoë O'Brien",
        onboarded=True,
        profile=Profile.REHAB,
        injury_history=True,
        schedule=FULL_SCHEDULE,
        levels=(2, 1, 3, 5, 4),
        paused_until=date(2025, 4, 20),
        pause_reason="holiday",
        clinician_hold="sharp pain in the heel",
        unreachable=True,
        sex="f",
        age_band=40,
        screen_flags=frozenset({"pregnant", "heart"}),
        referral_shown_at=at(6 * 24 * 60),
        clearance_reminder_at=at(9 * 24 * 60),
    ),
    dialogue=Dialogue(
        state="session.exercise",
        data=(("exercise", "2"), ("note", "café, \"quoted\" and ✓"), ("exercise", "3")),
        step=17,
        last_press="s17:pain:3",
        prompt="How did that feel, 0-10?",
    ),
    history=FULL_HISTORY,
)

ROUND_TRIP_CASES = [
    pytest.param(Snapshot(runner=new_runner()), id="new runner: defaults, no schedule, no history"),
    pytest.param(FULL_SNAPSHOT, id="every field set, full history"),
    pytest.param(
        Snapshot(
            runner=new_runner(
                schedule=Schedule(
                    run_days=frozenset(),
                    run_time=time(18, 0),
                    timezone="America/New_York",
                    lead_minutes=None,
                    sessions_target=2,
                    strength_days=frozenset(),
                ),
                paused_until=date.max,
            )
        ),
        id="no pre-run reminders, empty day sets, paused until /resume",
    ),
    pytest.param(
        Snapshot(
            runner=new_runner(created_at=datetime(2025, 3, 30, 3, 0, tzinfo=BERLIN_SUMMER)),
            history=History(
                sessions=(
                    Session(
                        number=1,
                        started_at=datetime(2025, 1, 5, 6, 0, 0, 123456, tzinfo=NEW_YORK_WINTER),
                        local_date=date(2025, 1, 5),
                    ),
                )
            ),
        ),
        id="instants given in other zones, with microseconds",
    ),
]


def datetimes_in(value: object) -> list[datetime]:
    """Every datetime inside a tree of dataclasses and tuples."""
    if isinstance(value, datetime):
        return [value]
    if is_dataclass(value) and not isinstance(value, type):
        return [d for f in fields(value) for d in datetimes_in(getattr(value, f.name))]
    if isinstance(value, tuple):
        return [d for item in value for d in datetimes_in(item)]
    return []


@pytest.mark.asyncio
@pytest.mark.parametrize("snapshot", ROUND_TRIP_CASES)
async def test_a_saved_snapshot_loads_back_equal(database: DatabaseUnderTest, store: SqlRunnerStore,
                                                 snapshot: Snapshot) -> None:
    version = await store.save(None, snapshot)
    # Read by a store with nothing in memory (as another process would): the rows themselves.
    loaded = await SqlRunnerStore(database.session_factory).load(snapshot.runner.key)
    assert version == 1
    assert loaded == replace(snapshot, version=1)
    assert loaded is not None
    assert all(d.tzinfo is UTC for d in datetimes_in(loaded)), "instants come back as UTC"


@pytest.mark.asyncio
async def test_a_snapshot_changed_by_another_process_is_read_again(database: DatabaseUnderTest,
                                                                   store: SqlRunnerStore) -> None:
    await store.save(None, FULL_SNAPSHOT)
    cached = await store.load(FULL_SNAPSHOT.runner.key)
    other = SqlRunnerStore(database.session_factory)  # another process
    moved = replace(cached, runner=replace(cached.runner, name="Someone else"))
    await other.save(cached, moved)
    reloaded = await store.load(FULL_SNAPSHOT.runner.key)
    assert reloaded.runner.name == "Someone else" and reloaded.version == cached.version + 1
    await other.delete(FULL_SNAPSHOT.runner.key)
    assert await store.load(FULL_SNAPSHOT.runner.key) is None


@pytest.mark.asyncio
async def test_an_unknown_runner_loads_as_none(store: SqlRunnerStore) -> None:
    await store.save(None, FULL_SNAPSHOT)
    assert await store.load("telegram:unknown") is None


@pytest.mark.asyncio
async def test_a_naive_datetime_is_refused_and_nothing_is_written(store: SqlRunnerStore) -> None:
    naive = Snapshot(runner=new_runner(created_at=datetime(2025, 1, 1, 9, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        await store.save(None, naive)
    assert await store.load(naive.runner.key) is None


# ---- later saves: what changes, what is only ever added ---------------------------


async def saved(store: SqlRunnerStore, snapshot: Snapshot) -> Snapshot:
    """Save a new runner and return the snapshot as loaded back."""
    await store.save(None, snapshot)
    loaded = await store.load(snapshot.runner.key)
    assert loaded is not None
    return loaded


def edit_session(snapshot: Snapshot, number: int, **changes: Any) -> Snapshot:
    session = snapshot.history.session(number)
    assert session is not None
    return replace(snapshot, history=snapshot.history.with_session(replace(session, **changes)))


@pytest.mark.asyncio
async def test_a_later_save_updates_runner_dialogue_and_session_and_adds_new_facts(
    store: SqlRunnerStore,
) -> None:
    before = await saved(store, FULL_SNAPSHOT)
    session_4 = before.history.session(4)
    assert session_4 is not None
    after = edit_session(
        before,
        4,
        status=SessionStatus.COMPLETED,
        readiness=2,
        ended_at=at(7 * 24 * 60 + 18),
        results=(
            result(0, pain=1, minutes=7 * 24 * 60 + 2),
            result(1, pain=0, minutes=7 * 24 * 60 + 5),
        ),
    )
    after = edit_session(after, 3, morning=MorningCheck(score=5, recorded_at=at(6 * 24 * 60)))
    after = replace(
        after,
        runner=before.runner.with_level(0, 3),
        dialogue=replace(before.dialogue, state="idle", data=(), step=18),
        history=replace(
            after.history,
            sessions=after.history.sessions
            + (Session(number=5, started_at=at(9 * 24 * 60), local_date=date(2025, 4, 8)),),
            level_changes=after.history.level_changes
            + (LevelChange(3, 0, 2, 3, "Steady and green: up.", at(8 * 24 * 60), "progress"),),
            self_tests=after.history.self_tests
            + (SelfTest(number=3, taken_at=at(80 * 24 * 60), left=30, right=31, pain=0),),
            # The open hold is cleared (its one later write) and a new one starts.
            holds=(after.history.holds[0], replace(after.history.holds[1], cleared_at=at(8 * 24 * 60)),
                   Hold(number=3, reason="emergency", started_at=at(9 * 24 * 60), exercises=(0, 1, 2, 3, 4))),
        ),
    )

    version = await store.save(before, after)

    assert version == before.version + 1
    assert await store.load(after.runner.key) == replace(after, version=version)


@pytest.mark.asyncio
async def test_a_result_added_later_keeps_the_earlier_ones(store: SqlRunnerStore) -> None:
    start = Snapshot(
        runner=new_runner(),
        history=History(
            sessions=(Session(1, at(0), date(2025, 3, 30), results=(result(0, minutes=2),)),)
        ),
    )
    before = await saved(store, start)
    session = before.history.sessions[0]
    after = edit_session(before, 1, results=session.results + (result(1, minutes=5),))

    await store.save(before, after)

    loaded = await store.load(start.runner.key)
    assert loaded is not None
    assert loaded.history.sessions[0].results == (result(0, minutes=2), result(1, minutes=5))


FORGETFUL_EDITS = [
    pytest.param(
        lambda s: edit_session(s, 1, results=s.history.sessions[0].results[1:]),
        id="a result missing from after",
    ),
    pytest.param(
        lambda s: edit_session(
            s, 1, results=tuple(replace(r, pain=0) for r in s.history.sessions[0].results)
        ),
        id="recorded pains rewritten in after",
    ),
    pytest.param(
        lambda s: edit_session(s, 1, morning=None), id="the morning check missing from after"
    ),
    pytest.param(
        lambda s: edit_session(s, 1, morning=MorningCheck(score=0, recorded_at=at(0))),
        id="the morning check rewritten in after",
    ),
    pytest.param(
        lambda s: replace(s, history=replace(s.history, sessions=s.history.sessions[1:])),
        id="a whole session missing from after",
    ),
    pytest.param(
        lambda s: replace(s, history=replace(s.history, level_changes=(), self_tests=(), holds=())),
        id="level changes, self-tests and holds missing from after",
    ),
    pytest.param(
        lambda s: replace(s, history=replace(s.history, holds=tuple(
            replace(h, reason="other", cleared_at=None, exercises=(1,)) for h in s.history.holds))),
        id="holds rewritten or un-cleared in after",
    ),
    pytest.param(
        lambda s: replace(
            s,
            history=replace(
                s.history,
                level_changes=tuple(replace(c, to_level=5) for c in s.history.level_changes),
                self_tests=tuple(replace(t, left=0) for t in s.history.self_tests),
            ),
        ),
        id="level changes and self-tests rewritten in after",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("forget", FORGETFUL_EDITS)
async def test_recorded_facts_are_never_rewritten_or_deleted(
    store: SqlRunnerStore, forget: Any
) -> None:
    before = await saved(store, FULL_SNAPSHOT)

    await store.save(before, forget(before))

    loaded = await store.load(FULL_SNAPSHOT.runner.key)
    assert loaded is not None
    assert loaded.history == FULL_HISTORY


# ---- optimistic concurrency --------------------------------------------------------


@pytest.mark.asyncio
async def test_the_second_save_from_the_same_before_fails_and_writes_nothing(
    store: SqlRunnerStore,
) -> None:
    before = await saved(store, FULL_SNAPSHOT)
    first = replace(before, dialogue=replace(before.dialogue, state="first"))
    with_result = edit_session(before, 4, results=(result(0, pain=9, minutes=7 * 24 * 60 + 1),))
    second = replace(
        with_result,
        runner=replace(before.runner, name="Second"),
        dialogue=replace(before.dialogue, state="second"),
        history=replace(
            with_result.history,
            self_tests=before.history.self_tests + (SelfTest(3, at(90 * 24 * 60), 1, 1),),
        ),
    )

    assert await store.save(before, first) == before.version + 1
    with pytest.raises(ConcurrentUpdate):
        await store.save(before, second)

    assert await store.load(before.runner.key) == replace(first, version=before.version + 1)


@pytest.mark.asyncio
async def test_saves_chain_when_each_starts_from_the_returned_version(
    store: SqlRunnerStore,
) -> None:
    snapshot = Snapshot(runner=new_runner())
    versions = []
    before: Snapshot | None = None
    for step in range(1, 4):
        after = replace(snapshot, dialogue=Dialogue(step=step))
        version = await store.save(before, after)
        versions.append(version)
        before = replace(after, version=version)

    assert versions == [1, 2, 3]
    assert await store.load(snapshot.runner.key) == before


@pytest.mark.asyncio
async def test_saves_of_the_same_shape_keep_their_own_values(database: DatabaseUnderTest,
                                                             store: SqlRunnerStore) -> None:
    """PostgreSQL keeps one statement per shape of save: the values are each save's own."""
    runners = [new_runner(f"telegram:{n}", name=f"Runner {n}") for n in range(3)]
    for n, runner in enumerate(runners):  # the same writes each time: a dialogue step and a new session
        before = await saved(store, Snapshot(runner=runner))
        session = Session(number=1, started_at=at(n), local_date=date(2025, 3, 30),
                          results=(result(1, pain=n, minutes=n),))
        await store.save(before, replace(before, dialogue=Dialogue(step=n + 1),
                                         history=History(sessions=(session,))))
    fresh = SqlRunnerStore(database.session_factory)  # read back from the rows, not the cache
    for n, runner in enumerate(runners):
        loaded = await fresh.load(runner.key)
        assert loaded is not None
        assert (loaded.runner.name, loaded.dialogue.step) == (f"Runner {n}", n + 1)
        assert [r.pain for s in loaded.history.sessions for r in s.results] == [n]
        assert loaded.history.sessions[0].started_at == at(n)


@pytest.mark.asyncio
async def test_racing_saves_from_the_same_before_let_exactly_one_win(store: SqlRunnerStore) -> None:
    before = await saved(store, FULL_SNAPSHOT)
    contenders = [replace(before, dialogue=Dialogue(state=f"contender {n}")) for n in range(4)]

    outcomes = await asyncio.gather(
        *(store.save(before, after) for after in contenders), return_exceptions=True
    )

    winners = [n for n, outcome in enumerate(outcomes) if outcome == before.version + 1]
    assert len(winners) == 1
    assert all(isinstance(o, ConcurrentUpdate) for n, o in enumerate(outcomes) if n != winners[0])
    loaded = await store.load(before.runner.key)
    assert loaded == replace(contenders[winners[0]], version=before.version + 1)


@pytest.mark.asyncio
async def test_creating_the_same_runner_twice_fails_the_second_time(store: SqlRunnerStore) -> None:
    first = Snapshot(runner=new_runner(name="First"))
    second = replace(FULL_SNAPSHOT, runner=replace(FULL_SNAPSHOT.runner, key=first.runner.key))

    await store.save(None, first)
    with pytest.raises(ConcurrentUpdate):
        await store.save(None, second)

    assert await store.load(first.runner.key) == replace(first, version=1)


@pytest.mark.asyncio
async def test_a_save_over_another_runner_is_refused(store: SqlRunnerStore) -> None:
    before = await saved(store, Snapshot(runner=new_runner("telegram:1")))
    with pytest.raises(ValueError, match="telegram:2"):
        await store.save(before, Snapshot(runner=new_runner("telegram:2")))
    assert await store.count_runners() == 1


# ---- deletion and listing --------------------------------------------------------


async def rows_per_table(database: DatabaseUnderTest, key: str) -> dict[str, int]:
    """Rows about this runner in every table that holds any (bot/storage/records.py says which)."""
    counts = {}
    platform, external_id = key.split(":", 1)
    async with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            condition = rows_of(table, [key], [(platform, external_id)])
            if condition is None:
                continue
            query = select(func.count()).select_from(table).where(condition)
            counts[table.name] = (await connection.execute(query)).scalar_one()
    return counts


async def add_reminder(database: DatabaseUnderTest, key: str) -> None:
    """A reminder, a link code, a linked identity and a wrong try: rows the snapshot does not carry."""
    instant = datetime(2026, 12, 1, 6, 40, tzinfo=UTC)
    platform, external_id = key.split(":", 1)
    async with database.engine.begin() as connection:
        await connection.execute(insert(ReminderRow).values(
            runner_key=key, platform="telegram", kind="session", local_date=instant.date(), due_at=instant,
            expires_at=instant, status="pending"))
        await connection.execute(insert(LinkCodeRow).values(
            code_hash=f"hash-{key}", runner_key=key, platform=platform, external_id=external_id, chat_id="1",
            created_at=instant, expires_at=instant))
        await connection.execute(insert(RunnerIdentityRow).values(
            platform=platform, external_id=external_id, runner_key=key, chat_id="1", linked_at=instant))
        await connection.execute(insert(LinkTryRow).values(platform=platform, external_id=external_id,
                                                           tried_at=instant))


@pytest.mark.asyncio
async def test_delete_erases_every_row_of_that_runner_only(
    database: DatabaseUnderTest, store: SqlRunnerStore
) -> None:
    leaving = FULL_SNAPSHOT
    staying = replace(FULL_SNAPSHOT, runner=replace(FULL_SNAPSHOT.runner, key="telegram:7"))
    await store.save(None, leaving)
    await store.save(None, staying)
    for snapshot in (leaving, staying):  # reminders belong to the planner; add one by hand
        await add_reminder(database, snapshot.runner.key)
    staying_rows = await rows_per_table(database, staying.runner.key)

    await store.delete(leaving.runner.key)

    assert set(staying_rows) == {t.name for t in metadata.sorted_tables if t.name not in NOT_PERSONAL}
    assert all(count > 0 for count in staying_rows.values()), "the fixture fills every table"
    assert await rows_per_table(database, leaving.runner.key) == dict.fromkeys(staying_rows, 0)
    assert await rows_per_table(database, staying.runner.key) == staying_rows
    assert await store.load(leaving.runner.key) is None
    assert await store.load(staying.runner.key) == replace(staying, version=1)


@pytest.mark.asyncio
async def test_deleting_an_unknown_runner_changes_nothing(store: SqlRunnerStore) -> None:
    await store.save(None, FULL_SNAPSHOT)
    await store.delete("telegram:unknown")
    assert await store.load(FULL_SNAPSHOT.runner.key) == replace(FULL_SNAPSHOT, version=1)


@pytest.mark.asyncio
async def test_runner_keys_are_listed_and_counted(store: SqlRunnerStore) -> None:
    assert (await store.list_runner_keys(), await store.count_runners()) == ([], 0)
    for key in ("telegram:9", "discord:1", "terminal:me"):
        await store.save(None, Snapshot(runner=new_runner(key)))
    await store.delete("telegram:9")

    assert await store.list_runner_keys() == ["discord:1", "terminal:me"]
    assert await store.count_runners() == 2


# ---- the app secret ---------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_app_secret_is_made_once_and_kept(database: DatabaseUnderTest) -> None:
    first = await app_secret(database.session_factory)
    again = await app_secret(database.session_factory)
    async with database.another_engine() as engine:
        from_another_engine = await app_secret(make_session_factory(engine))

    assert len(first) == APP_SECRET_BYTES
    assert first == again == from_another_engine


@pytest.mark.asyncio
async def test_racing_first_calls_agree_on_one_secret(database: DatabaseUnderTest) -> None:
    async with database.another_engine() as engine:
        other_factory = make_session_factory(engine)
        secrets_made = await asyncio.gather(
            *(app_secret(f) for f in (database.session_factory, other_factory) * 3)
        )
    assert len(set(secrets_made)) == 1


async def test_fifty_runners_saving_at_once_all_succeed(store: SqlRunnerStore) -> None:
    """A morning's peak: on SQLite the saves take turns instead of waiting on the file lock in threads."""
    firsts = [replace(FULL_SNAPSHOT, runner=new_runner(f"telegram:{n}")) for n in range(50)]
    befores = [await saved(store, first) for first in firsts]
    afters = [replace(before, dialogue=Dialogue(state="moved on")) for before in befores]

    versions = await asyncio.gather(*(store.save(before, after) for before, after in zip(befores, afters)))

    assert versions == [before.version + 1 for before in befores]
    for after in afters:
        assert await store.load(after.runner.key) == replace(after, version=after.version + 1)


async def test_connections_the_server_dropped_cost_one_busy_answer_then_work(tmp_path: Path) -> None:
    """No pre-ping on checkout: a dead connection fails once, as "busy" (a friendly "try again"), and
    the pool is renewed."""
    async with open_database("postgres", tmp_path) as database:
        store = SqlRunnerStore(database.session_factory)
        before = await saved(store, FULL_SNAPSHOT)
        admin = make_engine(POSTGRES_URL, pool_size=1)
        try:
            async with admin.begin() as connection:
                ended = await connection.scalar(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": application_name(database.schema)})
        finally:
            await admin.dispose()
        assert ended >= 1
        with pytest.raises(DBAPIError) as dropped:
            await store.load(before.runner.key)
        assert is_busy(dropped.value)
        assert await store.load(before.runner.key) == before
