"""The widget's letter in the reader's language: its reading copy first, then what is sent."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.widget.helpers import open_widget


def _summaries(page: str) -> list[str]:
    return re.findall(r'<details class="widget-letter">\s*<summary>(.*?)</summary>', page)


def test_an_arabic_widget_offers_the_reading_copy_before_the_english_letter(
    client: FlaskClient, default_campaign: str
) -> None:
    page = open_widget(client, default_campaign, lang="ar").text
    assert _summaries(page) == ["نسخة للقراءة باللغة العربية", "ما تتسلّمه المكاتب، بالإنجليزية"]
    reading, english = page.split('<details class="widget-letter">')[1:3]
    assert '<div lang="ar" dir="rtl">' in reading
    assert "<p>السيد الرئيس بايدن المحترم،</p>" in reading
    assert "<p>قبل عام، حين أصبحتم رئيسًا" in reading
    assert '<p class="reading-note">ترجمة غير رسمية، للقراءة فقط.' in reading
    assert "<p>Dear President Biden,</p>" in english


def test_an_english_widget_shows_the_letter_alone(
    client: FlaskClient, default_campaign: str
) -> None:
    page = open_widget(client, default_campaign, lang="en").text
    assert _summaries(page) == ["Read the letter"]
    assert "قبل عام" not in page
