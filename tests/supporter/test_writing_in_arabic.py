"""Writing in Arabic: a Latin name and an English version for offices, the Arabic kept for the
supporter, through every channel (real SMTP for the emails)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.civic.geocoder import stub_settings
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.stubs import StubServer
from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db, utcnow
from webapp.delivery.cwc import CwcSettings
from webapp.delivery.cwc_message import build_message
from webapp.delivery.packets import packet_csv, packets
from webapp.delivery.worker import Worker
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.sealing import open_all
from webapp.services.supporter_export import export_supporter
from webapp.services.supporters import purge_personal_text

ARABIC_WORDS = "عائلتي من حلب، وأكتب إليكم باسمها."
ENGLISH_WORDS = "My family is from Aleppo, and I write in its name."
WRITING_IN_ARABIC = {
    "first_name": "رانيا",
    "last_name": "حداد",
    "latin_first_name": "Rania",
    "latin_last_name": "Haddad",
    "personal_message": ARABIC_WORDS,
    "personal_english": ENGLISH_WORDS,
}
MAYOR_FORM = "https://mayor.example.org/contact"
CWC = CwcSettings(
    delivery_agent="Civic Letters Coalition",
    ack_email="acks@example.org",
    contact_name="Dana Organiser",
    contact_email="dana@example.org",
    contact_phone="202-555-0100",
    api_key="k3y",
    organization="Water Coalition",
)


@pytest.fixture
def census() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink, census: StubServer) -> dict[str, Any]:
    return {
        **app_config,
        **stub_settings(census),
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@civic.example.org",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    """Offices on every channel a fixed office can take: email, hand-off and packet."""
    return write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [
            office("Water Board", email=OFFICE_EMAIL),
            office("The Mayor", contact_url=MAYOR_FORM),
            office("City Council", address="1 City Hall Plaza"),
        ],
        topics=["Water Resources Development"],
    )


def _in_arabic(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    return client


def _submission(app: Flask) -> Submission:
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        open_all([submission])  # sealed fields open only inside the app
        return submission


def _to(smtp: SmtpSink, address: str) -> Received:
    (found,) = [m for m in smtp.messages if address.casefold() in map(str.casefold, m.rcpt_tos)]
    return found


def _no_letter(app: Flask) -> None:
    with app.app_context():
        assert db.session.scalars(select(Submission)).first() is None


@pytest.mark.parametrize("include_original", [True, False], ids=["with-arabic", "english-only"])
def test_a_supporter_writes_in_arabic_end_to_end(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink, include_original: bool
) -> None:
    tick = {"include_original": "y"} if include_original else {}
    response = post_letter(_in_arabic(client), slug, **WRITING_IN_ARABIC, **tick)
    assert response.status_code == 303, response.text

    recorded = _submission(app)
    assert (recorded.first_name, recorded.last_name) == ("Rania", "Haddad")
    assert (recorded.native_first_name, recorded.native_last_name) == ("رانيا", "حداد")
    assert recorded.personal_message == ARABIC_WORDS  # as written, kept apart
    assert recorded.personal_english == ENGLISH_WORDS
    assert recorded.include_original is include_original

    Worker(app).run_batch()
    # The office's email: the Latin name, the English words, the Arabic only when ticked.
    letter = _to(smtp, OFFICE_EMAIL)
    assert "Rania Haddad via" in str(letter.message["From"])
    text = letter.text()
    assert ENGLISH_WORDS in text
    assert (ARABIC_WORDS in text) is include_original
    assert "Sincerely,\nRania Haddad\nDearborn, MI 48126" in text
    assert "رانيا" not in text and "رانيا" not in letter.part("html")
    if include_original:
        assert text.index(ENGLISH_WORDS) < text.index(ARABIC_WORDS)

    # The supporter's receipt email: Arabic, right to left, greeting the name as written.
    receipt = _to(smtp, VALID_LETTER["email"])
    assert str(receipt.message["Subject"]).startswith("رسالتك: ")
    assert "رانيا حداد" in str(receipt.message["To"])
    html = receipt.part("html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "شكرًا لك يا <bdi>رانيا</bdi>." in html
    assert ENGLISH_WORDS in receipt.text()
    # Its copy of the letters is English in an Arabic email, and marked so: each distinct
    # letter once (those differing only in their greeting share one), none unmarked.
    copies = html.count('<div dir="auto" lang="en">')
    assert copies == html.count("<hr>") and 1 <= copies <= 3, copies
    assert '<div dir="auto">' not in html
    if include_original:
        assert f'<p dir="auto" lang="ar">{ARABIC_WORDS}</p>' in html

    # The receipt page shows the Arabic name, and says which name and words offices get.
    page = client.get(response.headers["Location"]).text
    assert "شكرًا لك يا <bdi>رانيا</bdi>" in page
    assert 'تتسلّم المكاتب اسمك بالأحرف اللاتينية: <bdi lang="en">Rania Haddad</bdi>.' in page
    # The Mayor's web form: the hand-off card pastes the English and names the Latin spelling.
    assert 'كما وُقّعت الرسالة: <bdi lang="en">Rania Haddad</bdi>.' in page
    # The letters' text is marked English, unless the Arabic words go below it: a box has one
    # language, and an English voice reads Arabic as nothing (QA4 item 9). Each is named by
    # its Arabic heading, not in English.
    (paste,) = re.findall(r'<textarea class="letter-text" id="handoff-[^"]+"([^>]*)>', page)
    assert ('lang="en"' in paste) is not include_original
    copies = re.findall(r'<textarea class="letter-text" id="letter-text-(\d+)"([^>]*)>', page)
    assert len(copies) == 3
    for number, attributes in copies:
        assert ('lang="en"' in attributes) is not include_original
        assert f'aria-labelledby="letter-name-{number}"' in attributes
        assert f'<span id="letter-name-{number}">رسالة إلى <bdi' in page
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        mayor = next(d for d in submission.deliveries if d.contact_url == MAYOR_FORM)
        assert mayor.status is DeliveryStatus.NEEDS_ACTION
        assert ENGLISH_WORDS in mayor.final_text and "Rania Haddad" in mayor.final_text
        # The organisers' packet for the council.
        (packet,) = packets(db.session())
        sheet = packet_csv(packet)
        assert "Rania,Haddad" in sheet and ENGLISH_WORDS in sheet and "رانيا" not in sheet
        assert (ARABIC_WORDS in sheet) is include_original
        # CWC (House offices) gets the Latin name and the English words as the constituent's.
        with db.session.no_autoflush:
            house = Delivery(
                submission=submission,
                recipient_key="official:H000000",
                recipient_chamber="us_house",
                recipient_state="MI",
                recipient_district="12",
                recipient_name="Representative",
                salutation="Dear Representative,",
                idempotency_key="0" * 32,
            )
            xml = build_message(house, CWC, utcnow())
        db.session.rollback()
    root = ET.fromstring(xml)  # noqa: S314 - our own XML
    assert root.findtext(".//FirstName") == "Rania"
    assert root.findtext(".//LastName") == "Haddad"
    message = root.findtext(".//ConstituentMessage") or ""
    assert ENGLISH_WORDS in message and (ARABIC_WORDS in message) is include_original
    assert ENGLISH_WORDS not in (root.findtext(".//OrganizationStatement") or "")


def test_an_arabic_paragraph_without_an_english_version_goes_as_written(
    app: Flask, client: FlaskClient, slug: str, smtp: SmtpSink
) -> None:
    fields = {**WRITING_IN_ARABIC, "personal_english": None, "include_original": "y"}
    assert post_letter(_in_arabic(client), slug, **fields).status_code == 303
    Worker(app).run_batch()
    text = _to(smtp, OFFICE_EMAIL).text()
    assert ARABIC_WORDS in text and ENGLISH_WORDS not in text
    assert not _submission(app).include_original  # nothing to include it below


def test_an_arabic_name_without_a_latin_name_comes_back_with_everything_kept(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    fields = {**WRITING_IN_ARABIC, "latin_first_name": "", "include_original": "y"}
    page = post_letter(_in_arabic(client), slug, "send", **fields)

    assert page.status_code == 422
    assert '<p class="error" id="latin_first_name-error">' in page.text
    assert (
        "لا تقبل المكاتب الأمريكية إلا الأسماء المكتوبة بالأحرف اللاتينية: اكتب اسمك الأول"
        in page.text
    )
    assert 'href="#latin_first_name"' in page.text  # the summary links to the field
    for value in ("رانيا", "حداد", "Haddad", VALID_LETTER["city"], "48126"):
        assert f'value="{value}"' in page.text, value
    assert f"{ARABIC_WORDS}</textarea>" in page.text
    assert f"{ENGLISH_WORDS}</textarea>" in page.text
    assert 'name="include_original" type="checkbox" value="y"' in page.text
    assert 'id="latin_last_name-error"' not in page.text
    _no_letter(app)


def test_a_latin_name_in_arabic_letters_is_refused(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    page = post_letter(client, slug, "send", **{**WRITING_IN_ARABIC, "latin_last_name": "حداد"})

    assert page.status_code == 422
    assert '<p class="error" id="latin_last_name-error">Use Latin letters only' in page.text
    assert 'id="latin_first_name-error"' not in page.text
    _no_letter(app)


def test_an_english_version_written_in_arabic_is_refused(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    page = post_letter(
        client, slug, "send", **{**WRITING_IN_ARABIC, "personal_english": ARABIC_WORDS}
    )

    assert page.status_code == 422
    assert 'id="personal_english-error">This box is for your English version' in page.text
    _no_letter(app)


def test_the_preview_says_offices_read_english_and_offers_a_box_for_an_english_version(
    client: FlaskClient, slug: str
) -> None:
    fields = {**WRITING_IN_ARABIC, "personal_english": None}
    page = post_letter(client, slug, "preview", **fields).text

    assert '<h2 id="english-heading">Offices read English</h2>' in page
    assert page.count('name="personal_english"') == 1  # the box, not also a hidden copy
    assert 'id="personal_english" name="personal_english" rows="5">\r\n</textarea>' in page
    assert page.count('name="include_original"') == 1
    # Written in English: nothing to ask.
    english = post_letter(client, slug, "preview").text
    assert "english-heading" not in english and 'id="personal_english"' not in english


def test_the_preview_shows_the_english_version_as_offices_get_it(
    client: FlaskClient, slug: str
) -> None:
    page = post_letter(client, slug, "preview", **WRITING_IN_ARABIC, include_original="y").text
    letter = page.split('class="letter-personal"', 1)[1].split("</div>", 1)[0]
    assert letter.index(ENGLISH_WORDS) < letter.index(ARABIC_WORDS)
    assert "Rania Haddad" in page


def test_on_an_arabic_page_the_letter_offices_get_is_marked_as_english(
    client: FlaskClient, slug: str
) -> None:
    """So a screen reader reads it with an English voice, and the Arabic original with an
    Arabic one."""
    fields = {**WRITING_IN_ARABIC, "include_original": "y"}
    page = post_letter(_in_arabic(client), slug, "preview", **fields).text
    assert '<html lang="ar" dir="rtl">' in page
    letter = page.split('<article class="letter"', 1)[1].split("</article>", 1)[0]
    assert '<p class="letter-subject apart">الموضوع: <bdi lang="en">' in letter
    assert '<div class="letter-body" lang="en" dir="auto">' in letter
    assert '<p class="letter-signature" lang="en" dir="auto">' in letter
    personal = letter.split('<div class="letter-personal" lang="en">', 1)[1]
    assert f'<p dir="auto">{ENGLISH_WORDS}</p>' in personal
    assert f'<p dir="auto" lang="ar">{ARABIC_WORDS}</p>' in personal


def test_the_latin_name_fields_are_asked_on_arabic_pages_and_for_names_in_other_scripts(
    client: FlaskClient, slug: str
) -> None:
    # On an English page they wait hidden, for the page's script to show them when a name is
    # typed in another script; an Arabic page shows them from the start.
    assert (
        '<div class="latin-name" id="latin-name" hidden data-other-script>'
        in client.get(f"/campaigns/{slug}").text
    )
    assert (
        '<div class="latin-name" id="latin-name">' in client.get(f"/campaigns/{slug}?lang=ar").text
    )
    # A Cyrillic name on an English page: the form comes back asking for the Latin spelling.
    page = post_letter(client, slug, "preview", first_name="Рания")
    assert page.status_code == 422
    assert 'id="latin_first_name-error"' in page.text


def test_privacy_export_carries_the_new_fields_and_retention_removes_the_english_version(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    assert post_letter(client, slug, **WRITING_IN_ARABIC).status_code == 303
    with app.app_context():
        session = db.session()
        data = export_supporter(session, VALID_LETTER["email"])
        assert data is not None
        (letter,) = data["letters"]
        assert letter["name"] == "Rania Haddad"
        assert letter["name_as_written"] == "رانيا حداد"
        assert letter["personal_message"] == ARABIC_WORDS
        assert letter["personal_message_in_english"] == ENGLISH_WORDS
        submission = session.scalars(select(Submission)).one()
        for delivery in submission.deliveries:
            delivery.status = DeliveryStatus.SENT
        session.commit()
        later = utcnow() + timedelta(days=400)
        assert purge_personal_text(session, later, 90) == 1
        session.expire_all()
        purged = session.scalars(select(Submission)).one()
        assert purged.personal_message is None and purged.personal_english is None


def test_members_of_congress_get_their_cover_note_and_the_reader_reads_it_in_arabic(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    page = post_letter(
        _in_arabic(client),
        default_campaign,
        "preview",
        street=None,
        city="Southfield",
        zip_code=zip_code,
        **WRITING_IN_ARABIC,
    )
    assert page.status_code == 200, page.text
    html = page.text
    assert "I am writing to you as your constituent in Southfield." in html
    # The city the supporter typed, isolated inside the Arabic sentence (never in what is sent).
    assert "أكتب إليكم بصفتي أحد ناخبيكم في \u2068Southfield\u2069." in html
    assert html.count('class="reading-pane reading-pane-copy"') == html.count(
        'class="office-letter"'
    )
    assert "ترجمة غير رسمية، للقراءة فقط." in html
    assert "السيد الرئيس بايدن المحترم،" in html  # the President's letter, in Arabic
