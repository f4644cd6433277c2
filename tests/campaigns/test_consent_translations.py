"""Consent sentences and titles in the supporter's language, recorded in the words shown."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.campaigns.test_translations import _file, _problems
from tests.conftest import csrf_token
from tests.dashboard.helpers import partner_ids
from tests.dashboard.test_editor import admin, edit_form, edit_url, field_error, stored
from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import VALID_LETTER, post_letter
from tests.supporter.test_escaping import hidden_inputs
from tests.widget.helpers import (
    CAMPAIGN_CONSENT,
    PARTNERS,
    form_token,
    letter_data,
    open_widget,
    partners_yaml,
    post_widget,
    recorded,
)
from webapp.campaigns.fileformat import parse_campaign_file
from webapp.campaigns.services import export_campaign, import_campaign
from webapp.database import db
from webapp.models import Campaign, Consent

__all__ = ["admin"]  # the fixture, used by name

ARABIC = {"HTTP_ACCEPT_LANGUAGE": "ar,en;q=0.5"}
SHIPPED_CONSENT_AR = (
    "راسلوني بالبريد الإلكتروني بشأن هذه الحملة وبشأن تحرّكات التحالف القادمة من أجل سوريا."
)
SHIPPED_CONSENT_EN = "Email me about this campaign and future actions for Syria from the coalition."
SHIPPED_TITLE_AR = "خمس خطوات على بايدن اتخاذها"
CAMPAIGN_CONSENT_AR = "راسلوني بشأن هذه الحملة."
RIVERSIDE_AR = "أوافق على أن يراسلني أهالي ريفرسايد بشأن المياه الآمنة."


def _label(page: str, name: str) -> str:
    """The inner HTML of the label of the input called `name`."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*id="([^"]+)"', page) or re.search(
        rf'<input[^>]*id="([^"]+)"[^>]*name="{name}"', page
    )
    assert tag, f"no {name} box"
    label = re.search(rf'<label[^>]*for="{tag.group(1)}"[^>]*>(.*?)</label>', page, re.S)
    assert label, f"no label for {name}"
    return label.group(1)


def _sent_with_the_box_ticked(app: Flask, client: FlaskClient, slug: str) -> list[str]:
    """Send a letter with "keep me informed" ticked; the consent wordings then recorded."""
    response = post_letter(client, slug, consent_updates="y")
    assert response.status_code == 303, response.text
    return _consents(app)


def _consents(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Consent.wording).order_by(Consent.id)))


def _partner_file(
    translations: Any, partner_consent: str | None = "Riverside may email me."
) -> str:
    front = yaml.safe_load(_file(translations).split("---")[1])
    front["consent_text"] = "Email me."
    front["partners"] = [{"code": "riverside", "name": "Riverside"}]
    if partner_consent:
        front["partners"][0]["consent_text"] = partner_consent
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nFund the pipes.\n"


def test_consent_wordings_are_read_per_language() -> None:
    spec = parse_campaign_file(
        _partner_file(
            {
                "ar": {
                    "body": "موّلوا الأنابيب.",
                    "consent_text": " راسلوني. ",
                    "partners": {"riverside": "يراسلني ريفرسايد."},
                }
            }
        )
    )
    assert spec.translations["ar"]["consent_text"] == "راسلوني."
    assert spec.translations["ar"]["partners"] == {"riverside": "يراسلني ريفرسايد."}


