"""Calendar plans as iCalendar files (RFC 5545), with the `icalendar` package.

Times are written in the runner's zone with its TZID and a VTIMEZONE, so calendar
apps show them at the same wall time across a daylight-saving change. A zone without
an IANA name (our fixed "UTC+05:30" form) is written in UTC instead.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.calendar_plan import CalendarPlan, PlannedEvent

PRODUCT_ID = "-//Tiptoe//heels-up strength coach//EN"


def render_calendar(plan: CalendarPlan) -> bytes:
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", plan.name)
    zone = _iana_zone(plan.timezone)
    if zone is not None:
        calendar.add("x-wr-timezone", plan.timezone)
    for planned in plan.events:
        event = Event()
        event.add("uid", planned.uid)
        event.add("dtstamp", plan.made_at)
        event.add("sequence", plan.sequence)
        event.add("summary", planned.title)
        event.add("description", planned.description)
        start = planned.start.replace(tzinfo=zone) if zone is not None else planned.start_utc
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=planned.minutes))
        event.add("transp", "OPAQUE" if planned.alarm else "TRANSPARENT")
        if planned.alarm:
            event.add_component(_alarm(Alarm, planned))
        calendar.add_component(event)
    if zone is not None and plan.events:
        # Only the transitions around these events, not fifty years of them.
        first = min(e.day for e in plan.events) - timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=max(e.day for e in plan.events)
                                       + timedelta(days=366))
    return calendar.to_ical()


def _alarm(alarm_class: type, planned: PlannedEvent):
    alarm = alarm_class()
    alarm.add("action", "DISPLAY")
    alarm.add("description", planned.title)
    alarm.add("trigger", timedelta(0))  # at the start: when Tiptoe's own reminder comes
    return alarm


def _iana_zone(name: str) -> ZoneInfo | None:
    if name == "UTC" or name.startswith("UTC+") or name.startswith("UTC-"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
