"""An office's statuses on an Arabic page are separated as Arabic separates them ("؛"), not
by a Latin semicolon."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters
from webapp.models import SubmissionStatus


def test_an_offices_statuses_are_separated_in_the_pages_language(
    app: Flask, default_campaign: str
) -> None:
    add_letters(
        app,
        default_campaign,
        [
            Letter("sent@example.org"),
            Letter("waiting@example.org", status=SubmissionStatus.UNCONFIRMED),
        ],
    )
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    admin = signed_in(app, ADMIN)
    for path in ("", "/offices"):
        page = admin.get(f"/dashboard/campaigns/{default_campaign}{path}").text
        # The statuses cell (named for a phone's stacked rows): two "label: count" pairs, each
        # count isolated.
        cells = re.findall(
            r'<td class="statuses"[^>]*>([^<]*: <bdi>\d+</bdi>[^<]*: <bdi>\d+</bdi>)</td>', page
        )
        assert cells, path
        for statuses in cells:
            assert "؛ " in statuses and "; " not in statuses, (path, statuses)
