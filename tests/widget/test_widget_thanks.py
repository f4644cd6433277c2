"""The widget's thank-you page, built from what the send wrote, says what the stored rows say."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.civic.data import load_civic_data
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.test_abroad import BERLIN
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, send_letter
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.services import letter_fields
from webapp.supporter.page_cache import FormPages
from webapp.supporter.templating import delivery_status_label, share_message
from webapp.widget.thanks import letter_ref

OFFICES = [
    office("Water Board", email=OFFICE_EMAIL),
    office("City Council", contact_url="https://council.example.org/contact"),
    office("Archive Office", address="1 Records Lane"),
]
WEBSITE_HINT = "One more step: <bdi>1</bdi> office takes letters only through its own website"
ABROAD_LINE = "A friend or relative who lives in the United States can send this letter"


def _listed(page: str) -> list[tuple[str, str]]:
    """(office, status) as the page lists them."""
    found = re.findall(r'<li><bdi>([^<]+)</bdi>: <span class="status">([^<]*)</span></li>', page)
    return [(html.unescape(name), html.unescape(status)) for name, status in found]


def _shared_text(page: str) -> str:
    """What the share links carry, decoded."""
    links = re.findall(r'<a class="share" href="([^"]+)"', page)
    return " ".join(unquote_plus(html.unescape(link)) for link in links)


def _as_stored(app: Flask) -> tuple[Submission, list[tuple[str, str]], str]:
    """The one letter's submission, (office, status label) per stored delivery, and what its
    share links say; labelled as the receipt page labels them."""
    with app.test_request_context():
        submission = db.session.scalars(
            select(Submission).options(
                selectinload(Submission.deliveries).selectinload(Delivery.submission)
            )
        ).one()
        labels = [(d.recipient_name, delivery_status_label(d)) for d in submission.deliveries]
        shared = share_message(submission.residence, submission.campaign)
        return submission, labels, shared


@pytest.mark.parametrize("confirm", [False, True], ids=["confirmed", "waits-for-email"])
def test_each_office_is_listed_with_the_status_its_stored_row_has(
    app: Flask, client: FlaskClient, tmp_path: Path, confirm: bool
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "thanks", OFFICES, require_confirmation=confirm)
    done = send_letter(client, slug)
    assert done.status_code == 200, done.text
    submission, labels, shared = _as_stored(app)
    assert _listed(done.text) == labels
    assert [name for name, _ in labels] == ["Water Board", "City Council", "Archive Office"]
    # As the full page's receipt says it before the worker has run: where the link is going,
    # and that nothing goes before.
    waiting = (
        "Please confirm your letter: we are emailing a link to "
        "<bdi>rasha.haddad@example.org</bdi>. Nothing is delivered until you click it."
    )
    if confirm:
        assert {label for _, label in labels} == {"Waiting for you to confirm by email"}
        assert waiting in done.text
    else:
        assert len({label for _, label in labels}) == 3, "email, web form and post differ"
        assert "Please confirm your letter" not in done.text
    assert "Thank you, <bdi>Rasha</bdi>" in done.text
    assert f"/receipts/{submission.receipt_token}" in done.text
    website = any(d.status is DeliveryStatus.NEEDS_ACTION for d in submission.deliveries)
    assert (WEBSITE_HINT in done.text) == website
    if website:
        # The next step comes first and is the page's button, before the list and sharing.
        step = done.text.index(WEBSITE_HINT)
        button = re.search(
            r'<a class="button button-primary" href="([^"]+)"[^>]*>([^<]+)<', done.text
        )
        assert button and button[2] == "Send it to this office now"
        assert button[1].endswith(f"/receipts/{submission.receipt_token}")
        assert step < done.text.index('<ul class="deliveries">') < done.text.index("share-links")
    assert ABROAD_LINE not in done.text
    assert shared in _shared_text(done.text)


def test_a_letter_from_berlin_thanks_them_and_asks_a_friend_in_the_us(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    berlin: dict[str, Any] = {**BERLIN, "first_name": "رشا", "latin_first_name": "Rasha"}
    done = send_letter(client, default_campaign, **berlin)
    assert done.status_code == 200, done.text
    submission, labels, _shared = _as_stored(app)
    assert _listed(done.text) == labels and len(labels) == 1
    assert "Thank you, <bdi>رشا</bdi>" in done.text
    assert ABROAD_LINE in done.text
    assert (WEBSITE_HINT in done.text) == (submission.deliveries[0].status.value == "needs_action")
    assert "I wrote to the President from abroad" in _shared_text(done.text)


@pytest.fixture
def fixed_receipts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Receipt tokens from a counter the test can set back: [run's prefix, count]. Tokens are
    unique in the database, so each run has its own prefix."""
    counter: list[Any] = ["a", 0]

    def token() -> str:
        counter[1] += 1
        return f"receipt-{counter[0]}{counter[1]:04d}-Zz_9"

    monkeypatch.setattr(letter_fields, "new_receipt_token", token)
    return counter


