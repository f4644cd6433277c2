"""The letter form says, in one attribute the template sets (data-zip-asked), that it came back
asking about the ZIP: the live office list and the ZIP's hint both read it, so what counts as
asking cannot differ between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.civic.data import load_civic_data, split_zip
from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget

SCRIPTS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"
Post = Callable[..., TestResponse]


def on_page(client: FlaskClient, slug: str, **fields: str) -> TestResponse:
    return post_letter(client, slug, "preview", **fields)


def in_widget(client: FlaskClient, slug: str, **fields: str) -> TestResponse:
    token = form_token(open_widget(client, slug).text)
    return post_widget(client, slug, letter_data(token, "preview", **fields))


def marked(page: str) -> bool:
    residence = re.search(r"<div class=\"residence\"[^>]*>", page)
    assert residence, "no residence fields"
    return "data-zip-asked" in residence.group(0)


@pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])
def test_the_form_is_marked_only_when_it_asks_about_the_zip(
    app: Flask, client: FlaskClient, default_campaign: str, post: Post
) -> None:
    load_civic_data(app)
    split, _districts = split_zip("MI")
    fresh = (
        client.get(f"/campaigns/{default_campaign}")
        if post is on_page
        else open_widget(client, default_campaign)
    )
    # The street left out in a split ZIP (asked on the street), a ZIP of four digits (on the
    # ZIP), a street the address service could not place (the district choice: no geocoder
    # answers in tests).
    no_street = post(client, default_campaign, street="", zip_code=split)
    short_zip = post(client, default_campaign, zip_code="4812")
    choose = post(client, default_campaign, zip_code=split)

    assert not marked(fresh.text)
    assert 'id="street-error"' in no_street.text and marked(no_street.text)
    assert 'id="zip_code-error"' in short_zip.text and marked(short_zip.text)
    assert 'class="district-choice' in choose.text and marked(choose.text)
    # An error elsewhere, the ZIP and street answered: nothing asked about the ZIP.
    single = post(client, default_campaign, zip_code="48127", email="")
    assert 'id="email-error"' in single.text and not marked(single.text)


def test_both_scripts_read_the_mark_and_neither_lists_the_questions_itself() -> None:
    for name in ("targets.js", "zip-hint.js"):
        script = (SCRIPTS / name).read_text(encoding="utf-8")
        assert "[data-zip-asked]" in script, name
        for question in (".district-choice", "#zip_code-error", "#street-error"):
            assert question not in script, (name, question)
