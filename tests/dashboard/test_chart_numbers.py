"""The dashboard's charts write their numbers as the page's language writes them, as the tables
beside them do: the bars' tooltips and scale used Python's own grouping whatever the language,
and the hours' table wrote no grouping at all ("12345" under a day of "12,345")."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from sqlalchemy import update

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, write_transaction
from webapp.models import SubmissionTally

BIG = 12345


def _busy_day(app: Flask, slug: str) -> None:
    """One letter, counted, then its day and its hour made a day of action's."""
    add_letters(app, slug, [Letter("one@example.org")])
    signed_in(app, "counter@civic.example.org").get(f"/dashboard/campaigns/{slug}")
    with app.app_context(), write_transaction(db.session()):
        db.session.execute(
            update(SubmissionTally)
            .where(SubmissionTally.dimension.in_(("day", "hour")))
            .values(count=BIG)
        )


# English and Arabic group alike ("12,345"); French with a narrow space ("12 345"), where a
# number grouped by Python's own rule stood out beside the page's.
@pytest.mark.parametrize(
    ("language", "written"), [("en", "12,345"), ("ar", "12,345"), ("fr", "12\u202f345")]
)
def test_the_charts_and_their_tables_write_numbers_as_the_page_does(
    app: Flask, default_campaign: str, language: str, written: str
) -> None:
    _busy_day(app, default_campaign)
    app.config["BABEL_DEFAULT_LOCALE"] = language
    page = html.unescape(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text)
    assert f'<p class="chart-top" aria-hidden="true">{written}</p>' in page
    tooltips = re.findall(r"<title>[^<]*: ([^<]*)</title></rect>", page)
    assert tooltips.count(written) == 2, tooltips  # the day's bar and the hour's
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert cells.count(written) == 2, "the day's row and the hour's, as the charts write them"
    assert str(BIG) not in page
