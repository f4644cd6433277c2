"""Every line about a letter's writer on the campaign page says where from in the page's
language: h3 mended the held letters' ("Rasha Haddad، Dearborn، ميشيغان"), while the personal
paragraphs' and the changeover's still read "Rasha, Dearborn, MI" on Arabic pages."""

from __future__ import annotations

import html

from flask import Flask

from tests.civic.data import load_civic_data
from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import LEFT, Letter, add_letters


def test_the_personal_paragraph_and_changeover_lines_read_in_arabic(
    app: Flask, default_campaign: str
) -> None:
    load_civic_data(app)
    (personal,) = add_letters(
        app, default_campaign, [Letter("p@example.org", personal_message="My own words here.")]
    )
    add_letters(app, default_campaign, [Letter("c@example.org", offices=(LEFT,))])
    admin = signed_in(app, ADMIN)
    english = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    assert (
        f'id="paragraph-{personal}"><bdi>Rasha</bdi>, <bdi>Dearborn</bdi>, <bdi>Michigan</bdi> · '
    ) in english
    assert (
        "<bdi>Rasha Haddad</bdi>, <bdi>Dearborn</bdi>, <bdi>Michigan</bdi> <bdi>48126</bdi> · "
        in (english[english.index('id="changeover-heading"') :])
    )
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    assert (
        f'id="paragraph-{personal}"><bdi>Rasha</bdi>، <bdi>Dearborn</bdi>، <bdi>ميشيغان</bdi> · '
    ) in arabic
    assert (
        "<bdi>Rasha Haddad</bdi>، <bdi>Dearborn</bdi>، <bdi>ميشيغان</bdi> <bdi>48126</bdi> · "
        in (arabic[arabic.index('id="changeover-heading"') :])
    )
