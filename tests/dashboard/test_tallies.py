"""The running tallies: each confirmed letter counted exactly once, however refreshes overlap."""

from __future__ import annotations

import functools
import threading
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from tests.dashboard.helpers import (
    ADMIN,
    OrganiserClient,
    campaign_id,
    signed_in,
)
from tests.dashboard.letters import (
    Letter,
    add_letters,
)
from webapp.dashboard import data as dashboard_data
from webapp.database import db, utcnow, write_transaction
from webapp.models import Submission, SubmissionStatus, SubmissionTally
from webapp.services.stats import catch_up_within, refresh_submission_tallies, tallies

STATES = ("MI", "CA", "NY", "TX", "WA", "OH", "PA", "GA")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The concurrent views race in one process only without request slots (gunicorn's worker
    # processes race as these threads do).
    return {**app_config, "REQUEST_SLOTS": 0}


LETTERS = 480
BATCH = 10


def _many_letters(app: Flask, slug: str) -> None:
    """Letters spread over states, days and hours in an order that differs batch to batch."""
    now = utcnow()
    add_letters(
        app,
        slug,
        [
            Letter(
                f"s{n}@example.org",
                state=STATES[(n * 7) % len(STATES)],
                district=1 + n % 5,
                created_at=now - timedelta(hours=(n * 13) % 97),
                personal_message="Mine." if n % 3 == 0 else None,
                offices=(),
            )
            for n in range(LETTERS)
        ],
    )


def _counted(app: Flask, slug: str) -> dict[str, dict[str, int]]:
    with app.app_context():
        return tallies(
            db.session(), campaign_id(app, slug), ["state", "personalised", "day", "hour"]
        )


def _expected_states() -> dict[str, int]:
    expected: dict[str, int] = {}
    for n in range(LETTERS):
        state = STATES[(n * 7) % len(STATES)]
        expected[state] = expected.get(state, 0) + 1
    return expected


def _refresh_in_threads(app: Flask, threads: int) -> list[int | BaseException]:
    barrier = threading.Barrier(threads)
    results: list[int | BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            barrier.wait()
            try:
                counted: int | BaseException = refresh_submission_tallies(db.session(), BATCH)
            except BaseException as exc:  # reported below with the other thread's result
                counted = exc
            with lock:
                results.append(counted)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results


def test_each_letter_is_counted_once_when_refreshes_overlap(
    app: Flask, default_campaign: str, backend: str
) -> None:
    _many_letters(app, default_campaign)
    if backend == "postgresql":
        results = _refresh_in_threads(app, 4)
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert sum(r for r in results if isinstance(r, int)) == LETTERS
    else:  # one writer at a time on SQLite: the second refresh finds nothing left to count
        with app.app_context():
            assert refresh_submission_tallies(db.session(), BATCH) == LETTERS
            assert refresh_submission_tallies(db.session(), BATCH) == 0
    counted = _counted(app, default_campaign)
    assert counted["state"] == _expected_states()
    assert sum(counted["personalised"].values()) == LETTERS
    assert counted["personalised"]["yes"] == LETTERS // 3
    assert sum(counted["day"].values()) == sum(counted["hour"].values()) == LETTERS
    with app.app_context():
        waiting = select(func.count()).where(Submission.tallied.is_(False))
        assert db.session.scalar(waiting) == 0


def test_concurrent_dashboard_views_count_each_letter_once(
    app: Flask, default_campaign: str
) -> None:
    _many_letters(app, default_campaign)
    admins = [signed_in(app, f"admin{n}@civic.example.org") for n in range(3)]
    url = f"/dashboard/campaigns/{default_campaign}/data.json"
    answers: list[int] = []

    def view(client: OrganiserClient) -> None:
        answers.append(client.get(url).status_code)

    workers = [threading.Thread(target=view, args=(c,)) for c in admins]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert answers == [200, 200, 200]
    data = admins[0].get(url).get_json()
    assert data["supporters"] == LETTERS
    assert data["by_state"] == _expected_states()


def test_letters_confirmed_later_are_counted_then_and_only_once(
    app: Flask, default_campaign: str
) -> None:
    (late,) = add_letters(
        app,
        default_campaign,
        [Letter("late@example.org", state="TX", district=23, status=SubmissionStatus.UNCONFIRMED)],
    )
    add_letters(app, default_campaign, [Letter("early@example.org")])
    admin = signed_in(app, ADMIN)
    url = f"/dashboard/campaigns/{default_campaign}/data.json"
    first = admin.get(url).get_json()
    assert (first["supporters"], first["unconfirmed"], first["by_state"]) == (1, 1, {"MI": 1})
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            session.execute(
                update(Submission)
                .where(Submission.id == late)
                .values(status=SubmissionStatus.CONFIRMED, confirmed_at=utcnow())
            )
    for _ in range(2):
        data = admin.get(url).get_json()
        assert (data["supporters"], data["unconfirmed"]) == (2, 0)
        assert data["by_state"] == {"MI": 1, "TX": 1}
        assert data["by_district"] == {"MI-12": 1, "TX-23": 1}
    with app.app_context():
        rows = db.session.scalar(
            select(func.sum(SubmissionTally.count)).where(SubmissionTally.dimension == "state")
        )
        assert rows == 2


def test_a_page_counts_within_its_budget_and_says_it_is_still_counting(
    app: Flask, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_letters(app, default_campaign)
    with app.app_context():
        # A zero budget still makes progress: one batch per call.
        assert catch_up_within(db.session(), 0, BATCH) is False
        waiting = select(func.count()).where(Submission.tallied.is_(False))
        assert db.session.scalar(waiting) == LETTERS - BATCH
    monkeypatch.setattr(dashboard_data, "PAGE_TALLY_BUDGET_S", 0)
    monkeypatch.setattr(
        dashboard_data, "catch_up_within", functools.partial(catch_up_within, batch=BATCH)
    )
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}").get_data(as_text=True)
    assert "Still counting" in page
    assert (
        admin.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()["supporters"]
        == 3 * BATCH
    )
    monkeypatch.undo()
    page = admin.get(f"/dashboard/campaigns/{default_campaign}").get_data(as_text=True)
    assert "Still counting" not in page
    with app.app_context():
        assert db.session.scalar(waiting) == 0
    assert _counted(app, default_campaign)["state"] == _expected_states()
