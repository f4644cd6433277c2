"""Review r9 of the channel map on stored tallies: its marks and counts when a big campaign's
tallies are stale or missing, and its lookups of each office's latest letters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from tests.delivery.test_channel_map_counts import (  # noqa: F401  (fixtures)
    Offices,
    S,
    _at,
    _row_html,
    big,
    offices,
)
from tests.statements import statements
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.channel_map import Mark, OfficeChannel, channel_map
from webapp.delivery.channels import reach_from_config
from webapp.delivery.senate import senate_offices
from webapp.models import Campaign, Delivery
from webapp.services import delivery_tallies


def _map_as_the_page_reads_it(app: Flask, slug: str) -> dict[str, OfficeChannel]:
    """The rows as the channels page builds them: counts_for_page first, then the map."""
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        delivery_tallies.counts_for_page(session, campaign.id, utcnow(), timedelta(minutes=5))
        reach = reach_from_config(app.config, senate_offices(session))
        return {row.key: row for row in channel_map(session, campaign, reach)}


def _clerk_gave_one_up(app: Flask, offices: Offices) -> None:  # noqa: F811 - not the fixture
    """The clerk's letter that failed at 45 was given up on (dead); its others went at 60."""
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.recipient_key == offices.clerk, Delivery.failed_at == _at(45))
            .values(status=S.DEAD, sent_at=None)
        )


def test_an_office_with_a_letter_given_up_on_is_red_on_a_small_campaign_s_map(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """The control: counted, the dead letter makes the clerk red (its last success is newer)."""
    _clerk_gave_one_up(app, offices)
    clerk = _map_as_the_page_reads_it(app, offices.slug)[offices.clerk]
    assert clerk.statuses["dead"] == 1 and clerk.mark is Mark.RED


@pytest.mark.usefixtures("big")
def test_a_big_campaign_never_counted_still_marks_an_office_with_a_dead_letter_red(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """Before the merge the map counted live; now a big campaign's map reads tallies that may
    not exist yet (a new campaign, or the worker not running): the office with a letter given
    up on shows green, and `?show=red` leaves it out."""
    _clerk_gave_one_up(app, offices)
    clerk = _map_as_the_page_reads_it(app, offices.slug)[offices.clerk]
    assert clerk.mark is Mark.RED


@pytest.mark.usefixtures("big")
def test_a_big_campaign_counted_before_a_letter_died_still_marks_its_office_red(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """Stale rather than missing: counted an hour ago, when the letter was still on its way."""
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(
            db.session(), campaign_id(app, offices.slug), utcnow() - timedelta(hours=1)
        )
    _clerk_gave_one_up(app, offices)
    clerk = _map_as_the_page_reads_it(app, offices.slug)[offices.clerk]
    assert clerk.mark is Mark.RED


@pytest.mark.usefixtures("big")
def test_a_big_campaign_never_counted_does_not_say_its_offices_have_no_letters(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """The notice above says the deliveries were not counted; each row then said "none yet"
    of an office with fourteen letters, and "Offices with letters" listed none."""
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{offices.slug}/channels").text
    assert "The deliveries have not been counted yet." in page
    assert "none yet" not in _row_html(page, "Water Board")


def _tally_writes(statement: str) -> bool:
    head = statement.lstrip().upper()
    return head.startswith(("DELETE", "INSERT", "UPDATE")) and "DELIVERY_TALLY" in head


def test_delivery_check_counts_now_and_writes_nothing(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """A check run from cron (by an account that may only read, on SQLite beside the app
    recording letters) took the write lock to store its recount; its counts are as fresh
    without storing them."""
    counted = utcnow() - timedelta(hours=1)
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(
            db.session(), campaign_id(app, offices.slug), counted
        )
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(update(Delivery).values(status=S.SENT))  # all sent since the count
    with statements(app, _tally_writes) as writes:
        result = app.test_cli_runner().invoke(args=["delivery", "check", offices.slug])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert writes == []
    assert "letters: sent 15;" in result.output and "letters: sent 3;" in result.output


def test_an_office_whose_latest_failed_letter_went_since_is_recovered(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """The clerk's letter that failed at 45 is the one sent at 60 (failed_at stays on it):
    its failure is shown, with "Recovered", and the office is not red."""
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.recipient_key == offices.clerk, Delivery.failed_at == _at(45))
            .values(sent_at=_at(80))
        )
    clerk = _map_as_the_page_reads_it(app, offices.slug)[offices.clerk]
    assert (clerk.last_failure, clerk.last_success) == (_at(45), _at(80))
    assert clerk.recovered and clerk.mark is not Mark.RED
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{offices.slug}/channels").text
    assert "Recovered: sent since then" in _row_html(page, "Town Clerk")


def test_failures_at_one_moment_show_the_later_row_s_and_a_dead_one_keeps_it_red(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    """Two failures at 45: the later row (by id) was sent since, the earlier was given up on.
    The later row's error is shown; the dead letter keeps the office red, not "Recovered"."""
    with app.app_context(), write_transaction(db.session()) as session:
        first, second = session.scalars(
            select(Delivery.id)
            .where(Delivery.recipient_key == offices.clerk, Delivery.sent_at != _at(60))
            .order_by(Delivery.id)
        ).all()
        session.execute(
            update(Delivery)
            .where(Delivery.id == first)
            .values(status=S.DEAD, failed_at=_at(45), last_error="550 no such user")
        )
        session.execute(
            update(Delivery)
            .where(Delivery.id == second)
            .values(status=S.SENT, failed_at=_at(45), sent_at=_at(80), last_error="timed out")
        )
    clerk = _map_as_the_page_reads_it(app, offices.slug)[offices.clerk]
    assert (clerk.last_failure, clerk.last_error) == (_at(45), "timed out")
    assert clerk.mark is Mark.RED and not clerk.recovered


@pytest.mark.usefixtures("big")
def test_a_big_campaign_never_counted_does_not_count_no_office_with_letters(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{offices.slug}/channels").text
    assert 'Offices with letters</a> <span class="count">(0)</span>' not in page
    assert 'Offices with letters</a> <span class="count">(not counted yet)</span>' in page


def test_a_letter_given_up_on_a_minute_ago_is_in_its_office_s_row_as_in_the_list_above(
    app: Flask,
    offices: Offices,  # noqa: F811 - the fixture imported above
) -> None:
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(
            db.session(), campaign_id(app, offices.slug), utcnow() - timedelta(minutes=1)
        )
    _clerk_gave_one_up(app, offices)
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{offices.slug}/channels").text
    listed = page.split('class="data-table channel-map"')[0]
    assert "Town Clerk" in listed  # among the undelivered letters, live
    assert "Could not be delivered: <bdi>1</bdi>" in _row_html(page, "Town Clerk")
