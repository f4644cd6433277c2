"""The receipt tells the truth: each office's label matches its Delivery row, in every state."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.outbox import mark_done_by_supporter
from webapp.delivery.outcomes import retry_dead
from webapp.models import (
    Changeover,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Submission,
    SubmissionStatus,
)
from webapp.supporter.templating import STATUS_LABELS, UNCONFIRMED_LABEL, delivery_status_label

WHEN = datetime(2025, 3, 14, 15, 9, tzinfo=UTC)
ROW_RE = re.compile(
    r'<li class="delivery" data-status="(?P<status>[^"]*)" id="delivery-(?P<id>\d+)">'
    r"(?P<body>.*?)</li>",
    re.DOTALL,
)
LABEL_RE = re.compile(
    r'<span class="status status-(?P<cls>[^"]*)">(?P<label>.*?)</span>', re.DOTALL
)
FORM_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SENT_IT = "I have sent it"


@dataclass(frozen=True)
class Row:
    status: str
    css: str
    label: str
    body: str
    markup: str


def _offices(count: int) -> list[dict[str, str]]:
    return [
        office(f"Office {n}", contact_url=f"https://office{n}.example.org/contact")
        for n in range(count)
    ]


def _letter(
    app: Flask, client: FlaskClient, tmp_path: Path, email: str, count: int = len(DeliveryStatus)
) -> str:
    """Post a letter to `count` web-form offices and return its receipt path."""
    slug = write_delivery_campaign(app, tmp_path, "receipts", _offices(count))
    response = post_letter(client, slug, email=email)
    assert response.status_code == 303
    return str(response.headers["Location"])


def _rows(page: str) -> dict[int, Row]:
    rows = {}
    for match in ROW_RE.finditer(page):
        label = LABEL_RE.search(match["body"])
        assert label, match["body"]
        words = re.sub(r"<[^>]+>", "", label["label"])
        text = html.unescape(re.sub(r"[ \t\r\n]+", " ", words)).strip()
        rows[int(match["id"])] = Row(
            match["status"], label["cls"], text, match["body"], label["label"]
        )
    return rows


def _expected_labels(app: Flask) -> dict[int, tuple[str, str]]:
    """(status, label) for each Delivery, as delivery_status_label words it."""
    with app.test_request_context():
        return {
            d.id: (d.status.value, delivery_status_label(d))
            for d in db.session.scalars(select(Delivery))
        }


def _set_statuses(app: Flask) -> dict[int, DeliveryStatus]:
    """Give each of the submission's deliveries a different status, as workers would."""
    with app.app_context():
        deliveries = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        assert len(deliveries) == len(DeliveryStatus)
        for delivery, status in zip(deliveries, DeliveryStatus, strict=True):
            delivery.status = status
            if status in (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED):
                delivery.sent_at = WHEN
            elif status is DeliveryStatus.SENDING:
                delivery.claimed_by, delivery.lease_expires_at = "w1", WHEN
            elif status is DeliveryStatus.DONE_BY_SUPPORTER:
                delivery.done_at = WHEN
            elif status is DeliveryStatus.FAILED:
                delivery.next_attempt_at, delivery.last_error = WHEN, "SMTP 421: busy"
            elif status is DeliveryStatus.DEAD:
                delivery.last_error = "recipient refused: 550"
        db.session.commit()
        return {d.id: d.status for d in deliveries}


