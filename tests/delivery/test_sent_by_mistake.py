"""A mistaken "I have sent it" is taken back from the receipt: the letter waits for its writer
again, and no office is counted as reached that was not."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.test_receipt_statuses import FORM_CSRF_RE, SENT_IT, _letter, _rows
from tests.delivery.test_senate_cwc import _stored
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    OfficeReply,
    ReplySurvey,
)
from webapp.services.delivery_counts import DELIVERED
from webapp.services.reply_survey import queue_reply_surveys, still_wanted
from webapp.services.supporters import purge_personal_text

NOT_SENT = "I have not sent it yet"


def _press(client: FlaskClient, receipt: str, delivery_id: int, step: str) -> str:
    """Press the receipt's button for this office (`done` or `not-done`); the page after."""
    token = FORM_CSRF_RE.search(client.get(receipt).text)
    assert token
    path = f"{receipt}/deliveries/{delivery_id}/{step}"
    response = client.post(path, data={"csrf_token": token[1]})
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    assert location.startswith(f"{receipt}?") and location.endswith(f"#delivery-{delivery_id}-note")
    return client.get(location).text  # the word is in the address, for this receipt's office


def test_a_hand_off_marked_sent_by_mistake_needs_its_writer_again(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=2)
    first, second = sorted(_rows(client.get(receipt).text))
    marked = _press(client, receipt, first, "done")
    rows = _rows(marked)
    assert NOT_SENT in rows[first].body and NOT_SENT not in rows[second].body
    assert _stored(app, first).status in DELIVERED

    page = _press(client, receipt, first, "not-done")
    rows = _rows(page)
    taken_back = "We recorded that your letter to <bdi>Office 0</bdi> is not sent yet."
    assert taken_back in rows[first].body
    assert (rows[first].status, rows[first].label) == ("needs_action", "Needs your action")
    # The hand-off is back: the office's page, the text to paste and the button.
    assert "https://office0.example.org/contact" in rows[first].body
    assert SENT_IT in rows[first].body and NOT_SENT not in rows[first].body
    row = _stored(app, first)
    assert (row.status, row.done_at) == (DeliveryStatus.NEEDS_ACTION, None)
    assert _stored(app, second).status is DeliveryStatus.NEEDS_ACTION
    # And it can be marked again, once really sent.
    assert _rows(_press(client, receipt, first, "done"))[first].status == "done_by_supporter"