@pytest.mark.parametrize(
    ("copy", "partner_consent", "expected"),
    [
        (
            {"partners": {"eastside": "نص"}},
            "Riverside may email me.",
            "translations.ar.partners: 'eastside' is not a listed partner's code",
        ),
        (
            {"partners": {"riverside": "نص"}},
            None,
            "translations.ar.partners: partner 'riverside' has no consent_text to translate",
        ),
        (
            {"partners": {"riverside": ""}},
            "Riverside may email me.",
            "translations.ar.partners: give 'riverside' a consent sentence as text",
        ),
        (
            {"partners": {"riverside": "ن" * 501}},
            "Riverside may email me.",
            "translations.ar.partners: the sentence for 'riverside' is over 500 characters",
        ),
        (
            {"partners": ["riverside"]},
            "Riverside may email me.",
            "translations.ar.partners: must map each partner's code to its consent sentence, "
            "or to {name, consent}",
        ),
        (
            {"consent_text": "ن" * 501},
            "Riverside may email me.",
            "translations.ar.consent_text: is 501 characters; the limit is 500",
        ),
        (
            {"consent_text": "راسلوني في {{ supporter.city }}."},
            "Riverside may email me.",
            "translations.ar.consent_text: merge fields are not filled in here; write it as it "
            "should read",
        ),
        (
            {"title": "مياه {{ supporter.city }}", "intro": "{{ campaign.title }}"},
            "Riverside may email me.",
            "translations.ar.title: merge fields are not filled in here; write it as it should "
            "read",
        ),
    ],
)
def test_a_bad_consent_translation_is_refused_naming_its_key(
    copy: dict[str, Any], partner_consent: str | None, expected: str
) -> None:
    problems = _problems(_partner_file({"ar": {"body": "x", **copy}}, partner_consent))
    assert expected in problems, problems


def test_a_translated_consent_needs_the_campaigns_own_sentence() -> None:
    problems = _problems(_file({"ar": {"body": "x", "consent_text": "راسلوني."}}))
    assert problems == [
        "translations.ar.consent_text: the campaign has no consent_text to translate"
    ]


