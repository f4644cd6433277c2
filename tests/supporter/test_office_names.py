"""Offices named in the supporter's language on their pages and emails; offices get the English."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.dashboard.replies import add_answers
from tests.delivery.smtp_server import SmtpSink, mailing_config
from tests.supporter.helpers import VALID_LETTER, post_letter
from tests.supporter.test_abroad import BERLIN
from tests.widget.helpers import form_token, letter_data, post_widget
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.services import campaign_by_slug
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Delivery, ReplyAnswer, Submission
from webapp.services.recipients import CHAMBER_OFFICES
from webapp.supporter.office_names import CHAMBER_LABELS, shown_office

PRESIDENT = "The President of the United States"
PRESIDENT_AR = "رئيس الولايات المتحدة"
WHITE_HOUSE_AR = "البيت الأبيض"
SENATE_AR = "مجلس الشيوخ الأمريكي"
# How the preview and receipt put an office and where it sits: the page language's comma.
ARABIC_LINE = f"<strong><bdi>{PRESIDENT_AR}</bdi></strong>، <bdi>{WHITE_HOUSE_AR}</bdi>"
ENGLISH_LINE = f"<strong><bdi>{PRESIDENT}</bdi></strong>, <bdi>The White House</bdi>"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return mailing_config(app_config, smtp, "https://letters.example.org")


def _writer(client: FlaskClient, language: str | None) -> FlaskClient:
    if language:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def _in_michigan(app: Flask) -> dict[str, Any]:
    """A supporter in Michigan's 12th: the President, two senators and a representative."""
    load_civic_data(app)
    return {"street": None, "city": "Southfield", "zip_code": single_district_zip("MI", 12)}


