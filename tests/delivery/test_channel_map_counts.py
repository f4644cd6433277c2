"""The channel map counts from the dashboard's stored tallies and finds each office's latest
success and failure through an index, never reading all of the campaign's failures."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from tests.dashboard.letters import Letter, Office, add_letters
from tests.delivery.campaigns import office, write_delivery_campaign
from tests.statements import statements, statements_with_parameters
from webapp.dashboard.status_names import status_labels
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.channel_map import OfficeChannel, channel_map
from webapp.delivery.channels import reach_from_config
from webapp.delivery.senate import senate_offices
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Submission,
    SubmissionStatus,
    Target,
)
from webapp.services import delivery_tallies
from webapp.services.delivery_counts import tally_status

S = DeliveryStatus
T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass
class Offices:
    slug: str
    board: str  # failing now: its last failure is newer than its last letter through
    clerk: str  # recovered: letters went through since its one failure
    quiet: str  # no letter at all


@pytest.fixture
def offices(app: Flask, tmp_path: Path) -> Offices:
    """Three offices; letters in every status, held and unconfirmed ones among them, with the
    times and errors the worker leaves on them."""
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [
            office("Water Board", email="board@water.example.org"),
            office("Town Clerk", email="clerk@town.example.org"),
            office("Quiet Office"),
        ],
    )
    with app.app_context():
        keys = {
            name: f"target:{target_id}"
            for target_id, name in db.session.execute(
                select(Target.id, Target.name)
                .join(Campaign, Campaign.id == Target.campaign_id)
                .where(Campaign.slug == slug)
            )
        }
    board, clerk = keys["Water Board"], keys["Town Clerk"]
    statuses = [S.SENT, S.ACCEPTED, S.DONE_BY_SUPPORTER, S.FAILED, S.DEAD, S.PENDING]
    statuses += [S.PACKET, S.CANCELLED, S.REPLACED, S.HELD, S.NEEDS_ACTION, S.SENDING]
    letters = [
        Letter(f"w{i}@example.org", offices=(Office(board, "Water Board", status),))
        for i, status in enumerate(statuses)
    ]
    letters += [
        Letter(f"c{i}@example.org", offices=(Office(clerk, "Town Clerk", S.SENT),))
        for i in range(3)
    ]
    # Held by the risk checks, and waiting for its writer's click: "unconfirmed" when pending.
    letters += [
        Letter("held@example.org", held=True, status=SubmissionStatus.UNCONFIRMED),
        Letter("click@example.org", status=SubmissionStatus.UNCONFIRMED),
        Letter("click-sent@example.org", status=SubmissionStatus.UNCONFIRMED),
    ]
    letters[-3:] = [
        Letter(
            letter.email,
            held=letter.held,
            status=letter.status,
            offices=(
                Office(board, "Water Board", S.SENT if "sent" in letter.email else S.PENDING),
            ),
        )
        for letter in letters[-3:]
    ]
    add_letters(app, slug, letters)
    with app.app_context(), write_transaction(db.session()) as session:
        ids = {
            (key, status): sorted(
                session.scalars(
                    select(Delivery.id).where(
                        Delivery.recipient_key == key, Delivery.status == status
                    )
                )
            )
            for key in (board, clerk)
            for status in S
        }

        def stamp(row: int, **values: Any) -> None:
            session.execute(update(Delivery).where(Delivery.id == row).values(**values))

        # The board: sent at 10, accepted at 20, the supporter's at 30; failures at 5 (failed,
        # then sent), 40 (given up on) and 40 again (the later row's error is shown), 25.
        sent, accepted = ids[board, S.SENT][0], ids[board, S.ACCEPTED][0]
        stamp(sent, sent_at=_at(10), failed_at=_at(5), last_error="timed out")
        stamp(accepted, sent_at=_at(20))
        stamp(ids[board, S.DONE_BY_SUPPORTER][0], done_at=_at(30))
        full, later = FailureReason.MAILBOX_FULL, FailureReason.UNAVAILABLE
        stamp(ids[board, S.DEAD][0], failed_at=_at(40), last_error="550 mailbox full")
        stamp(ids[board, S.DEAD][0], failure_reason=full)
        stamp(ids[board, S.FAILED][0], failed_at=_at(40), last_error="451 try later")
        stamp(ids[board, S.FAILED][0], failure_reason=later)
        stamp(ids[board, S.CANCELLED][0], failed_at=_at(25), last_error="an older refusal")
        # The clerk: a posted letter sent at 70 but delivered (done) at 50 counts at 50; one sent
        # at 60 is its latest; its failure at 45 is history.
        first, second, third = ids[clerk, S.SENT]
        stamp(first, sent_at=_at(70), done_at=_at(50))
        stamp(second, sent_at=_at(60))
        stamp(third, sent_at=_at(15), failed_at=_at(45), last_error="relay down")
        # Not delivered: its times never count as a success.
        stamp(ids[board, S.PENDING][0], sent_at=_at(99), done_at=_at(99))
    return Offices(slug, board, clerk, keys["Quiet Office"])


def _full_count(app: Flask, slug: str) -> dict[str, Counter[str]]:
    """Every delivery counted as the channel map counted them on each render before."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    unconfirmed = Submission.status == SubmissionStatus.UNCONFIRMED
    with app.app_context():
        for key, status, waiting, number in db.session.execute(
            select(Delivery.recipient_key, Delivery.status, unconfirmed, func.count())
            .join(Submission, Submission.id == Delivery.submission_id)
            .where(Delivery.campaign_id == campaign_id(app, slug))
            .group_by(Delivery.recipient_key, Delivery.status, unconfirmed)
        ):
            counts[key][tally_status(DeliveryStatus(status), bool(waiting))] += number
    return counts


