"""What a screen reader hears first: page titles that say "Error", one way of reading the error
summary, the receipt-link form's own errors, and the letter's two copies told apart."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER, post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, widget_campaign

ERROR = {"en": "Error: ", "ar": "خطأ: "}
SITE = " · civic-letters"


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, "no title"
    return html.unescape(found.group(1)).strip()


def _summary(page: str) -> str:
    """The error summary's opening tag and contents."""
    found = re.search(r'<div class="error-summary"[^>]*id="error-summary">.*?</div>', page, re.S)
    assert found, "no error summary"
    return found.group(0)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_form_sent_back_with_errors_says_error_first_in_its_title(
    client: FlaskClient, default_campaign: str, lang: str
) -> None:
    blank = _title(client.get(f"/campaigns/{default_campaign}?lang={lang}").text)
    failed = post_letter(client, f"{default_campaign}?lang={lang}", action="preview", email="")
    assert failed.status_code == 422
    assert _title(failed.text) == ERROR[lang] + blank
    assert blank.endswith(SITE) and not blank.startswith(ERROR[lang])


def test_the_error_summary_is_focused_on_load_and_its_contents_are_the_alert(
    client: FlaskClient, default_campaign: str
) -> None:
    """site.js and widget.js focus it, which reads it out: role="alert" on the focused box as
    well had NVDA and JAWS read it twice (QA4, item 11). VoiceOver on iOS and TalkBack announce
    it only as an alert: the box's contents are one, as GOV.UK's summary does."""
    failed = post_letter(client, default_campaign, action="preview", first_name="")
    summary = _summary(failed.text)
    opening, inside = summary.split(">", 1)
    assert 'tabindex="-1"' in opening
    assert "role=" not in opening and "aria-live" not in opening
    assert inside.lstrip().startswith('<div role="alert">')


@pytest.mark.parametrize(
    ("lang", "steps"),
    [
        ("en", ("Write your letter", "Check your letter", "Thank you")),
        ("ar", ("اكتب رسالتك", "راجع رسالتك", "شكرًا لك")),
    ],
)
def test_the_widget_frame_names_each_step_in_its_title(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, steps: tuple[str, str, str]
) -> None:
    slug = widget_campaign(app, tmp_path)
    form_step, preview_step, thanks_step = steps
    opened = open_widget(client, slug, lang=lang)
    title = _title(opened.text)
    assert title.startswith(f"{form_step} · "), title
    campaign_title = title.removeprefix(f"{form_step} · ")
    token = form_token(opened.text)
    failed = post_widget(client, slug, letter_data(token, "preview", lang=lang, first_name=""))
    assert failed.status_code == 422
    assert _title(failed.text) == f"{ERROR[lang]}{form_step} · {campaign_title}"
    preview = post_widget(client, slug, letter_data(form_token(failed.text), "preview", lang=lang))
    assert preview.status_code == 200
    assert _title(preview.text) == f"{preview_step} · {campaign_title}"
    sent = post_widget(client, slug, letter_data(form_token(preview.text), "send", lang=lang))
    assert _title(sent.text) == f"{thanks_step} · {campaign_title}"


RECEIPT_LINK_ERRORS = {"en": "Enter your email address.", "ar": "أدخل عنوان بريدك الإلكتروني."}


def test_the_receipt_link_form_leaves_checking_to_the_server(
    client: FlaskClient, default_campaign: str
) -> None:
    """Not the browser's bubble, in the browser's language (English on the Arabic page)."""
    page = client.get(f"/campaigns/{default_campaign}/receipt-link?lang=ar")
    form = re.search(r'<form [^>]*class="receipt-link-form"[^>]*>', page.text)
    assert form and "novalidate" in form.group(0)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("typed", ["", "nobody@"])
