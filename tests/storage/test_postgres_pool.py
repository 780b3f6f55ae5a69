"""PostgreSQL: the pool keeps the connections a peak opened, so the next peak does not open them again."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import text

from bot.storage.database import make_engine
from tests.storage.backends import open_database

PEAK = 12  # connections busy at once: more than the 10 the pool used to keep (it closed the rest)


async def test_a_peak_s_connections_stay_open_for_the_next_one(tmp_path: Path) -> None:
    async with open_database("postgres", tmp_path) as database:
        name = f"tiptoe-pool-{secrets.token_hex(4)}"  # these connections only, not the fixture's
        engine = make_engine(f"{database.url}?application_name={name}", database.schema)  # tiptoe run's pool
        try:
            held = [await engine.connect() for _ in range(PEAK)]
            for connection in held:
                await connection.execute(text("SELECT 1"))
            for connection in held:
                await connection.close()
            async with engine.connect() as connection:  # one of them, back from the pool
                still_open = await connection.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"), {"name": name})
        finally:
            await engine.dispose()
    # Closed on return, each would be a new server backend the next time: a burst of reminders
    # that keeps every connection busy fell behind its pace that way (bench.reminders --db postgres).
    assert still_open == PEAK
