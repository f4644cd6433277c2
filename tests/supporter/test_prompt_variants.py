"""Story-prompt variants: drawn at random, balanced, kept by a signed field, stored per letter."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.database import db
from webapp.models import Campaign, Submission
from webapp.supporter.prompt_variant import assign_variant, settle_variant, ticket_variant

FAMILY_EN = "Do you have family or friends in Syria, or was Syria once your home?"
WHY_EN = "Why does Syria matter to you?"
FAMILY_AR = "هل لديك أهل أو أصدقاء في سوريا"


def _ticket(html: str) -> str:
    match = re.search(r'name="prompt_ticket" (?:type="hidden" )?value="([^"]*)"', html)
    if match is None:
        match = re.search(r'<input[^>]*id="prompt_ticket"[^>]*value="([^"]*)"', html)
    assert match, "no prompt ticket in the form"
    return unescape(match.group(1))


def _shown(html: str) -> str:
    shown = [name for name, text in (("family", FAMILY_EN), ("why", WHY_EN)) if text in html]
    assert len(shown) == 1, shown
    return shown[0]


def _campaign(app: Flask, slug: str) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert campaign is not None
    return campaign


def test_two_thousand_supporters_are_split_evenly_and_keep_their_variant(
    app: Flask, default_campaign: str
) -> None:
    with app.test_request_context():
        campaign = _campaign(app, default_campaign)
        drawn = [settle_variant(campaign, None) for _ in range(2000)]
        counts = Counter(variant for variant, _ticket in drawn)
        assert set(counts) == {"family", "why"}
        for count in counts.values():
            assert abs(count / 2000 - 0.5) <= 0.05, counts
        # Each supporter's ticket names the same variant on every later request.
        assert all(settle_variant(campaign, ticket) == (v, ticket) for v, ticket in drawn)


def test_assignment_draws_uniformly_over_the_variants() -> None:
    names = ["a", "b", "c"]
    draws = iter(range(6))
    assert [assign_variant(names, lambda n: next(draws) % n) for _ in range(6)] == [
        "a",
        "b",
        "c",
    ] * 2
    assert assign_variant([]) is None


def test_a_forged_or_foreign_ticket_is_replaced_by_a_fresh_draw(
    app: Flask, default_campaign: str
) -> None:
    with app.test_request_context():
        campaign = _campaign(app, default_campaign)
        forged = URLSafeSerializer("not our secret", salt="prompt-variant").dumps(
            [default_campaign, "why"]
        )
        other_campaign = URLSafeSerializer("test-secret-key", salt="prompt-variant").dumps(
            ["another-campaign", "why"]
        )
        removed = URLSafeSerializer("test-secret-key", salt="prompt-variant").dumps(
            [default_campaign, "old-variant"]
        )
        for ticket in (forged, other_campaign, removed, "garbage", ""):
            assert ticket_variant(campaign, ticket) is None
            variant, fresh = settle_variant(campaign, ticket)
            assert variant in {"family", "why"} and fresh != ticket
            assert ticket_variant(campaign, fresh) == variant


def test_the_form_keeps_showing_the_same_prompts_and_the_letter_stores_them(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}")
    variant, ticket = _shown(page.text), _ticket(page.text)
    assert 'class="story-prompts"' in page.text
    # A reload in the same browser shows the same prompts.
    again = client.get(f"/campaigns/{default_campaign}")
    assert _shown(again.text) == variant and _ticket(again.text) == ticket

    data = {**VALID_LETTER, "csrf_token": csrf_token(page.text), "prompt_ticket": ticket}
    edit = client.post(f"/campaigns/{default_campaign}", data={**data, "action": "edit"})
    assert _shown(edit.text) == variant
    preview = client.post(f"/campaigns/{default_campaign}", data={**data, "action": "preview"})
    assert _ticket(preview.text) == ticket  # carried through the preview's hidden fields
    sent = client.post(f"/campaigns/{default_campaign}", data={**data, "action": "send"})
    assert sent.status_code == 303
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None and submission.prompt_variant == variant


def test_the_widget_carries_the_variant_without_cookies(app: Flask, default_campaign: str) -> None:
    client = app.test_client(use_cookies=False)
    page = open_widget(client, default_campaign, mode="letter")
    variant, ticket = _shown(page.text), _ticket(page.text)
    data = {**letter_data(form_token(page.text), action="edit"), "prompt_ticket": ticket}
    for _ in range(3):
        answer = post_widget(client, default_campaign, data)
        assert answer.status_code == 200
        assert _shown(answer.text) == variant and _ticket(answer.text) == ticket
    sent = post_widget(client, default_campaign, {**data, "action": "send"})
    assert sent.status_code == 200
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission is not None and submission.prompt_variant == variant


def test_prompts_are_shown_in_arabic_to_an_arabic_reader(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar")
    ticket = _ticket(page.text)
    assert ('lang="ar"' in page.text) and ("story-prompts" in page.text)
    family = FAMILY_AR in page.text
    why = "لماذا تهمّك سوريا" in page.text
    assert family != why
    assert FAMILY_EN not in page.text and WHY_EN not in page.text
    assert ticket
