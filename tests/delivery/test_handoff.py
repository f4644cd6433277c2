"""The hand-off card offers the version of the letter that fits the office's web form."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import signed_in
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.handoff import Version, handoff_for, split_text
from webapp.models import Campaign, Delivery, DeliveryStatus, Target
from webapp.services.delivery_tallies import refresh_delivery_tallies

PART_RE = re.compile(
    r'<textarea class="letter-text" id="handoff-\d+-\d+"[^>]*>(.*?)</textarea>', re.S
)
TOTAL_RE = re.compile(r"<div><dt>([^<]+)</dt><dd>([\d,]+)</dd></div>")
COUNTER_RE = re.compile(r"<span class=\"hint\" data-counter id=\"[^\"]+\">(.*?)</span>", re.S)


def test_split_text_keeps_each_part_within_the_limit_and_loses_nothing() -> None:
    text = "Dear President,\n\n" + " ".join(["word"] * 700) + "\n\nSincerely,\nRasha"
    parts = split_text(text, 2000)
    assert len(parts) == 2 and all(len(p) <= 2000 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def _president() -> Delivery:
    """The President's delivery (call inside an app context)."""
    return db.session.scalars(select(Delivery).where(Delivery.recipient_key.like("target:%"))).one()


def _receipt(client: FlaskClient, slug: str, personal: str) -> str:
    response = post_letter(client, slug, personal_message=personal)
    assert response.status_code == 303
    return client.get(response.headers["Location"]).text


def test_the_white_house_gets_the_short_form_within_2000_characters(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = _receipt(client, default_campaign, "My family is from Aleppo.")
    with app.app_context():
        president = _president()
        assert len(president.final_text) > 2000  # the coalition letter alone is ~3,700
        handoff = handoff_for(president, "https://letters.example.org/campaigns/x")
        assert handoff.limit == 2000 and handoff.version is Version.SHORT
        (part,) = handoff.parts
        assert part.length <= 2000
        assert part.text.index("My family is from Aleppo") < part.text.index("Appoint a Syria")
        assert "https://letters.example.org/campaigns/x" in part.text
    texts = [unescape(t) for t in PART_RE.findall(page)]
    assert len(texts) == 1 and len(texts[0].strip()) <= 2000
    assert "My family is from Aleppo" in texts[0] and "/campaigns/syria-five-steps" in texts[0]
    assert re.search(r"<bdi>[\d,]+</bdi> of <bdi>2,000</bdi> characters", page)
    assert "your phone number" in page and "a topic (<bdi>International Affairs</bdi>)." in page


def test_a_long_paragraph_is_split_into_numbered_parts(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    personal = " ".join(["Aleppo was my home and my family still lives there."] * 60)
    page = _receipt(client, default_campaign, personal)
    texts = [unescape(t) for t in PART_RE.findall(page)]
    assert len(texts) >= 2 and all(len(t) <= 2000 for t in texts)
    counters = COUNTER_RE.findall(page)
    assert counters[0].startswith(f"part <bdi>1</bdi> of <bdi>{len(texts)}</bdi>, ")
    assert counters[0].endswith("of <bdi>2,000</bdi> characters")
    assert "Copy part <bdi>2</bdi>" in page
    parts = f"<bdi>{len(texts)}</bdi>"
    said = f"at most <bdi>2,000</bdi> characters: send the letter in {parts} messages"
    assert said in page


def test_a_campaign_file_limit_overrides_the_table_and_unknown_limits_show_the_length(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        target = db.session.scalars(select(Target).where(Target.name.like("The President%"))).one()
        target.form_limit = 5000
        campaign = db.session.scalars(select(Campaign)).one()
        assert campaign.short_body  # the default campaign ships one
        db.session.commit()
    page = _receipt(client, default_campaign, "Short.")
    texts = [unescape(t) for t in PART_RE.findall(page)]
    assert len(texts) == 1 and "Ratchet up" in texts[0]  # the whole letter fits in 5,000
    assert "of <bdi>5,000</bdi> characters" in page
    with app.app_context():
        president = _president()
        president.target.form_limit = None
        president.contact_url = "https://www.example.gov/contact"
        assert handoff_for(president, "u").limit is None
        assert handoff_for(president, "u").version is Version.FULL
        receipt_token = president.submission.receipt_token
        db.session.commit()
    page = client.get(f"/receipts/{receipt_token}").text
    length = re.search(r"<bdi>([\d,]+)</bdi> characters \(this office's limit is not known\)", page)
    assert length is not None and int(length.group(1).replace(",", "")) > 1000, "the whole letter"


def test_dashboard_counts_a_hand_off_as_waiting_until_the_supporter_sends_it(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    _receipt(client, default_campaign, "Short.")
    admin = signed_in(app, "admin@civic.example.org")
    path = f"/dashboard/campaigns/{default_campaign}"

    def totals() -> dict[str, str]:
        page = admin.get(path).text
        return dict(TOTAL_RE.findall(page))

    before = totals()
    assert (before["Delivered"], before["Waiting for the supporter"]) == ("0", "1")
    with app.app_context():
        _president().status = DeliveryStatus.DONE_BY_SUPPORTER
        db.session.commit()
        refresh_delivery_tallies(db.session(), _president().campaign_id, utcnow())
    after = totals()
    assert (after["Delivered"], after["Waiting for the supporter"]) == ("1", "0")


def test_the_card_names_the_title_the_letter_gives_or_the_ones_to_choose_from(
    client: FlaskClient, default_campaign: str
) -> None:
    """The office's form asks for a title: the one the supporter chose, as their letter is
    signed, and the choices only when they chose none."""
    response = post_letter(client, default_campaign, prefix="Dr.")
    page = client.get(response.headers["Location"]).text
    assert "your title (<bdi>Dr.</bdi>, as in your letter), your phone number" in page
    assert "Mr., Ms., Mx., Dr." not in page
    response = post_letter(client, default_campaign, prefix="", email="salma@example.org")
    page = client.get(response.headers["Location"]).text
    titles = '<span class="unbroken"><bdi>Mr., Ms., Mx., Dr.</bdi></span>'
    assert f"your title ({titles}), your phone number" in page


def test_on_an_arabic_page_the_titles_to_choose_from_are_one_english_run_in_the_brackets(
    client: FlaskClient, default_campaign: str
) -> None:
    """The office's form lists English titles: on an Arabic page they are shown as it lists
    them, one left-to-right run marked English and kept on one line, not each title isolated
    among Arabic commas (which a phone's line split into halves read in the wrong order)."""
    response = post_letter(client, default_campaign, prefix="")
    page = client.get(response.headers["Location"] + "?lang=ar").text
    titles = '<span class="unbroken"><bdi lang="en">Mr., Ms., Mx., Dr.</bdi></span>'
    assert f"لقبك ({titles})، ورقم هاتفك" in page
    assert "\u2066" not in page.split('class="handoff"', 1)[1]
    response = post_letter(client, default_campaign, prefix="Dr.", email="salma@example.org")
    page = client.get(response.headers["Location"] + "?lang=ar").text
    assert 'لقبك (<bdi lang="en">Dr.</bdi>، كما في رسالتك)' in page
