"""A partner's name in the reading language: given in the campaign file beside its consent
sentence, shown wherever a page in that language names the partner, exported and edited."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.campaigns.test_consent_translations import ARABIC, RIVERSIDE_AR, _partner_file
from tests.campaigns.test_translations import _problems
from tests.dashboard.test_editor import admin, edit_form, edit_url, stored
from tests.supporter.campaign_files import write_campaign
from tests.widget.helpers import (
    PARTNERS,
    form_token,
    letter_data,
    open_widget,
    partners_yaml,
    post_widget,
)
from webapp.campaigns.fileformat import parse_campaign_file
from webapp.campaigns.services import export_campaign, import_campaign
from webapp.database import db
from webapp.models import Campaign, Submission

__all__ = ["admin"]  # the fixture, used by name

RIVERSIDE_NAME_AR = "أهالي ريفرسايد"
EASTSIDE_NAME_AR = "مستأجرو الحي الشرقي"


def _campaign(app: Flask, folder: Path, partners: dict[str, Any]) -> str:
    translations = {
        "ar": {
            "title": "مياه آمنة لكل مدرسة",
            "body": "أطفالنا بحاجة إلى مياه آمنة في المدرسة.",
            "partners": partners,
        }
    }
    extra = yaml.safe_dump({"translations": translations}, allow_unicode=True)
    return write_campaign(app, folder, "safe-water", extra=partners_yaml() + extra)


def _hint(page: str) -> str:
    match = re.search(r'<p class="hint" id="partner_consent-hint">(.*?)</p>', page, re.S)
    assert match, "no partner box hint"
    return match[1]


def test_a_file_may_give_a_partners_name_with_or_without_its_consent() -> None:
    spec = parse_campaign_file(
        _partner_file(
            {
                "ar": {
                    "body": "موّلوا الأنابيب.",
                    "partners": {"riverside": {"name": " أهالي ريفرسايد ", "consent": "نص"}},
                }
            }
        )
    )
    assert spec.translations["ar"]["partners"] == {"riverside": "نص"}
    assert spec.translations["ar"]["partner_names"] == {"riverside": RIVERSIDE_NAME_AR}
    older = parse_campaign_file(
        _partner_file({"ar": {"body": "x", "partners": {"riverside": "نص"}}})
    )
    assert older.translations["ar"] == {"body": "x", "partners": {"riverside": "نص"}}


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        (
            {"name": "ن" * 201},
            "translations.ar.partners: the name for 'riverside' is over 200 characters",
        ),
        (
            {"name": "أهالي", "logo": "x"},
            "translations.ar.partners: 'riverside' has an unknown key 'logo' (use consent, name)",
        ),
        ({}, "translations.ar.partners: give 'riverside' a consent sentence or a name"),
        ({"name": ["x"]}, "translations.ar.partners: give 'riverside' a name as text"),
        (
            {"name": "{{ supporter.city }}"},
            "translations.ar.partners: the name for 'riverside': merge fields are not filled in "
            "here; write it as it should read",
        ),
    ],
)
def test_a_bad_partner_name_is_refused_naming_the_partner(
    copy: dict[str, Any], expected: str
) -> None:
    problems = _problems(_partner_file({"ar": {"body": "x", "partners": {"riverside": copy}}}))
    assert expected in problems, problems


def test_arabic_pages_name_the_partner_as_the_file_translates_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = _campaign(
        app, tmp_path, {"riverside": {"name": RIVERSIDE_NAME_AR, "consent": RIVERSIDE_AR}}
    )
    client.environ_base.update(ARABIC)
    named = f"\u2068{RIVERSIDE_NAME_AR}\u2069"
    for page in (
        open_widget(client, slug, partner="riverside").text,
        open_widget(client, slug, partner="riverside", mode="signup").text,
        client.get(f"/campaigns/{slug}?partner=riverside").text,
    ):
        assert _hint(page).startswith(
            f"هذا المربع بطلبٍ من {named}. إن وضعت علامة فيه يصل إلى {named}"
        )
    english = open_widget(client, slug, partner="riverside", lang="en").text
    assert _hint(english).startswith(f"Asked by \u2068{PARTNERS['riverside'][0]}\u2069.")

    # The receipt's deletion page names the partners given the writer's details the same way.
    page = open_widget(client, slug, partner="riverside").text
    data = letter_data(form_token(page), partner="riverside", partner_consent="y")
    assert "civic-letters-sent" in post_widget(client, slug, data).text
    with app.app_context():
        token = db.session.scalars(select(Submission.receipt_token)).one()
    erase = client.get(f"/receipts/{token}/delete").text
    assert f"<bdi>{RIVERSIDE_NAME_AR}</bdi>" in erase
    assert PARTNERS["riverside"][0] not in erase


def test_partner_names_export_and_import_back_unchanged(app: Flask, tmp_path: Path) -> None:
    slug = _campaign(
        app,
        tmp_path,
        {
            "riverside": {"name": RIVERSIDE_NAME_AR, "consent": RIVERSIDE_AR},
            "eastside": {"name": EASTSIDE_NAME_AR},  # a name alone: no Arabic sentence
        },
    )
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        before = dict(campaign.translations or {})
        exported = export_campaign(campaign)
        front = yaml.safe_load(exported.split("---")[1])
        assert front["translations"]["ar"]["partners"] == {
            "riverside": {"name": RIVERSIDE_NAME_AR, "consent": RIVERSIDE_AR},
            "eastside": {"name": EASTSIDE_NAME_AR},
        }
        campaign.translations = {}
        session.commit()
        import_campaign(session, parse_campaign_file(exported))
        again = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        assert again.translations == before
        assert export_campaign(again) == exported


def test_the_editor_shows_and_saves_a_partners_arabic_name(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _campaign(
        app, tmp_path, {"riverside": {"name": RIVERSIDE_NAME_AR, "consent": RIVERSIDE_AR}}
    )
    form = edit_form(admin, slug)
    rows = {form[f"partners-{i}-code"]: i for i in range(2)}
    assert form[f"partners-{rows['riverside']}-reading_name"] == RIVERSIDE_NAME_AR
    assert form[f"partners-{rows['eastside']}-reading_name"] == ""
    form[f"partners-{rows['eastside']}-reading_name"] = EASTSIDE_NAME_AR
    response = admin.post(edit_url(slug), data=form)
    assert response.status_code == 302, response.text
    copy = stored(app, slug).translations["ar"]
    assert copy["partners"] == {"riverside": RIVERSIDE_AR}
    assert copy["partner_names"] == {"riverside": RIVERSIDE_NAME_AR, "eastside": EASTSIDE_NAME_AR}


def test_renaming_a_partner_alone_warns_that_its_arabic_name_is_the_old_one(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    """As for its consent sentence: a partner renamed in English while its Arabic name stayed
    would still be named the old way on Arabic pages, beside the box that asks for consent."""
    slug = _campaign(app, tmp_path, {"riverside": {"name": RIVERSIDE_NAME_AR}})
    form = edit_form(admin, slug)
    row = next(i for i in range(2) if form[f"partners-{i}-code"] == "riverside")
    form[f"partners-{row}-name"] = "Riverside Families"
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert saved.status_code == 200
    warnings = re.findall(r'<p class="flash flash-warning" role="status">(.*?)</p>', saved.text)
    assert len(warnings) == 1, warnings
    assert "Partner \u2068riverside\u2069's name changed but its Arabic name did not" in (
        html.unescape(warnings[0])
    )
    # Both changed together: no warning.
    form = edit_form(admin, slug)
    form[f"partners-{row}-name"] = "Riverside Parents"
    form[f"partners-{row}-reading_name"] = "أولياء أمور ريفرسايد"
    assert "flash-warning" not in admin.post(edit_url(slug), data=form, follow_redirects=True).text


def test_an_arabic_frame_is_named_with_the_partners_arabic_name(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """The name embed.js gives the frame (a screen reader's list of frames) names one
    organisation, as the consent box beside it does."""
    slug = _campaign(app, tmp_path, {"riverside": {"name": RIVERSIDE_NAME_AR}})
    arabic = open_widget(client, slug, partner="riverside", lang="ar").text
    assert (
        '<meta name="civic-letters-frame-title" '
        f'content="نموذج الرسالة لحملة: مياه آمنة لكل مدرسة ({RIVERSIDE_NAME_AR})">'
    ) in arabic
    english = open_widget(client, slug, partner="riverside", lang="en").text
    assert '(Riverside Parents)">' in english
