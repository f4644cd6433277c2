"""On Arabic organiser pages the signed-in address and the setting names keep their own
direction: isolated, so "(admin@example.org)" and "(OPENSTATES_API_KEY)" keep their brackets
and their order inside a right-to-left sentence."""

from __future__ import annotations

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in


def test_the_sign_out_address_and_setting_names_are_isolated(app: Flask) -> None:
    app.config.update(BABEL_DEFAULT_LOCALE="ar", CIVIC_CONGRESS=119, OPENSTATES_API_KEY="")
    page = signed_in(app, ADMIN).get("/dashboard/").text
    assert f"تسجيل الخروج (<bdi>{ADMIN}</bdi>)" in page
    assert '(مثبّت بالإعداد <code dir="ltr">CIVIC_CONGRESS</code>)' in page
    assert 'البرمجية (<code dir="ltr">OPENSTATES_API_KEY</code>).' in page
