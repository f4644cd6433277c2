"""A partner's own dashboard names it in a sentence of either direction without reordering it:
"أرقام Syrian Forum (US) فقط" drew the parenthesis at the wrong end before the name was isolated."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.dashboard.helpers import add_partner, signed_in
from webapp.models import Role


@pytest.mark.parametrize(
    "language,sentence",
    [
        ("en", "Numbers for <bdi>Syrian Forum (US)</bdi> only"),
        ("ar", "أرقام <bdi>Syrian Forum (US)</bdi> فقط"),
    ],
)
def test_the_partners_name_is_isolated_on_its_page(
    app: Flask, default_campaign: str, language: str, sentence: str
) -> None:
    add_partner(app, default_campaign, "forum", "Syrian Forum (US)")
    app.config["BABEL_DEFAULT_LOCALE"] = language
    forum = signed_in(app, "forum@partner.example.org", Role.PARTNER, "forum")
    assert sentence in forum.get(f"/dashboard/campaigns/{default_campaign}").text
