"""A campaign whose only offices are looked up from the supporter's address (its senators) says
whom the letter goes to: its page read "To:" with nothing after it, then "Supporters in the US
can also send copies to their own members of Congress", copies beside no one."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp.campaigns.services import import_campaign_path
from webapp.database import db

FILE = """---
slug: senate-only
title: Senators, renew the Caesar Act
subject: Renew the Caesar Act
salutation: "Dear {{{{ target.name }}}},"
status: live
targets:
{targets}---
Please support the bill.
"""
SENATE = "  - kind: lookup\n    chambers: [us_senate]\n"
BOTH = "  - kind: lookup\n    chambers: [us_senate, us_house]\n"
PRESIDENT = "  - kind: custom\n    name: The President\n"


def _page(app: Flask, client: FlaskClient, tmp_path: Path, targets: str, lang: str) -> str:
    path = tmp_path / "senate-only.md"
    path.write_text(FILE.format(targets=targets), encoding="utf-8")
    with app.app_context():
        import_campaign_path(db.session(), path)
    return client.get(f"/campaigns/senate-only?lang={lang}").text


def _line(html: str, css: str) -> str:
    """The first paragraph of class `css` in the letter's panel."""
    letter = html[html.index('id="letter-heading"') :]
    match = re.search(rf'<p class="{css}">(.*?)</p>', letter, re.S)
    assert match, f"no .{css} line"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", match.group(1)))).strip()


@pytest.mark.parametrize(
    ("targets", "lang", "to", "hint"),
    [
        (SENATE, "en", "To: your two US senators", "Found from your address in the United States."),
        (
            BOTH,
            "en",
            "To: your two US senators and your representative in the US House",
            "Found from your address in the United States.",
        ),
        (
            SENATE,
            "ar",
            "إلى: عضوا مجلس الشيوخ الأمريكي عن ولايتك",
            "نجدهم من عنوانك في الولايات المتحدة.",
        ),
        (
            SENATE + PRESIDENT,
            "en",
            "To: The President",
            "Supporters in the US can also send copies to their own members of Congress, "
            "found from their address.",
        ),
    ],
    ids=["senate", "senate-and-house", "senate-arabic", "with-a-fixed-office"],
)
def test_the_to_line_names_the_looked_up_offices_when_there_is_no_fixed_one(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    targets: str,
    lang: str,
    to: str,
    hint: str,
) -> None:
    html = _page(app, client, tmp_path, targets, lang)
    assert _line(html, "letter-to") == to
    assert _line(html, "hint") == hint
