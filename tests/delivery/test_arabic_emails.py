"""A supporter who wrote in Arabic gets the receipt and confirmation emails in Arabic."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from flask import Flask
from sqlalchemy import select

from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.i18n import isolate_in_subject
from webapp.models import NotificationKind, Submission, SubmissionStatus

ARABIC_TITLE = (
    "خمس خطوات على بايدن اتخاذها ليُظهر أن الولايات المتحدة لا تزال ملتزمة بحماية حقوق الإنسان"
    " في سوريا وبالسعي إلى العدالة للسوريين"
)


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


def test_receipt_and_confirmation_emails_follow_the_recorded_language(
    app: Flask, default_campaign: str
) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar-EG,en;q=0.5"
    response = post_letter(client, default_campaign, first_name="رانيا", latin_first_name="Rania")
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert submission.language == "ar"  # the interface language, not the browser's tag
        receipt = supporter_email(submission, NotificationKind.RECEIPT, "k1")
        # As a campaign that asks for confirmation keeps it until the click.
        submission.status = SubmissionStatus.UNCONFIRMED
        confirmation = supporter_email(submission, NotificationKind.CONFIRMATION, "k2")
        receipt_link = supporter_email(submission, NotificationKind.RECEIPT_LINK, "k4")
        # A campaign whose Arabic reading copy has no title: its English title is used.
        campaign = submission.campaign
        reading = dict(campaign.translations or {})
        campaign.translations = {**reading, "ar": {**reading["ar"], "title": None}}
        untitled = supporter_email(submission, NotificationKind.RECEIPT, "k5")
        untitled_link = supporter_email(submission, NotificationKind.RECEIPT_LINK, "k6")
        campaign.translations = reading
        submission.language = "en-US"
        english = supporter_email(submission, NotificationKind.RECEIPT, "k3")
    # The campaign's Arabic title, isolated, in the Arabic subject.
    assert receipt["Subject"] == f"رسالتك: \u2068{ARABIC_TITLE}\u2069"
    assert confirmation["Subject"] == f"يُرجى تأكيد رسالتك: \u2068{ARABIC_TITLE}\u2069"
    # An English title keeps its leading number inside the Arabic subject.
    assert untitled["Subject"].startswith("رسالتك: \u20685 steps that Biden")
    assert untitled["Subject"].endswith("\u2069")
    html = _body(receipt, "html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "شكرًا لك يا <bdi>رانيا</bdi>." in html
    assert "\u2068رانيا\u2069" in _body(receipt, "plain")
    # Its offices all take letters through their own web forms: the link confirms, sends nothing.
    assert ">أؤكّد رسالتي</a>" in _body(confirmation, "html")
    hours = app.config["CONFIRMATION_EXPIRY_HOURS"]
    assert f"يعمل الرابط نحو <bdi>{hours}</bdi> ساعةً أخرى." in _body(confirmation, "html")
    assert f"\u2068{hours}\u2069" in _body(confirmation, "plain")
    # The receipt link's email is right to left too, its name and title isolated.
    link_html = _body(receipt_link, "html")
    assert '<html lang="ar" dir="rtl">' in link_html
    assert "<bdi>رانيا</bdi>" in link_html and f"<bdi>{ARABIC_TITLE}</bdi>" in link_html
    link_text = _body(receipt_link, "plain")
    assert "\u2068رانيا\u2069" in link_text and f"\u2068{ARABIC_TITLE}\u2069" in link_text
    assert "<bdi>5 steps" in _body(untitled_link, "html")
    assert "\u20685 steps" in _body(untitled_link, "plain")
    # An English subject around an English title has no isolate marks: they change nothing
    # there, and some mail clients draw them as boxes in the inbox list.
    assert english["Subject"].startswith("Your letter: 5 steps that Biden")
    assert "\u2068" not in english["Subject"] and "\u2069" not in english["Subject"]
    assert '<html lang="en" dir="ltr">' in _body(english, "html")
    # The links open the pages in the email's language, whatever the reader's browser says.
    token = submission.receipt_token
    assert f"/receipts/{token}?lang=ar" in html and f"/receipts/{token}?lang=en" in _body(
        english, "html"
    )
    assert "?lang=ar" in _body(confirmation, "html") and "?lang=ar" in _body(confirmation, "plain")
    # Laid out at the phone's width by mail apps that show it as a web page.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_long_subjects_keep_every_space_as_sent_over_smtp(
    app: Flask, default_campaign: str
) -> None:
    """Serialised as the SMTP client sends it and parsed as a mail app reads it: the policy's
    own folding had run "في سوريا" together as "فيسوريا" (and lost spaces in English too)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    post_letter(client, default_campaign, first_name="رانيا", latin_first_name="Rania")
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        arabic = supporter_email(submission, NotificationKind.RECEIPT, "k1")
        submission.language = "en"
        english = supporter_email(submission, NotificationKind.RECEIPT, "k2")
    for message, subject in (
        (arabic, f"رسالتك: \u2068{ARABIC_TITLE}\u2069"),
        (
            english,
            "Your letter: 5 steps that Biden must take to show that the US is still "
            "committed to protecting human rights in Syria and pursuing justice for Syrians",
        ),
    ):
        wire = message.as_bytes(policy=policy.SMTP)
        head = wire.split(b"\r\n\r\n")[0].decode("ascii")
        assert max(len(line) for line in head.split("\r\n")) <= 78
        assert message_from_bytes(wire, policy=policy.default)["Subject"] == subject


def test_a_title_is_isolated_in_a_subject_where_direction_can_change_it(app: Flask) -> None:
    with app.app_context():
        # An English subject: a Latin title stands bare, one with Arabic letters or Arabic
        # digits is isolated (it would otherwise pull the punctuation around it).
        assert isolate_in_subject("5 steps for Syria", "en") == "5 steps for Syria"
        assert isolate_in_subject("Syria ١٠", "en") == "\u2068Syria ١٠\u2069"
        assert isolate_in_subject("مياه آمنة", "en") == "\u2068مياه آمنة\u2069"
        # So is one carrying a control that turns what follows right to left.
        assert isolate_in_subject("Syria\u202e 5", "en") == "\u2068Syria\u202e 5\u2069"
        # A right-to-left subject isolates any title, Latin ones included.
        assert isolate_in_subject("5 steps", "ar") == "\u20685 steps\u2069"
        assert isolate_in_subject("مياه آمنة", "ar-SY") == "\u2068مياه آمنة\u2069"


def test_a_first_name_in_latin_letters_is_marked_english_in_arabic_emails(
    app: Flask, default_campaign: str
) -> None:
    """As on the receipt page: an Arabic mail reader's voice misreads "Omar" unmarked."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    response = post_letter(client, default_campaign, first_name="Omar")
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        receipt = supporter_email(submission, NotificationKind.RECEIPT, "k1")
        receipt_link = supporter_email(submission, NotificationKind.RECEIPT_LINK, "k2")
        submission.status = SubmissionStatus.UNCONFIRMED
        confirmation = supporter_email(submission, NotificationKind.CONFIRMATION, "k3")
        submission.language = "en"
        english = supporter_email(submission, NotificationKind.RECEIPT, "k4")
    assert 'شكرًا لك يا <bdi lang="en">Omar</bdi>.' in _body(receipt, "html")
    for message in (receipt_link, confirmation):
        assert '<bdi lang="en">Omar</bdi>' in _body(message, "html")
    assert "Thank you, <bdi>Omar</bdi>." in _body(english, "html")
