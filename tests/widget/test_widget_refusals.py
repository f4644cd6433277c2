"""What the widget says when it will not take a letter: closed mid-letter, or no site named."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, widget_campaign

PARTNER_SITE = "https://www.partner.example"


@pytest.mark.parametrize("action", ["preview", "send"])
def test_a_campaign_closed_while_a_supporter_writes_says_so_and_records_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path, action: str
) -> None:
    slug = widget_campaign(app, tmp_path)
    token = form_token(open_widget(client, slug, partner="riverside").text)
    widget_campaign(app, tmp_path, status="closed")  # the organisers close it meanwhile

    shown = post_widget(client, slug, letter_data(token, action, partner="riverside"))

    assert shown.status_code == 403
    assert "This campaign is not accepting letters." in shown.text
    assert '<h1 class="widget-title">Your letter was not sent</h1>' in shown.text
    assert "nothing you wrote was sent or recorded" in shown.text
    assert "cannot be shown here" not in shown.text, "the wrong-site message"
    assert "Thank you" not in shown.text and "<form" not in shown.text
    assert record_counts(app) == NOTHING_RECORDED


def test_what_a_supporter_wrote_comes_back_in_the_closed_frame(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """The frame is all a partner's visitor has of their words: they went with the form."""
    slug = widget_campaign(app, tmp_path)
    token = form_token(open_widget(client, slug, partner="riverside").text)
    widget_campaign(app, tmp_path, status="closed")
    own = "My brother is still missing since 2013.\n\nPlease act."
    data = letter_data(token, "send", partner="riverside", personal_message=own)
    shown = post_widget(client, slug, data)
    assert shown.status_code == 403
    textareas = re.findall(r"<textarea[^>]*>([^<]*)</textarea>", shown.text)
    assert [html.unescape(t) for t in textareas] == [own]
    assert "Copy it if you want to keep it: it was not stored anywhere." in shown.text
    assert record_counts(app) == NOTHING_RECORDED


def test_a_page_that_hides_its_address_is_refused_and_told_what_to_do(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """No parent= and no Referer (a page with Referrer-Policy no-referrer or same-origin, and
    the old plain frame): still refused, and the site's owner is told how to fix it."""
    slug = widget_campaign(app, tmp_path, origins=(PARTNER_SITE,))

    refused = client.get(f"/widget/{slug}", query_string={"partner": "riverside"})

    assert refused.status_code == 403
    assert "This letter cannot be shown here." in refused.text
    assert "It hides its address from the letter form" in refused.text
    assert "the current code tells the form your site’s address" in refused.text
    assert "<form" not in refused.text


def test_a_site_that_names_itself_is_not_told_it_hides_its_address(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path, origins=(PARTNER_SITE,))
    # What the plain frame's referrerpolicy="origin" sends: the site, never the page.
    other = client.get(f"/widget/{slug}", headers={"Referer": "https://other.example/"})
    assert other.status_code == 403
    assert "add <bdi>https://other.example</bdi>" in other.text
    assert "hides its address" not in other.text
    allowed = client.get(f"/widget/{slug}", headers={"Referer": f"{PARTNER_SITE}/"})
    assert allowed.status_code == 200 and "form_token" in allowed.text


def test_the_sign_up_step_of_a_closed_campaign_offers_no_form(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """It said nothing of the campaign being closed, and its Continue then claimed the
    campaign had stopped taking letters "after this form was opened"."""
    slug = widget_campaign(app, tmp_path, status="closed")

    page = open_widget(client, slug, mode="signup", partner="riverside")

    assert "This campaign is not accepting letters." in page.text
    assert "<form" not in page.text


def test_a_send_repeated_after_closing_is_told_its_letter_was_recorded(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """A second click on Send as the campaign closed (or Back and Send again): the first one
    recorded the letter, so "Your letter was not sent ... nothing you wrote was sent or
    recorded" was untrue. It is told what it is told while the campaign is open."""
    slug = widget_campaign(app, tmp_path)
    token = form_token(open_widget(client, slug, partner="riverside").text)
    sent = post_widget(client, slug, letter_data(token, "send", partner="riverside"))
    assert '<meta name="civic-letters-sent" content="sent" data-letter="' in sent.text
    recorded = record_counts(app)
    widget_campaign(app, tmp_path, status="closed")

    again = post_widget(client, slug, letter_data(token, "send", partner="riverside"))

    assert '<meta name="civic-letters-sent" content="repeat">' in again.text
    assert "not sent" not in again.text
    assert record_counts(app) == recorded
    # Another address, or a preview, still learns that nothing was sent.
    other = post_widget(client, slug, letter_data(token, "send", email="other@example.org"))
    assert "nothing you wrote was sent or recorded" in other.text
    preview = post_widget(client, slug, letter_data(token, "preview", partner="riverside"))
    assert "nothing you wrote was sent or recorded" in preview.text


def test_a_refusal_names_the_site_not_allowed_not_the_letter_forms_own(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """A frame's own navigation (Back to the form's first address, which carries parent=) has
    this site as its Referer: once the partner's site is no longer allowed, the refusal told
    its owner to have the letter form's own address added."""
    slug = widget_campaign(app, tmp_path, origins=(PARTNER_SITE,))

    refused = client.get(
        f"/widget/{slug}",
        query_string={"parent": "https://other.example"},
        headers={"Referer": f"http://localhost/widget/{slug}"},
    )

    assert refused.status_code == 403
    assert "add <bdi>https://other.example</bdi>" in refused.text
    assert "http://localhost</bdi>" not in refused.text


def test_a_refused_sites_frame_is_named_for_the_refusal_not_a_form(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """A screen reader's list of frames announced "Letter form: …" for a frame that holds no
    form, only the words that the letter cannot be shown on this site."""
    slug = widget_campaign(app, tmp_path, origins=(PARTNER_SITE,))
    meta = '<meta name="civic-letters-frame-title" content="{}">'
    other = {"Referer": "https://other.example/"}
    refused = client.get(f"/widget/{slug}", query_string={"partner": "riverside"}, headers=other)
    assert refused.status_code == 403
    title = "Safe water for every school (Riverside Parents)"
    assert meta.format(f"Letter not shown on this site: {title}") in refused.text
    counter = client.get(f"/widget/{slug}", query_string={"mode": "counter"}, headers=other)
    assert meta.format("Letter not shown on this site: Safe water for every school") in (
        counter.text
    )
    arabic = client.get(f"/widget/{slug}", query_string={"lang": "ar"}, headers=other)
    assert meta.format("رسالة لا تُعرض على هذا الموقع لحملة: Safe water for every school") in (
        arabic.text
    ), arabic.text
    allowed = client.get(f"/widget/{slug}", headers={"Referer": f"{PARTNER_SITE}/"})
    assert meta.format("Letter form: Safe water for every school") in allowed.text
