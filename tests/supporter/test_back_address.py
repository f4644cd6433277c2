"""The address a posted step gives its history entry (letter-form.js): the form's own page with
its partner, source and language, and nothing the supporter typed."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.dashboard.helpers import add_partner
from tests.supporter.helpers import post_letter

GET_URL = re.compile(r'data-get-url="([^"]+)"')


def _back_address(page_html: str) -> str:
    found = GET_URL.search(page_html)
    assert found, "the posted step carries no address for Back"
    return html.unescape(found.group(1))


def test_a_preview_s_back_address_keeps_the_link_s_tags_and_nothing_typed(
    app: Flask, default_campaign: str
) -> None:
    add_partner(app, default_campaign, "sama", "SAMA")
    client = app.test_client()
    assert "data-get-url" not in client.get(f"/campaigns/{default_campaign}").text  # a GET
    preview = post_letter(
        client, default_campaign, action="preview", partner="SAMA", source="newsletter", lang="ar"
    )
    assert preview.status_code == 200
    address = _back_address(preview.text)
    assert address.startswith(f"/campaigns/{default_campaign}?")
    # The partner as found (its code's own case), the link's source tag, the language chosen.
    assert "partner=sama" in address and "source=newsletter" in address and "lang=ar" in address
    for typed in ("Rasha", "Haddad", "Main", "Dearborn", "48126", "@"):
        assert typed not in address


def test_a_partner_code_that_names_no_partner_is_kept_as_written(
    app: Flask, default_campaign: str
) -> None:
    """As the letter keeps it (submission.unknown_partner_code), for the organisers to see."""
    client = app.test_client()
    errors = post_letter(client, default_campaign, action="preview", partner="x", email="")
    assert errors.status_code == 422
    assert _back_address(errors.text) == f"/campaigns/{default_campaign}?partner=x"
