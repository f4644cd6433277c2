"""Responsiveness: the share who got a reply per office, its Wilson interval, hand-checked."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, release_leaked_sessions, signed_in  # noqa: F401
from tests.dashboard.replies import add_answers
from webapp.dashboard.replies_export import REPLIES_COLUMNS
from webapp.database import db
from webapp.models import Campaign, ReplyAnswer
from webapp.services.responsiveness import (
    MIN_ANSWERS,
    Responsiveness,
    campaign_responsiveness,
    share_of,
    wilson_interval,
)

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
A = ReplyAnswer
BIG, TEN, NINE, NONE = "official:B000250", "official:T000010", "official:N000009", "target:zero"

# Hand computation of the Wilson score interval, z = 1.959964 (z² = 3.841459):
#   centre = (p + z²/2n) / (1 + z²/n),  half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)
# 7 of 10:    p = 0.7, 1 + z²/n = 1.384146, centre = 0.892073 / 1.384146 = 0.644494,
#             half = 1.959964 · √(0.021 + 0.009604) / 1.384146 = 0.247716 → [0.396778, 0.892209]
# 100 of 250: p = 0.4, 1 + z²/n = 1.015366, centre = 0.407683 / 1.015366 = 0.401513,
#             half = 1.959964 · √(0.00096 + 0.0000154) / 1.015366 = 0.060285 → [0.341228, 0.461798]
# 9 of 9:     p = 1, 1 + z²/n = 1.426829, centre = 1.213414 / 1.426829 = 0.850427,
#             half = 1.959964 · √(0 + 0.011856) / 1.426829 = 0.149573 → [0.700855, 1.0]
# All four offices: 116 of 269 → [0.373423, 0.490968]
HAND = {
    (7, 10): (0.396778, 0.892209),
    (100, 250): (0.341228, 0.461798),
    (9, 9): (0.700855, 1.0),
    (116, 269): (0.373423, 0.490968),
}


def test_wilson_interval_matches_the_hand_computation() -> None:
    assert wilson_interval(0, 0) is None
    for (k, n), (low, high) in HAND.items():
        interval = wilson_interval(k, n)
        assert interval is not None
        assert interval == pytest.approx((low, high), abs=1e-6), (k, n)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)


def test_did_not_expect_a_reply_is_left_out_and_acknowledgements_are_no_reply() -> None:
    share = share_of(
        {A.REPLIED_ANSWERED: 4, A.REPLIED_NOT_ANSWERED: 3, A.ACKNOWLEDGEMENT: 2, A.NO_REPLY: 1,
         A.NOT_EXPECTED: 5}
    )  # fmt: skip
    assert (share.replied, share.answers, share.enough) == (7, 10, True)
    assert share.share == pytest.approx(0.7)
    nine = share_of({A.REPLIED_ANSWERED: 9, A.NOT_EXPECTED: 3})
    assert (nine.answers, nine.enough) == (9, False)
    assert share_of({A.NOT_EXPECTED: 4}).interval is None


@pytest.fixture
def answered(app: Flask, default_campaign: str) -> str:
    """Four offices with 250, 10, 9 and 0 answers counted, plus some "did not expect one"."""
    big = [A.REPLIED_ANSWERED] * 60 + [A.REPLIED_NOT_ANSWERED] * 40
    big += [A.ACKNOWLEDGEMENT] * 50 + [A.NO_REPLY] * 100 + [A.NOT_EXPECTED] * 30
    add_answers(app, default_campaign, BIG, "Sen. Big Office", [*big, None, None])
    ten = [A.REPLIED_ANSWERED] * 4 + [A.REPLIED_NOT_ANSWERED] * 3 + [A.ACKNOWLEDGEMENT] * 2
    ten += [A.NO_REPLY, *[A.NOT_EXPECTED] * 5]
    add_answers(app, default_campaign, TEN, "Rep. Ten Answers", ten)
    add_answers(
        app, default_campaign, NINE, "رئيس المكتب", [A.REPLIED_ANSWERED] * 9 + [A.NOT_EXPECTED] * 3
    )
    add_answers(app, default_campaign, NONE, "The President", [A.NOT_EXPECTED] * 4)
    return default_campaign


def _replies(app: Flask, slug: str, public: bool) -> Responsiveness:
    with app.app_context():
        cid = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        assert cid is not None
        return campaign_responsiveness(db.session(), cid, public=public)


def _figures(app: Flask, slug: str, public: bool) -> dict[str, tuple[int, int, bool]]:
    offices = _replies(app, slug, public).offices
    return {o.recipient_key: (o.reply.replied, o.reply.answers, o.reply.enough) for o in offices}


def test_figures_per_office_match_the_rows(app: Flask, answered: str) -> None:
    figures = _figures(app, answered, public=True)
    assert figures == {
        BIG: (100, 250, True),
        TEN: (7, 10, True),
        NINE: (9, 9, False),
        NONE: (0, 0, False),
    }
    replies = _replies(app, answered, public=True)
    assert (replies.overall.replied, replies.overall.answers) == (116, 269)
    assert replies.overall.interval == pytest.approx(HAND[(116, 269)], abs=1e-6)
    assert replies.not_expected == 30 + 5 + 3 + 4
    by_key = {o.recipient_key: o for o in replies.offices}
    assert by_key[BIG].reply.interval == pytest.approx(HAND[(100, 250)], abs=1e-6)
    assert by_key[TEN].reply.interval == pytest.approx(HAND[(7, 10)], abs=1e-6)


def test_public_page_leaves_out_private_supporters_and_shows_too_few(
    app: Flask, answered: str
) -> None:
    # Eleven private letters would lift "Rep. Ten" to 21 answers if they were counted.
    add_answers(app, answered, TEN, "Rep. Ten Answers", [A.NO_REPLY] * 11, private=True, prefix="p")
    assert _figures(app, answered, public=False)[TEN] == (7, 21, True)
    assert _figures(app, answered, public=True)[TEN] == (7, 10, True)
    page = app.test_client().get(f"/campaigns/{answered}/replies?lang=en")
    assert page.status_code == 200
    html = page.text
    assert "<bdi>Rep. Ten Answers</bdi>" in html and "<bdi>رئيس المكتب</bdi>" in html
    assert "<bdi>70%</bdi> got a reply" in html
    assert "(95% interval: <bdi>40%</bdi> to <bdi>89%</bdi>)" in html
    assert "<bdi>40%</bdi> got a reply" in html  # 100 of 250
    assert html.count("Too few answers") == 2  # nine answers, and none
    assert f"fewer than <bdi>{MIN_ANSWERS}</bdi>" in html
    assert "<bdi>269</bdi> answers" in html
    assert "@example.org" not in html
    arabic = app.test_client().get(f"/campaigns/{answered}/replies?lang=ar").text
    assert 'dir="rtl"' in arabic and "هل ردّت المكاتب؟" in arabic
    assert "عدد الإجابات قليل" in arabic


def test_dashboard_and_csv_show_the_same_figures(app: Flask, answered: str) -> None:
    client = signed_in(app, ADMIN)
    page = client.get(f"/dashboard/campaigns/{answered}")
    assert page.status_code == 200
    assert 'id="replies-heading"' in page.text
    # The share with its 95% interval under it, in one cell (a phone shows every column).
    assert '<td class="num">70% <span class="interval">(40%&nbsp;– 89%)</span></td>' in page.text
    response = client.get(f"/dashboard/campaigns/{answered}/replies.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == REPLIES_COLUMNS
    by_key = {row[2]: dict(zip(REPLIES_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert set(by_key) == {BIG, TEN, NINE, NONE}
    big = by_key[BIG]
    assert (big["answers"], big["replied"], big["reply_share"]) == ("250", "100", "0.4000")
    assert (big["ci95_low"], big["ci95_high"]) == ("0.3412", "0.4618")
    assert (big["not_expected"], big["acknowledgement"], big["no_reply"]) == ("30", "50", "100")
    assert by_key[TEN]["reply_share"] == "0.7000"
    assert (by_key[TEN]["ci95_low"], by_key[TEN]["ci95_high"]) == ("0.3968", "0.8922")
    assert by_key[NINE]["reply_share"] == "too few answers" and by_key[NINE]["ci95_low"] == ""
    assert (by_key[NONE]["answers"], by_key[NONE]["not_expected"]) == ("0", "4")
