"""Renaming a signatory organisation while its Arabic name is still given for the old name:
the editor refuses, saying so on the Arabic names' field, in the page's language."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.test_editor import admin, edit_form, edit_url, field_error

__all__ = ["admin"]  # the fixture, used by name

OLD, NEW = "The White Helmets", "White Helmets (SCD)"


def _renamed(admin: FlaskClient, slug: str) -> str:
    form = edit_form(admin, slug)
    assert OLD in form["signatories"] and f"{OLD} = الخوذ البيضاء" in form["reading_signatories"]
    form["signatories"] = form["signatories"].replace(OLD, NEW)
    page = admin.post(edit_url(slug), data=form)
    assert page.status_code == 422
    return field_error(page, "reading_signatories")


def test_a_renamed_signatory_is_refused_in_the_pages_language(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    """The file check's own words ("'The White Helmets' is not a listed signatory") were shown
    on Arabic pages; the name is isolated (FSI…PDI) so it keeps its order in either."""
    assert _renamed(admin, default_campaign) == (
        f"\u2068{OLD}\u2069 is no longer a signatory organisation: write its Arabic name beside"
        " its new name, or remove its line."
    )
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    assert _renamed(admin, default_campaign) == (
        f"\u2068{OLD}\u2069 لم تعد بين المنظمات الموقّعة: اكتب اسمها العربي بجانب اسمها الجديد،"
        " أو احذف سطرها."
    )
