"""Alembic environment for Tiptoe: async-capable, configured in code.

Two ways in:
- `bot.storage.database.upgrade_head` passes an open connection in
  `config.attributes["connection"]`; migrations run on it, inside its transaction.
- The `alembic` command line (with a config whose script_location is this folder):
  connects to `DATABASE_URL` (and `DATABASE_SCHEMA`, PostgreSQL only) from the
  environment, through the same `make_engine` the bot uses.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

PROJECT_ROOT = str(Path(__file__).resolve().parents[1])
if PROJECT_ROOT not in sys.path:  # the CLI may run from anywhere
    sys.path.insert(0, PROJECT_ROOT)

from bot.storage.database import make_engine  # noqa: E402
from bot.storage.tables import metadata  # noqa: E402

config = context.config
target_metadata = metadata


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set DATABASE_URL to the database to migrate")
    return url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def wait_for_other_migrators(connection: Connection) -> None:
    """PostgreSQL: one migrator per schema at a time; the others wait, then find it at head.

    The lock is held until this transaction ends. A migration may take as long as it needs:
    the bot's statement timeout is lifted for this transaction only.
    """
    if connection.dialect.name != "postgresql":
        return  # SQLite serialises writers itself
    connection.execute(text("SET LOCAL statement_timeout = 0"))
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('tiptoe:migrate:' || current_schema(), 0))"))


def run_migrations_on(connection: Connection) -> None:
    wait_for_other_migrators(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters tables by copying them; batch mode writes migrations that way.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_from_environment() -> None:
    engine = make_engine(_database_url(), os.environ.get("DATABASE_SCHEMA") or None)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    given = config.attributes.get("connection")
    if given is not None:
        run_migrations_on(given)
    else:
        asyncio.run(run_migrations_from_environment())
