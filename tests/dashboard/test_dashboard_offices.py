"""The dashboard's numbers per office add up, and a partner's page says what it leaves out."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.civic.test_roster_sync import MEMBERS, sync
from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.dashboard import data as dashboard_data
from webapp.models import DeliveryStatus, Role, SubmissionStatus

S = DeliveryStatus
SENATOR = Office("official:S000001", "Sen. Alma Example", S.SENT, "us_senate", "MI")
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def _to_president(status: DeliveryStatus) -> tuple[Office, ...]:
    return (Office(PRESIDENT.key, PRESIDENT.name, status),)


@pytest.fixture
def slug(app: Flask, default_campaign: str) -> str:
    """Four letters to the President, one declined by the organisers; one to a senator; and
    every member of Congress loaded, nearly all of them without a letter."""
    assert sync(app, MEMBERS).exit_code == 0
    add_letters(
        app,
        default_campaign,
        [
            Letter("sent@example.org", offices=(*_to_president(S.SENT), SENATOR)),
            Letter("queued@example.org", offices=_to_president(S.PENDING)),
            Letter("web-form@example.org", offices=_to_president(S.NEEDS_ACTION)),
            # A held letter an organiser declined: its delivery is cancelled, never sent.
            Letter(
                "declined@example.org",
                status=SubmissionStatus.DECLINED,
                offices=_to_president(S.CANCELLED),
            ),
        ],
    )
    return default_campaign


def _by_office(html: str) -> str:
    return html[html.index('id="targets-heading"') : html.index('id="replies-heading"')]


def _row(html: str, name: str) -> list[str]:
    """The cells of the office's row, its name first."""
    start = html.index(f"<tr><td><bdi>{name}</bdi></td>")
    return CELL.findall(html[start : html.index("</tr>", start)])


def test_the_top_offices_are_only_those_with_letters_and_say_how_many_there_are(
    app: Flask, slug: str
) -> None:
    section = _by_office(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text)
    assert "offices with the most letters" not in section
    assert "Only <bdi>2</bdi> offices have letters so far" in section
    assert section.count("<tr><td>") == 2, section
    assert _row(section, "The President of the United States")[1] == "3"
    assert _row(section, SENATOR.name)[1] == "1"


def test_the_busiest_offices_caption_names_as_many_as_the_table_lists(
    app: Flask, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard_data, "TOP_OFFICES", 1)
    section = _by_office(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text)
    assert "The <bdi>1</bdi> office with the most letters" in section
    assert section.count("<tr><td>") == 1, section


def test_an_office_s_statuses_add_up_to_its_letters_and_the_declined_one_is_apart(
    app: Flask, slug: str
) -> None:
    admin = signed_in(app, ADMIN)
    for path, name_cells in (("", 1), ("/offices", 2)):
        html = admin.get(f"/dashboard/campaigns/{slug}{path}").text
        letters, statuses, not_sent = _row(html, "The President of the United States")[name_cells:]
        counts = [int(n) for n in re.findall(r": <bdi>(\d+)</bdi>", statuses)]
        assert (int(letters), sum(counts), len(counts)) == (3, 3, 3), path
        assert "never confirmed" not in statuses, path
        assert not_sent == "never confirmed, declined or cancelled: <bdi>1</bdi>", path
        assert "Not sent: letters never confirmed, declined or cancelled" in html, path


def test_a_partner_is_told_that_letters_kept_off_counts_are_not_in_its_numbers(
    app: Flask, default_campaign: str
) -> None:
    """The admins' "By partner" counts every letter; the partner's own page leaves out those
    whose writers asked to be kept off counts and lists, and says so."""
    add_partner(app, default_campaign, "alpha", "Alpha Org")
    add_letters(
        app,
        default_campaign,
        [
            Letter("open@example.org", partner="alpha"),
            Letter("private@example.org", partner="alpha", private=True),
        ],
    )
    note = "Letters whose writers asked to be kept off counts and lists are not in these numbers"
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    page = alpha.get(f"/dashboard/campaigns/{default_campaign}").text
    assert "<dt>People who wrote</dt><dd>1</dd>" in page and note in page
    admin = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text
    alpha_row = '<bdi>Alpha Org</bdi> <bdi class="code-tag" dir="ltr">(alpha)</bdi>'
    assert f'<tr><td>{alpha_row}</td><td class="num">2</td></tr>' in admin
    assert note not in admin


