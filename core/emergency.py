"""Which number to call in an emergency, from the runner's time zone where we know it.

A time zone is only a hint of where someone is, so a zone we don't know (or a fixed
UTC offset) gets the three numbers that cover most places. Sources [D, with the public
reference next to each entry]: the table is ours; the numbers are the services' own.
"""

from __future__ import annotations

# Exact zone names first, then region prefixes; the first match wins.
EXACT: dict[str, str] = {
    "Europe/London": "999 or 112",  # UK: 999, and 112 works too (nhs.uk, "When to call 999")
    "Europe/Belfast": "999 or 112",
    "Europe/Dublin": "112 or 999",  # Ireland: both (gov.ie, emergency services)
    "Europe/Isle_of_Man": "999 or 112",
    "Europe/Jersey": "999 or 112",
    "Europe/Guernsey": "999 or 112",
    "Asia/Kolkata": "112",  # India's single emergency number (112.gov.in)
    "Asia/Tokyo": "119",  # Japan: ambulance and fire (fdma.go.jp)
    "Asia/Seoul": "119",  # South Korea: ambulance and fire
    "Asia/Singapore": "995",  # Singapore Civil Defence Force ambulance
    "Asia/Hong_Kong": "999",
    "Asia/Shanghai": "120",  # mainland China: ambulance
    "Pacific/Auckland": "111",  # New Zealand (police.govt.nz, 111)
    "Pacific/Honolulu": "911",
    "Africa/Johannesburg": "112 or 10177",  # South Africa: 112 from mobiles, 10177 ambulance
}
# US and Canadian zones use 911 (911.gov; CRTC, 9-1-1 in Canada).
NORTH_AMERICA_911 = frozenset({
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
    "America/Anchorage", "America/Detroit", "America/Boise", "America/Juneau", "America/Adak",
    "America/Toronto", "America/Vancouver", "America/Edmonton", "America/Winnipeg", "America/Halifax",
    "America/St_Johns", "America/Regina", "America/Moncton", "America/Whitehorse", "America/Yellowknife",
    "America/Mexico_City",  # Mexico moved to 911 in 2017
})
PREFIXES: tuple[tuple[str, str], ...] = (
    ("America/Indiana/", "911"),
    ("America/Kentucky/", "911"),
    ("America/North_Dakota/", "911"),
    ("US/", "911"),
    ("Canada/", "911"),
    ("Europe/", "112"),  # the EU-wide number, also answered across most of Europe (europa.eu/112)
    ("Australia/", "000"),  # Triple Zero (triplezero.gov.au); 112 also works from mobiles
)
UNKNOWN = "your local emergency number (112, 911 or 999)"


def emergency_number(zone: str | None) -> str:
    """The number(s) to call for the runner's zone, or the widely used three when unsure."""
    if not zone:
        return UNKNOWN
    if zone in EXACT:
        return EXACT[zone]
    if zone in NORTH_AMERICA_911:
        return "911"
    for prefix, number in PREFIXES:
        if zone.startswith(prefix):
            return number
    return UNKNOWN
