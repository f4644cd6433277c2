"""Dates and times as a reader sees them: in the page's language, with their time zone named."""

from __future__ import annotations

import enum
import re
from datetime import UTC, datetime

from babel import Locale
from babel.dates import format_skeleton, get_datetime_format
from flask_babel import format_time, get_locale, to_user_timezone
from markupsafe import Markup


class Precision(enum.Enum):
    """How finely a moment is told: a receipt's record to the second, a retry to the minute."""

    SECONDS = "seconds"
    MINUTES = "minutes"


def moment_text(moment: datetime, precision: Precision = Precision.SECONDS) -> str:
    """'Dec 4, 2026, 9:04:59 AM UTC', as the page's language writes it.

    The zone is always named: a bare time is read as the reader's own, and times are kept in
    UTC, so a receipt read in Berlin or California was an hour or eight off.
    """
    if moment.tzinfo is None:
        # Babel would read it as UTC and astimezone as the server's zone: refuse, as the
        # database's UTCDateTime does.
        raise ValueError("naive datetime given; use an aware UTC datetime")
    locale = get_locale() or Locale("en")
    # The month spelt out ("Dec 4, 2026", "4 ديسمبر 2026"), as site.js shows it to the reader:
    # a numeric date ("12/4/26", Arabic's medium "04/12/2026") is read day-first or month-first
    # by where its reader grew up. A skeleton, as some locales' medium format is numeric.
    date = format_skeleton("yMMMd", to_user_timezone(moment), locale=locale)
    if precision is Precision.SECONDS:
        pattern = locale.time_formats["long"].pattern
    else:
        pattern = f"{locale.time_formats['short'].pattern} z"
    # Times are told in UTC, and named "UTC" in every language, as a browser names the zone
    # (site.js) for a reader there: CLDR's Arabic "التوقيت العالمي" made one zone two names, on
    # the page with and without its script, and in the emails. (Neither locale quotes a z.)
    time = format_time(moment, re.sub(r"z+", "'UTC'", pattern))
    joined = get_datetime_format("medium", locale)
    # Babel's own way of putting a date and a time together in a locale's order ({1} the date).
    return str(joined).replace("'", "").replace("{0}", time).replace("{1}", date)


def moment_html(moment: datetime, precision: Precision = Precision.SECONDS) -> Markup:
    """moment_text in a <time> that site.js rewrites in the reader's own zone, isolated so
    its digits keep their order in a right-to-left sentence."""
    stamp = moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return Markup('<bdi><time datetime="%s" data-local="%s">%s</time></bdi>') % (
        stamp,
        precision.value,
        moment_text(moment, precision),
    )
