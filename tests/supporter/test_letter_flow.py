"""The supporter's path: form, preview, send, receipt; one record per email per campaign."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.supporter.helpers import post_letter
from webapp.campaigns.services import import_campaign_path
from webapp.database import db
from webapp.models import Channel, Consent, Delivery, DeliveryStatus, Submission, Supporter
from webapp.services.submissions import email_key


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_index_lists_the_live_campaign(client: FlaskClient, default_campaign: str) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert f"/campaigns/{default_campaign}" in page.text


def test_campaign_page_shows_the_whole_letter(client: FlaskClient, default_campaign: str) -> None:
    page = client.get(f"/campaigns/{default_campaign}")
    assert page.status_code == 200
    html = page.text
    assert html.count("<li>Appoint a Syria envoy") == 1
    assert "<ol>" in html and html.count("</li>") >= 5 + 35
    assert "Signed by <bdi>35</bdi> organisations" in html
    assert "Syrian Emergency Task Force" in html and "The White Helmets" in html
    assert "<bdi>0</bdi> people have written so far" in html
    assert 'name="body"' not in html  # the coalition's statement is locked
    assert 'type="checkbox"' in html and "checked" not in html


def test_preview_shows_each_letter_with_name_and_city(
    client: FlaskClient, default_campaign: str
) -> None:
    page = post_letter(client, default_campaign, action="preview")
    assert page.status_code == 200
    assert "Check your letter" in page.text
    assert "Dear President Biden," in page.text
    assert "Rasha Haddad<br>Dearborn, MI 48126" in page.text
    assert "My family is from Aleppo." in page.text
    # Every value travels on in hidden fields, so "Change something" loses nothing.
    assert (
        'name="personal_message" value="My family is from Aleppo.\n\nPlease act now."' in page.text
    )


def test_send_records_supporter_submission_and_one_delivery_per_target(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    response = post_letter(client, default_campaign, consent_updates="y")
    assert response.status_code == 303
    receipt_url = response.headers["Location"]
    assert receipt_url.startswith("/receipts/") and len(receipt_url) > 40
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        # Matched by a keyed hash of the case-folded address; the address itself is sealed.
        assert submission.supporter.email_key == email_key(" Rasha.HADDAD@example.org")
        assert "rasha" not in submission.supporter.email_key
        assert submission.personal_message == "My family is from Aleppo.\n\nPlease act now."
        assert submission.edited_body is None and submission.personalised
        assert submission.ip_hash and "127.0.0.1" not in submission.ip_hash
        delivery = db.session.scalars(select(Delivery)).one()
        # The White House takes letters only through its web form: the supporter hands it over.
        assert delivery.channel is Channel.FORM
        assert delivery.status is DeliveryStatus.NEEDS_ACTION
        assert delivery.recipient_name == "The President of the United States"
        assert delivery.final_text.startswith("Dear President Biden,\n\nOne year ago")
        assert "Please act now.\n\nSincerely,\nRasha Haddad\nDearborn, MI 48126\n" in (
            delivery.final_text
        )
        consent = db.session.scalars(select(Consent)).one()
        assert consent.wording.startswith("Email me about this campaign")
    receipt = client.get(receipt_url)
    assert receipt.status_code == 200
    assert "Thank you, <bdi>Rasha</bdi>" in receipt.text
    assert "The President of the United States" in receipt.text
    assert "Needs your action" in receipt.text
    assert receipt.headers["Cache-Control"] == "no-store, private"
    assert receipt.headers["Referrer-Policy"] == "strict-origin"
    for share in (
        "mailto:?subject=",
        "https://wa.me/?text=",
        "https://x.com/intent/post?",
        "https://www.facebook.com/sharer/sharer.php?u=",
    ):
        assert share in receipt.text
    # The White House has no email address to write to: no link offers an email to nobody.
    assert "Send it from your own email" not in receipt.text


def test_the_receipt_offers_an_email_only_to_an_office_with_an_address(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "water.md"
    path.write_text(
        "---\nslug: water\ntitle: Safe water\nsubject: Safe water\nstatus: live\n"
        "salutation: Dear {{ target.name }},\ntargets:\n"
        "  - kind: custom\n    name: Water Board\n    email: clerk@water-board.example.org\n"
        "  - kind: custom\n    name: Town Council\n"
        "---\nPlease fund lead pipe replacement.\n",
        encoding="utf-8",
    )
    with app.app_context():
        slug = import_campaign_path(db.session(), path).slug
    location = post_letter(client, slug).headers["Location"]
    # Both letters failed for good: each now waits on the supporter's own hand, the only time
    # the receipt offers it to their email (tests/supporter/test_own_email_offer.py).
    with app.app_context():
        for delivery in db.session.scalars(select(Delivery)):
            delivery.status = DeliveryStatus.DEAD
        db.session.commit()
    receipt = client.get(location).text
    shown = r'<span aria-hidden="true">Send it from your own email</span>'
    links = set(re.findall(r'href="(mailto:[^"]*)">' + shown, receipt))
    assert len(links) == 1 and links.pop().startswith("mailto:clerk@water-board.example.org?")


def test_second_send_from_same_email_creates_nothing(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    first = post_letter(client, default_campaign)
    again = post_letter(
        client,
        default_campaign,
        email="  RASHA.haddad@example.ORG ",
        personal_message="Different words",
    )
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    followed = client.get(again.headers["Location"])
    assert "already sent this letter" in followed.text
    assert (_count(app, Supporter), _count(app, Submission), _count(app, Delivery)) == (1, 1, 1)


def test_repeat_from_another_browser_does_not_reveal_the_receipt(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    first = post_letter(client, default_campaign)
    stranger = app.test_client()
    again = post_letter(stranger, default_campaign)
    assert again.status_code == 200
    assert "already recorded" in again.text
    assert first.headers["Location"] not in again.text
    assert "100 Main St" not in again.text
    assert _count(app, Submission) == 1


def test_count_goes_up_after_a_letter(client: FlaskClient, default_campaign: str) -> None:
    post_letter(client, default_campaign)
    assert (
        "<bdi>1</bdi> person has written so far"
        in client.get(f"/campaigns/{default_campaign}").text
    )


def test_unknown_receipt_is_404(client: FlaskClient, default_campaign: str) -> None:
    assert client.get("/receipts/not-a-real-token").status_code == 404


def test_receipt_links_to_how_often_offices_replied(
    client: FlaskClient, default_campaign: str
) -> None:
    receipt = client.get(post_letter(client, default_campaign).headers["Location"])
    link = f'href="/campaigns/{default_campaign}/replies"'
    assert link in receipt.text
    assert client.get(f"/campaigns/{default_campaign}/replies").status_code == 200


def test_a_repeat_letter_says_the_boxes_ticked_this_time_were_not_recorded(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Only the first letter counts, and with it what its writer agreed to: a second one with
    a box ticked is told so, in the same browser and in another."""
    post_letter(client, default_campaign)
    again = post_letter(client, default_campaign, consent_updates="y")
    followed = client.get(again.headers["Location"]).text
    assert "The boxes you ticked this time were not recorded either" in followed
    elsewhere = post_letter(app.test_client(), default_campaign, consent_updates="y").text
    assert "The boxes you ticked this time were not recorded either" in elsewhere
    plain = post_letter(app.test_client(), default_campaign).text
    assert "The boxes you ticked" not in plain
    assert _count(app, Consent) == 0