def test_an_arabic_preview_names_each_office_in_arabic_and_the_letter_keeps_the_english(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = post_letter(_writer(client, "ar"), default_campaign, "preview", **_in_michigan(app))
    assert page.status_code == 200, page.text
    html = page.text
    assert ARABIC_LINE in html
    assert f"اقرأ الرسالة الموجّهة إلى <bdi>{PRESIDENT_AR}</bdi>" in html
    # Members of Congress keep their names; their title is in Arabic.
    assert html.count("</bdi></strong>، <bdi>عضو مجلس الشيوخ</bdi>") == 2
    assert html.count("</bdi></strong>، <bdi>عضو مجلس النواب</bdi>") == 1
    # The English letter the office receives is addressed as before.
    assert f'<bdi lang="en">{PRESIDENT}, The White House</bdi>' in html
    assert "Dear Senator " in html and ", Senator<" not in html


def test_an_english_preview_is_as_it_was(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    html = post_letter(client, default_campaign, "preview", **_in_michigan(app)).text
    assert ENGLISH_LINE in html
    assert html.count("</bdi></strong>, <bdi>Senator</bdi>") == 2
    assert PRESIDENT_AR not in html and "عضو" not in html


def test_the_campaign_page_names_the_office_in_the_readers_language(
    client: FlaskClient, default_campaign: str
) -> None:
    arabic = client.get(f"/campaigns/{default_campaign}?lang=ar").text
    assert f"<bdi>{PRESIDENT_AR}</bdi> (<bdi>{WHITE_HOUSE_AR}</bdi>)" in arabic
    english = client.get(f"/campaigns/{default_campaign}?lang=en").text
    assert f"<bdi>{PRESIDENT}</bdi> (<bdi>The White House</bdi>)" in english


def test_the_arabic_receipt_and_its_email_name_the_offices_in_arabic_the_rows_keep_english(
    app: Flask, client: FlaskClient, default_campaign: str, smtp: SmtpSink
) -> None:
    response = post_letter(_writer(client, "ar"), default_campaign, **_in_michigan(app))
    assert response.status_code == 303, response.text
    page = client.get(response.headers["Location"]).text
    assert (
        f'<span class="delivery-name"><bdi>{PRESIDENT_AR}</bdi>، <bdi>{WHITE_HOUSE_AR}</bdi>'
        in (page)
    )
    assert page.count(f"، <bdi>{SENATE_AR}</bdi></span>") == 2
    assert f"رسالة إلى <bdi>{PRESIDENT_AR}</bdi>" in page
    # "I have sent it" on the President's hand-off is thanked with the office's Arabic name.
    with app.app_context():
        handoff = db.session.scalars(
            select(Delivery).where(Delivery.recipient_chamber.is_(None))
        ).one()
        done_url = f"{response.headers['Location']}/deliveries/{handoff.id}/done"
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    done = client.post(done_url, data={"csrf_token": token[1]})
    assert done.status_code == 303
    thanked = client.get(done.headers["Location"]).text
    assert f"شكرًا لك: سجّلنا أنك أرسلت رسالتك إلى <bdi>{PRESIDENT_AR}</bdi>." in thanked

    Worker(app).run_batch()
    writer = VALID_LETTER["email"].casefold()
    (receipt,) = [m for m in smtp.messages if writer in map(str.casefold, m.rcpt_tos)]
    assert f"\u2068{PRESIDENT_AR}\u2069، \u2068{WHITE_HOUSE_AR}\u2069" in receipt.text()
    assert f"<bdi>{PRESIDENT_AR}</bdi>، <bdi>{WHITE_HOUSE_AR}</bdi>" in receipt.part("html")

    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        president = next(d for d in submission.deliveries if d.recipient_chamber is None)
        assert (president.recipient_name, president.recipient_office) == (
            PRESIDENT,
            "The White House",
        )
        assert all(
            d.recipient_office == CHAMBER_OFFICES[d.recipient_chamber]
            for d in submission.deliveries
            if d.recipient_chamber
        )


def test_the_arabic_widget_thanks_page_names_the_office_in_arabic(
    app: Flask, default_campaign: str
) -> None:
    client = app.test_client()
    query = "?lang=ar"
    token = form_token(client.get(f"/widget/{default_campaign}{query}").text)
    done = post_widget(client, default_campaign + query, letter_data(token, **BERLIN))
    assert done.status_code == 200, done.text
    assert f"<li><bdi>{PRESIDENT_AR}</bdi>: " in done.text


def test_a_state_legislator_keeps_an_unknown_title_and_an_office_not_a_chamber(
    app: Flask,
) -> None:
    with app.test_request_context("/"), force_locale("ar"):
        seated = shown_office(None, None, "Dana Doe", "Room 12", "state_upper", "Assemblymember")
        assert (seated.name, seated.office) == ("Dana Doe", "Room 12")
        assert seated.title == "Assemblymember"
        chamber = shown_office(None, None, "Dana Doe", "State Senate", "state_upper", "Senator")
        # A state senator is not called a member of the US Senate.
        assert (chamber.office, chamber.title) == ("مجلس شيوخ الولاية", "عضو مجلس شيوخ الولاية")
        member = shown_office(
            None, None, "Dana Doe", CHAMBER_OFFICES["us_senate"], "us_senate", "Senator"
        )
        assert (member.office, member.title) == (SENATE_AR, "عضو مجلس الشيوخ")


def test_every_chamber_has_a_label_saying_in_english_what_offices_receive(app: Flask) -> None:
    with app.test_request_context("/"), force_locale("en"):
        assert {c: str(label) for c, label in CHAMBER_LABELS.items()} == CHAMBER_OFFICES


def _targets(translations: dict[str, Any], kind: str = "custom") -> str:
    target: dict[str, Any] = {"kind": kind, "translations": translations}
    if kind == "custom":
        target |= {"name": "Water Board", "office": "City Hall"}
    else:
        target["chambers"] = ["us_senate"]
    front = {
        "slug": "water",
        "title": "Safe water",
        "subject": "Water",
        "salutation": "Dear Board,",
    }
    front["targets"] = [target]
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nFund the pipes.\n"


def test_a_campaign_file_gives_a_fixed_office_its_name_in_arabic() -> None:
    spec = parse_campaign_file(_targets({"ar": {"name": "مجلس المياه", "office": "البلدية"}}))
    assert spec.targets[0].translations == {"ar": {"name": "مجلس المياه", "office": "البلدية"}}


@pytest.mark.parametrize(
    ("kind", "copy", "expected"),
    [
        (
            "lookup",
            {"name": "أعضاء"},
            "targets[1].translations.ar.name: only a fixed (custom) target has one",
        ),
        ("custom", {"name": "x" * 201}, "targets[1].translations.ar.name: is 201 characters"),
        (
            "custom",
            {"office": "{{ target.office }}"},
            "targets[1].translations.ar.office: merge fields are not filled in here",
        ),
    ],
)
def test_a_bad_office_name_translation_is_refused_naming_its_key(
    kind: str, copy: dict[str, str], expected: str
) -> None:
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign_file(_targets({"ar": copy}, kind))
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_the_public_replies_page_names_each_office_in_the_readers_language(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    add_answers(app, default_campaign, "official:S1", "Alma Example", [ReplyAnswer.NO_REPLY])
    add_answers(app, default_campaign, "target:p", PRESIDENT, [ReplyAnswer.ACKNOWLEDGEMENT])
    with app.app_context():
        session = db.session()
        president_target = campaign_by_slug(session, default_campaign).targets[0]  # type: ignore[union-attr]
        for delivery in session.scalars(select(Delivery)):
            if delivery.recipient_key == "official:S1":
                delivery.recipient_chamber = "us_senate"
                delivery.recipient_office = CHAMBER_OFFICES["us_senate"]
            else:
                delivery.target_id = president_target.id
                delivery.recipient_office = "The White House"
        session.commit()
    arabic = client.get(f"/campaigns/{default_campaign}/replies?lang=ar").text
    assert f"<h3><bdi>{PRESIDENT_AR}</bdi></h3>" in arabic
    assert f'<p class="hint"><bdi>{WHITE_HOUSE_AR}</bdi></p>' in arabic
    # A name in Latin letters on the Arabic page is marked English (QA4 item 9).
    alma = f'<h3><bdi lang="en">Alma Example</bdi></h3>\n    <p class="hint"><bdi>{SENATE_AR}</bdi>'
    assert alma in arabic
    english = client.get(f"/campaigns/{default_campaign}/replies?lang=en").text
    assert f"<h3><bdi>{PRESIDENT}</bdi></h3>" in english
    assert '<p class="hint"><bdi>United States Senate</bdi>' in english


def test_a_reading_copys_merge_fields_name_the_office_and_campaign_as_its_reader_knows_them(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        session = db.session()
        campaign = campaign_by_slug(session, default_campaign)
        assert campaign is not None
        congress = campaign.targets[1]
        congress.cover = "To {{ target.title }} {{ target.name }}, about {{ campaign.title }}."
        congress.translations = {
            "ar": {
                "cover": "إلى {{ target.title }} {{ target.name }}، بشأن «{{ campaign.title }}»."
            }
        }
        arabic_title = campaign.translations["ar"]["title"]
        session.commit()
    page = post_letter(_writer(client, "ar"), default_campaign, "preview", **_in_michigan(app))
    html = page.text
    # The Arabic reading copy: the title in Arabic, the member's own name, the campaign's
    # Arabic title.
    assert html.count("إلى عضو مجلس الشيوخ ") == 2 and html.count("إلى عضو مجلس النواب ") == 1
    assert html.count(f"بشأن «{arabic_title}».") == 3
    # What the offices receive is unchanged: the English title, the English campaign title.
    assert html.count("To Senator ") == 2 and html.count("To Representative ") == 1
    assert "about 5 steps that Biden must take" in html
