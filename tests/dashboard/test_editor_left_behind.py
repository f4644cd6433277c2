"""A save that changes English text but not its Arabic reading copy says which Arabic fields may
now be out of date, and saves all the same."""

from __future__ import annotations

import dataclasses
import html
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.test_editor import edit_form, edit_url, stored
from webapp.campaigns.services import export_campaign, read_campaign_file
from webapp.dashboard.campaign_changes import save_campaign
from webapp.dashboard.reading_warnings import reading_warnings
from webapp.database import db, utcnow
from webapp.models import Organiser

LINK = '<a href="/dashboard/campaigns/{}/edit#{}">Edit the Arabic wording</a>'
TITLE = (
    "The title changed but its Arabic reading copy did not: the page in Arabic still shows the "
    "old title."
)


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return signed_in(app, ADMIN)


def _save(client: FlaskClient, slug: str, form: MultiDict[str, str]) -> list[str]:
    """Post the editor form; the warnings the page it leads to shows."""
    saved = client.post(edit_url(slug), data=form, follow_redirects=True)
    assert saved.status_code == 200, saved.text
    found = re.findall(
        r'<p class="flash flash-warning" role="status"><strong>Warning:</strong> (.*?)</p>',
        saved.text,
    )
    return [html.unescape(w) for w in found]


def test_an_english_title_changed_alone_flags_the_arabic_title_and_saves(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    arabic = form["reading_title"]
    assert arabic
    form["title"] = "Day of action: " + form["title"]
    assert _save(admin, default_campaign, form) == [
        TITLE + " " + LINK.format(default_campaign, "reading_title")
    ]
    campaign = stored(app, default_campaign)
    assert campaign.title.startswith("Day of action: ")
    assert campaign.translations["ar"]["title"] == arabic
    # The link leads to the Arabic title's field.
    assert 'id="reading_title"' in admin.get(edit_url(default_campaign)).text
    # Both changed together, or nothing changed: no warning.
    form = edit_form(admin, default_campaign)
    form["title"] = "Five steps"
    form["reading_title"] = "خمس خطوات"
    assert _save(admin, default_campaign, form) == []
    assert _save(admin, default_campaign, edit_form(admin, default_campaign)) == []


def test_each_english_text_left_without_its_arabic_is_named(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["subject"] = form["subject"] + " now"
    form["salutation"] = "Dear Mr President,"
    form["body"] = form["body"].rstrip("\n") + "\n\nThank you for reading."
    form["targets-0-name"] = "President of the United States"
    form["letter_us_senate-cover"] = "I write to you as your constituent."
    form["letter_us_house-cover"] = "I write to you as your constituent."
    warnings = _save(admin, default_campaign, form)
    assert [w.split(":")[0] for w in warnings] == [
        "The subject changed but its Arabic reading copy did not",
        "The salutation changed but its Arabic reading copy did not",
        "The letter changed but its Arabic reading copy did not",
        "The name of \u2068President of the United States\u2069 changed but its Arabic wording "
        "did not",
        "The letter to United States Senate and United States House of Representatives "
        "changed but its Arabic reading copy did not",
    ]
    assert warnings[0].endswith(LINK.format(default_campaign, "reading_subject"))
    # A target's links lead to the very field that fixes it (review rev4).
    name, cover = "targets-0-reading_name", "letter_us_senate-reading_cover"
    assert warnings[3].endswith(LINK.format(default_campaign, name))
    assert warnings[4].endswith(LINK.format(default_campaign, cover))
    page = admin.get(edit_url(default_campaign)).text
    assert f'id="{name}"' in page and f'id="{cover}"' in page


def test_an_imported_file_with_only_its_english_title_changed_warns_too(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    exported = admin.get(f"/dashboard/campaigns/{default_campaign}/file").text
    changed = re.sub(r"^title: (['\"]?)", r"title: \1Now, ", exported, count=1, flags=re.M)
    assert changed != exported
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(changed.encode()), "campaign.md"),
    }
    saved = admin.post("/dashboard/campaigns/import", data=upload, follow_redirects=True)
    assert saved.status_code == 200
    assert TITLE in html.unescape(saved.text)


def _import(client: FlaskClient, text: str) -> str:
    page = client.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(text.encode()), "campaign.md"),
    }
    saved = client.post("/dashboard/campaigns/import", data=upload, follow_redirects=True)
    assert saved.status_code == 200
    return saved.text


def test_after_a_crlf_file_an_unchanged_save_warns_nothing(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    """A campaign file written on Windows, imported, then saved in the editor as it is (review
    rev4); an English-only change still warns."""
    exported = admin.get(f"/dashboard/campaigns/{default_campaign}/file").text
    _import(admin, exported.replace("\r\n", "\n").replace("\n", "\r\n"))
    assert "\r\n" in stored(app, default_campaign).body
    assert _save(admin, default_campaign, edit_form(admin, default_campaign)) == []
    _import(admin, exported.replace("\r\n", "\n").replace("\n", "\r\n"))
    form = edit_form(admin, default_campaign)
    form["body"] = form["body"].rstrip() + "\n\nThank you for reading."
    assert [w.split(":")[0] for w in _save(admin, default_campaign, form)] == [
        "The letter changed but its Arabic reading copy did not"
    ]


def test_an_arabic_wording_only_the_campaign_file_sets_is_sent_there(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    """A fixed office's Arabic salutation comes from a campaign file; the editor has no field
    for it, so the warning says where to change it and links nowhere (review rev4)."""
    exported = admin.get(f"/dashboard/campaigns/{default_campaign}/file").text
    spec = read_campaign_file(exported, origin="test")
    fixed = next(i for i, t in enumerate(spec.targets) if t.name)
    target = spec.targets[fixed]
    spec.targets[fixed] = dataclasses.replace(
        target,
        salutation="Dear Mr President,",
        translations={"ar": {**target.translations["ar"], "salutation": "حضرة الرئيس،"}},
    )
    with app.app_context():
        me = db.session.scalar(select(Organiser.id).where(Organiser.email == ADMIN))
        assert me is not None
        save_campaign(db.session(), spec, me, "campaign.imported", utcnow())
    form = edit_form(admin, default_campaign)
    form["targets-0-salutation"] = "Dear President,"
    assert form["targets-0-name"] == target.name
    assert _save(admin, default_campaign, form) == [
        f"The letter to \u2068{target.name}\u2069 changed but its Arabic salutation or letter "
        "did not: the page in Arabic still shows the old wording. Only the campaign file sets "
        "them: change them there and import it again."
    ]


def test_chambers_are_joined_as_the_dashboard_language_joins_a_list(
    app: Flask, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    with app.app_context():
        spec = read_campaign_file(export_campaign(before), origin="test")
    lookup = next(i for i, t in enumerate(spec.targets) if len(t.chambers) > 1)
    spec.targets[lookup] = dataclasses.replace(spec.targets[lookup], cover="A new cover.")
    with app.test_request_context("/"), force_locale("ar"):
        ((message, _element),) = reading_warnings(before, spec)
    assert "مجلس الشيوخ الأمريكي ومجلس النواب الأمريكي" in message and "," not in message
