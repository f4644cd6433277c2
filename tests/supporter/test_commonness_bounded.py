"""The "many sent nearly this" check reads a bounded number of rows, and floods do not fool it."""

from __future__ import annotations

import itertools
import random

import pytest
from flask import Flask
from sqlalchemy import insert, select, text

from bench.generate import generate
from webapp.database import db
from webapp.letters.sketch import BANDS
from webapp.models import Campaign, ParagraphBand
from webapp.services.own_words import (
    RECENT_PER_BAND,
    Commonness,
    _near_copies,
    commonness,
    near_copies,
    recent_with_bands,
    sketch,
)

MANY = 3
LETTERS = RECENT_PER_BAND * 4  # each band's list is longer than the check reads
PARAGRAPH = (
    "My cousin was detained in Homs in 2013 and we have heard nothing since. "
    "Please push for the release of every detainee."
)
OTHER = (
    "I taught school in Daraa before the war. My former pupils are scattered across "
    "four countries and none of them can go home safely."
)


@pytest.fixture
def campaign_id(app: Flask) -> int:
    slug = generate(app, LETTERS)
    with app.app_context():
        found = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
        assert found is not None
        return found


def _bands(app: Flask, campaign_id: int, rows: dict[int, tuple[str, ...]]) -> None:
    with app.app_context():
        db.session.execute(
            insert(ParagraphBand),
            [
                {"campaign_id": campaign_id, "submission_id": sid, "band": band}
                for sid, bands in rows.items()
                for band in bands
            ],
        )
        db.session.commit()


def _check(app: Flask, campaign_id: int, paragraph: str) -> Commonness:
    with app.app_context():
        return commonness(db.session(), campaign_id, sketch(paragraph), MANY)


def test_old_copies_are_found_under_a_flood_of_another_paragraph(
    app: Flask, campaign_id: int
) -> None:
    with app.app_context():
        mine, other = sketch(PARAGRAPH), sketch(OTHER)
    assert len(mine) == BANDS and not set(mine) & set(other)
    # The first MANY letters carry the paragraph; every later one another paragraph.
    _bands(app, campaign_id, {sid: mine if sid <= MANY else other for sid in range(1, LETTERS + 1)})
    assert _check(app, campaign_id, PARAGRAPH) is Commonness.COMMON
    assert _check(app, campaign_id, OTHER) is Commonness.COMMON


def test_one_copy_short_of_many_is_not_common(app: Flask, campaign_id: int) -> None:
    with app.app_context():
        mine, other = sketch(PARAGRAPH), sketch(OTHER)
    _bands(app, campaign_id, {1: mine, 2: mine, **{sid: other for sid in range(3, LETTERS)}})
    assert _check(app, campaign_id, PARAGRAPH) is Commonness.UNUSUAL
    _bands(app, campaign_id, {LETTERS: mine})
    assert _check(app, campaign_id, PARAGRAPH) is Commonness.COMMON


def test_letters_sharing_one_band_each_are_not_near_copies(app: Flask, campaign_id: int) -> None:
    with app.app_context():
        mine = sketch(PARAGRAPH)
    rng = random.Random(5)
    # Every letter shares exactly one band with the paragraph (a different one in turn): many
    # overlaps, none of them a near copy, so counting bands per letter must still say no.
    rows = {
        sid: (mine[sid % BANDS], *(f"x{rng.randrange(10**9)}" for _ in range(BANDS - 1)))
        for sid in range(1, LETTERS + 1)
    }
    _bands(app, campaign_id, rows)
    assert _check(app, campaign_id, PARAGRAPH) is Commonness.UNUSUAL


