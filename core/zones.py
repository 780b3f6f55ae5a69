"""What the runner types for times and places: time zones (IANA names, cities, UTC offsets) and clock times.

Stored zones are IANA names, "UTC", or our own "UTC+05:30" for a fixed offset, which never
follows daylight saving (the coach says so when one is typed).
"""

from __future__ import annotations

import re
from datetime import time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

# ---- time zones ---------------------------------------------------------------------

_CANONICAL_OFFSET = re.compile(r"UTC([+-])(\d{2}):(\d{2})")
# "UTC+2", "GMT-3", "+02:00", "+0530", "UTC+5:30", "utc -4"
_OFFSET_INPUT = re.compile(r"(?:(?:utc|gmt)\s*)?([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?", re.I)
_ZERO_NAMES = frozenset({"utc", "gmt", "z", "zulu"})
_OFFSET_RANGE = (timedelta(hours=-12), timedelta(hours=14))  # real-world offsets
_OFFSET_MINUTES = frozenset({0, 15, 30, 45})
_NOT_PLACES = frozenset({"localtime", "factory"})  # tzdata entries that are not places


_NOT_CITIES = ("Etc/", "SystemV/", "posix/", "right/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")


@lru_cache(maxsize=1)
def _zone_names_by_lower() -> dict[str, str]:
    """IANA names keyed by their lower-case spelling, read once."""
    return {n.lower(): n for n in available_timezones() if n.lower() not in _NOT_PLACES}


def _city_key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


@lru_cache(maxsize=1)
def _zones_by_city() -> dict[str, str]:
    """"new york" -> "America/New_York": the last part of each place's IANA name, read once.

    Where two names share a city (old aliases), the shorter, then alphabetically first, wins.
    """
    found: dict[str, str] = {}
    for name in sorted(_zone_names_by_lower().values(), key=lambda n: (n.count("/"), n)):
        if "/" in name and not name.startswith(_NOT_CITIES):
            found.setdefault(_city_key(name.rsplit("/", 1)[1]), name)
    return found


def is_fixed_offset(zone: str) -> bool:
    """A stored "UTC+02:00": it never follows daylight saving."""
    return _CANONICAL_OFFSET.fullmatch(zone) is not None


def zone_for(name: str) -> tzinfo:
    """The tzinfo for a stored zone name: IANA, "UTC", or our "UTC+05:30" form."""
    if name == "UTC":
        return timezone.utc
    fixed = _CANONICAL_OFFSET.fullmatch(name)
    if fixed:
        sign = -1 if fixed[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(fixed[2]), minutes=int(fixed[3])), name)
    return ZoneInfo(name)


def _offset_name(sign: str, hours: int, minutes: int) -> str | None:
    offset = (-1 if sign == "-" else 1) * timedelta(hours=hours, minutes=minutes)
    if minutes not in _OFFSET_MINUTES or not _OFFSET_RANGE[0] <= offset <= _OFFSET_RANGE[1]:
        return None
    if not offset:
        return "UTC"
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def parse_timezone(text: str) -> str | None:
    """A zone name we can store, from what the runner typed; None if not understood."""
    cleaned = text.strip().replace("\u2212", "-")  # a typographic minus from phones
    if cleaned.lower() in _ZERO_NAMES:
        return "UTC"
    offset = _OFFSET_INPUT.fullmatch(cleaned)
    if offset:
        return _offset_name(offset[1], int(offset[2]), int(offset[3] or 0))
    spelled = re.sub(r"\s+", "_", re.sub(r"\s*/\s*", "/", cleaned)).lower()
    if not spelled:
        return None
    return _zone_names_by_lower().get(spelled) or _zones_by_city().get(_city_key(cleaned))


# ---- clock times --------------------------------------------------------------------

_CLOCK = re.compile(r"(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm|a|p)?", re.I | re.ASCII)
_CLOCK_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def parse_clock_time(text: str) -> time | None:
    """A wall-clock time from "6:30", "0630", "6.30", "6pm", "12am" and the like."""
    cleaned = text.strip().lower().replace("a.m.", "am").replace("p.m.", "pm")
    if cleaned in _CLOCK_WORDS:
        return _CLOCK_WORDS[cleaned]
    match = _CLOCK.fullmatch(cleaned)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "")[:1]
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)  # 12am is midnight, 12pm noon
    return time(hour, minute) if hour <= 23 else None