def _rows(app: Flask, slug: str) -> dict[str, OfficeChannel]:
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        delivery_tallies.refresh_delivery_tallies(session, campaign.id, utcnow())
        reach = reach_from_config(app.config, senate_offices(session))
        return {row.key: row for row in channel_map(session, campaign, reach)}


def _row_html(page: str, name: str) -> str:
    """The office's row of the table (the undelivered letters above name offices too)."""
    table = page.split('class="data-table channel-map"')[1]
    return unescape(table.split(f"<bdi>{name}</bdi>")[1].split("</tr>")[0])


def _statuses_cell(page: str, name: str) -> str:
    """The Statuses cell's words, its counts' isolation (<bdi>) taken off."""
    cell = _row_html(page, name).split('<td class="statuses">')[1].split("</td>")[0]
    return cell.replace("<bdi>", "").replace("</bdi>", "")


def test_the_counts_are_those_a_full_count_gives_held_and_unconfirmed_apart(
    app: Flask, offices: Offices
) -> None:
    rows = _rows(app, offices.slug)
    full = _full_count(app, offices.slug)
    assert {key: row.statuses for key, row in rows.items() if row.statuses} == full
    assert full[offices.board]["unconfirmed"] == 2 and full[offices.board]["held"] == 1
    assert full[offices.board]["sent"] == 2  # one of them written by a letter still unconfirmed
    assert rows[offices.quiet].statuses == Counter()
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{offices.slug}/channels").text
    with app.test_request_context():
        labels = status_labels()
    for key, name in ((offices.board, "Water Board"), (offices.clerk, "Town Clerk")):
        expected = "; ".join(f"{labels[s]}: {n:,}" for s, n in sorted(full[key].items()))
        assert _statuses_cell(page, name) == expected
    assert "Held or waiting for its writer's confirmation: 2" in _statuses_cell(page, "Water Board")
    assert "none yet" in _row_html(page, "Quiet Office")


def test_each_office_s_last_success_and_failure_with_that_failure_s_error(
    app: Flask, offices: Offices
) -> None:
    rows = _rows(app, offices.slug)
    board, clerk = rows[offices.board], rows[offices.clerk]
    assert board.last_success == _at(30)  # the supporter's, after the sent and accepted ones
    assert board.last_failure == _at(40)
    assert board.last_error == "550 mailbox full"  # two failures at 40: the later row's
    assert board.failure_reason is FailureReason.MAILBOX_FULL  # and its reason
    assert not board.recovered and board.mark.value == "red"
    assert clerk.last_success == _at(60)  # not 70: that letter was delivered (done) at 50
    assert (clerk.last_failure, clerk.last_error) == (_at(45), "relay down")
    assert clerk.failure_reason is None  # recorded before reasons were
    assert clerk.recovered
    quiet = rows[offices.quiet]
    assert (quiet.last_success, quiet.last_failure, quiet.last_error) == (None, None, None)


def _latest_lookups(statement: str) -> bool:
    return "failed_at IS NOT NULL" in statement or "sent_at IS NOT NULL" in statement


def test_the_page_reads_no_office_s_failures_beyond_its_latest(
    app: Flask, offices: Offices
) -> None:
    """It read every failed row of the campaign, oldest first, to keep each office's latest:
    100,000 rows and more on a day the relay is down."""
    admin = signed_in(app, ADMIN)
    with statements(app, _latest_lookups) as seen:
        assert admin.get(f"/dashboard/campaigns/{offices.slug}/channels").status_code == 200
    assert seen, "no lookup of the offices' latest letters"
    for statement in seen:
        assert "LIMIT" in statement.upper(), statement


