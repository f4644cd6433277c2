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


def sqlite_text(value: datetime | None) -> str | None:
    """What UTCDateTime.process_bind_param and then SQLite's DATETIME processor give."""
    if value is None:
        return None
    at = as_utc(value)
    return (
        f"{at.year:04d}-{at.month:02d}-{at.day:02d} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d}.{at.microsecond:06d}"
    )
