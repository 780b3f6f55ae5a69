"""Which database faults mean "busy, try again in a moment" rather than "something broke"."""

from __future__ import annotations

from sqlalchemy import exc

# PostgreSQL: statement_timeout hit (query_canceled), lock_timeout hit, a deadlock broken.
BUSY_SQLSTATES = frozenset({"57014", "55P03", "40P01"})
# SQLite: another connection held the lock for longer than the busy timeout.
BUSY_SQLITE = ("database is locked", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """The database was too slow to answer (a lock held elsewhere, a statement timeout, a full pool),
    or dropped the connection (a restart, an idle limit): the next try works."""
    if isinstance(error, exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:  # the server dropped the connection; the pool is renewed
            return True
        if getattr(error.orig, "sqlstate", None) in BUSY_SQLSTATES:
            return True
        return any(fragment in str(error.orig).lower() for fragment in BUSY_SQLITE)
    return False