@pytest.mark.truncated  # its PostgreSQL plan rests on the tables' statistics
def test_each_band_is_read_newest_first_from_the_index_and_stops(
    app: Flask, campaign_id: int
) -> None:
    with app.app_context():
        mine = sketch(PARAGRAPH)
    _bands(app, campaign_id, {sid: mine for sid in range(1, LETTERS + 1)})
    with app.app_context():
        session = db.session()
        query = recent_with_bands(campaign_id, mine, RECENT_PER_BAND)
        assert len(session.scalars(query).all()) == BANDS * RECENT_PER_BAND  # not BANDS * LETTERS
        bind = session.get_bind()
        sql = str(query.compile(bind, compile_kwargs={"literal_binds": True}))
        if bind.dialect.name == "sqlite":
            plan = "\n".join(
                str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))
            )
            assert plan.count("ix_paragraph_band_campaign_band_submission") == BANDS, plan
            assert "TEMP B-TREE" not in plan, plan  # no sort of every matching row
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(row[0] for row in session.execute(text("EXPLAIN " + sql)))
            assert (
                plan.count("Index Only Scan Backward") + plan.count("Index Scan Backward") == BANDS
            ), plan
            assert "Sort" not in plan, plan


@pytest.mark.truncated  # its PostgreSQL plan rests on the tables' statistics
def test_the_count_is_made_in_the_database_from_the_same_index_ranges(
    app: Flask, campaign_id: int
) -> None:
    """The statement a preview runs counts near copies itself (one row back, not one per letter
    and band), still reading each band newest first from the index, a bounded range each."""
    with app.app_context():
        mine = sketch(PARAGRAPH)
    _bands(app, campaign_id, {sid: mine for sid in range(1, LETTERS + 1)})
    with app.app_context():
        session = db.session()
        assert near_copies(session, campaign_id, mine, RECENT_PER_BAND) == RECENT_PER_BAND
        assert near_copies(session, campaign_id, (), RECENT_PER_BAND) == 0
        bind = session.get_bind()
        prepared = _near_copies(bind.dialect, BANDS, RECENT_PER_BAND)
        assert f"LIMIT {RECENT_PER_BAND}" in prepared.sql  # not a bound value
        values = {"campaign_id": campaign_id, **{f"band{i}": b for i, b in enumerate(mine)}}
        params = prepared.parameters([values])
        cursor = session.connection().exec_driver_sql
        if bind.dialect.name == "sqlite":
            plan = "\n".join(
                str(row[-1]) for row in cursor("EXPLAIN QUERY PLAN " + prepared.sql, params)
            )
            # Each band an equality range of the index, read in its order: no band's letters
            # sorted (the GROUP BY's own B-tree holds at most BANDS * RECENT_PER_BAND rows).
            ranges = "ix_paragraph_band_campaign_band_submission (campaign_id=? AND band=?)"
            assert plan.count(ranges) == BANDS, plan
            assert "FOR ORDER BY" not in plan, plan
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            lines = [row[0] for row in cursor("EXPLAIN " + prepared.sql, params)]
            plan = "\n".join(lines)
            # Each band's LIMIT reads its backward index range directly, no sort in between
            # (the grouping above may sort its at most BANDS * RECENT_PER_BAND rows).
            backward = "Scan Backward using ix_paragraph_band_campaign_band_submission"
            limited = [
                after
                for line, after in itertools.pairwise(lines)
                if line.strip().startswith("->  Limit")
            ]
            assert len(limited) == BANDS and all(backward in after for after in limited), plan


def test_a_band_given_twice_counts_once(app: Flask, campaign_id: int) -> None:
    """Letters sharing one band are no near copies, even when that band is asked for twice (a
    repeat must not count as the second shared band)."""
    with app.app_context():
        mine = sketch(PARAGRAPH)
    _bands(app, campaign_id, {sid: (mine[0],) for sid in range(1, 11)})
    with app.app_context():
        session = db.session()
        assert near_copies(session, campaign_id, (mine[0], mine[0]), RECENT_PER_BAND) == 0
        assert near_copies(session, campaign_id, (*mine, mine[0]), RECENT_PER_BAND) == 0
        assert _check(app, campaign_id, PARAGRAPH) is Commonness.UNUSUAL