def test_thank_you_pages_from_the_cache_are_the_pages_rendered_afresh(
    app: Flask, default_campaign: str, tmp_path: Path, fixed_receipts: list[Any]
) -> None:
    load_civic_data(app)
    confirmed = write_delivery_campaign(app, tmp_path, "thanks", OFFICES)
    confirm = write_delivery_campaign(
        app, tmp_path, "confirm", OFFICES[:2], require_confirmation=True
    )
    awkward, arabic = "a\"<>&'b", "رشا \"<>&' حداد"
    letters: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        (confirmed, {"first_name": awkward}, {}),
        (confirmed, {"first_name": "Rasha", "wid": "w-2"}, {}),
        (confirmed, {"first_name": arabic, "latin_first_name": "Rasha"}, {"lang": "ar"}),
        (confirm, {"first_name": awkward}, {}),
        (default_campaign, {**BERLIN, "first_name": arabic, "latin_first_name": "R"}, {}),
        (default_campaign, {**BERLIN, "first_name": "Rasha"}, {"lang": "ar"}),
        (confirmed, {"first_name": "Again"}, {}),  # the same address a second time: "repeat"
    ]

    def run(pages_kept: FormPages, prefix: str) -> list[bytes]:
        app.extensions["thanks_pages"] = pages_kept
        fixed_receipts[:] = [prefix, 0]
        pages = []
        for n, (slug, fields, query) in enumerate(letters):
            email = f"same-{prefix}@example.org" if n in (0, 6) else f"w{n}-{prefix}@example.org"
            client = app.test_client()
            token = form_token(client.get(f"/widget/{slug}", query_string=query).text)
            data = letter_data(token, email=email, **fields)
            done = post_widget(client, f"{slug}?{urlencode(query)}", data)
            assert done.status_code == 200, done.text
            # The host page's id for the letter is its own (none for a repeat), from its receipt.
            ref = re.search(rb'data-letter="([0-9a-f]+)"', done.data)
            receipt = re.search(rb"/receipts/(receipt-[^\"?]+)", done.data)
            assert (ref is None) == (receipt is None)
            if ref and receipt:
                with app.app_context():
                    assert ref[1].decode() == letter_ref(receipt[1].decode())
            # Each run's own receipts and addresses (a page waiting for its email names it).
            page = done.data.replace(ref[1], b"ref") if ref else done.data
            page = page.replace(f"receipt-{prefix}".encode(), b"receipt-a")
            pages.append(page.replace(f"-{prefix}@example.org".encode(), b"-a@example.org"))
        return pages

    fresh = run(FormPages(0), "a")
    kept = FormPages(1024)
    assert run(kept, "b") == fresh
    assert len(kept) == 6  # each shape once: the second letter's page was the first's
    text = [page.decode() for page in fresh]
    assert "Thank you, <bdi>a&#34;&lt;&gt;&amp;&#39;b</bdi>" in text[0]
    assert "<bdi>رشا &#34;&lt;&gt;&amp;&#39; حداد</bdi>" in text[2] and 'dir="rtl"' in text[2]
    assert '/receipts/receipt-a0002-Zz_9"' in text[1] and 'data-wid="w-2"' in text[1]
    assert ABROAD_LINE in text[4] and "Your letter was already recorded" in text[6]
    # Every page again from the cache: the next supporters' own words, not the first ones'.
    assert run(kept, "c") == fresh and len(kept) == 6


def test_a_latin_first_name_is_marked_english_in_the_arabic_thanks(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """As on the receipt (u1's walk: "شكرًا لك يا Omar", read with an Arabic voice). The page is
    cached with a marker in the name's place, so the mark is decided from the name itself."""
    shown = {}
    for number, (first, lang) in enumerate(
        (("Omar", "ar"), ("رشا", "ar"), ("Omar", "en"), ("Rami", "ar"))
    ):
        token = form_token(open_widget(client, default_campaign, lang=lang).text)
        latin = {"latin_first_name": "Rasha"} if first == "رشا" else {}
        email = f"writer{number}@example.org"
        data = letter_data(token, first_name=first, email=email, lang=lang, **latin)
        done = post_widget(client, default_campaign, data)
        assert done.status_code == 200, done.text
        found = re.search(r'<h1 class="widget-title">(.*?)</h1>', done.text)
        assert found is not None
        shown[first, lang] = found.group(1)
    assert shown == {
        ("Omar", "ar"): 'شكرًا لك يا <bdi lang="en">Omar</bdi>',
        ("رشا", "ar"): "شكرًا لك يا <bdi>رشا</bdi>",
        ("Omar", "en"): "Thank you, <bdi>Omar</bdi>",
        ("Rami", "ar"): 'شكرًا لك يا <bdi lang="en">Rami</bdi>',
    }
