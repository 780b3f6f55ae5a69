"""Engines, sessions, migrations and the app secret: everything that opens the database.

`bot/main.py` calls `make_engine`, `upgrade_head`, then `make_session_factory`, and
disposes of the engine at shutdown. Alembic is configured here in code (no
alembic.ini); its scripts live in the project's `migrations/` folder.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.private_files import create_private
from bot.storage.tables import AppMetaRow
from bot.storage.urls import for_asyncpg

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
APP_SECRET_NAME = "button_secret"  # app_meta row holding the key that signs button payloads
APP_SECRET_BYTES = 32
NAMEDATALEN = 64  # PostgreSQL truncates identifiers, application_name included, to 63 bytes
# A statement (or a wait for a lock) longer than this is cut off, so an update's handler can
# still answer within Telegram's ~15 s callback window ("busy, try again") instead of hanging.
STATEMENT_TIMEOUT_S = 5.0
# PostgreSQL connections per process unless DATABASE_POOL_SIZE caps them: enough for the
# updates PTB handles at once to rarely wait for one at a morning's peak. All of them are kept
# once opened (no overflow): an overflow connection is closed as soon as it is returned, so a
# peak that keeps every connection busy opened a new server backend every few reminders (10 kept
# and 5 overflow: a 1,000-reminder burst went out at 23.0 a second, its last ones 3 s late;
# 15 kept: 24.6 a second, on time; bench.reminders --db postgres).
POOL_SIZE = 15
POOL_RECYCLE_S = 300  # seconds; many hosts and proxies close connections idle for longer


def sqlite_url(path: str | Path) -> str:
    """The async SQLAlchemy URL of a SQLite database file."""
    return f"sqlite+aiosqlite:///{Path(path).expanduser().resolve()}"


def application_name(schema: str | None) -> str:
    """How our PostgreSQL connections name themselves in pg_stat_activity.

    With a schema it is part of the name, so an operator (or a test tearing its schema
    down) can tell which deployment a connection belongs to.
    """
    return f"tiptoe:{schema}"[:NAMEDATALEN - 1] if schema else "tiptoe"


def make_engine(url: str, schema: str | None = None, *,
                statement_timeout: float = STATEMENT_TIMEOUT_S, pool_size: int | None = None) -> AsyncEngine:
    """An async engine for a SQLite file or PostgreSQL (asyncpg).

    Any PostgreSQL URL a host hands out works (`postgres://...?sslmode=require`: see
    urls.py). SQLite: the file's folder is created, the file itself readable by its
    owner only, and every connection turns on foreign keys, WAL (readers don't block
    the writer) with synchronous=NORMAL, and a busy timeout. PostgreSQL: with `schema`, every
    connection works in that schema (search_path), Alembic's version table included; the schema must exist.
    Either way a statement waits at most `statement_timeout` seconds. `pool_size` caps the
    PostgreSQL connections this process opens (the server's max_connections is shared by all);
    without it, POOL_SIZE. The pool keeps the connections it opens (no overflow: see POOL_SIZE).
    PostgreSQL connections name themselves after the schema (`application_name`).
    """
    url, connect_args = for_asyncpg(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if schema is not None:
            raise ValueError("SQLite has no schemas; pass schema only for PostgreSQL")
        if parsed.database and parsed.database != ":memory:":
            # Runners' health data: SQLite gives its -wal and -shm files the database file's mode.
            create_private(Path(parsed.database).expanduser())
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _sqlite_setup(int(statement_timeout * 1000)))
        return engine
    server_settings = connect_args.setdefault("server_settings", {})
    server_settings["statement_timeout"] = str(int(statement_timeout * 1000))
    server_settings.setdefault("application_name", application_name(schema))  # an operator's own name wins
    if schema is not None:
        server_settings["search_path"] = schema
    # No pre-ping: it was a round trip on every checkout, half of a check-in's. A connection the
    # server or a proxy dropped fails its first statement instead; SQLAlchemy then discards the
    # pool's connections and the handler answers "busy, try again" (faults.is_busy). Recycling
    # keeps connections younger than the idle limits hosts put on them.
    return create_async_engine(url, connect_args=connect_args, pool_recycle=POOL_RECYCLE_S,
                               pool_size=pool_size or POOL_SIZE, max_overflow=0)


def sqlite_worker_engine(engine: AsyncEngine, connections: int,
                         statement_timeout: float = STATEMENT_TIMEOUT_S) -> Engine:
    """The same SQLite file through the sqlite3 driver itself, for the store's units of work (worker.py).

    Connections are set up as make_engine's are (`statement_timeout` 0: a locked file answers
    "locked" at once); any thread may use any of them.
    """
    sync = create_engine(engine.url.set(drivername="sqlite+pysqlite"), pool_size=connections, max_overflow=0,
                         connect_args={"check_same_thread": False})
    event.listen(sync, "connect", _sqlite_setup(int(statement_timeout * 1000)))
    return sync


def _sqlite_setup(busy_timeout_ms: int):
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL syncs the log at checkpoints, not at every commit: a commit
            # survives the process being killed, and the file never corrupts; only a power cut
            # or an OS crash may take back the last commits. An fsync per check-in was most of
            # a press's database time.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        finally:
            cursor.close()

    return configure


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose loaded rows stay readable after commit (values are copied out anyway)."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def single_statements(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose statements each commit on their own: no BEGIN/COMMIT round trips.

    For reads, and for writes that are one atomic statement. At READ COMMITTED every
    statement sees its own snapshot even inside a transaction, so nothing is lost by
    this; the round trips saved are most of the cost on a loopback connection.
    """
    async with sessions() as db:
        await db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        yield db