HELD_OR_UNCONFIRMED = "Held or waiting for its writer&#39;s confirmation"


def test_held_and_unconfirmed_letters_are_counted_so_every_office_s_statuses_add_up(
    app: Flask, default_campaign: str
) -> None:
    """Letters the risk checks still hold, or whose writer has not clicked the link yet, can
    still go: they are in each office's letters under a status of their own, not left out."""
    add_letters(
        app,
        default_campaign,
        [
            Letter("delivered@example.org", offices=(*_to_president(S.SENT), SENATOR)),
            Letter("queued@example.org", offices=_to_president(S.PENDING)),
            Letter(
                "held@example.org",
                held=True,
                status=SubmissionStatus.UNCONFIRMED,
                offices=(
                    *_to_president(S.PENDING),
                    Office(SENATOR.key, SENATOR.name, S.PENDING, "us_senate", "MI"),
                ),
            ),
            Letter("released@example.org", held=True, offices=_to_president(S.NEEDS_ACTION)),
            Letter(
                "declined@example.org",
                held=True,
                status=SubmissionStatus.DECLINED,
                offices=_to_president(S.CANCELLED),
            ),
            Letter(
                "unconfirmed@example.org",
                status=SubmissionStatus.UNCONFIRMED,
                offices=_to_president(S.PENDING),
            ),
        ],
    )
    admin = signed_in(app, ADMIN)
    for path, name_cells in (("", 1), ("/offices", 2)):
        html = admin.get(f"/dashboard/campaigns/{default_campaign}{path}").text
        html = html if path else _by_office(html)  # not the quiet offices' table
        for name, letters_expected, waiting in (
            ("The President of the United States", 5, 2),
            (SENATOR.name, 2, 1),
        ):
            letters, statuses, not_sent = _row(html, name)[name_cells:]
            counts = [int(n) for n in re.findall(r": <bdi>(\d+)</bdi>", statuses)]
            assert (int(letters), sum(counts)) == (letters_expected, letters_expected), (path, name)
            held = f"{HELD_OR_UNCONFIRMED}: <bdi>{waiting}</bdi>"
            assert held in statuses, (path, name, statuses)
            assert not_sent == (
                "never confirmed, declined or cancelled: <bdi>1</bdi>" if waiting == 2 else "–"
            )
    html = admin.get(f"/dashboard/campaigns/{default_campaign}").text
    section = html[html.index('id="deliveries-heading"') : html.index('id="time-heading"')]
    summary = dict(re.findall(r"<dt>(.*?)</dt><dd>([\d,]+)</dd>", section))
    assert summary[HELD_OR_UNCONFIRMED] == "3", summary
    letters_to_offices = re.search(r"<dt>Letters to offices</dt><dd>(\d+)</dd>", html)
    assert letters_to_offices is not None and letters_to_offices[1] == "7"
    assert sum(int(n) for n in summary.values()) == 7, summary
    assert f'<tr><td>{HELD_OR_UNCONFIRMED}</td><td class="num">3</td></tr>' in section
    data = admin.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()
    assert data["deliveries_by_status"]["unconfirmed"] == 3


def test_letters_to_offices_at_a_glance_say_when_they_were_counted(app: Flask, slug: str) -> None:
    """That number comes from the delivery tallies, up to five minutes old, beside a live count
    of people who wrote: it carries its own time, the one the deliveries' section gives."""
    html = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    glance = html[html.index('id="totals-heading"') : html.index('id="held-heading"')]
    card = re.search(r"<dt>Letters to offices</dt>(.*?)</div>", glance, re.S)
    assert card is not None, glance
    stamp = re.search(r'<dd class="totals-when">Counted at <bdi><time datetime="([^"]+)"', card[1])
    assert stamp is not None, card[1]
    deliveries = html[html.index('id="deliveries-heading"') : html.index('id="time-heading"')]
    assert f'Counted at <bdi><time datetime="{stamp[1]}"' in deliveries