def test_a_failed_letter_the_writer_had_not_sent_after_all_is_undelivered_again(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """A letter our attempts failed to deliver (the receipt offers the writer's own email for
    it) goes back to failed, for the writer or the organisers to send, not to a hand-off."""
    slug = write_delivery_campaign(app, tmp_path, "mailed", [office("Board", email=OFFICE_EMAIL)])
    receipt = post_letter(client, slug).headers["Location"]
    with app.app_context():
        delivery = db.session.scalars(select(Delivery)).one()
        delivery.status, delivery.attempts = DeliveryStatus.DEAD, 8
        db.session.commit()
        delivery_id = delivery.id
    _press(client, receipt, delivery_id, "done")
    page = _press(client, receipt, delivery_id, "not-done")
    assert _stored(app, delivery_id).status is DeliveryStatus.DEAD
    row = _rows(page)[delivery_id]
    assert "Send it from your own email" in row.body and SENT_IT in row.body


def test_only_a_letter_its_writer_marked_sent_can_be_taken_back(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=2)
    first, second = sorted(_rows(client.get(receipt).text))
    with app.app_context():
        db.session.get_one(Delivery, second).status = DeliveryStatus.SENT
        db.session.commit()
    for delivery_id, status in ((first, "needs_action"), (second, "sent")):
        page = _press(client, receipt, delivery_id, "not-done")
        changed = "Nothing was recorded: this letter&#39;s delivery changed since"
        assert changed in _rows(page)[delivery_id].body
        assert _rows(page)[delivery_id].status == status
        assert NOT_SENT not in page


def test_taking_back_is_refused_for_another_letters_delivery_or_without_a_token(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    mine = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    theirs = post_letter(client, "receipts", email="omar@example.org").headers["Location"]
    ((my_id, _row),) = _rows(client.get(mine).text).items()
    ((their_id, _other),) = _rows(client.get(theirs).text).items()
    _press(client, mine, my_id, "done")
    _press(client, theirs, their_id, "done")
    token = FORM_CSRF_RE.search(client.get(mine).text)
    assert token
    for receipt, delivery_id, data, code in (
        (mine, their_id, {"csrf_token": token[1]}, 303),  # "not on your letter"
        ("/receipts/not-a-real-token", my_id, {"csrf_token": token[1]}, 404),
        (mine, my_id, {}, 400),
        (mine, my_id, {"csrf_token": "forged"}, 400),
    ):
        response = client.post(f"{receipt}/deliveries/{delivery_id}/not-done", data=data)
        assert response.status_code == code, (receipt, data)
    with app.app_context():
        statuses = set(db.session.scalars(select(Delivery.status)))
    assert statuses == {DeliveryStatus.DONE_BY_SUPPORTER}


def test_a_receipt_left_open_for_hours_asks_to_press_again_and_records_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (delivery_id,) = _rows(client.get(receipt).text)
    # The page was opened longer ago than a form's token lasts.
    earlier = int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: earlier)
        token = FORM_CSRF_RE.search(client.get(receipt).text)
    assert token
    path = f"{receipt}/deliveries/{delivery_id}/done"
    response = client.post(path, data={"csrf_token": token[1]})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#delivery-{delivery_id}-note")
    page = client.get(response.headers["Location"]).text
    row = _rows(page)[delivery_id]
    assert "the page had expired. Nothing was recorded: press the button again." in row.body
    assert 'role="alert"' in row.body and row.status == "needs_action"


def test_after_retention_a_letter_marked_sent_stays_so(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Retention took the letter's own words: taken back, it would wait for its writer for good
    with nothing left to offer them (the receipt offers what is left to no one)."""
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (first,) = _rows(client.get(receipt).text)
    opened = _press(client, receipt, first, "done")  # the page as it was before the purge
    token = FORM_CSRF_RE.search(opened)
    assert token and NOT_SENT in opened
    with app.app_context():
        assert purge_personal_text(db.session(), utcnow() + timedelta(days=91), 90) == 1
    assert NOT_SENT not in _rows(client.get(receipt).text)[first].body
    path = f"{receipt}/deliveries/{first}/not-done"
    response = client.post(path, data={"csrf_token": token[1]})
    assert response.status_code == 303
    assert "Nothing was recorded" in client.get(response.headers["Location"]).text
    assert _stored(app, first).status is DeliveryStatus.DONE_BY_SUPPORTER


def test_a_reply_survey_stops_asking_about_an_office_taken_back(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (first,) = _rows(client.get(receipt).text)
    _press(client, receipt, first, "done")
    later = utcnow() + timedelta(days=22)
    with app.app_context():
        assert queue_reply_surveys(db.session(), later, 21, 7).invited == 1
    _press(client, receipt, first, "not-done")
    with app.app_context():
        session = db.session()
        assert list(session.scalars(select(OfficeReply))) == []
        [invitation] = session.scalars(select(Notification)).all()[-1:]
        assert invitation.kind is NotificationKind.REPLY_SURVEY
        assert not still_wanted(invitation)  # nothing left to ask about
        assert list(session.scalars(select(ReplySurvey))) == []  # no empty form to open
        assert queue_reply_surveys(session, later + timedelta(days=8), 21, 7).reminded == 0
    # Really sent later: asked afresh, with an invitation of its own, not a reminder first.
    _press(client, receipt, first, "done")
    with app.app_context():
        again = queue_reply_surveys(db.session(), later + timedelta(days=1), 21, 7)
        assert (again.invited, again.reminded) == (1, 0)