def test_an_arabic_page_shows_title_lead_and_consent_in_arabic_and_records_its_words(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    client.environ_base.update(ARABIC)
    page = client.get(f"/campaigns/{default_campaign}").text
    assert _label(page, "consent_updates") == SHIPPED_CONSENT_AR
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading and heading.group(1).startswith(SHIPPED_TITLE_AR)
    assert re.search(rf"<title>{SHIPPED_TITLE_AR}", page)
    lead = re.search(r'<p class="lead">(.*?) <a href="#letter">', page, re.S)
    assert lead and lead.group(1).startswith("قبل عام، حين أصبحتم رئيسًا")
    assert lead.group(1).endswith("الأمريكية.")  # its first sentence, whole

    assert _sent_with_the_box_ticked(app, client, default_campaign) == [SHIPPED_CONSENT_AR]


def test_an_english_page_keeps_the_english_title_and_records_the_english_words(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}").text
    assert html.unescape(_label(page, "consent_updates")) == SHIPPED_CONSENT_EN
    assert '<h1 lang="en" dir="auto">5 steps that Biden' in page
    assert _sent_with_the_box_ticked(app, client, default_campaign) == [SHIPPED_CONSENT_EN]


def test_an_untranslated_consent_is_shown_as_written_and_marked_as_english(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        campaign = db.session.scalars(select(Campaign)).one()
        reading = dict(campaign.translations or {})
        campaign.translations = {**reading, "ar": {**reading["ar"], "consent_text": None}}
        db.session.commit()
    client.environ_base.update(ARABIC)
    page = client.get(f"/campaigns/{default_campaign}").text
    assert html.unescape(_label(page, "consent_updates")) == (
        f'<span lang="en">{SHIPPED_CONSENT_EN}</span>'
    )
    assert _sent_with_the_box_ticked(app, client, default_campaign) == [SHIPPED_CONSENT_EN]


def test_switching_the_previews_language_records_the_words_beside_the_ticked_box(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Ticked beside the Arabic sentence, previewed in English (whose preview shows no
    consent sentence), sent: the Arabic words are the ones recorded."""
    client.environ_base.update(ARABIC)
    page = client.get(f"/campaigns/{default_campaign}").text
    assert hidden_inputs(page)["consent_language"] == "ar"
    data = {**VALID_LETTER, "consent_updates": "y", "action": "preview"}
    data |= {"consent_language": "ar", "csrf_token": csrf_token(page)}
    preview = client.post(f"/campaigns/{default_campaign}?lang=en", data=data)
    assert preview.status_code == 200 and "Check your letter" in preview.text
    carried = hidden_inputs(preview.text)
    assert carried["consent_language"] == "ar" and carried["consent_updates"] == "y"
    sent = client.post(f"/campaigns/{default_campaign}?lang=en", data={**carried, "action": "send"})
    assert sent.status_code == 303, sent.text
    assert _consents(app) == [SHIPPED_CONSENT_AR]


def test_a_consent_sentence_is_shown_escaped_in_either_language(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    hostile = {"ar": {"body": "نص.", "consent_text": "<b>راسلوني</b> & <script>x()</script>"}}
    extra = 'consent_text: "Email <i>me</i> & co."\n' + yaml.safe_dump(
        {"translations": hostile}, allow_unicode=True
    )
    slug = write_campaign(app, tmp_path, "hostile", extra=extra)
    arabic = client.get(f"/campaigns/{slug}?lang=ar").text
    assert _label(arabic, "consent_updates") == (
        "&lt;b&gt;راسلوني&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;"
    )
    english = client.get(f"/campaigns/{slug}?lang=en").text
    assert _label(english, "consent_updates") == "Email &lt;i&gt;me&lt;/i&gt; &amp; co."
    assert "<script>x()</script>" not in arabic and "<i>me</i>" not in english


def _arabic_partner_campaign(app: Flask, folder: Path) -> str:
    """The widget campaign with an Arabic reading copy: its consent and Riverside's translated,
    Eastside's not."""
    translations = {
        "ar": {
            "title": "مياه آمنة لكل مدرسة",
            "body": "أطفالنا بحاجة إلى مياه آمنة في المدرسة.",
            "consent_text": CAMPAIGN_CONSENT_AR,
            "partners": {"riverside": RIVERSIDE_AR},
        }
    }
    extra = yaml.safe_dump({"translations": translations}, allow_unicode=True)
    return write_campaign(app, folder, "safe-water", extra=partners_yaml() + extra)


def test_the_widget_asks_for_a_partners_consent_in_arabic_and_records_those_words(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    client.environ_base.update(ARABIC)
    page = open_widget(client, slug, partner="riverside").text
    assert _label(page, "partner_consent") == RIVERSIDE_AR
    assert _label(page, "consent_updates") == CAMPAIGN_CONSENT_AR
    assert '<h1 class="widget-title" lang="ar" dir="auto">مياه آمنة لكل مدرسة</h1>' in page
    signup = open_widget(client, slug, partner="riverside", mode="signup").text
    assert _label(signup, "partner_consent") == RIVERSIDE_AR

    data = letter_data(
        form_token(page), partner="riverside", partner_consent="y", consent_updates="y"
    )
    done = post_widget(client, slug, data)
    assert '<meta name="civic-letters-sent" content="sent" data-letter="' in done.text, done.text
    riverside = partner_ids(app, slug)["riverside"]
    assert recorded(app)[0][2] == [(None, CAMPAIGN_CONSENT_AR), (riverside, RIVERSIDE_AR)]

    # A partner without an Arabic wording: its own sentence, marked as English.
    eastside = open_widget(client, slug, partner="eastside").text
    assert html.unescape(_label(eastside, "partner_consent")) == (
        f'<span lang="en">{PARTNERS["eastside"][1]}</span>'
    )
    english = open_widget(client, slug, partner="riverside", lang="en").text
    assert html.unescape(_label(english, "consent_updates")) == CAMPAIGN_CONSENT


def test_the_editor_shows_and_saves_the_arabic_consent_wordings(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    form = edit_form(admin, slug)
    assert form["reading_consent"] == CAMPAIGN_CONSENT_AR
    rows = {form[f"partners-{i}-code"]: i for i in range(2)}
    assert form[f"partners-{rows['riverside']}-reading_consent"] == RIVERSIDE_AR
    assert form[f"partners-{rows['eastside']}-reading_consent"] == ""

    form[f"partners-{rows['eastside']}-reading_consent"] = "يراسلني مستأجرو الحي الشرقي."
    form["reading_consent"] = "راسلوني."
    response = admin.post(edit_url(slug), data=form)
    assert response.status_code == 302, response.text
    copy = stored(app, slug).translations["ar"]
    assert copy["consent_text"] == "راسلوني."
    assert copy["partners"] == {
        "riverside": RIVERSIDE_AR,
        "eastside": "يراسلني مستأجرو الحي الشرقي.",
    }
    assert copy["title"] == "مياه آمنة لكل مدرسة"  # the rest of the copy is kept


def test_editor_problems_with_an_arabic_consent_are_shown_on_their_fields(
    admin: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    form = edit_form(admin, slug)
    row = next(i for i in range(2) if form[f"partners-{i}-code"] == "eastside")
    form[f"partners-{row}-consent_text"] = ""
    form[f"partners-{row}-reading_consent"] = "يراسلني الحي الشرقي."
    form["consent_text"] = ""
    page = admin.post(edit_url(slug), data=form)
    assert page.status_code == 422
    assert field_error(page, f"partners-{row}-reading_consent") == (
        "Partner 'eastside' has no consent_text to translate"
    )
    assert field_error(page, "reading_consent") == "The campaign has no consent_text to translate"
    assert "يراسلني الحي الشرقي." in page.text  # everything typed is kept


def test_the_arabic_consent_wordings_export_and_import_back_unchanged(
    app: Flask, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        before = dict(campaign.translations or {})
        assert before["ar"]["consent_text"] == CAMPAIGN_CONSENT_AR
        assert before["ar"]["partners"] == {"riverside": RIVERSIDE_AR}
        exported = export_campaign(campaign)
        campaign.translations = {}
        session.commit()
        import_campaign(session, parse_campaign_file(exported))
        again = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        assert again.translations == before
        assert export_campaign(again) == exported


def test_the_editor_drops_another_languages_wording_for_a_partner_it_no_longer_has(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        french: dict[str, Any] = {"body": "Financez les tuyaux.", "consent_text": "Écrivez-moi."}
        french["partners"] = {"riverside": "Riverside m’écrira.", "eastside": "Eastside aussi."}
        campaign.translations = {**(campaign.translations or {}), "fr": french}
        db.session.commit()
    form = edit_form(admin, slug)
    row = next(i for i in range(2) if form[f"partners-{i}-code"] == "riverside")
    form[f"partners-{row}-code"] = "riverside-parents"  # a new code: the French is for the old
    form["consent_text"] = ""
    form["reading_consent"] = ""
    response = admin.post(edit_url(slug), data=form)
    assert response.status_code == 302, response.text
    translations = stored(app, slug).translations
    assert translations["fr"] == {
        "body": "Financez les tuyaux.",
        "partners": {"eastside": "Eastside aussi."},
    }
    assert translations["ar"]["partners"] == {"riverside-parents": RIVERSIDE_AR}


def test_changing_an_english_consent_alone_warns_that_its_arabic_still_says_the_old(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    form = edit_form(admin, slug)
    row = next(i for i in range(2) if form[f"partners-{i}-code"] == "riverside")
    form["consent_text"] = "Email me about this campaign and others."
    form[f"partners-{row}-consent_text"] = "Riverside Parents may email me about anything."
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert saved.status_code == 200
    warnings = re.findall(
        r'<p class="flash flash-warning" role="status"><strong>Warning:</strong> (.*?)</p>',
        saved.text,
    )
    link = '<a href="/dashboard/campaigns/{}/edit#{}">Edit the Arabic wording</a>'
    assert [html.unescape(w) for w in warnings] == [
        "The consent sentence changed but its Arabic wording did not: check that it still "
        "asks the same. " + link.format(slug, "reading_consent"),
        "Partner \u2068riverside\u2069's consent sentence changed but its Arabic wording did "
        "not: check that it still asks the same. " + link.format(slug, "partners-heading"),
    ]
    # Each link leads to the field (or the partners' rows) that fixes it.
    editor = admin.get(edit_url(slug)).text
    assert 'id="reading_consent"' in editor and 'id="partners-heading"' in editor
    # Both changed together: no warning.
    form = edit_form(admin, slug)
    form["consent_text"] = "Email me."
    form["reading_consent"] = "راسلوني."
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert "flash-warning" not in saved.text


def test_importing_a_file_whose_english_consent_alone_changed_warns_too(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    exported = admin.get(f"/dashboard/campaigns/{default_campaign}/file").text
    changed = exported.replace(SHIPPED_CONSENT_EN, "Email me about Syria.")
    assert changed != exported
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(changed.encode()), "campaign.md"),
    }
    saved = admin.post("/dashboard/campaigns/import", data=upload, follow_redirects=True)
    assert saved.status_code == 200
    assert "The consent sentence changed but its Arabic wording did not" in saved.text
    assert stored(app, default_campaign).consent_text == "Email me about Syria."


def test_an_english_title_with_a_merge_field_is_refused() -> None:
    text = _file({"ar": {"body": "x", "intro": "{{ supporter.city }}"}}).replace(
        "title: Safe water", "title: Safe water for {{ supporter.city }}"
    )
    assert _problems(text) == [
        "title: merge fields are not filled in here; write it as it should read",
        "translations.ar.intro: merge fields are not filled in here; write it as it should read",
    ]


def test_an_unchanged_save_or_a_new_partner_gives_no_consent_warning(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    saved = admin.post(edit_url(slug), data=edit_form(admin, slug), follow_redirects=True)
    assert saved.status_code == 200 and "Saved." in saved.text
    assert "flash-warning" not in saved.text
    form = edit_form(admin, slug)
    empty = next(i for i in range(9) if not form.get(f"partners-{i}-code"))
    form[f"partners-{empty}-code"] = "northside"
    form[f"partners-{empty}-name"] = "Northside"
    form[f"partners-{empty}-consent_text"] = "Northside may email me."
    form[f"partners-{empty}-reading_consent"] = "يراسلني الحي الشمالي."
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert "flash-warning" not in saved.text
    assert stored(app, slug).translations["ar"]["partners"]["northside"] == "يراسلني الحي الشمالي."


def test_the_widget_carries_the_boxes_language_to_the_send(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """Ticked beside the Arabic sentences in the widget; the send arrives asking for English
    (a forged or changed lang): the Arabic words are recorded."""
    slug = _arabic_partner_campaign(app, tmp_path)
    page = open_widget(client, slug, partner="riverside", lang="ar").text
    assert hidden_inputs(page)["consent_language"] == "ar"
    data = letter_data(
        form_token(page), partner="riverside", partner_consent="y", consent_updates="y"
    )
    data |= {"consent_language": "ar", "lang": "ar", "action": "preview"}
    preview = post_widget(client, slug, data)
    carried = hidden_inputs(preview.text)
    assert carried["consent_language"] == "ar"
    done = post_widget(client, slug, {**carried, "lang": "en", "action": "send"})
    assert '<meta name="civic-letters-sent" content="sent" data-letter="' in done.text, done.text
    riverside = partner_ids(app, slug)["riverside"]
    assert recorded(app)[0][2] == [(None, CAMPAIGN_CONSENT_AR), (riverside, RIVERSIDE_AR)]


def test_a_forged_consent_language_records_the_interface_default(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Only the forger's own record is affected, in a language the site has."""
    page = client.get(f"/campaigns/{default_campaign}").text
    data = {**VALID_LETTER, "consent_updates": "y", "action": "send"}
    data |= {"consent_language": "x" * 300 + "<script>", "csrf_token": csrf_token(page)}
    sent = client.post(f"/campaigns/{default_campaign}", data=data)
    assert sent.status_code == 303, sent.text
    assert _consents(app) == [SHIPPED_CONSENT_EN]