def test_a_bad_address_for_the_receipt_link_is_said_in_a_summary_and_on_the_field(
    client: FlaskClient, default_campaign: str, lang: str, typed: str
) -> None:
    url = f"/campaigns/{default_campaign}/receipt-link?lang={lang}"
    page = client.get(url)
    blank = _title(page.text)
    answer = client.post(url, data={"email": typed, "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 400
    assert _title(answer.text) == ERROR[lang] + blank
    summary = _summary(answer.text)
    assert 'href="#receipt-link-email"' in summary
    field = re.search(r'<input type="email" id="receipt-link-email"[^>]*>', answer.text)
    assert field, answer.text
    tag = field.group(0)
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="receipt-link-email-hint receipt-link-email-error"' in tag
    assert f'value="{typed}"' in tag  # kept as typed
    # Its example address is an isolated value (<bdi>) in the sentence.
    error = re.search(r'<p class="error" id="receipt-link-email-error">(.+?)</p>', answer.text)
    assert error
    said = _text(error.group(1))
    if typed == "":
        assert said == RECEIPT_LINK_ERRORS[lang]
    elif lang == "ar":
        assert re.search("[\u0621-\u064a]{3}", said)  # in the page's language
    assert said in _text(summary)


def _summaries(page: str) -> list[str]:
    return [_text(s) for s in re.findall(r"<summary[^>]*>.*?</summary>", page, re.S)]


def test_the_letter_and_its_reading_copy_name_their_disclosures_apart(
    client: FlaskClient, default_campaign: str
) -> None:
    """Arabic, wide screen: "Read the whole letter" and "Signed by 35 organisations" came
    twice, with nothing saying which copy each opens (QA4, item 8)."""
    named = _summaries(client.get(f"/campaigns/{default_campaign}?lang=ar").text)
    whole = [s for s in named if s.startswith("اقرأ الرسالة كاملة")]
    signed = [s for s in named if s.startswith("وقّعتها")]
    assert len(whole) == 2 and len(signed) == 2, named
    assert len(set(named)) == len(named), named
    assert {s.rsplit("(", 1)[1] for s in whole + signed} == {
        "باللغة الإنجليزية)",
        "باللغة العربية)",
    }
    # Without a reading copy there is one of each, and nothing added.
    english = _summaries(client.get(f"/campaigns/{default_campaign}?lang=en").text)
    assert "Read the whole letter" in english and "(in" not in " ".join(english)


EXPIRED_FLASH = re.compile(r'<p class="flash flash-error"[^>]*>')


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_letter_form_sent_back_because_it_expired_says_error_and_focuses_its_flash(
    client: FlaskClient, default_campaign: str, lang: str
) -> None:
    """No error summary on this path (rev6 item 4): the title says "Error:" without JavaScript,
    and the flash is what the page focuses as it opens, once (not an alert as well)."""
    blank = _title(client.get(f"/campaigns/{default_campaign}?lang={lang}").text)
    data = {**VALID_LETTER, "action": "preview", "csrf_token": "expired"}
    answer = client.post(f"/campaigns/{default_campaign}?lang={lang}", data=data)
    assert answer.status_code == 400
    assert 'id="error-summary"' not in answer.text
    assert _title(answer.text) == ERROR[lang] + blank
    flashes = EXPIRED_FLASH.findall(answer.text)
    assert len(flashes) == 1, flashes
    assert 'tabindex="-1"' in flashes[0] and "data-focus-on-load" in flashes[0], flashes[0]
    assert "autofocus" in flashes[0] and "role=" not in flashes[0], flashes[0]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_widget_form_sent_back_because_it_expired_says_error_first(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    slug = widget_campaign(app, tmp_path)
    app.config["WIDGET_TOKEN_MAX_AGE_SECONDS"] = 3600
    opened = open_widget(client, slug, lang=lang)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 3601)
    expired = post_widget(client, slug, letter_data(form_token(opened.text), lang=lang))
    assert expired.status_code == 422
    assert 'id="error-summary"' not in expired.text
    assert _title(expired.text) == ERROR[lang] + _title(opened.text)
    flashes = EXPIRED_FLASH.findall(expired.text)
    assert len(flashes) == 1 and "data-focus-on-load" in flashes[0], flashes
    assert "role=" not in flashes[0], flashes[0]
