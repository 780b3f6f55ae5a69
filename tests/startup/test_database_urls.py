"""DATABASE_URL as hosts hand it out (`postgres://...?sslmode=require`) works with asyncpg."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.storage.database import make_engine
from bot.storage.urls import for_asyncpg
from tests.storage.backends import POSTGRES_URL

URLS = [  # (given, the URL SQLAlchemy gets, asyncpg's extra arguments)
    pytest.param("postgres://u:p@db.example:5432/app", "postgresql+asyncpg://u:p@db.example:5432/app", {},
                 id="heroku postgres://"),
    pytest.param("postgresql://u@db/app", "postgresql+asyncpg://u@db/app", {}, id="libpq postgresql://"),
    pytest.param("postgresql+psycopg://u@db/app", "postgresql+asyncpg://u@db/app", {}, id="psycopg 3 driver"),
    pytest.param("postgresql+psycopg2://u@db/app", "postgresql+asyncpg://u@db/app", {}, id="psycopg2 driver"),
    pytest.param("postgres://u@db/app?sslmode=require", "postgresql+asyncpg://u@db/app", {"ssl": "require"},
                 id="sslmode=require"),
    pytest.param("postgres://u@db/app?sslmode=verify-full", "postgresql+asyncpg://u@db/app",
                 {"ssl": "verify-full"}, id="sslmode=verify-full"),
    pytest.param("postgres://u@db/app?sslmode=disable", "postgresql+asyncpg://u@db/app", {"ssl": "disable"},
                 id="sslmode=disable"),
    pytest.param("postgres://u@db/app?application_name=tiptoe&connect_timeout=7",
                 "postgresql+asyncpg://u@db/app",
                 {"server_settings": {"application_name": "tiptoe"}, "timeout": 7.0}, id="libpq extras"),
    pytest.param("postgres://u@db/app?options=-c%20lock_timeout%3D2000", "postgresql+asyncpg://u@db/app",
                 {"server_settings": {"lock_timeout": "2000"}}, id="options -c"),
    pytest.param("postgres://u@db/app?channel_binding=require&target_session_attrs=read-write",
                 "postgresql+asyncpg://u@db/app?target_session_attrs=read-write", {},
                 id="libpq-only dropped, asyncpg's kept"),
    pytest.param("postgresql+asyncpg://u@db/app?ssl=require", "postgresql+asyncpg://u@db/app",
                 {"ssl": "require"}, id="already asyncpg"),
    pytest.param("sqlite:///tiptoe.sqlite3", "sqlite+aiosqlite:///tiptoe.sqlite3", {}, id="sync sqlite"),
    pytest.param("sqlite+aiosqlite:///t.sqlite3", "sqlite+aiosqlite:///t.sqlite3", {}, id="async sqlite as is"),
]


@pytest.mark.parametrize(("given", "url", "connect_args"), URLS)
def test_urls_are_made_fit_for_asyncpg(given: str, url: str, connect_args: dict) -> None:
    assert for_asyncpg(given) == (url, connect_args)


def test_certificate_files_become_an_ssl_context(tmp_path: Path) -> None:
    authority = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    if not authority.exists():
        pytest.skip("no CA bundle on this machine to stand in for a server's root certificate")
    url, connect_args = for_asyncpg(f"postgres://u@db/app?sslmode=verify-full&sslrootcert={authority}")
    context = connect_args["ssl"]
    assert url == "postgresql+asyncpg://u@db/app"
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED


def test_an_unknown_sslmode_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="sslmode must be one of"):
        for_asyncpg("postgres://u@db/app?sslmode=sometimes")


async def test_a_heroku_style_url_connects_to_postgresql() -> None:
    """The URL a host sets, with libpq parameters, reaches the real database through asyncpg."""
    local = make_url(POSTGRES_URL)
    given = (f"postgres://{local.username}@{local.host}:{local.port}/{local.database}"
             "?sslmode=disable&application_name=tiptoe-url-test&connect_timeout=10")
    engine = make_engine(given)
    try:
        async with engine.connect() as connection:
            name = await connection.scalar(text("SHOW application_name"))
            timeout = await connection.scalar(text("SHOW statement_timeout"))
    finally:
        await engine.dispose()
    assert name == "tiptoe-url-test"
    assert timeout == "5s"  # every connection's statements are bounded
