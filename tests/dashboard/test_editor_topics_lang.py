"""The editor's topics are the Library of Congress's English names: on an Arabic page each is
marked English, so a screen reader reads it with an English voice (u1's walk, editor at 360 px)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.test_editor import admin, edit_url

__all__ = ["admin"]  # the fixture, used by the tests below


@pytest.mark.parametrize(("language", "marked"), [("ar", True), ("en", False)])
def test_each_topic_is_marked_english_on_an_arabic_editor(
    app: Flask, admin: FlaskClient, default_campaign: str, language: str, marked: bool
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = language
    page = admin.get(edit_url(default_campaign))
    assert page.status_code == 200
    labels = re.findall(r'<li class="field-check"><input [^>]*> (<label [^>]*>)', page.text)
    assert len(labels) > 30, labels  # every policy area
    assert all(('lang="en"' in label) is marked for label in labels), labels[:3]
