"""Storage: the runner store on SQLAlchemy (SQLite or PostgreSQL), and its migrations."""

from bot.storage.database import (
    app_secret,
    make_engine,
    make_session_factory,
    sqlite_url,
    upgrade_head,
)
from bot.storage.repository import SqlRunnerStore

__all__ = [
    "SqlRunnerStore",
    "app_secret",
    "make_engine",
    "make_session_factory",
    "sqlite_url",
    "upgrade_head",
]