def _plans(app: Flask, slug: str) -> list[str]:
    """The query plans of the map's lookups of each office's latest letters."""
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        reach = reach_from_config(app.config, senate_offices(session))
        with statements_with_parameters(app, _latest_lookups) as seen:
            channel_map(session, campaign, reach)
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        if postgres:  # a few rows: only a forbidden sequential scan makes it show the index
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plans = []
        for statement, parameters in seen:
            result = connection.exec_driver_sql(explain + statement, parameters)
            plans.append("\n".join(str(row[-1]) for row in result))
        session.rollback()
        return plans


def test_each_office_s_latest_letters_are_read_through_their_indexes(
    app: Flask, offices: Offices
) -> None:
    plans = "\n".join(_plans(app, offices.slug))
    for index in ("last_failure", "last_done", "last_sent"):
        assert f"ix_delivery_office_{index}" in plans, plans
    assert "SCAN delivery" not in plans and "Seq Scan on delivery" not in plans, plans


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every campaign counts as too big to recount while a page waits."""
    monkeypatch.setattr(delivery_tallies, "PAGE_RECOUNT_MAX_DELIVERIES", 1)


def _tally_writes(statement: str) -> bool:
    head = statement.lstrip().upper()
    return head.startswith(("DELETE", "INSERT", "UPDATE")) and "DELIVERY_TALLY" in head


@pytest.mark.usefixtures("big")
def test_a_big_campaign_s_map_shows_its_stale_counts_with_their_time_and_count_now(
    app: Flask, offices: Offices
) -> None:
    counted = utcnow() - timedelta(hours=1)
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(
            db.session(), campaign_id(app, offices.slug), counted
        )
    admin = signed_in(app, ADMIN)
    path = f"/dashboard/campaigns/{offices.slug}/channels"
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(update(Delivery).values(status=S.SENT))  # all sent since the count
    with statements(app, _tally_writes) as writes:
        page = admin.get(path).text
    assert writes == []
    assert f'These delivery counts are from <bdi><time datetime="{counted:%Y-%m-%dT%H:%M:%S}Z"' in (
        page
    )
    assert "Count now" in page and '<input type="hidden" name="back" value="channels">' in page
    assert f'<a href="/dashboard/campaigns/{offices.slug}#worker-status">' in page
    assert "Not sent yet: retrying: 1" in _statuses_cell(page, "Water Board")
    response = admin.post(
        f"/dashboard/campaigns/{offices.slug}/deliveries/recount",
        data={"csrf_token": admin.token, "back": "channels"},
    )
    assert response.status_code == 303 and response.headers["Location"] == path
    page = admin.get(path).text
    assert "Count now" not in page and "Counted at" in page
    assert "Not sent yet: retrying" not in _row_html(page, "Water Board")


def test_a_small_campaign_s_map_counts_now_and_writes_nothing(app: Flask, offices: Offices) -> None:
    """Stale stored counts are not shown: the map counts a small campaign as it renders, and a
    page view takes no write transaction (SQLite's one writer is the letters')."""
    with app.app_context():
        delivery_tallies.refresh_delivery_tallies(
            db.session(), campaign_id(app, offices.slug), utcnow() - timedelta(hours=1)
        )
    path = f"/dashboard/campaigns/{offices.slug}/channels"
    admin = signed_in(app, ADMIN)
    assert "Could not be delivered: 1" in _statuses_cell(admin.get(path).text, "Water Board")
    with app.app_context(), write_transaction(db.session()) as session:
        # After the stored count: a letter dead there now waits again, as a retry leaves it.
        session.execute(
            update(Delivery)
            .where(Delivery.recipient_key == offices.board, Delivery.status == S.DEAD)
            .values(status=S.PENDING)
        )
    with statements(app, _tally_writes) as writes:
        page = admin.get(path).text
    assert not writes, "a page view wrote the tallies"
    assert "These delivery counts are from" not in page and "Counted at" in page
    board = _statuses_cell(page, "Water Board")
    assert "Could not be delivered" not in board and "Queued: waiting to be sent: 2" in board


def test_letters_tried_again_leave_their_office_s_counts_on_the_map_at_once(
    app: Flask, offices: Offices
) -> None:
    """The section above says none is left to try: the office's row must not still count it."""
    admin = signed_in(app, ADMIN)
    path = f"/dashboard/campaigns/{offices.slug}/channels"
    assert "Could not be delivered: 1" in _statuses_cell(admin.get(path).text, "Water Board")
    response = admin.post(
        f"{path.removesuffix('/channels')}/undelivered/retry",
        data={"csrf_token": admin.token, "office": offices.board},
    )
    assert response.status_code == 303
    page = admin.get(path).text
    assert "None: no letter of this campaign was given up on." in page
    board = _statuses_cell(page, "Water Board")
    assert "Could not be delivered" not in board and "Queued: waiting to be sent: 2" in board