def autocommit(sessions: async_sessionmaker[AsyncSession]) -> Engine:
    """The sessions' engine, seen synchronously, each statement committing on its own (`one_statement`)."""
    return sessions.kw["bind"].sync_engine.execution_options(isolation_level="AUTOCOMMIT")


async def one_statement(engine: Engine, statement: Executable, params: dict[str, Any]) -> Any:
    """One statement on `autocommit`'s engine: the first column of its first row (None without rows).

    A connection from the pool, the statement and the connection's return run in one greenlet:
    single_statements' AsyncSession cost three greenlet switches and more CPU than the
    statement itself (measured on the shared pace row: 0.57 ms against 0.3 ms).
    """
    return await greenlet_spawn(_scalar, engine, statement, params)


def _scalar(engine: Engine, statement: Executable, params: dict[str, Any]) -> Any:
    with engine.connect() as connection:
        result = connection.execute(statement, params)
        return result.scalar() if result.returns_rows else None


def alembic_config() -> Config:
    """Alembic's configuration, in code: the scripts in `migrations/`, nothing else."""
    from alembic.config import Config  # Alembic costs ~0.5 s of CPU to import: only when migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


async def upgrade_head(engine: AsyncEngine) -> None:
    """Bring the database to the newest migration; does nothing when it is already there.

    Safe to run from many processes at once: on PostgreSQL migrations/env.py takes an
    advisory lock first, so one migrates and the others then find the schema at head.
    A database already at head costs one query, and Alembic is not even imported.
    """
    if await _at_head(engine):
        return
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_head_on)


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)


def head_revisions() -> frozenset[str]:
    """The newest migrations: those no other script names as its down_revision.

    Read from the scripts' own `revision = ...` lines, without Alembic (tests/storage/
    test_migrations.py checks this agrees with Alembic's ScriptDirectory).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text()):
            (revisions if name == "revision" else parents).update(re.findall(r"[\"']([^\"']+)[\"']", value))
    return frozenset(revisions - parents)


async def _at_head(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            stored = set((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    except DBAPIError:  # no version table: a new database
        return False
    return stored == head_revisions()


def _upgrade_head_on(connection: Connection) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection  # migrations/env.py uses it as given
    command.upgrade(config, "head")


async def app_secret(session_factory: async_sessionmaker[AsyncSession]) -> bytes:
    """The app's secret for signing button payloads: made once, then the same forever.

    Race-safe: when two processes make one at the same time, the first insert wins
    and the other reads the winner's.
    """
    stored = await _read_app_secret(session_factory)
    if stored is not None:
        return stored
    fresh = secrets.token_bytes(APP_SECRET_BYTES)
    try:
        async with session_factory.begin() as db:
            await db.execute(insert(AppMetaRow).values(name=APP_SECRET_NAME, value=fresh.hex()))
    except IntegrityError:
        stored = await _read_app_secret(session_factory)
        if stored is None:  # the insert clashed, so a row exists: not reachable in practice
            raise
        return stored
    return fresh


async def _read_app_secret(session_factory: async_sessionmaker[AsyncSession]) -> bytes | None:
    async with session_factory() as db:
        value = await db.scalar(select(AppMetaRow.value).where(AppMetaRow.name == APP_SECRET_NAME))
    return None if value is None else bytes.fromhex(value)
