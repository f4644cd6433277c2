"""The every-office page on a day of action: the offices with letters, one state at a time
(a plain form, no script), and every office a tap away, nothing counted left unsaid."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.civic.test_roster_sync import MEMBERS, sync
from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.models import DeliveryStatus

S = DeliveryStatus
SENATOR = Office("official:S000001", "Sen. Alma Example", S.SENT, "us_senate", "MI")
OHIO = Office("official:S000002", "Sen. Bea Buckeye", S.PENDING, "us_senate", "OH")
ROW = re.compile(r"<tr><td><bdi>([^<]*)</bdi></td>")


@pytest.fixture
def slug(app: Flask, default_campaign: str) -> str:
    """Every member of Congress loaded; letters to the President, a Michigan senator and an
    Ohio senator only, from Michigan's 12th and Ohio's 3rd."""
    assert sync(app, MEMBERS).exit_code == 0
    add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", offices=(PRESIDENT, SENATOR)),
            Letter("b@example.org", offices=(PRESIDENT, SENATOR)),
            Letter("c@example.org", state="OH", district=3, offices=(OHIO,)),
        ],
    )
    return default_campaign


def _offices(html: str) -> list[str]:
    """The offices of the first table (the chosen state's, when one is)."""
    section = html[html.index('id="offices-heading"') : html.index('id="districts-heading"')]
    return ROW.findall(section.split('class="data-table office-table stateless-offices"')[0])


def _stateless(html: str) -> list[str]:
    """The offices of no state, listed apart when a state is chosen."""
    section = html[html.index('id="offices-heading"') : html.index('id="districts-heading"')]
    parts = section.split('class="data-table office-table stateless-offices"')
    return ROW.findall(parts[1]) if len(parts) > 1 else []


def _districts(html: str) -> list[str]:
    section = html[html.index('id="districts-heading"') :]
    return re.findall(r"<tr><td>([A-Z]{2}-\d+|[A-Z]{2}-AL)</td>", section)


def test_the_page_lists_the_offices_with_letters_and_says_how_many_others_there_are(
    app: Flask, slug: str
) -> None:
    admin = signed_in(app, ADMIN)
    html = admin.get(f"/dashboard/campaigns/{slug}/offices").text
    every = admin.get(f"/dashboard/campaigns/{slug}/offices?show=all").text
    listed, everyone = _offices(html), _offices(every)
    assert listed == [SENATOR.name, PRESIDENT.name, OHIO.name]  # most letters first
    assert len(everyone) > 500 and everyone[:3] == listed
    quiet = len(everyone) - 3
    assert f"Offices with letters: <bdi>3</bdi> of <bdi>{len(everyone)}</bdi> offices" in html
    assert f"<bdi>{quiet:,}</bdi> offices without letters are not listed." in html
    assert f'href="/dashboard/campaigns/{slug}/offices?show=all">List all offices</a>' in html
    # The letters counted are the same whatever is listed.
    for page in (html, every):
        assert "Letters to every office together: <bdi>5</bdi>." in page
    assert "not listed" not in every
    assert _districts(html) == ["MI-12", "OH-3"]
    assert len(_districts(every)) > 400
    assert "districts without letters are not listed." in html


def test_a_state_is_chosen_with_a_plain_form_and_kept_when_listing_every_office(
    app: Flask, slug: str
) -> None:
    admin = signed_in(app, ADMIN)
    base = f"/dashboard/campaigns/{slug}/offices"
    html = admin.get(base).text
    form = html[html.index('<form method="get" class="office-filter"') :]
    form = form[: form.index("</form>")]
    assert f'action="{base}"' in form and '<select id="office-state" name="state">' in form
    assert '<option value="OH">Ohio</option>' in form and "<button" in form
    ohio = admin.get(f"{base}?state=oh").text
    assert _offices(ohio) == [OHIO.name]
    assert '<option value="OH" selected>Ohio</option>' in ohio
    # The caption says whose offices these are; the letters are not Ohio's alone.
    assert "Offices in <bdi>Ohio</bdi> with letters: <bdi>1</bdi> of <bdi>18</bdi> offices" in ohio
    assert f'href="{base}?show=all&amp;state=OH">List all offices</a>' in ohio
    assert _districts(ohio) == ["OH-3"]
    every_ohio = admin.get(f"{base}?show=all&state=OH").text
    names = _offices(every_ohio)
    # The test's made-up senator, the roster's two and its fifteen House seats.
    assert names[0] == OHIO.name and len(names) == 1 + 2 + 15
    assert _districts(every_ohio)[0] == "OH-3" and len(_districts(every_ohio)) == 15
    assert '<input type="hidden" name="show" value="all">' in every_ohio


def test_a_chosen_state_keeps_the_offices_every_state_writes_to_apart_and_says_so(
    app: Flask, slug: str
) -> None:
    """Ohio chosen: the President (no state) is not silently left out, as if nobody in Ohio
    wrote to the President; the table says its letters come from every state."""
    admin = signed_in(app, ADMIN)
    base = f"/dashboard/campaigns/{slug}/offices"
    for query in ("?state=OH", "?show=all&state=OH"):
        page = admin.get(base + query).text
        assert _offices(page)[0] == OHIO.name and PRESIDENT.name not in _offices(page)
        assert _stateless(page) == [PRESIDENT.name]
        assert (
            "Offices of the whole country, such as the President: "
            "<bdi>1</bdi> of <bdi>1</bdi> office" in page
        )
        assert (
            "Supporters in every state write to these offices, <bdi>Ohio</bdi> among them: "
            "their letters are counted whole, not by state." in page
        )
        assert "Letters to every office together: <bdi>5</bdi>." in page
    ohio = admin.get(f"{base}?state=OH").text
    # Both tables' offices in the links' counts: 1 + 1 with letters, 18 + 1 in all.
    assert '>Offices with letters</a> <span class="count">(2)</span>' in ohio
    assert '>All offices</a> <span class="count">(19)</span>' in ohio
    assert "<bdi>17</bdi> offices without letters are not listed." in ohio
    # Every state: one table, as before.
    every = admin.get(base).text
    assert PRESIDENT.name in _offices(every) and _stateless(every) == []
    assert "whole country" not in every


def test_an_unknown_state_is_said_and_every_state_listed(app: Flask, slug: str) -> None:
    html = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/offices?state=zz").text
    assert "No state or territory has the code <bdi>ZZ</bdi>" in html
    assert len(_offices(html)) == 3


def test_the_choices_read_in_arabic(app: Flask, slug: str) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    html = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/offices?state=OH").text
    assert _offices(html) == [OHIO.name]
    for english in ("Every state", "Which offices to list", "Offices with letters", "List all"):
        assert english not in html, english
    assert '<option value="OH" selected>أوهايو</option>' in html
    assert _stateless(html) == [PRESIDENT.name]
    for english in ("whole country", "Supporters in every state", "with letters:"):
        assert english not in html, english
    assert "مكاتب على مستوى البلاد كلها، كمكتب الرئيس" in html
    assert "مكاتب <bdi>أوهايو</bdi> التي وصلتها رسائل" in html
