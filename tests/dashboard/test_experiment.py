"""The story-prompt experiment on the dashboard: per-variant numbers match a hand computation."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import update

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, write_transaction
from webapp.models import Role, Submission, SubmissionStatus
from webapp.services.intervals import median_ranks, newcombe, wilson

# Hand-computed from the formulas (z = 1.959964), to 4 decimals:
# family: 4 of 10 with own words. Wilson: centre (0.4 + z²/20) / (1 + z²/10) = 0.42775,
#   half-width z / (1 + z²/10) * sqrt(0.024 + z²/400) = 0.25957 -> 0.1682 to 0.6873.
#   Lengths 50, 120, 200, 300: median 160; 4 values are too few for a 95 % interval.
# why: 10 of 12 (9 paragraphs and one rewrite). Wilson -> 0.5520 to 0.9530.
#   Lengths 30 60 90 150 210 240 400 500 800: median 210; ranks 2 and 8 (P(X <= 1) = 10/512
#   <= 0.025 < P(X <= 2) = 46/512) -> 60 to 500.
# Difference why - family = 0.4333; Newcombe: 0.4333 - sqrt(0.2814² + 0.2873²) = 0.0312 and
#   0.4333 + sqrt(0.1197² + 0.2318²) = 0.6942: zero is outside, so the difference is clear.
FAMILY = [50, 120, 200, 300, 0, 0, 0, 0, 0, 0]
WHY = [30, 60, 90, 150, 210, 240, 400, 500, 800, 0, 0, 0]


def _add(app: Flask, slug: str, variant: str | None, lengths: list[int], **kwargs: object) -> None:
    letters = [
        Letter(
            email=f"{variant}-{index}-{kwargs.get('status', 'c')}@example.org",
            personal_message=("x" * chars) or None,
            **kwargs,  # type: ignore[arg-type]
        )
        for index, chars in enumerate(lengths)
    ]
    ids = add_letters(app, slug, letters)
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            for submission_id, chars in zip(ids, lengths, strict=True):
                session.execute(
                    update(Submission)
                    .where(Submission.id == submission_id)
                    .values(prompt_variant=variant, own_words_chars=chars)
                )


def _rewrite(app: Flask, slug: str) -> None:
    ids = add_letters(app, slug, [Letter(email="rewrite@example.org", edited_body="Mine.")])
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            session.execute(
                update(Submission)
                .where(Submission.id == ids[0])
                .values(prompt_variant="why", own_words_chars=0)
            )


def _cells(html: str, variant: str) -> list[str]:
    row = re.search(rf'<tr id="variant-{variant}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {variant}"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split()) for c in cells]


def _verdict(html: str) -> str:
    """The verdict as read: its names and figures are isolated in <bdi>s on the page."""
    found = re.search(r'<p id="experiment-verdict"><strong>(.*?)</strong>', html, re.S)
    assert found, "no verdict"
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_per_variant_numbers_and_verdict_match_the_hand_computation(
    app: Flask, default_campaign: str
) -> None:
    _add(app, default_campaign, "family", FAMILY)
    _add(app, default_campaign, "why", WHY[:-1])
    _rewrite(app, default_campaign)
    # Not counted: unconfirmed letters, and letters written before the campaign had prompts.
    _add(app, default_campaign, "why", [999], status=SubmissionStatus.UNCONFIRMED)
    _add(app, default_campaign, None, [999])

    admin = signed_in(app, ADMIN, Role.ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}")
    assert page.status_code == 200
    assert _cells(page.text, "family") == [
        "family",
        "10",
        "40.0% (16.8% – 68.7%)",
        "160 (too few for an interval)",
    ]
    assert _cells(page.text, "why") == ["why", "12", "83.3% (55.2% – 95.3%)", "210 (60 – 500)"]
    assert _verdict(page.text) == (
        "Clear: supporters shown “why” write their own words more often than those shown "
        "“family” (+43 points, 95% interval +3 to +69)."
    )
    assert "“<bdi>why</bdi>”" in page.text and '<bdi dir="ltr">+43</bdi>' in page.text

    data = admin.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()
    family, why = data["prompt_experiment"]["variants"]
    assert (family["letters"], family["with_own_words"], family["median_length"]) == (10, 4, 160)
    assert family["share_interval"] == pytest.approx([0.1682, 0.6873], abs=5e-5)
    assert family["median_interval"] is None
    assert (why["letters"], why["with_own_words"], why["median_length"]) == (12, 10, 210)
    assert why["share_interval"] == pytest.approx([0.5520, 0.9530], abs=5e-5)
    assert why["median_interval"] == [60, 500]
    (comparison,) = data["prompt_experiment"]["comparisons"]
    assert comparison["difference"] == pytest.approx(0.4333, abs=5e-5)
    assert comparison["interval"] == pytest.approx([0.0312, 0.6942], abs=5e-5)
    assert comparison["clear"] is True


def test_a_small_difference_is_not_clear_yet(app: Flask, default_campaign: str) -> None:
    _add(app, default_campaign, "family", [100, 0, 0])
    _add(app, default_campaign, "why", [100, 100, 0])
    page = signed_in(app, ADMIN, Role.ADMIN).get(f"/dashboard/campaigns/{default_campaign}")
    assert _verdict(page.text).startswith("Not clear yet: “why” against “family” is +33 points")


def test_a_campaign_with_prompts_but_no_letters_says_so(app: Flask, default_campaign: str) -> None:
    page = signed_in(app, ADMIN, Role.ADMIN).get(f"/dashboard/campaigns/{default_campaign}")
    assert _cells(page.text, "family") == ["family", "0", "—", "—"]
    assert "Not clear yet: some variants have no letters so far." in page.text


def test_intervals_match_published_examples() -> None:
    # Newcombe (1998), Statistics in Medicine 17: 81/263 and 56/70 against 48/80.
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-5)
    result = newcombe(48, 80, 56, 70)
    assert result is not None
    assert result == pytest.approx((0.2, 0.0524, 0.3339), abs=5e-5)
    # Order statistics for the median (tables in Conover, Practical Nonparametric Statistics).
    assert median_ranks(5) is None
    assert median_ranks(6) == (1, 6)
    assert median_ranks(10) == (2, 9)
    assert median_ranks(100) == (40, 61)
    low, high = median_ranks(1_000_000) or (0, 0)
    assert (low, high) == (499020, 500981)


@pytest.mark.parametrize(
    ("language", "family_asks"),
    [
        ("en", '“<bdi lang="en">Do you have family or friends in Syria'),
        ("ar", '«<bdi lang="ar">هل لديك أهل أو أصدقاء في سوريا'),
    ],
)
def test_each_variant_is_explained_by_its_first_question_in_the_pages_language(
    app: Flask, default_campaign: str, language: str, family_asks: str
) -> None:
    """The variants are the campaign file's keys ("family", "why"): alone, an organiser could
    not tell what each asks, least of all on the Arabic dashboard."""
    app.config["BABEL_DEFAULT_LOCALE"] = language
    page = signed_in(app, ADMIN, Role.ADMIN).get(f"/dashboard/campaigns/{default_campaign}")
    listed = re.search(r'<ul class="variant-questions">(.*?)</ul>', page.text, re.S)
    assert listed, "the variants' questions are not listed"
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    assert len(items) == 2
    assert items[0].startswith("<bdi>family</bdi>") or "<bdi>family</bdi>" in items[0]
    assert family_asks in items[0]
    assert "<bdi>why</bdi>" in items[1]
