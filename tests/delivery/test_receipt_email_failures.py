"""The receipt email says what failed and what happens next, not only "Could not be delivered"
beside an office's name (real SMTP: an office's server refuses the letter for good)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.smtp_server import Received, SmtpSink
from tests.supporter.helpers import post_letter
from webapp.delivery.worker import Worker

REFUSES = "council@refuses.example.org"
SUPPORTER = "omar@example.org"
FAILED = {
    "en": (
        "1 office could not be reached: every attempt to deliver your letter there failed. "
        "The campaign's organisers can see this and may try again; your receipt page says how "
        "you can send it yourself meanwhile."
    ),
    "ar": (
        "تعذّر الوصول إلى مكتب واحد: فشلت كل محاولات إيصال رسالتك إليه. يرى منظّمو الحملة "
        "ذلك، وقد يعيدون المحاولة؛ وتبيّن لك صفحة إيصالك كيف ترسلها إليه بنفسك في الأثناء."
    ),
}
COULD_NOT = {"en": "Could not be delivered", "ar": "تعذّر إيصالها"}


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "MAIL_FROM": "letters@civic.example.org"}


def _receipt_email(app: Flask, tmp_path: Path, smtp: SmtpSink, language: str) -> Received:
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [
            office("Water Board", email="board@water.example.org"),
            office("City Council", email=REFUSES),
        ],
    )
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    assert post_letter(client, slug, email=SUPPORTER).status_code == 303
    Worker(app).run_batch()
    (receipt,) = [m for m in smtp.messages if SUPPORTER in m.rcpt_tos]
    return receipt


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_office_that_refused_the_letter_is_explained_with_what_happens_next(
    app: Flask, tmp_path: Path, smtp: SmtpSink, language: str
) -> None:
    smtp.refuse(REFUSES, 550)
    receipt = _receipt_email(app, tmp_path, smtp, language)
    text = receipt.text()
    assert COULD_NOT[language] in text
    # After the list of offices, before the copy of the letter, with the link to the receipt.
    paragraph = FAILED[language]
    assert paragraph in text, text
    after = text.split(paragraph, 1)[1].lstrip("\n")
    assert after.startswith("http://") and "/receipts/" in after.split("\n", 1)[0]
    assert text.index(COULD_NOT[language]) < text.index(paragraph) < text.index("----------")
    html = receipt.part("html")
    assert f"<strong>{paragraph.replace('1 office', '<bdi>1</bdi> office')}</strong>" in html


def test_no_paragraph_when_every_office_took_the_letter(
    app: Flask, tmp_path: Path, smtp: SmtpSink
) -> None:
    receipt = _receipt_email(app, tmp_path, smtp, "en")
    assert "could not be reached" not in receipt.text()
    assert "could not be reached" not in receipt.part("html")
