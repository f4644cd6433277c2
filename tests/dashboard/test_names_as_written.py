"""Organisers see a supporter's name as they wrote it (رشا حداد) beside its Latin spelling on
every dashboard line about a letter: the held letters' list, the decline page, the personal
paragraphs and the changeover showed the Latin spelling alone."""

from __future__ import annotations

import html

from flask import Flask

from tests.civic.data import load_civic_data
from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import LEFT, Letter, add_held_letter, add_letters

ARABIC = {"native_first_name": "رشا", "native_last_name": "حداد", "language": "ar"}


def test_the_held_letter_and_its_decline_page_show_both_names(
    app: Flask, default_campaign: str
) -> None:
    letter = add_held_letter(app, default_campaign, ("disposable email domain",), **ARABIC)
    admin = signed_in(app, ADMIN)
    campaign = f"/dashboard/campaigns/{default_campaign}"
    for path in (campaign, f"{campaign}/submissions/{letter}/decline"):
        page = html.unescape(admin.get(path).text)
        assert (
            f'id="held-{letter}"><bdi>Rasha Haddad</bdi> '
            '(as written: <bdi lang="ar">رشا حداد</bdi>), '
            "<bdi>Dearborn</bdi>, <bdi>Michigan</bdi> · " in page
        ), path
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    for path in (campaign, f"{campaign}/submissions/{letter}/decline"):
        page = html.unescape(admin.get(path).text)
        # On an Arabic page the Arabic name needs no lang of its own.
        assert (
            f'id="held-{letter}"><bdi>Rasha Haddad</bdi> (بالكتابة الأصلية: <bdi>رشا حداد</bdi>)، '
            "<bdi>Dearborn</bdi>، <bdi>ميشيغان</bdi> · " in page
        ), path


def test_the_personal_paragraph_and_changeover_lines_show_both_names(
    app: Flask, default_campaign: str
) -> None:
    load_civic_data(app)
    (personal,) = add_letters(
        app,
        default_campaign,
        [Letter("p@example.org", personal_message="My own words here.", **ARABIC)],
    )
    add_letters(app, default_campaign, [Letter("c@example.org", offices=(LEFT,), **ARABIC)])
    admin = signed_in(app, ADMIN)
    page = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    assert (
        f'id="paragraph-{personal}"><bdi>Rasha</bdi> (as written: <bdi lang="ar">رشا</bdi>), '
        "<bdi>Dearborn</bdi>, <bdi>Michigan</bdi> · " in page
    )
    assert (
        '<bdi>Rasha Haddad</bdi> (as written: <bdi lang="ar">رشا حداد</bdi>), <bdi>Dearborn</bdi>, '
        "<bdi>Michigan</bdi> <bdi>48126</bdi> · " in page[page.index('id="changeover-heading"') :]
    )


def test_a_name_written_in_latin_letters_shows_once(app: Flask, default_campaign: str) -> None:
    (personal,) = add_letters(
        app, default_campaign, [Letter("p@example.org", personal_message="My own words here.")]
    )
    page = html.unescape(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text)
    assert f'id="paragraph-{personal}"><bdi>Rasha</bdi>, <bdi>Dearborn</bdi>' in page
