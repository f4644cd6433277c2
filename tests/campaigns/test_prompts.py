"""Story prompts in campaign files and the editor: checked, imported, exported, edited."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from tests.campaigns.test_import import _campaign
from tests.dashboard.test_editor import admin, audit_entries, edit_form, edit_url, stored
from webapp.campaigns.fileformat import CampaignFileError, parse_campaign_file
from webapp.campaigns.prompts import questions_for
from webapp.campaigns.services import (
    DEFAULT_CAMPAIGN_FILE,
    export_campaign,
    import_campaign,
    import_campaign_path,
)
from webapp.dashboard.editor_prompts import prompts_from_text, prompts_text
from webapp.database import db

__all__ = ["admin"]  # the fixture, used by name


def _file(prompts: object) -> str:
    front = {
        "slug": "water",
        "title": "Safe water",
        "subject": "Safe water",
        "salutation": "Dear Board,",
        "targets": [{"kind": "custom", "name": "Water Board"}],
        "prompts": prompts,
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nPlease act.\n"


def test_prompt_variants_are_read_per_language() -> None:
    spec = parse_campaign_file(
        _file(
            {
                "family": {"en": ["Do you have family in Syria?"], "ar": ["هل لديك أهل في سوريا؟"]},
                "hopes": {"en": ["What do you hope for?", "  Who  taught you that? "]},
            }
        )
    )
    assert spec.prompts == {
        "family": {"en": ["Do you have family in Syria?"], "ar": ["هل لديك أهل في سوريا؟"]},
        "hopes": {"en": ["What do you hope for?", "Who taught you that?"]},
    }
    # A reader of Arabic gets the Arabic questions, or the letter's own when there are none.
    assert questions_for(spec.prompts, "family", "ar", "en") == ["هل لديك أهل في سوريا؟"]
    assert questions_for(spec.prompts, "hopes", "ar", "en") == [
        "What do you hope for?",
        "Who taught you that?",
    ]
    assert questions_for(spec.prompts, None, "en", "en") == []


def test_a_plain_list_is_one_variant_in_the_letters_language() -> None:
    spec = parse_campaign_file(_file(["Why does this matter to you?"]))
    assert spec.prompts == {"default": {"en": ["Why does this matter to you?"]}}


@pytest.mark.parametrize(
    ("prompts", "problem"),
    [
        ({"family": {"ar": ["سؤال؟"]}}, "prompts.family.en: is required"),
        ({"Family Variant": ["Why?"]}, "prompts.Family Variant: name a variant"),
        ({"family": {"en": ["x" * 201]}}, "prompts.family.en: a question is 201 characters"),
        ({"family": {"en": "Why?"}}, "prompts.family.en: must be a list of questions"),
        ({"family": {"english": ["Why?"]}}, "'english' is not a language code"),
        (
            {
                "v1": ["a?"],
                "v2": ["b?"],
                "v3": ["c?"],
                "v4": ["d?"],
                "v5": ["e?"],
                "v6": ["f?"],
                "v7": ["g?"],
            },
            "prompts: at most 6 variants",
        ),
        ("Why?", "prompts: must map a variant name"),
    ],
)
def test_bad_prompts_are_reported_by_key(prompts: object, problem: str) -> None:
    with pytest.raises(CampaignFileError) as raised:
        parse_campaign_file(_file(prompts))
    assert any(p.startswith(problem) or problem in p for p in raised.value.problems), (
        raised.value.problems
    )


def test_the_default_campaign_ships_two_variants_in_english_and_arabic() -> None:
    spec = parse_campaign_file(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    assert list(spec.prompts) == ["family", "why"]
    for per_language in spec.prompts.values():
        assert set(per_language) == {"en", "ar"}
        assert 2 <= len(per_language["en"]) == len(per_language["ar"]) <= 3
        assert all(q.endswith("?") or q.endswith(".") for q in per_language["en"])
        assert all(any("\u0600" <= ch <= "\u06ff" for ch in q) for q in per_language["ar"])
    assert "family or friends in Syria" in spec.prompts["family"]["en"][0]


def test_prompts_round_trip_through_export_and_import(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        import_campaign_path(session, DEFAULT_CAMPAIGN_FILE)
        campaign = _campaign("syria-five-steps")
        shipped = dict(campaign.prompts or {})
        assert set(shipped) == {"family", "why"}
        spec = parse_campaign_file(export_campaign(campaign))
        assert spec.prompts == shipped
        import_campaign(session, spec)
        assert _campaign("syria-five-steps").prompts == shipped


def test_editor_lines_and_stored_prompts_convert_both_ways() -> None:
    stored_prompts = {
        "family": {"en": ["Family?", "Hopes?"], "ar": ["أهل؟"]},
        "why": {"en": ["Why?"]},
    }
    text = prompts_text(stored_prompts, "en")
    assert text == "[family]\nFamily?\nHopes?\nar: أهل؟\n\n[why]\nWhy?"
    assert prompts_from_text(text, "en") == stored_prompts
    assert prompts_from_text("Why?\nar: لماذا؟", "en") == {
        "default": {"en": ["Why?"], "ar": ["لماذا؟"]}
    }


def test_organiser_edits_the_prompts_and_the_change_is_audited(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    assert form["prompts"].startswith("[family]\nDo you have family or friends in Syria")
    form["prompts"] = "[stories]\nWhat happened to your family?\nar: ماذا حدث لعائلتك؟"
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 302, response.text
    assert stored(app, default_campaign).prompts == {
        "stories": {"en": ["What happened to your family?"], "ar": ["ماذا حدث لعائلتك؟"]}
    }
    (entry,) = audit_entries(app, "campaign.updated")
    assert set(entry.details) == {"prompts"}


def test_a_bad_prompt_in_the_editor_is_shown_on_the_prompts_field(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form["prompts"] = "[Bad Name]\nWhy?"
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 422
    assert 'id="prompts-error"' in response.text and "name a variant" in response.text
    assert set(stored(app, default_campaign).prompts or {}) == {"family", "why"}


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ("[]\nWhy?", "[]: name a variant with lower-case letters, digits, - and _"),
        ("[family]\nar: لماذا؟", "[family]: is required (questions in the letter's language)"),
        (f"[family]\nar: {'س' * 201}", "[family], ar: a question is 201 characters"),
        ("".join(f"[v{n}]\nWhy?\n" for n in range(7)), "at most 6 variants"),
    ],
)
def test_a_prompts_problem_names_the_line_as_the_box_writes_it(
    app: Flask, admin: FlaskClient, default_campaign: str, lines: str, said: str
) -> None:
    """The box's lines are "[family]" and "ar: …"; its messages named the campaign file's key
    instead ("prompts.family.en: is required", and "prompts.: …" for an empty "[]"), which the
    organiser never sees. Typed lines stay in the box."""
    form = edit_form(admin, default_campaign)
    form["prompts"] = lines
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="prompts-error"[^>]*>(.*?)</p>', response.text, re.S)
    assert error, "no message on the prompts box"
    shown = html.unescape(re.sub(r"<[^>]+>", "", error.group(1))).replace("\u2068", "")
    assert said in shown.replace("\u2069", ""), shown
    assert "prompts." not in shown
    assert html.escape(lines.split("\n")[0]) in response.text  # what was typed is kept
