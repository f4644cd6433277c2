"""Over HTTPS, the forms on pages whose address is their only key are accepted as browsers post.

Flask-WTF refuses a secure POST whose Referer is missing or from another site. Those pages keep
their address out of Referer headers; "no-referrer" also kept it from our own site, so every
form on them (I have sent it, delete my letter, confirm) was refused with a 400 over HTTPS.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER

BASE = "https://letters.example.org"
# The receipt's own forms write the token field by hand, in their own attribute order.
HAND_WRITTEN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _referer(page: TestResponse, page_url: str) -> dict[str, str]:
    """The Referer a browser sends with a form posted to the page's own site, by its policy."""
    policy = page.headers.get("Referrer-Policy", "strict-origin-when-cross-origin")
    if policy == "no-referrer":
        return {}
    if policy in {"origin", "strict-origin"}:
        return {"Referer": f"{BASE}/"}
    return {"Referer": BASE + page_url}


def _token(html: str) -> str:
    found = HAND_WRITTEN_TOKEN.search(html)
    return found.group(1) if found else csrf_token(html)


def _send(client: FlaskClient, slug: str) -> str:
    """A letter sent over HTTPS; its receipt's path."""
    url = f"/campaigns/{slug}"
    token = csrf_token(client.get(url, base_url=BASE).text)
    sent = client.post(
        url,
        data={**VALID_LETTER, "action": "send", "csrf_token": token},
        base_url=BASE,
        headers={"Referer": BASE + url},
    )
    assert sent.status_code == 303, sent.text[:300]
    return sent.headers["Location"].removeprefix(BASE)


def test_i_have_sent_it_is_accepted_over_https_and_the_receipt_address_stays_private(
    app: Flask, default_campaign: str
) -> None:
    client = app.test_client()
    receipt_url = _send(client, default_campaign)
    receipt = client.get(receipt_url, base_url=BASE)
    assert receipt.status_code == 200
    # The receipt's address (its only key) reaches no server in a Referer, ours included.
    assert receipt.headers["Referrer-Policy"] == "strict-origin"
    done = re.search(r'action="(/receipts/[^"]+/deliveries/\d+/done)"', receipt.text)
    assert done, "no 'I have sent it' form on the receipt"
    marked = client.post(
        done.group(1),
        data={"csrf_token": _token(receipt.text)},
        base_url=BASE,
        headers=_referer(receipt, receipt_url),
    )
    assert marked.status_code == 303, marked.text[:300]
    again = client.get(marked.headers["Location"], base_url=BASE)  # the receipt, at its row
    assert "we recorded that you sent your letter to" in again.text


def test_deleting_a_letter_is_accepted_over_https(app: Flask, default_campaign: str) -> None:
    client = app.test_client()
    receipt_url = _send(client, default_campaign)
    delete_url = f"{receipt_url}/delete"
    page = client.get(delete_url, base_url=BASE)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "strict-origin"
    deleted = client.post(
        delete_url,
        data={"csrf_token": _token(page.text)},
        base_url=BASE,
        headers=_referer(page, delete_url),
    )
    assert deleted.status_code in {200, 303}, deleted.text[:300]
    assert client.get(receipt_url, base_url=BASE).status_code == 404
