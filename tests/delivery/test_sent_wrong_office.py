"""A valid receipt link whose office is not on its letter (a mistyped id, or another letter's)
goes back to the receipt and says so; never the receipt-missing page. An office re-targeted or
cancelled keeps its row (tests/delivery/test_row_notes.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.test_receipt_statuses import FORM_CSRF_RE, _letter, _rows
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus

GONE = "Nothing was recorded: that office is not on your letter."
MISSING = "We could not find this receipt"


def _csrf(client: FlaskClient, receipt: str) -> str:
    token = FORM_CSRF_RE.search(client.get(receipt).text)
    assert token
    return token[1]


@pytest.mark.parametrize("step", ["done", "not-done"])
def test_an_office_not_on_the_letter_is_said_on_the_receipt(
    app: Flask, client: FlaskClient, tmp_path: Path, step: str
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=2)
    first, second = sorted(_rows(client.get(receipt).text))
    for delivery_id in (second + 1, 987654):  # mistyped: no office of this letter
        path = f"{receipt}/deliveries/{delivery_id}/{step}"
        response = client.post(path, data={"csrf_token": _csrf(client, receipt)})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(receipt)  # its top, where the word is
        page = client.get(receipt)
        assert page.status_code == 200 and GONE in page.text and MISSING not in page.text
        assert sorted(_rows(page.text)) == [first, second]
    with app.app_context():
        for delivery_id in (first, second):
            assert db.session.get_one(Delivery, delivery_id).status is DeliveryStatus.NEEDS_ACTION


def test_another_letters_office_is_not_on_this_receipt_and_is_not_named(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    mine = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    slug = write_delivery_campaign(app, tmp_path, "other", [office("Secret Office Zeta")])
    theirs = post_letter(client, slug, email="omar@example.org").headers["Location"]
    (their_id,) = _rows(client.get(theirs).text)
    with app.app_context():
        before = db.session.get_one(Delivery, their_id).status
    response = client.post(
        f"{mine}/deliveries/{their_id}/done", data={"csrf_token": _csrf(client, mine)}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(mine)
    page = client.get(mine).text
    assert GONE in page and "Secret Office Zeta" not in page and "omar" not in page
    with app.app_context():
        assert db.session.get_one(Delivery, their_id).status is before


def test_a_wrong_token_still_leads_to_the_receipt_missing_page(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    mine = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (my_id,) = _rows(client.get(mine).text)
    path = f"/receipts/not-a-real-token/deliveries/{my_id}/done"
    response = client.post(path, data={"csrf_token": _csrf(client, mine)})
    assert response.status_code == 404 and MISSING in response.text


def test_an_expired_page_for_an_office_not_on_the_letter_records_nothing_and_says_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The word of an expired page is said only in a row of this receipt's own (review 5: one
    for an address that leads nowhere waited in the cookie for the writer's next receipt)."""
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    earlier = int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: earlier)
        token = _csrf(client, receipt)
    response = client.post(f"{receipt}/deliveries/987654/done", data={"csrf_token": token})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "the page had expired" not in page.text
    with app.app_context():
        assert {d.status for d in db.session.scalars(select(Delivery))} == {
            DeliveryStatus.NEEDS_ACTION
        }


def test_the_word_is_in_arabic_on_an_arabic_receipt(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    path = f"{receipt}/deliveries/987654/done?lang=ar"
    response = client.post(path, data={"csrf_token": _csrf(client, receipt)})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "ذلك المكتب ليس ضمن مكاتب رسالتك" in page and 'dir="rtl"' in page
