"""Migrations on real SQLite and PostgreSQL: they build exactly what tables.py describes."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection

from bot.storage.database import alembic_config, head_revisions, upgrade_head
from bot.storage.tables import metadata
from tests.storage.backends import DatabaseUnderTest

EVERY_TABLE = {
    "runners",
    "dialogues",
    "sessions",
    "exercise_results",
    "morning_checks",
    "level_changes",
    "self_tests",
    "holds",
    "reminders",
    "app_meta",
    "runner_identities",
    "link_codes",
    "link_tries",
    "send_pace",
}
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


async def table_names(database: DatabaseUnderTest) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def applied_revisions(database: DatabaseUnderTest) -> list[str]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        return [row[0] for row in rows]


def differences_from_tables(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def test_the_tables_module_and_the_migrations_name_the_same_tables() -> None:
    assert set(metadata.tables) == EVERY_TABLE
    assert HEAD == "0007"


@pytest.mark.asyncio
async def test_upgrade_head_builds_every_table_on_an_empty_database(
    empty_database: DatabaseUnderTest,
) -> None:
    assert await table_names(empty_database) == set()

    await upgrade_head(empty_database.engine)

    assert await table_names(empty_database) == EVERY_TABLE | {"alembic_version"}
    assert await applied_revisions(empty_database) == [HEAD]


@pytest.mark.asyncio
async def test_upgrade_head_twice_changes_nothing(database: DatabaseUnderTest) -> None:
    await upgrade_head(database.engine)

    assert await table_names(database) == EVERY_TABLE | {"alembic_version"}
    assert await applied_revisions(database) == [HEAD]


@pytest.mark.asyncio
async def test_the_migrated_schema_matches_the_tables_module(database: DatabaseUnderTest) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(differences_from_tables)
    assert differences == []


@pytest.mark.asyncio
async def test_downgrade_to_base_removes_every_table(database: DatabaseUnderTest) -> None:
    def downgrade_to_base(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade_to_base)

    assert await table_names(database) == {"alembic_version"}
    assert await applied_revisions(database) == []


@pytest.mark.asyncio
async def test_the_command_line_path_migrates_the_database_named_in_the_environment(
    empty_database: DatabaseUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `alembic upgrade head` does: no connection given, env.py opens DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", empty_database.url)
    if empty_database.schema is None:
        monkeypatch.delenv("DATABASE_SCHEMA", raising=False)
    else:
        monkeypatch.setenv("DATABASE_SCHEMA", empty_database.schema)

    # env.py runs its own event loop there, as the CLI would: give it a thread.
    await asyncio.to_thread(command.upgrade, alembic_config(), "head")

    assert await table_names(empty_database) == EVERY_TABLE | {"alembic_version"}
    assert await applied_revisions(empty_database) == [HEAD]


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    assert head_revisions() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_a_database_at_head_costs_one_query_and_no_migration(database: DatabaseUnderTest) -> None:
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", note)
    try:
        await upgrade_head(database.engine)  # the fixture migrated it already
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", note)
    assert statements == ["SELECT version_num FROM alembic_version"]
