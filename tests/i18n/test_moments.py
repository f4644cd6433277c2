"""Times name their zone, in the page's language, and carry the moment for the reader's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.supporter.helpers import post_letter
from webapp.moments import Precision, moment_html, moment_text

WHEN = datetime(2026, 12, 4, 9, 4, 59, tzinfo=UTC)
NNBSP = "\u202f"  # CLDR puts a narrow no-break space before AM/PM


@pytest.mark.parametrize(
    ("lang", "precision", "expected"),
    [
        ("en", Precision.SECONDS, f"Dec 4, 2026, 9:04:59{NNBSP}AM UTC"),
        ("en", Precision.MINUTES, f"Dec 4, 2026, 9:04{NNBSP}AM UTC"),
        ("ar", Precision.SECONDS, "4 ديسمبر 2026، 9:04:59 ص UTC"),
        ("ar", Precision.MINUTES, "4 ديسمبر 2026، 9:04 ص UTC"),
    ],
)
def test_a_time_names_its_zone_in_the_pages_language(
    app: Flask, lang: str, precision: Precision, expected: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        assert moment_text(WHEN, precision) == expected


def test_a_time_given_in_another_zone_is_told_in_utc(app: Flask) -> None:
    beirut = WHEN.astimezone(timezone(timedelta(hours=2)))
    with app.test_request_context(), force_locale("en"):
        assert moment_text(beirut) == moment_text(WHEN)
        assert 'datetime="2026-12-04T09:04:59Z"' in moment_html(beirut)


def test_a_time_without_a_zone_is_refused(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"), pytest.raises(ValueError):
        moment_text(WHEN.replace(tzinfo=None))


def test_the_html_form_is_an_isolated_time_element(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        shown = moment_html(WHEN, Precision.MINUTES)
    assert shown == (
        '<bdi><time datetime="2026-12-04T09:04:59Z" data-local="minutes">'
        f"Dec 4, 2026, 9:04{NNBSP}AM UTC</time></bdi>"
    )


@pytest.mark.parametrize(("lang", "zone"), [("en", "UTC"), ("ar", "UTC")])
def test_the_receipt_says_when_the_letter_was_recorded_and_in_which_zone(
    client: FlaskClient, default_campaign: str, lang: str, zone: str
) -> None:
    response = post_letter(client, default_campaign, email=f"zone-{lang}@example.org")
    assert response.status_code == 303
    page = client.get(f"{response.headers['Location']}?lang={lang}").text
    lead = re.search(r'<p class="lead">(.*?)</p>', page, re.DOTALL)
    assert lead is not None
    recorded = re.search(
        r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)" data-local="seconds">([^<]*)</time>',
        lead.group(1),
    )
    assert recorded is not None, lead.group(1)
    stamp = datetime.fromisoformat(recorded.group(1))
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=2)
    assert recorded.group(2).endswith(zone)
