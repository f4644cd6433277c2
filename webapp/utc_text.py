"""Aware datetimes checked and moved to UTC, and as the text SQLite stores them in one step."""

from __future__ import annotations

from datetime import UTC, datetime

# SQLAlchemy's SQLite DATETIME storage format (its default): sqlite_text writes the same text.
SQLITE_TEXT = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return value.astimezone(UTC)


# The last datetime written and its text. A letter binds one `now` to most of its rows'
# created_at and updated_at (14 of its 17 datetimes), and formatting the seven numbers cost
# more than comparing. Equal aware datetimes are the same instant, hence the same UTC text;
# a naive one is never equal to an aware one, so it still goes to as_utc and is refused. One
# tuple, replaced whole: a thread reads a value with its own text or misses.
_last: tuple[datetime, str] | None = None


def sqlite_text(value: datetime | None) -> str | None:
    """What UTCDateTime.process_bind_param and then SQLite's DATETIME processor give."""
    global _last
    if value is None:
        return None
    last = _last
    if last is not None and last[0] == value:
        return last[1]
    at = as_utc(value)
    text = (
        f"{at.year:04d}-{at.month:02d}-{at.day:02d} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d}.{at.microsecond:06d}"
    )
    _last = (value, text)
    return text
