"""A receipt link that leads nowhere (cut short, mistyped, or its letter deleted): a 404 that
says which could be and offers the link again by email, in the reader's language."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.supporter.helpers import post_letter


def _receipt_token(client: FlaskClient, slug: str) -> str:
    sent = post_letter(client, slug)
    assert sent.status_code == 303
    return str(sent.headers["Location"]).rsplit("/", 1)[1]


def test_a_link_cut_short_offers_the_receipt_link_by_email(
    client: FlaskClient, default_campaign: str
) -> None:
    token = _receipt_token(client, default_campaign)
    page = client.get(f"/receipts/{token[:-6]}")
    assert page.status_code == 404
    assert "We could not find this receipt" in page.text
    assert "check that you copied all of it" in page.text
    # The form of "Email me my receipt link" for the one open campaign, on this page.
    assert f'action="/campaigns/{default_campaign}/receipt-link"' in page.text
    assert "Email me my receipt link" in page.text
    # The path is the receipt's key, even cut short: out of caches and Referer headers.
    assert page.headers["Cache-Control"] == "no-store, private"
    assert page.headers["Referrer-Policy"] == "strict-origin"
    assert client.get(f"/receipts/{token}").status_code == 200


def test_a_deleted_letter_s_link_says_it_was_deleted_with_it_in_arabic(
    client: FlaskClient, default_campaign: str
) -> None:
    token = _receipt_token(client, default_campaign)
    confirm = client.get(f"/receipts/{token}/delete")
    done = client.post(f"/receipts/{token}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303
    page = client.get(f"/receipts/{token}?lang=ar")
    assert page.status_code == 404
    assert "لم نجد هذا الإيصال" in page.text
    assert "فقد حُذف إيصالها معها" in page.text
    assert f'action="/campaigns/{default_campaign}/receipt-link?lang=ar"' in page.text


def test_every_route_under_a_receipt_says_the_same(
    client: FlaskClient, default_campaign: str
) -> None:
    token = _receipt_token(client, default_campaign)[:-4]  # cut short
    for path in (f"/receipts/{token}/delete", f"/receipts/{token}/my-data.json"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "We could not find this receipt" in page.text, path
        assert page.headers["Cache-Control"] == "no-store, private", path
