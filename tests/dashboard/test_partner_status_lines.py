"""A partner account's home page says what is missing without the operators' commands."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from webapp.models import Role


def _home(app: Flask, email: str, **account: object) -> str:
    page = signed_in(app, email, **account).get("/dashboard/")  # type: ignore[arg-type]
    assert page.status_code == 200
    return page.text


def test_partners_read_what_is_missing_without_commands_or_settings(
    app: Flask, default_campaign: str
) -> None:
    """No roster loaded and no Open States key (the suite's default): a partner cannot run
    `flask civic sync` nor set OPENSTATES_API_KEY, and was told to."""
    add_partner(app, default_campaign, "sama", "Action For Sama")
    text = _home(app, "p@sama.example.org", role=Role.PARTNER, partner="sama")
    main = text[text.index("<main") :]
    assert "Members of Congress are not loaded: supporters see only fixed targets." in main
    assert "State legislators cannot be looked up right now." in main
    assert re.findall(r"flask [a-z]+|OPENSTATES_API_KEY|<code", main) == []


def test_admins_still_get_the_command_and_the_setting(app: Flask, default_campaign: str) -> None:
    text = _home(app, ADMIN)
    assert "Run <bdi><code>flask civic sync</code></bdi>." in text
    assert '<code dir="ltr">OPENSTATES_API_KEY</code>' in text
