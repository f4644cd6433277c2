"""The widget's own language switch: the reader's language, whatever the partner's page is in."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from tests.widget.helpers import OWN_ORIGIN, form_token, letter_data, open_widget, recorded

SUBMIT = re.compile(r"<button type=\"submit\"[^>]*>")


def _switch(page: str) -> str:
    match = re.search(r'<nav class="language-switch".*?</nav>', page, re.S)
    assert match is not None, "no language switch in the frame"
    return match.group(0)


def test_the_frame_offers_the_other_language_and_enter_still_previews(
    client: FlaskClient, default_campaign: str
) -> None:
    """A reader more at ease in Arabic, on a partner's English page, can switch in the frame.
    The switch comes before the form, so the first submit button of the form (the one Enter
    presses) is a hidden Preview, never the switch."""
    page = open_widget(client, default_campaign, lang="en").text
    switch = _switch(page)
    assert '<span lang="en" aria-current="true">English</span>' in switch
    assert 'value="language"' in switch and f"/widget/{default_campaign}?lang=ar" in switch
    assert 'lang="ar">العربية</button>' in switch
    first = SUBMIT.search(page)
    assert first is not None and 'value="preview"' in first[0] and 'form="widget-form"' in first[0]
    assert 'id="widget-form"' in page
    arabic = open_widget(client, default_campaign, lang="ar").text
    assert '<span lang="ar" aria-current="true">العربية</span>' in _switch(arabic)


def test_switching_keeps_everything_typed_checks_nothing_and_sends_nothing(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    token = form_token(open_widget(client, default_campaign, lang="en").text)
    data = letter_data(token, action="language", email="rasha at example")
    response = client.post(
        f"/widget/{default_campaign}?lang=ar", data=data, headers={"Origin": OWN_ORIGIN}
    )
    assert response.status_code == 200
    page = response.text
    assert page.startswith('<!doctype html>\n<html lang="ar" dir="rtl"')
    for typed in ('value="Rasha"', 'value="Haddad"', 'value="rasha at example"', "My daughter"):
        assert typed in page, typed
    assert 'class="error-summary"' not in page  # not checked yet: the reader only switched
    assert '<input type="hidden" name="lang" value="ar">' in page  # the next step stays Arabic
    assert recorded(app) == []
    back = client.post(
        f"/widget/{default_campaign}",
        data={**letter_data(form_token(page), action="preview"), "lang": "ar"},
        headers={"Origin": OWN_ORIGIN},
    )
    assert back.status_code == 200 and '<html lang="ar" dir="rtl"' in back.text
    assert '<span lang="ar" aria-current="true">العربية</span>' in _switch(back.text)


def test_the_sign_up_step_has_the_switch_too_and_it_keeps_what_was_typed(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """The first step a reader sees in sign-up mode: switching there goes on to the letter in
    the other language (as Continue does, unchecked), and Enter still continues."""
    page = open_widget(client, default_campaign, mode="signup", lang="en").text
    switch = _switch(page)
    assert 'value="continue"' in switch and f"/widget/{default_campaign}?lang=ar" in switch
    first = SUBMIT.search(page)
    assert first is not None and 'value="continue"' in first[0] and 'form="signup-form"' in first[0]
    data = {
        "form_token": form_token(page),
        "mode": "letter",
        "wid": "w1",
        "lang": "en",
        "first_name": "Rasha",
        "email": "rasha at example",
        "action": "continue",
    }
    response = client.post(
        f"/widget/{default_campaign}?lang=ar", data=data, headers={"Origin": OWN_ORIGIN}
    )
    assert response.status_code == 200
    assert response.text.startswith('<!doctype html>\n<html lang="ar" dir="rtl"')
    assert 'value="Rasha"' in response.text and 'value="rasha at example"' in response.text
    assert 'class="error-summary"' not in response.text
    assert recorded(app) == []


def test_switching_a_form_left_open_a_long_time_just_switches(
    app: Flask, client: FlaskClient, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is sent on a switch, so an old token is no reason to say "press the button
    again": the page comes back in the other language with a fresh token, as any switch."""
    app.config["WIDGET_TOKEN_MAX_AGE_SECONDS"] = 3600
    token = form_token(open_widget(client, default_campaign, lang="en").text)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 3601)
    data = letter_data(token, action="language")
    response = client.post(
        f"/widget/{default_campaign}?lang=ar", data=data, headers={"Origin": OWN_ORIGIN}
    )
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in response.text
    assert "data-focus-on-load" not in response.text and 'value="Rasha"' in response.text
    assert recorded(app) == []
