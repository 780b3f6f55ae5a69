"""Database URLs as hosting platforms hand them out, made fit for SQLAlchemy on asyncpg.

Heroku, Render and Railway set `DATABASE_URL=postgres://...` (libpq's spelling), often
with `?sslmode=require`. SQLAlchemy reads `postgres://` as no dialect at all and
`postgresql://` as psycopg2, and hands every query parameter to asyncpg.connect(),
which knows `ssl` but not libpq's `sslmode`, `sslrootcert`, `application_name` ...
So the scheme becomes `postgresql+asyncpg` and each libpq parameter is translated into
the asyncpg argument that means the same; one with no asyncpg meaning is dropped with
a warning that names it (never its value: a URL may carry a password).
"""

from __future__ import annotations

import logging
import shlex
import ssl
from typing import Any

from sqlalchemy.engine import URL, make_url

log = logging.getLogger(__name__)

ASYNC_POSTGRES = "postgresql+asyncpg"
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg",
                              "postgresql+psycopg2", "postgresql+psycopg2cffi", "postgresql+pg8000"})
SSL_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
SSL_FILES = ("sslrootcert", "sslcert", "sslkey", "sslpassword")
# asyncpg.connect() keywords a URL may carry as they are.
ASYNCPG_KEYWORDS = frozenset({"ssl", "target_session_attrs", "krbsrvname", "gsslib", "passfile", "service",
                              "servicefile", "prepared_statement_cache_size", "statement_cache_size",
                              "direct_tls", "command_timeout"})


def for_asyncpg(url: str) -> tuple[str, dict[str, Any]]:
    """(SQLAlchemy URL, asyncpg connect arguments) for any PostgreSQL URL; `sqlite://` gets aiosqlite."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":  # the sync driver's spelling: same file, async driver
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False), {}
    if parsed.drivername not in POSTGRES_SCHEMES:
        return url, {}
    query = dict(parsed.query)
    connect_args: dict[str, Any] = {}
    settings: dict[str, str] = {}
    mode = _single(query.pop("sslmode", None)) or _single(query.pop("ssl", None))
    files = {name: _single(query.pop(name)) for name in SSL_FILES if name in query}
    if mode is not None and mode not in SSL_MODES and mode.lower() not in ("true", "false"):
        raise ValueError(f"DATABASE_URL: sslmode must be one of {', '.join(sorted(SSL_MODES))}")
    if files:
        connect_args["ssl"] = _ssl_context(mode or "verify-full", files)
    elif mode is not None:
        connect_args["ssl"] = {"true": "require", "false": "disable"}.get(mode.lower(), mode)
    if (name := query.pop("application_name", None)) is not None:
        settings["application_name"] = _single(name)
    if (options := query.pop("options", None)) is not None:
        settings.update(_server_options(_single(options)))
    if (timeout := query.pop("connect_timeout", None)) is not None:
        connect_args["timeout"] = float(_single(timeout))
    for key in list(query):
        if key not in ASYNCPG_KEYWORDS:
            log.warning("DATABASE_URL parameter %r has no meaning for asyncpg; ignored", key)
            del query[key]
    if settings:
        connect_args["server_settings"] = settings
    fixed: URL = parsed.set(drivername=ASYNC_POSTGRES, query=query)
    return fixed.render_as_string(hide_password=False), connect_args


def _single(value: str | tuple[str, ...] | None) -> str | None:
    return value[-1] if isinstance(value, tuple) else value


def _ssl_context(mode: str, files: dict[str, str | None]) -> ssl.SSLContext | str:
    """libpq's certificate files as an SSLContext (asyncpg takes files only through one)."""
    if mode in ("disable", "allow", "prefer") and "sslcert" not in files:
        return mode
    context = ssl.create_default_context(cafile=files.get("sslrootcert"))
    # libpq: "require" with a root certificate checks the chain (as verify-ca); only
    # verify-full checks that the certificate names the host.
    context.check_hostname = mode == "verify-full"
    if mode == "require" and "sslrootcert" not in files:
        context.verify_mode = ssl.CERT_NONE
    if files.get("sslcert"):
        context.load_cert_chain(files["sslcert"], files.get("sslkey"), files.get("sslpassword"))
    return context


def _server_options(options: str) -> dict[str, str]:
    """libpq's `options=-c name=value -c ...` as server settings."""
    words = shlex.split(options)
    found: dict[str, str] = {}
    for index, word in enumerate(words):
        setting = word[2:] if word.startswith("-c") and len(word) > 2 else (
            words[index + 1] if word == "-c" and index + 1 < len(words) else None)
        if setting and "=" in setting:
            name, value = setting.split("=", 1)
            found[name.strip()] = value.strip()
    return found
