"""Sentences with a count take the noun form their number needs, in English and in Arabic."""

from __future__ import annotations

import gettext
import html
import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from webapp.i18n import plural_samples

ROOT = Path(__file__).resolve().parent.parent.parent
ARABIC = ROOT / "webapp" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
SIGNED = ("Signed by %(num)s organisation", "Signed by %(num)s organisations")
DELETED = (
    "Your own words and your street address are deleted %(num)s day after you write your letter. "
    "If it is still on its way to an office then (being sent, printed or with the organisers), "
    "they are kept until it arrives or we stop trying. The count of letters is kept.",
    "Your own words and your street address are deleted %(num)s days after you write your letter. "
    "If it is still on its way to an office then (being sent, printed or with the organisers), "
    "they are kept until it arrives or we stop trying. The count of letters is kept.",
)
WRITTEN = ("%(num)s letter written on %(day)s", "%(num)s letters written on %(day)s")
QUIET = (
    "%(num)s congressional district has no letters yet:",
    "%(num)s congressional districts have no letters yet:",
)
COUNTER = ("%(num)s letter written", "%(num)s letters written")
HOURS_LEFT = (
    "The link works for about %(num)s more hour.",
    "The link works for about %(num)s more hours.",
)
MINUTES_LEFT = (
    "The link works for about %(num)s more minute.",
    "The link works for about %(num)s more minutes.",
)


@pytest.fixture(scope="module")
def arabic() -> gettext.GNUTranslations:
    """The Arabic catalogue as the app reads it once compiled (from the .po, not a stale .mo)."""
    with ARABIC.open("rb") as handle:
        catalog = read_po(handle, locale="ar")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@pytest.mark.parametrize(
    ("message", "n", "expected"),
    [
        (SIGNED, 1, "وقّعتها منظمة واحدة"),
        (SIGNED, 2, "وقّعتها منظمتان"),
        (SIGNED, 7, "وقّعتها 7 منظمات"),
        (SIGNED, 35, "وقّعتها 35 منظمةً"),
        (SIGNED, 100, "وقّعتها 100 منظمة"),
        (SIGNED, 103, "وقّعتها 103 منظمات"),
        (DELETED, 1, "بعد يوم واحد من"),
        (DELETED, 2, "بعد يومين من"),
        (DELETED, 7, "بعد 7 أيام من"),
        (DELETED, 90, "بعد 90 يومًا من"),
        (DELETED, 0, "فور كتابة رسالتك"),
        (HOURS_LEFT, 1, "يعمل الرابط نحو ساعة أخرى."),
        (HOURS_LEFT, 2, "يعمل الرابط نحو ساعتين أخريين."),
        (HOURS_LEFT, 3, "يعمل الرابط نحو 3 ساعات أخرى."),
        (HOURS_LEFT, 72, "يعمل الرابط نحو 72 ساعةً أخرى."),
        (HOURS_LEFT, 200, "يعمل الرابط نحو 200 ساعة أخرى."),
        (MINUTES_LEFT, 1, "يعمل الرابط نحو دقيقة أخرى."),
        (MINUTES_LEFT, 2, "يعمل الرابط نحو دقيقتين أخريين."),
        (MINUTES_LEFT, 5, "يعمل الرابط نحو 5 دقائق أخرى."),
        (MINUTES_LEFT, 45, "يعمل الرابط نحو 45 دقيقةً أخرى."),
        (WRITTEN, 1, "رسالة واحدة كُتبت في"),
        (WRITTEN, 2, "رسالتان كُتبتا في"),
        (WRITTEN, 4, "4 رسائل كُتبت في"),
        (WRITTEN, 12, "12 رسالةً كُتبت في"),
        (WRITTEN, 300, "300 رسالة كُتبت في"),
        (QUIET, 1, "دائرة انتخابية واحدة لم تصلها"),
        (QUIET, 2, "دائرتان انتخابيتان لم تصلهما"),
        (COUNTER, 2, "2 رسالتان كُتبتا"),
        (COUNTER, 5, "5 رسائل كُتبت"),
        (COUNTER, 40, "40 رسالةً كُتبت"),
        (COUNTER, 1000, "1000 رسالة كُتبت"),
        (QUIET, 431, "دوائر انتخابية لم تصلها أي رسالة بعد (431):"),
    ],
)
def test_arabic_counts_take_the_form_their_number_needs(
    arabic: gettext.GNUTranslations, message: tuple[str, str], n: int, expected: str
) -> None:
    """Arabic has six forms: one and two say the number with the noun, 3 to 10 take the plural,
    11 to 99 the singular with tanween, 100 and up the plain singular."""
    shown = arabic.ngettext(*message, n) % {"num": n, "day": "2026-12-03"}
    # Whole sentences are compared whole, so a form that only begins right does not pass.
    assert shown == expected if message in (SIGNED, COUNTER) else expected in shown


