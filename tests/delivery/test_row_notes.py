"""The word a receipt's row button leaves travels in the address it redirects to, for that
receipt's own office: nothing waits in the cookie for whichever receipt opens next (review 5)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.test_receipt_statuses import _letter, _rows
from tests.delivery.test_sent_wrong_office import _csrf
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus

THANKS = "we recorded that you sent your letter to"
CHANGED = "Nothing was recorded: this letter&#39;s delivery changed since"
EXPIRED = "the page had expired. Nothing was recorded: press the button again."


def _two_receipts(app: Flask, client: FlaskClient, tmp_path: Path) -> tuple[str, int, str]:
    """Omar's letter (to 'Secret Office Zeta') and Rasha's, written on one shared phone."""
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "omar",
        [office("Secret Office Zeta", contact_url="https://zeta.example.org/contact")],
    )
    omars = post_letter(client, slug, email="omar@example.org").headers["Location"]
    (omar_delivery,) = _rows(client.get(omars).text)
    rashas = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    return omars, omar_delivery, rashas


def test_a_redirect_never_followed_leaves_nothing_for_the_next_receipt(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    omars, omar_delivery, rashas = _two_receipts(app, client, tmp_path)
    response = client.post(
        f"{omars}/deliveries/{omar_delivery}/done", data={"csrf_token": _csrf(client, omars)}
    )
    assert response.status_code == 303  # the phone went offline before it was followed
    with client.session_transaction() as session:
        assert "Secret Office Zeta" not in repr(dict(session))
    page = client.get(rashas).text  # someone else's receipt, on the same phone
    assert "Secret Office Zeta" not in page and THANKS not in page
    followed = client.get(response.headers["Location"]).text
    assert THANKS in _rows(followed)[omar_delivery].body


def test_an_address_naming_another_receipts_office_says_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    omars, omar_delivery, rashas = _two_receipts(app, client, tmp_path)
    client.post(
        f"{omars}/deliveries/{omar_delivery}/done", data={"csrf_token": _csrf(client, omars)}
    )
    page = client.get(f"{rashas}?said=sent&office={omar_delivery}").text
    assert "Secret Office Zeta" not in page and THANKS not in page


def test_an_old_address_says_only_what_is_still_true(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (delivery_id,) = _rows(client.get(receipt).text)
    done = client.post(
        f"{receipt}/deliveries/{delivery_id}/done", data={"csrf_token": _csrf(client, receipt)}
    )
    address = done.headers["Location"]
    assert THANKS in client.get(address).text
    client.post(
        f"{receipt}/deliveries/{delivery_id}/not-done",
        data={"csrf_token": _csrf(client, receipt)},
    )
    assert THANKS not in client.get(address).text  # reloaded or bookmarked: no longer so
    assert THANKS not in client.get(f"{receipt}?said=sent&office=x").text


def test_an_expired_page_for_a_dead_token_leaves_no_word_behind(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    earlier = int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: earlier)
        token = _csrf(client, receipt)
    response = client.post(
        "/receipts/not-a-real-token/deliveries/5/done", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 404  # receipt missing
    assert EXPIRED not in client.get(receipt).text  # days later, the writer's own receipt


@pytest.mark.parametrize("status", [DeliveryStatus.REPLACED, DeliveryStatus.CANCELLED])
def test_an_office_retargeted_or_cancelled_keeps_its_row_and_says_nothing_was_recorded(
    app: Flask, client: FlaskClient, tmp_path: Path, status: DeliveryStatus
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=2)
    first, _second = sorted(_rows(client.get(receipt).text))
    token = _csrf(client, receipt)
    with app.app_context():
        db.session.get_one(Delivery, first).status = status
        db.session.commit()
    response = client.post(f"{receipt}/deliveries/{first}/done", data={"csrf_token": token})
    assert response.headers["Location"].endswith(f"#delivery-{first}-note")
    page = client.get(response.headers["Location"]).text
    assert CHANGED in _rows(page)[first].body
    with app.app_context():
        assert db.session.get_one(Delivery, first).status is status


NOT_SENT = "is not sent yet. It waits for you here."


def _set(app: Flask, delivery_id: int, status: DeliveryStatus) -> None:
    with app.app_context():
        db.session.get_one(Delivery, delivery_id).status = status
        db.session.commit()


@pytest.mark.parametrize(
    "status", [DeliveryStatus.SENT, DeliveryStatus.PENDING, DeliveryStatus.REPLACED]
)
def test_not_sent_yet_is_said_only_while_the_writer_can_send_it(
    app: Flask, client: FlaskClient, tmp_path: Path, status: DeliveryStatus
) -> None:
    """A bookmarked "not sent yet" after the outbox sent it, or the member left (review 7)."""
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (delivery_id,) = _rows(client.get(receipt).text)
    address = f"{receipt}?said=not-sent&office={delivery_id}"
    assert NOT_SENT in _rows(client.get(address).text)[delivery_id].body  # a hand-off: true
    _set(app, delivery_id, status)
    assert NOT_SENT not in _rows(client.get(address).text)[delivery_id].body


@pytest.mark.parametrize("said", ["changed", "expired"])
def test_nothing_recorded_is_not_said_once_a_later_press_recorded_it(
    app: Flask, client: FlaskClient, tmp_path: Path, said: str
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (delivery_id,) = _rows(client.get(receipt).text)
    address = f"{receipt}?said={said}&did=sent&at=needs_action&office={delivery_id}"
    assert "Nothing was recorded" in _rows(client.get(address).text)[delivery_id].body
    client.post(
        f"{receipt}/deliveries/{delivery_id}/done", data={"csrf_token": _csrf(client, receipt)}
    )
    row = _rows(client.get(address).text)[delivery_id]
    assert row.status == "done_by_supporter" and "Nothing was recorded" not in row.body
    assert "Nothing was recorded" not in client.get(f"{receipt}?said={said}&office=1").text


def test_an_expired_take_back_asks_to_press_again_while_its_button_is_there(
    app: Flask, client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = _letter(app, client, tmp_path, "rasha@example.org", count=1)
    (delivery_id,) = _rows(client.get(receipt).text)
    client.post(
        f"{receipt}/deliveries/{delivery_id}/done", data={"csrf_token": _csrf(client, receipt)}
    )
    earlier = int(time.time()) - app.config["WTF_CSRF_TIME_LIMIT"] - 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: earlier)
        token = _csrf(client, receipt)
    response = client.post(
        f"{receipt}/deliveries/{delivery_id}/not-done", data={"csrf_token": token}
    )
    page = client.get(response.headers["Location"]).text
    assert EXPIRED in _rows(page)[delivery_id].body
    assert _rows(page)[delivery_id].status == "done_by_supporter"  # nothing recorded
