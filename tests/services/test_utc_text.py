"""UTCDateTime's one-step SQLite processor writes exactly what SQLAlchemy's two steps wrote."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from webapp.database import UTCDateTime
from webapp.utc_text import sqlite_text


def _chain(dialect: object) -> object:
    """TypeDecorator's own processor: process_bind_param, then the dialect's DATETIME."""
    kind = UTCDateTime().dialect_impl(sqlite.dialect())
    return TypeDecorator.bind_processor(kind, dialect)  # type: ignore[arg-type]


def test_sqlite_text_is_the_text_the_two_steps_wrote() -> None:
    dialect = sqlite.dialect()
    assert UTCDateTime().dialect_impl(dialect).bind_processor(dialect) is sqlite_text
    chain = _chain(dialect)
    shuffle = random.Random(7)
    cases: list[datetime | None] = [
        None,
        datetime(5, 1, 2, 3, 4, 5, tzinfo=UTC),  # a year under 1000 keeps four digits
        datetime(2026, 12, 6, 14, 0, tzinfo=UTC),  # no microseconds: still six zeros
        datetime(2026, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ]
    for _ in range(500):
        offset = timezone(timedelta(minutes=shuffle.randint(-720, 720)))
        fields = [shuffle.randint(2, 9998), shuffle.randint(1, 12), shuffle.randint(1, 28)]
        fields += [shuffle.randint(0, 23), shuffle.randint(0, 59), shuffle.randint(0, 59)]
        micro = shuffle.choice([0, shuffle.randint(0, 999_999)])
        cases.append(datetime(*fields, micro, tzinfo=offset))
    for case in cases:
        assert sqlite_text(case) == chain(case)  # type: ignore[operator]


def test_a_naive_datetime_is_refused_as_before() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        sqlite_text(datetime(2026, 1, 1))  # noqa: DTZ001


def test_a_value_written_again_gives_its_own_text() -> None:
    """The last value's text is reused: only for the same instant, in whatever zone it comes
    (pins behaviour: the one-entry memo must answer as formatting each value did)."""
    chain = _chain(sqlite.dialect())
    now = datetime(2026, 12, 6, 18, 9, 54, 870137, tzinfo=UTC)
    same_instant = now.astimezone(timezone(timedelta(hours=-5)))
    later = now + timedelta(microseconds=1)
    for case in (now, now, same_instant, later, now, same_instant, later, later, None, now):
        assert sqlite_text(case) == chain(case)  # type: ignore[operator]
    assert sqlite_text(same_instant) == "2026-12-06 18:09:54.870137"
    # The naive twin of the last value is not taken for it.
    with pytest.raises(ValueError, match="naive datetime"):
        sqlite_text(now.replace(tzinfo=None))


def test_other_dialects_keep_sqlalchemys_processor() -> None:
    dialect = postgresql.dialect()
    assert UTCDateTime().dialect_impl(dialect).bind_processor(dialect) is not sqlite_text
