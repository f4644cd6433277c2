"""The hours of the dashboard's chart and its table in the page's language, comma included:
an Arabic page read "7 ديسمبر, 09:00", a Latin comma after the Arabic month."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters


def test_the_hours_read_with_the_pages_comma(app: Flask, default_campaign: str) -> None:
    add_letters(app, default_campaign, [Letter("one@example.org")])
    admin = signed_in(app, ADMIN)
    english = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    assert re.search(r"<td>[A-Z][a-z]{2} \d{1,2}, \d\d:00</td>", english)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    assert not re.search(r"[\u0600-\u06ff], \d\d:00", arabic)
    hours = re.findall(r"<td>(\d{1,2} [\u0600-\u06ff]+، \d\d:00)</td>", arabic)
    assert len(hours) == 48, hours