def test_each_office_shows_exactly_the_label_of_its_delivery_status(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org")
    statuses = _set_statuses(app)
    rows = _rows(client.get(receipt).text)
    expected = _expected_labels(app)
    assert set(rows) == set(statuses) == set(expected)
    for delivery_id, row in rows.items():
        assert (row.status, row.label) == expected[delivery_id]
        assert row.css == row.status == statuses[delivery_id].value
    labels = {statuses[i]: row.label for i, row in rows.items()}
    assert len(set(labels.values())) == len(DeliveryStatus)
    for status in (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED):
        assert labels[status].startswith(f"{STATUS_LABELS[status]} (") and "2025" in labels[status]
    assert labels[DeliveryStatus.FAILED].startswith("Not sent yet: trying again at ")
    # Each time names its zone, and carries the moment for the page to show in the reader's.
    markups = {statuses[i]: row.markup for i, row in rows.items()}
    for status, shown in (
        (DeliveryStatus.SENT, "Mar 14, 2025, 3:09:00\u202fPM UTC"),
        (DeliveryStatus.ACCEPTED, "Mar 14, 2025, 3:09:00\u202fPM UTC"),
        (DeliveryStatus.FAILED, "Mar 14, 2025, 3:09\u202fPM UTC"),
    ):
        assert shown in labels[status]
        assert '<time datetime="2025-03-14T15:09:00Z" data-local=' in markups[status]
    for status in (
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        DeliveryStatus.NEEDS_ACTION,
        DeliveryStatus.DONE_BY_SUPPORTER,
        DeliveryStatus.DEAD,
        DeliveryStatus.PACKET,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.REPLACED,
        DeliveryStatus.HELD,
    ):
        assert labels[status] == str(STATUS_LABELS[status])
    for status in (
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        DeliveryStatus.FAILED,
        DeliveryStatus.DEAD,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.HELD,
    ):
        assert "Sent" not in labels[status]  # never "sent" before it really was
    for delivery_id, row in rows.items():
        is_handoff = statuses[delivery_id] is DeliveryStatus.NEEDS_ACTION
        n = list(statuses).index(delivery_id)
        # A letter that could not be delivered may still go through the office's web form.
        offers_form = is_handoff or statuses[delivery_id] is DeliveryStatus.DEAD
        assert (f'href="https://office{n}.example.org/contact"' in row.body) is offers_form
        assert (SENT_IT in row.body) is offers_form


DEAD_LETTER = "Every attempt to deliver your letter to this office failed."


def test_a_letter_that_could_not_be_delivered_says_what_happens_next_and_how_to_send_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A bare "Could not be delivered" was a dead end: the supporter learnt neither whether
    anyone would try again nor that they could still reach the office themselves."""
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    with app.app_context():
        delivery = db.session.scalars(select(Delivery)).one()
        delivery.status, delivery.last_error = DeliveryStatus.DEAD, "CWC refused: 503"
        db.session.commit()
        delivery_id = delivery.id
    row = _rows(client.get(receipt).text)[delivery_id]
    assert row.label == "Could not be delivered"
    assert DEAD_LETTER in row.body and "organisers can see this and may try again" in row.body
    assert "you can send it yourself through the office" in row.body
    assert 'href="https://office0.example.org/contact"' in row.body
    assert "Copy the letter" in row.body and "Dear Office 0" in row.body
    assert "CWC refused" not in row.body  # the worker's error is for the organisers
    arabic = _rows(client.get(receipt + "?lang=ar").text)[delivery_id]
    assert "تعذّر إيصال رسالتك إلى هذا المكتب في كل المحاولات" in arabic.body
    assert "يمكنك أن ترسلها بنفسك عبر موقع المكتب" in arabic.body
    # Sent by the supporter: an organiser's retry of the dead letters leaves it alone.
    assert SENT_IT in row.body
    token = FORM_CSRF_RE.search(client.get(receipt).text)
    assert token
    page = _done_page(client, receipt, delivery_id, token[1])
    # In the office's row, where the page opens (#delivery-N): the top is off a phone's screen.
    assert "we recorded that you sent your letter to" in _rows(page)[delivery_id].body
    assert _rows(page)[delivery_id].status == "done_by_supporter"
    with app.app_context():
        assert retry_dead(db.session(), utcnow()) == 0
        assert db.session.get(Delivery, delivery_id).status is DeliveryStatus.DONE_BY_SUPPORTER


def _one_dead_letter(
    app: Flask, client: FlaskClient, tmp_path: Path, changeover: Changeover | None = None
) -> Delivery:
    """A one-office letter given up on (in the caller's app context)."""
    _letter(app, client, tmp_path, "rasha@example.org", count=1)
    delivery = db.session.scalars(select(Delivery)).one()
    delivery.status, delivery.changeover = DeliveryStatus.DEAD, changeover
    db.session.commit()
    return delivery


def test_a_letter_queued_again_meanwhile_is_not_marked_sent_by_its_writer(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    with app.app_context():
        delivery = _one_dead_letter(app, client, tmp_path)
        seen = db.session.scalars(select(Delivery)).one()  # the page the supporter had open
        assert retry_dead(db.session(), utcnow()) == 1  # an organiser's retry, in between
        assert not mark_done_by_supporter(db.session(), seen, utcnow())
        assert db.session.get(Delivery, delivery.id).status is DeliveryStatus.PENDING


def test_unconfirmed_letter_shows_every_office_waiting_for_confirmation(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=3)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.status = SubmissionStatus.UNCONFIRMED
        for delivery in submission.deliveries:
            delivery.status = DeliveryStatus.PENDING
        submission.deliveries[0].status = DeliveryStatus.NEEDS_ACTION  # even so: no hand-off
        db.session.add(  # its confirmation email went out
            Notification(
                submission=submission,
                kind=NotificationKind.CONFIRMATION,
                status=DeliveryStatus.SENT,
            )
        )
        db.session.commit()
    page = client.get(receipt).text
    assert "Please confirm your letter: we sent a link to <bdi>rasha@example.org</bdi>." in page
    rows = _rows(page)
    assert [r.label for r in rows.values()] == [str(UNCONFIRMED_LABEL)] * 3
    assert [r.status for r in rows.values()] == ["needs_action", "pending", "pending"]
    assert {i: (r.status, r.label) for i, r in rows.items()} == _expected_labels(app)
    assert SENT_IT not in page


def test_expired_letter_shows_every_office_cancelled(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=3)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.status = SubmissionStatus.EXPIRED
        for delivery in submission.deliveries:
            delivery.status = DeliveryStatus.CANCELLED
        db.session.commit()
    page = client.get(receipt).text
    assert "This letter was never confirmed, so it was not sent." in page
    rows = _rows(page)
    assert {(r.status, r.label) for r in rows.values()} == {
        ("cancelled", "Not sent: the letter was never confirmed")
    }
    assert {i: (r.status, r.label) for i, r in rows.items()} == _expected_labels(app)


def _done(client: FlaskClient, receipt: str, delivery_id: int, token: str | None) -> int:
    data = {"csrf_token": token} if token else {}
    return client.post(f"{receipt}/deliveries/{delivery_id}/done", data=data).status_code


def _done_page(client: FlaskClient, receipt: str, delivery_id: int, token: str) -> str:
    """Press "I have sent it" for this office; the receipt its redirect leads to."""
    response = client.post(f"{receipt}/deliveries/{delivery_id}/done", data={"csrf_token": token})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).text


def test_i_have_sent_it_turns_a_hand_off_into_done_by_supporter(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=2)
    page = client.get(receipt).text
    first, second = sorted(_rows(page))
    assert {r.status for r in _rows(page).values()} == {"needs_action"}
    token = FORM_CSRF_RE.search(page)
    assert token
    response = client.post(f"{receipt}/deliveries/{first}/done", data={"csrf_token": token[1]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#delivery-{first}-note")
    with app.app_context():
        done = db.session.get(Delivery, first)
        assert done is not None and done.status is DeliveryStatus.DONE_BY_SUPPORTER
        assert done.done_at is not None
        other = db.session.get(Delivery, second)
        assert other is not None and other.status is DeliveryStatus.NEEDS_ACTION
    after = client.get(response.headers["Location"]).text
    assert "Thank you: we recorded that you sent your letter to <bdi>Office 0</bdi>." in after
    rows = _rows(after)
    assert (rows[first].status, rows[first].label) == ("done_by_supporter", "Sent by you")
    assert SENT_IT not in rows[first].body and SENT_IT in rows[second].body


def test_i_have_sent_it_changes_nothing_unless_the_supporter_could_send_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Only a hand-off, or a letter we gave up on (the receipt offers the office's form or the
    supporter's email for it), can be marked sent by its writer."""
    receipt = _letter(app, client, tmp_path, "rasha@example.org")
    statuses = _set_statuses(app)
    token = FORM_CSRF_RE.search(client.get(receipt).text)
    assert token
    for delivery_id, status in statuses.items():
        if status in (DeliveryStatus.NEEDS_ACTION, DeliveryStatus.DEAD):
            continue
        page = _done_page(client, receipt, delivery_id, token[1])
        assert "Thank you: we recorded" not in page
        changed = "Nothing was recorded: this letter&#39;s delivery changed since"
        assert changed in _rows(page)[delivery_id].body
        assert _rows(page)[delivery_id].status == status.value
    with app.app_context():
        now = {d.id: d.status for d in db.session.scalars(select(Delivery))}
    assert now == statuses


def test_i_have_sent_it_is_refused_for_another_letters_delivery_or_without_csrf(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    mine = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    theirs = post_letter(client, "receipts", email="omar@example.org").headers["Location"]
    token = FORM_CSRF_RE.search(client.get(mine).text)
    assert token
    (my_id,) = _rows(client.get(mine).text)
    (their_id,) = _rows(client.get(theirs).text)
    # Back to the writer's own receipt, which says that office is not on their letter.
    assert _done(client, mine, their_id, token[1]) == 303
    assert _done(client, "/receipts/not-a-real-token", my_id, token[1]) == 404
    assert _done(client, mine, my_id, None) == 400
    with app.app_context():
        assert {d.status for d in db.session.scalars(select(Delivery))} == {
            DeliveryStatus.NEEDS_ACTION
        }


def test_a_dead_letter_whose_member_left_office_stays_with_the_organisers(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    with app.app_context():
        delivery = _one_dead_letter(app, client, tmp_path, Changeover.HELD_NO_SUCCESSOR)
        assert not mark_done_by_supporter(db.session(), delivery, utcnow())
        assert db.session.get(Delivery, delivery.id).status is DeliveryStatus.DEAD
