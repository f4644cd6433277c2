"""Reading translations in campaign files: checked, imported, exported and edited in the editor."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from tests.campaigns.test_import import _campaign
from tests.dashboard.test_editor import (
    admin,
    audit_entries,
    edit_form,
    edit_url,
    field_error,
    stored,
)
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.services import (
    DEFAULT_CAMPAIGN_FILE,
    export_campaign,
    import_campaign,
    import_campaign_path,
)
from webapp.database import db

__all__ = ["admin"]  # the fixture, used by name

ARABIC_COVER = "أكتب إليكم بصفتي أحد ناخبيكم في {{ supporter.city }}."


def _file(translations: Any, target_translations: Any = None) -> str:
    target: dict[str, Any] = {"kind": "custom", "name": "Water Board", "cover": "A copy."}
    if target_translations is not None:
        target["translations"] = target_translations
    front = {
        "slug": "water",
        "title": "Safe water",
        "subject": "Safe water",
        "salutation": "Dear Board,",
        "targets": [target],
        "signatories": ["Water Watch", "Parents United"],
        "translations": translations,
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nFund the pipes.\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(CampaignFileError) as caught:
        parse_campaign_file(text)
    return caught.value.problems


def test_a_reading_translation_is_read_with_its_signatory_names_and_covers() -> None:
    spec = parse_campaign_file(
        _file(
            {
                "ar": {
                    "title": "مياه آمنة",
                    "subject": "مياه آمنة في {{ supporter.city }}",
                    "body": "موّلوا الأنابيب.",
                    "signatories": {"Water Watch": "رقابة المياه"},
                }
            },
            {"ar": {"cover": ARABIC_COVER}},
        )
    )
    assert spec.translations == {
        "ar": {
            "title": "مياه آمنة",
            "subject": "مياه آمنة في {{ supporter.city }}",
            "body": "موّلوا الأنابيب.",
            "signatories": {"Water Watch": "رقابة المياه"},
        }
    }
    assert spec.targets[0].translations == {"ar": {"cover": ARABIC_COVER}}


@pytest.mark.parametrize(
    ("translations", "targets", "expected"),
    [
        ({"ar": {"title": "مياه"}}, None, "translations.ar.body: is required"),
        ({"arabic!": {"body": "x"}}, None, "translations: 'arabic!' is not a language code"),
        ({"en": {"body": "x"}}, None, "translations.en: the letter itself is in this language"),
        ({"ar": {"body": "x", "footer": "y"}}, None, "translations.ar.footer: unknown key"),
        ({"ar": "نص"}, None, "translations.ar: must be a mapping"),
        (["ar"], None, "translations: must map a language code"),
        (
            {"ar": {"body": "x", "signatories": {"Nobody Inc": "لا أحد"}}},
            None,
            "translations.ar.signatories: 'Nobody Inc' is not a listed signatory",
        ),
        (
            {"ar": {"body": "{{ supporter.password }}"}},
            None,
            "translations.ar.body: line 1: unknown merge field supporter.password",
        ),
        (
            {"ar": {"body": "x"}},
            {"ar": {"cover": "{{ target.secret }}"}},
            "targets[1].translations.ar.cover: line 1: unknown merge field target.secret",
        ),
        ({"ar": {"body": "x" * 20001}}, None, "translations.ar.body: is 20001 characters"),
        (
            {"ar": {"body": "x", "subject": "{{ supporter.password }}"}},
            None,
            "translations.ar.subject: line 1: unknown merge field supporter.password",
        ),
        ({"ar": {"body": "x", "subject": "م" * 301}}, None, "translations.ar.subject: is 301"),
    ],
)
def test_a_bad_translation_is_refused_naming_its_key(
    translations: Any, targets: Any, expected: str
) -> None:
    problems = _problems(_file(translations, targets))
    assert any(p.startswith(expected) for p in problems), problems


def test_the_shipped_campaign_carries_an_arabic_reading_copy_of_letter_and_cover(
    app: Flask,
) -> None:
    with app.app_context():
        import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
        campaign = _campaign("syria-five-steps")
        copy = campaign.translations["ar"]
        # Every paragraph and each of the five asks has its Arabic counterpart.
        english = [p for p in re.split(r"\n\s*\n", campaign.body) if p.strip()]
        arabic = [p for p in re.split(r"\n\s*\n", copy["body"]) if p.strip()]
        assert len(arabic) == len(english)
        for step in range(1, 6):
            assert f"\n{step}. " in copy["body"]
        assert re.search(r"[\u0600-\u06FF]", copy["title"]) and copy["salutation"]
        assert re.search(r"[\u0600-\u06FF]", copy["subject"])
        assert set(copy["signatories"]) == {s.name for s in campaign.signatories}
        congress = campaign.targets[1]
        assert congress.translations["ar"]["cover"].startswith("أكتب إليكم بصفتي أحد ناخبيكم")
        assert "{{ supporter.city }}" in congress.translations["ar"]["cover"]
        # The President's office as Arabic readers see it named (offices get the English).
        assert campaign.targets[0].translations == {
            "ar": {"name": "رئيس الولايات المتحدة", "office": "البيت الأبيض"}
        }


def test_translations_export_and_import_back_unchanged(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        import_campaign_path(session, DEFAULT_CAMPAIGN_FILE)
        campaign = _campaign("syria-five-steps")
        exported = export_campaign(campaign)
        assert "translations:" in exported and "الخوذ البيضاء" in exported
        before = (dict(campaign.translations), [dict(t.translations) for t in campaign.targets])
        campaign.translations = {}
        for target in campaign.targets:
            target.translations = {}
        session.commit()
        import_campaign(session, parse_campaign_file(exported))
        again = _campaign("syria-five-steps")
        assert (again.translations, [t.translations for t in again.targets]) == before
        assert export_campaign(again) == exported


def test_the_editor_shows_edits_and_saves_the_arabic_reading_copy(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    assert form["reading_salutation"] == "السيد الرئيس بايدن المحترم،"
    assert form["reading_subject"].startswith("خمس خطوات تُظهر")
    assert form["reading_body"].startswith("قبل عام، حين أصبحتم رئيسًا")
    assert "The White Helmets = الخوذ البيضاء" in form["reading_signatories"].splitlines()
    for chamber in ("us_senate", "us_house"):
        assert form[f"letter_{chamber}-reading_cover"].startswith("أكتب إليكم بصفتي")
    assert form["targets-0-reading_cover"] == ""
    assert form["targets-0-reading_name"] == "رئيس الولايات المتحدة"
    assert form["targets-0-reading_office"] == "البيت الأبيض"

    form["reading_title"] = "خمس خطوات"
    form["reading_subject"] = "رسالة من {{ supporter.city }}"
    form["targets-0-reading_cover"] = "إلى الرئيس، نسخة للقراءة."
    form["targets-0-cover"] = "A copy for the President."
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 302, response.text

    campaign = stored(app, default_campaign)
    assert campaign.translations["ar"]["title"] == "خمس خطوات"
    assert campaign.translations["ar"]["subject"] == "رسالة من {{ supporter.city }}"
    assert campaign.translations["ar"]["body"].startswith("قبل عام")  # untouched parts kept
    assert len(campaign.translations["ar"]["signatories"]) == 35
    president, congress = campaign.targets
    # The cover is added beside the office's Arabic name, which the save keeps.
    assert president.translations == {
        "ar": {
            "name": "رئيس الولايات المتحدة",
            "office": "البيت الأبيض",
            "cover": "إلى الرئيس، نسخة للقراءة.",
        }
    }
    assert congress.translations["ar"]["cover"].startswith("أكتب إليكم بصفتي")
    (entry,) = audit_entries(app, "campaign.updated")
    assert "translations" in entry.details


def test_the_editor_changes_and_removes_a_fixed_offices_arabic_name(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["targets-0-reading_name"] = "السيد الرئيس"
    form["targets-0-reading_office"] = ""
    form["targets-0-reading_cover"] = "نسخة للقراءة."
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    president = stored(app, default_campaign).targets[0]
    assert president.translations == {"ar": {"name": "السيد الرئيس", "cover": "نسخة للقراءة."}}
    assert president.name == "The President of the United States"  # what offices are sent

    form = edit_form(admin, default_campaign)
    form["targets-0-reading_name"] = "ا" * 201
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 422
    assert "201 characters; the limit is 200" in field_error(page, "targets-0-reading_name")
    assert stored(app, default_campaign).targets[0].translations["ar"]["name"] == "السيد الرئيس"


def test_the_unchanged_editor_form_keeps_every_translation(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    response = admin.post(edit_url(default_campaign), data=edit_form(admin, default_campaign))
    assert response.status_code == 302, response.text
    after = stored(app, default_campaign)
    assert after.translations == before.translations
    assert [t.translations for t in after.targets] == [t.translations for t in before.targets]


def test_editor_problems_in_the_reading_copy_are_shown_on_their_fields(
    admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["reading_body"] = ""
    form["letter_us_senate-reading_cover"] = "{{ supporter.password }}"
    form["letter_us_house-reading_cover"] = "{{ supporter.password }}"
    form["reading_signatories"] = "The White Helmets = الخوذ البيضاء\nno separator here"
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 422
    assert field_error(page, "reading_body").startswith("Is required")
    assert "unknown merge field" in field_error(page, "letter_us_senate-reading_cover")
    assert field_error(page, "reading_signatories") == ("Line 2: write Name = name in Arabic.")
    assert "no separator here" in page.text  # everything typed is kept
