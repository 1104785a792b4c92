"""iCalendar (RFC 5545) written by hand: VCALENDAR with one VEVENT per calendar entry.

Times in UTC (``…Z``); text values escaped (backslash, semicolon, comma, newline, §3.3.11);
content lines folded at 75 octets without splitting a UTF-8 character (§3.1); CRLF line ends;
a cancelled meeting has ``STATUS:CANCELLED``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from .selectors import Entry

PRODID = "-//Plantrack//Participation calendar//EN"


def escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuations starting with a
    space (which counts towards their 75)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        # Never split inside a multi-byte character: back up to a lead byte.
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74
    return "\r\n ".join(parts)


def _event(entry: Entry, *, absolute: Callable[[str], str], stamp: dt.datetime) -> list[str]:
    ends = entry.ends_at or entry.starts_at + dt.timedelta(hours=1)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{entry.uid}@plantrack",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(entry.starts_at)}",
        f"DTEND:{utc(ends)}",
        f"SUMMARY:{escape(entry.title)}",
    ]
    if entry.place:
        lines.append(f"LOCATION:{escape(entry.place)}")
    lines.append(f"URL:{absolute(entry.url)}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape(entry.description)}")
    if "sequence" in entry.extra:
        lines.append(f"SEQUENCE:{int(entry.extra['sequence'])}")
    lines.append(f"STATUS:{'CANCELLED' if entry.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines


def calendar_ics(
    entries: Iterable[Entry], *, name: str, absolute: Callable[[str], str], now: dt.datetime
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for entry in entries:
        lines.extend(_event(entry, absolute=absolute, stamp=now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