def test_one_signatory_reads_in_the_singular(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_campaign(
        app, tmp_path, "one-signatory", extra='signatories:\n  - "Water Rights Now"\n'
    )
    page = client.get(f"/campaigns/{slug}")
    assert "Signed by <bdi>1</bdi> organisation</span></summary>" in page.text


def test_the_coalition_letter_counts_its_signatories_in_arabic(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar")
    assert "وقّعتها <bdi>35</bdi> منظمةً" in page.text


def test_privacy_page_days_in_both_languages(app: Flask, client: FlaskClient) -> None:
    app.config.update(RETENTION_DAYS=1, REPLY_SURVEY_DAYS=7)
    english = client.get("/privacy").text
    assert "deleted <bdi>1</bdi> day after you write your letter. If it is still" in english
    assert "About <bdi>7</bdi> days after your letter reaches an office" in english
    arabic = client.get("/privacy?lang=ar").text
    assert "بعد يوم واحد من كتابة رسالتك" in arabic
    assert "بعد نحو <bdi>7</bdi> أيام من وصول رسالتك" in arabic


@pytest.mark.parametrize(
    ("lang", "samples"),
    [
        ("en", {"one": 1, "other": 0}),
        ("ar", {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}),
    ],
)
def test_a_script_gets_a_sentence_for_every_plural_category(
    app: Flask, client: FlaskClient, default_campaign: str, lang: str, samples: dict[str, int]
) -> None:
    """own-words.js picks its sentence with Intl.PluralRules: every category is there."""
    with app.test_request_context(), force_locale(lang):
        assert plural_samples() == samples
    page = client.get(f"/campaigns/{default_campaign}?lang={lang}").text
    found = re.search(r"data-sentences='([^']*)'", page)
    assert found is not None
    sentences = json.loads(html.unescape(found.group(1)))
    assert set(sentences) == set(samples)
    if lang == "en":
        assert sentences["one"].endswith("({count} character).")
        assert sentences["other"].endswith("({count} characters).")
    assert all("{percent}%" in s and "{count}" in s for s in sentences.values())


def test_one_character_of_ones_own_reads_in_the_singular_without_javascript(
    client: FlaskClient, default_campaign: str
) -> None:
    page = post_letter(client, default_campaign, action="preview", personal_message="!")
    assert "of your letter (<bdi>1</bdi> character)." in page.text


def test_privacy_page_says_how_the_survey_emails_are_stopped(
    app: Flask, client: FlaskClient
) -> None:
    """The survey email ends with a link to a page whose button stops them (u4): it is not one
    click in the email, as the page said."""
    english = client.get("/privacy").text
    assert "The link at the end of that email stops them." in english
    assert "One click" not in english
    arabic = client.get("/privacy?lang=ar").text
    assert "والرابط في آخر تلك الرسالة يوقفها." in arabic and "نقرة واحدة" not in arabic
