"""The dashboard page and data.json after a known set of letters: every number exactly right."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.civic.test_roster_sync import MEMBERS, modified_roster, sync
from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    set_goal,
    signed_in,
)
from tests.dashboard.letters import (
    PRESIDENT,
    Letter,
    Office,
    add_letters,
)
from webapp.civic.states import BY_CODE, house_districts
from webapp.database import db, utcnow
from webapp.models import Campaign, DeliveryStatus, Role, SubmissionStatus

S = DeliveryStatus
SENATOR = Office("official:S000001", "Sen. Alma Example", S.SENT, "us_senate", "MI")
REPRESENTATIVE = Office(
    "official:R000001", "Rep. Ben Example", S.NEEDS_ACTION, "us_house", "CA", "12"
)
HOUSE_SEATS = sum(len(house_districts(state)) for state in BY_CODE)


@dataclass
class Known:
    slug: str
    now: datetime
    ids: list[int]

    def day(self, days_ago: int) -> str:
        return (self.now - timedelta(days=days_ago)).strftime("%m-%d")

    def shown_day(self, days_ago: int) -> str:
        """The day as the page shows it to people: "Dec 1"."""
        day = self.now - timedelta(days=days_ago)
        return f"{day:%b} {day.day}"


def _office(office: Office, status: DeliveryStatus) -> Office:
    return Office(office.key, office.name, status, office.chamber, office.state, office.district)


@pytest.fixture
def known(app: Flask, default_campaign: str) -> Known:
    """Seven letters: five confirmed (two partners, three days), one unconfirmed, one expired."""
    add_partner(app, default_campaign, "alpha", "Alpha Org")
    add_partner(app, default_campaign, "beta", "Beta Org")
    set_goal(app, default_campaign, 10)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    days = [now - timedelta(days=n) for n in range(4)]
    letters = [
        Letter(
            "l1@example.org",
            created_at=days[3],
            partner="alpha",
            source="newsletter",
            personal_message="My family is from Aleppo.",
            offices=(_office(PRESIDENT, S.SENT), SENATOR),
        ),
        Letter("l2@example.org", created_at=days[3], partner="alpha"),
        Letter(
            "l3@example.org",
            district=13,
            created_at=days[2],
            partner="beta",
            source="twitter",
            personal_message="Homs is my home.",
            offices=(_office(PRESIDENT, S.FAILED),),
        ),
        Letter(
            "l4@example.org",
            state="CA",
            created_at=days[0],
            source="newsletter",
            edited_body="My own letter, all of it.",
            offices=(_office(PRESIDENT, S.PACKET), REPRESENTATIVE),
        ),
        Letter(
            "l5@example.org",
            state="NY",
            district=10,
            created_at=days[0],
            offices=(_office(PRESIDENT, S.DONE_BY_SUPPORTER),),
        ),
        Letter(
            "l6@example.org",
            state="TX",
            district=23,
            created_at=days[0],
            partner="alpha",
            personal_message="Not confirmed yet.",
            status=SubmissionStatus.UNCONFIRMED,
        ),
        Letter(
            "l7@example.org",
            state="WA",
            district=1,
            created_at=days[2],
            status=SubmissionStatus.EXPIRED,
            offices=(_office(PRESIDENT, S.CANCELLED),),
        ),
    ]
    return Known(default_campaign, now, add_letters(app, default_campaign, letters))


def _cell_row(first: str, value: str) -> str:
    return f'<tr><td>{first}</td><td class="num">{value}</td></tr>'


def test_data_json_has_exactly_the_known_numbers(app: Flask, known: Known) -> None:
    admin = signed_in(app, ADMIN)
    data: dict[str, Any] = admin.get(f"/dashboard/campaigns/{known.slug}/data.json").get_json()
    assert data["campaign"] == known.slug
    assert (data["supporters"], data["goal"], data["unconfirmed"]) == (5, 10, 1)
    assert data["per_day"] == {known.day(3): 2, known.day(2): 1, known.day(1): 0, known.day(0): 2}
    assert data["per_hour"][known.now.strftime("%m-%dT%H")] == 2
    assert sum(data["per_hour"].values()) == 2
    assert len(data["per_hour"]) == 48
    assert data["by_state"] == {"MI": 3, "CA": 1, "NY": 1}
    assert data["by_district"] == {"MI-12": 2, "MI-13": 1, "CA-12": 1, "NY-10": 1}
    assert data["by_country"] == {"US": 5}
    assert data["personalised_share"] == pytest.approx(0.6)
    assert data["by_partner"] == {"Alpha Org (alpha)": 2, "Beta Org (beta)": 1, "no partner": 2}
    assert data["by_source"] == {"newsletter": 2, "twitter": 1, "none": 2}
    # l6 waits for its sender's confirmation: its delivery is not on its way yet, but may go.
    assert data["deliveries_by_status"] == {
        "unconfirmed": 1,
        "sent": 2,
        "pending": 1,
        "failed": 1,
        "packet": 1,
        "needs_action": 1,
        "done_by_supporter": 1,
        "cancelled": 1,
    }
    quiet = data["quiet_districts"]
    assert len(quiet) == HOUSE_SEATS - 4
    assert "MI-11" in quiet and "TX-23" in quiet and "WA-1" in quiet
    assert not {"MI-12", "MI-13", "CA-12", "NY-10"} & set(quiet)


def test_campaign_page_shows_the_same_numbers(app: Flask, known: Known) -> None:
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{known.slug}")
    assert page.status_code == 200, page.text
    html = page.text
    assert "<dt>People who wrote</dt><dd>5</dd>" in html
    # l6's too, still unconfirmed: counted apart from those on their way.
    assert "<dt>Letters to offices</dt><dd>8</dd>" in html
    assert "<dt>Waiting for email confirmation</dt><dd>1</dd>" in html
    assert "<dt>Wrote their own words</dt><dd>60%</dd>" in html
    # "Delivered" says when a letter by post counts: once the print service accepts it.
    assert "a letter by post once the print-and-mail service accepts it" in html
    assert "Goal: <bdi>5</bdi> of <bdi>10</bdi>" in html
    assert '<progress id="goal" max="10" value="5">50%</progress>' in html
    waiting = "Waiting for the supporter (the office&#39;s own web form)"
    for label, n in (("Sent", 2), ("Queued: waiting to be sent", 1), (waiting, 1)):
        assert _cell_row(label, str(n)) in html, label
    assert "Needs your action" not in html  # the supporter's words, not the organiser's
    assert _cell_row("Not sent: never confirmed, or cancelled by the organisers", "1") in html
    assert _cell_row("Held or waiting for its writer&#39;s confirmation", "1") in html
    for day, n in ((3, 2), (2, 1), (1, 0), (0, 2)):
        assert _cell_row(known.shown_day(day), str(n)) in html, day
    assert _cell_row(f"{known.shown_day(0)}, {known.now:%H}:00", "2") in html
    # The per-day chart's first and last days, as text beside its bars.
    assert f'<bdi dir="auto">{known.shown_day(3)}</bdi>' in html
    assert f'<bdi dir="auto">{known.shown_day(0)}</bdi>' in html
    # The map has a tile per state with its count, and the table beside it the same rows.
    # Each tile names its state as the table does, with the code the tile shows.
    assert "<title>Michigan (MI): 3 letters</title>" in html
    assert "<title>California (CA): 1 letter</title>" in html
    assert "<title>Texas (TX): 0 letters</title>" in html
    # The states by name, each with its code as its tile shows it.
    for state, n in (
        ("Michigan</bdi> (MI)", 3),
        ("California</bdi> (CA)", 1),
        ("New York</bdi> (NY)", 1),
    ):
        assert _cell_row(f"<bdi>{state}", str(n)) in html, state
    # No row for a state without letters (its tile names it: "Texas (TX): 0 letters").
    assert "<bdi>Texas</bdi> (TX)" not in html
    for seat, n in (("MI-12", 2), ("MI-13", 1), ("CA-12", 1), ("NY-10", 1)):
        assert _cell_row(seat, str(n)) in html, seat
    for name, n in (
        ('<bdi>Alpha Org</bdi> <bdi class="code-tag" dir="ltr">(alpha)</bdi>', 2),
        ('<bdi>Beta Org</bdi> <bdi class="code-tag" dir="ltr">(beta)</bdi>', 1),
        ("no partner", 2),
    ):
        assert _cell_row(name, str(n)) in html, name
    for source, n in (("<bdi>newsletter</bdi>", 2), ("<bdi>twitter</bdi>", 1), ("no source", 2)):
        assert _cell_row(source, str(n)) in html, source
    coverage = html[html.index('id="coverage"') : html.index('id="targets-heading"')]
    assert f"<bdi>{HOUSE_SEATS - 4}</bdi> congressional districts have no letters yet" in coverage
    assert "MI-11" in coverage and "MI-12," not in coverage
    assert "Sen. Alma Example" in coverage and "Rep. Ben Example" in coverage
    assert "The President of the United States" not in coverage  # six letters: not quiet
    personal = html[html.index('id="personal"') :]
    assert personal.index("Homs is my home.") < personal.index("My family is from Aleppo.")
    assert "My own letter, all of it." not in personal
    assert "Members of Congress are not loaded" in html


def test_partner_dashboard_shows_only_its_own_letters(app: Flask, known: Known) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    data = alpha.get(f"/dashboard/campaigns/{known.slug}/data.json").get_json()
    assert data == {
        "campaign": known.slug,
        "supporters": 2,
        "goal": 10,
        "per_day": {known.day(3): 2},
        "by_state": {"MI": 2},
        "by_district": {"MI-12": 2},
        "by_country": {"US": 2},
        "personalised_share": 0.5,
        "per_date": {(known.now - timedelta(days=3)).date().isoformat(): 2},
        "by_seat": {"MI-12": 2},
    }
    page = alpha.get(f"/dashboard/campaigns/{known.slug}")
    assert page.status_code == 200
    html = page.text
    assert "Numbers for <bdi>Alpha Org</bdi> only" in html
    assert "<dt>People who wrote</dt><dd>2</dd>" in html
    assert "<dt>Wrote their own words</dt><dd>50%</dd>" in html
    assert "<title>Michigan (MI): 2 letters</title>" in html
    assert "<title>California (CA): 0 letters</title>" in html
    assert _cell_row("<bdi>Michigan</bdi> (MI)", "2") in html and _cell_row("MI-12", "2") in html
    assert _cell_row("Sent", "2") in html
    # l2's delivery is queued; l6's (alpha's too, unconfirmed) is not counted until its sender
    # confirms.
    assert _cell_row("Queued: waiting to be sent", "1") in html
    for other in ("Beta Org", "Homs is my home.", "My family is from Aleppo.", "newsletter"):
        assert other not in html, other
    # The total's label, not the words: the no-worker warning speaks of letters to offices too.
    assert 'id="coverage"' not in html and "<dt>Letters to offices</dt>" not in html


def test_a_partner_does_not_see_the_deliveries_of_letters_kept_off_its_numbers(
    app: Flask, known: Known
) -> None:
    """A supporter who asked to stay off partners' lists is in none of its numbers: neither
    people nor deliveries (which would tell the partner such a letter exists)."""
    kept_off = (_office(PRESIDENT, DeliveryStatus.NEEDS_ACTION),)
    add_letters(
        app, known.slug, [Letter("l8@example.org", partner="alpha", private=True, offices=kept_off)]
    )
    html = (
        signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
        .get(f"/dashboard/campaigns/{known.slug}")
        .text
    )
    assert "<dt>People who wrote</dt><dd>2</dd>" in html
    assert "<dt>Waiting for the supporter</dt><dd>0</dd>" in html
    assert "(the office&#39;s own web form)" not in html
    assert _cell_row("Sent", "2") in html and _cell_row("Queued: waiting to be sent", "1") in html


def _synced_page(app: Flask, known: Known, tmp_path: Path) -> str:
    """The admin dashboard after loading the roster and then a changed copy of it."""
    assert sync(app, MEMBERS).exit_code == 0
    result = sync(app, modified_roster(tmp_path), "2026-07-01")
    assert result.exit_code == 0, result.output
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{known.slug}")
    assert page.status_code == 200
    return page.text


def test_a_partners_goal_bar_is_the_whole_campaigns_public_count(app: Flask, known: Known) -> None:
    """Not "Goal: 2 of 10" (its own letters against the campaign's goal): the campaign's count
    as its public page shows it, said to be the whole campaign's; its own count apart. A
    letter kept off public counts stays out of it, as on the public page."""
    add_letters(app, known.slug, [Letter("l8@example.org", partner="beta", private=True)])
    public = app.test_client().get(f"/campaigns/{known.slug}").text
    assert "<bdi>5</bdi> people have written so far." in public
    html = (
        signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
        .get(f"/dashboard/campaigns/{known.slug}")
        .text
    )
    assert "<dt>People who wrote</dt><dd>2</dd>" in html
    assert "Goal: " not in html
    assert (
        "The whole campaign, all partners together, as its public page counts it: "
        "<bdi>5</bdi> of its goal of <bdi>10</bdi>"
    ) in html
    assert '<progress id="goal" max="10" value="5">50%</progress>' in html
    # An admin's bar still counts every letter, those kept off public counts too.
    admin = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{known.slug}").text
    assert "Goal: <bdi>6</bdi> of <bdi>10</bdi>" in admin


def test_roster_changes_and_data_date_appear_for_the_campaign(
    app: Flask, known: Known, tmp_path: Path
) -> None:
    html = _synced_page(app, known, tmp_path)
    assert "Members of Congress as of <bdi>2026-07-01</bdi>" in html  # isolated for Arabic
    roster = html[html.index('id="roster-heading"') :]
    # Worded from each change's data (tests/dashboard/test_roster_change_words.py: in Arabic).
    for detail in (
        "Vacant: <bdi>Washington</bdi> (US Senate)",
        "Vacant: <bdi>California</bdi>, district\N{NO-BREAK SPACE}12 (US House)",
        "Arrived: <bdi>Jane Doe</bdi>, <bdi>Florida</bdi>, district\N{NO-BREAK SPACE}20 (US House)",
        "Left office: <bdi>Maria Cantwell</bdi>, <bdi>Washington</bdi> (US Senate)",
        "Changed seat: <bdi>Lateefah Simon</bdi>, from <bdi>California</bdi>, "
        "district\N{NO-BREAK SPACE}12 (US House) to <bdi>California</bdi>, "
        "district\N{NO-BREAK SPACE}14 (US House)",
    ):
        assert detail in roster, detail


def test_coverage_keeps_offices_with_few_letters_beside_hundreds_with_none(
    app: Flask, known: Known, tmp_path: Path
) -> None:
    html = _synced_page(app, known, tmp_path)
    coverage = html[html.index('id="coverage"') : html.index('id="targets-heading"')]
    # 537 members have no letter and two offices have one each: all 539 have "fewer than 3".
    counted = re.search(r"Offices with fewer than 3 letters \(<bdi>(\d+)</bdi>\)", coverage)
    assert counted is not None
    assert int(counted.group(1)) == 539
    assert "Sen. Alma Example" in coverage and "Rep. Ben Example" in coverage


def test_a_partner_is_given_the_one_line_in_english_and_in_arabic(app: Flask, known: Known) -> None:
    html = (
        signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
        .get(f"/dashboard/campaigns/{known.slug}/embed")
        .text
    )
    page = html.replace("&#34;", '"')
    line = f'/embed.js" data-campaign="{known.slug}" data-partner="alpha"'
    assert f"{line} async&gt;&lt;/script&gt;" in page
    assert f'{line} data-lang="ar" async&gt;&lt;/script&gt;' in page
    assert "One line, the widget in Arabic (right to left)" in html
    # The link for visitors without JavaScript says which language its title is in.
    assert f'/campaigns/{known.slug}?partner=alpha" lang="en"&gt;' in page
    framed = app.test_client().get(f"/widget/{known.slug}?partner=alpha&lang=ar").text
    assert '<html lang="ar" dir="rtl"' in framed


def _snippet(html_page: str, sid: str) -> str:
    """What a partner copies from the snippet box `sid`: the HTML source, unescaped once."""
    found = re.search(
        rf'<textarea id="snippet-alpha-{sid}" readonly rows="3">([^<]*)</textarea>', html_page
    )
    assert found, sid
    return html.unescape(found[1])


def test_the_plain_frame_and_the_link_come_in_arabic_too(app: Flask, known: Known) -> None:
    """For sites that remove scripts, and visitors without JavaScript, as the one line does:
    the Arabic page, with the campaign's Arabic title, marked as Arabic."""
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{known.slug}/embed").text
    base, slug = "http://localhost", known.slug
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        title, title_ar = campaign.title, campaign.reading_title("ar")
    assert title_ar and title_ar != title
    assert _snippet(page, "iframe") == (
        f'<iframe src="{base}/widget/{slug}?partner=alpha" title="{title}" lang="en" '
        'width="100%" height="3200" frameborder="0" referrerpolicy="origin"></iframe>'
    )
    assert _snippet(page, "iframe-ar") == (
        f'<iframe src="{base}/widget/{slug}?partner=alpha&amp;lang=ar" title="{title_ar}" '
        'lang="ar" width="100%" height="3200" frameborder="0" referrerpolicy="origin"></iframe>'
    )
    assert _snippet(page, "link") == (
        f'<noscript><a href="{base}/campaigns/{slug}?partner=alpha" lang="en">{title}</a>'
        "</noscript>"
    )
    assert _snippet(page, "link-ar") == (
        f'<noscript><a href="{base}/campaigns/{slug}?partner=alpha&amp;lang=ar" lang="ar">'
        f"{title_ar}</a></noscript>"
    )
    assert "Plain frame, the widget in Arabic" in page
    assert "Link for visitors without JavaScript, to the page in Arabic" in page
    # The frame's address opens the Arabic widget.
    framed = app.test_client().get(f"/widget/{slug}?partner=alpha&lang=ar").text
    assert '<html lang="ar" dir="rtl"' in framed


def test_data_json_adds_full_dates_and_the_dashboard_s_seat_codes(app: Flask, known: Known) -> None:
    """per_day and by_district stay as scripts read them; per_date has the year, per_hour_utc
    the date too, and by_seat writes an at-large seat as the dashboard does ("VT-AL")."""
    add_letters(app, known.slug, [Letter("vt@example.org", state="VT", district=0)])
    admin = signed_in(app, ADMIN)
    data: dict[str, Any] = admin.get(f"/dashboard/campaigns/{known.slug}/data.json").get_json()
    iso = [(known.now - timedelta(days=n)).date().isoformat() for n in range(4)]
    assert data["per_date"] == {iso[3]: 2, iso[2]: 1, iso[1]: 0, iso[0]: 3}
    assert data["per_day"] == {known.day(3): 2, known.day(2): 1, known.day(1): 0, known.day(0): 3}
    assert data["per_hour_utc"][known.now.strftime("%Y-%m-%dT%H")] == 3
    assert data["by_district"]["VT-0"] == 1
    assert data["by_seat"] == {"MI-12": 2, "MI-13": 1, "CA-12": 1, "NY-10": 1, "VT-AL": 1}
    page = admin.get(f"/dashboard/campaigns/{known.slug}").text
    assert _cell_row("VT-AL", "1") in page
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    mine = alpha.get(f"/dashboard/campaigns/{known.slug}/data.json").get_json()
    assert (mine["per_date"], mine["by_seat"]) == ({iso[3]: 2}, {"MI-12": 2})
    assert "per_hour_utc" not in mine


def test_the_last_sync_table_counts_every_change_the_campaign_s_list_shows(
    app: Flask, known: Known, tmp_path: Path
) -> None:
    """The first sync found four vacant House seats and no member leaving or arriving: the
    last sync's table says so, rather than "no change" beside a list of four vacancies."""
    assert sync(app, MEMBERS).exit_code == 0
    admin = signed_in(app, ADMIN)
    for path in ("/dashboard/", f"/dashboard/campaigns/{known.slug}"):
        page = html.unescape(admin.get(path).text)
        table = page[
            page.index('id="roster-last-sync"') : page.index(
                "</table>", page.index('id="roster-last-sync"')
            )
        ]
        assert ": 0 left, 0 arrived, 0 changed seat, 4 vacant</caption>" in table, path
        for seat in (
            "<bdi>California</bdi>, district\N{NO-BREAK SPACE}14",
            "<bdi>Georgia</bdi>, district\N{NO-BREAK SPACE}13",
        ):
            assert f"<tr><td>vacant</td><td>–</td><td>{seat}</td></tr>" in table, (path, seat)
        assert "No member" not in table and "No change" not in table, path
    result = sync(app, modified_roster(tmp_path), "2026-07-01")
    assert result.exit_code == 0, result.output
    page = html.unescape(admin.get("/dashboard/").text)
    assert ": 1 left, 1 arrived, 1 changed seat, 2 vacant</caption>" in page
    moved = (
        "<td><bdi>Lateefah Simon</bdi></td>"
        "<td><bdi>California</bdi>, district\N{NO-BREAK SPACE}14</td>"
    )
    assert f"<tr><td>changed seat</td>{moved}</tr>" in page
