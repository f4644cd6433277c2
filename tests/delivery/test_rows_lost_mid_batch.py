"""A claimed row taken over or erased while the worker is busy is let go; the batch goes on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.civic.data import load_civic_data
from tests.civic.geocoder import stub_settings
from tests.civic.roster120 import JAN_2, JAN_4, census_stub
from tests.delivery.changeover_world import (
    Clock,
    RosterServer,
    import_default_campaign,
    record_letter,
)
from tests.delivery.postal_stub import VERIFY, PostalStub
from tests.delivery.postal_world import app_config, president_campaign, rows, write
from tests.delivery.smtp_server import SmtpSink
from tests.stubs import StubServer
from webapp import create_app
from webapp.database import db, utcnow
from webapp.delivery import changeover as changeover_module
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus
from webapp.services.supporters import erase_supporter

__all__ = ["app_config"]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path)


def _take_over(app: Flask, row_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(Delivery).where(Delivery.id == row_id).values(lease_token="other-worker")
        )
        db.session.commit()


def _during_the_office_check(postal: PostalStub, action: Callable[[], None]) -> list[int]:
    """Do `action` once, while the stub answers the check of the office's address."""
    done: list[int] = []

    def verify(request: Any) -> Any:
        answer = postal._verify(request)
        if not done and b"Pennsylvania" in request.body:
            action()
            done.append(1)
        return answer

    postal.server.route(VERIFY, verify)
    return done


def test_a_posted_letter_erased_during_its_address_check_is_let_go(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """Its writer deletes it while the worker asks whether the office's address takes post,
    and the answer is no: the worker finds the row gone when it would leave it with the
    organisers, lets it go, and goes on with the batch."""
    postal.undeliverable.add("1600 Pennsylvania Avenue NW")
    write(client, slug, 1)
    erased: list[int] = []

    def erase() -> None:
        with app.app_context():
            erased.append(erase_supporter(db.session(), "w0@example.org"))

    _during_the_office_check(postal, erase)
    report = Worker(app).run_batch()
    assert erased == [1]
    assert (report.held, report.sent, report.taken_over, report.errors) == (0, 0, 1, [])
    assert rows(app) == [] and postal.printed == []


def test_a_posted_letter_taken_over_during_its_address_check_keeps_its_place(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """The office takes no post, but another worker took this letter over meanwhile: it is
    theirs to settle, with its budget place; the office's other letters are still held."""
    postal.undeliverable.add("1600 Pennsylvania Avenue NW")
    write(client, slug, 2)
    first, _ = rows(app)
    today = utcnow().date()
    with app.app_context():  # a retry that already had its budget place
        db.session.execute(
            update(Delivery).where(Delivery.id == first.id).values(postal_budget_day=today)
        )
        db.session.commit()
    done = _during_the_office_check(postal, lambda: _take_over(app, first.id))
    worker = Worker(app)
    worker.batch_size = 1
    report = worker.run_batch()
    assert done == [1]
    assert (report.held, report.sent, report.taken_over, report.errors) == (0, 0, 1, [])
    a, b = rows(app)
    assert (a.status, a.lease_token, a.postal_budget_day) == (
        DeliveryStatus.SENDING,
        "other-worker",
        today,
    ), "the other worker's row and its place are left alone"
    assert (b.status, b.last_error) == (
        DeliveryStatus.PACKET,
        "office address refused: address undeliverable",
    )


def test_a_posted_letter_taken_over_while_the_budget_is_full_is_let_go(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """The campaign's one place is gone, but another worker took this letter over during the
    check: it is theirs, so it is neither counted held nor given a place here."""
    app.config["POST_TOTAL_LIMIT"] = 1
    write(client, slug, 2)
    first, second = rows(app)
    with app.app_context():  # the one place is taken by the first letter
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == first.id)
            .values(postal_budget_day=utcnow().date())
        )
        db.session.commit()
    done = _during_the_office_check(postal, lambda: _take_over(app, second.id))
    with app.app_context():
        db.session.execute(
            update(Delivery).where(Delivery.id == first.id).values(status=DeliveryStatus.SENT)
        )
        db.session.commit()
    report = Worker(app).run_batch()
    assert done == [1]
    assert (report.held, report.sent, report.taken_over, report.errors) == (0, 0, 1, [])
    _, b = rows(app)
    assert (b.status, b.lease_token, b.postal_budget_day) == (
        DeliveryStatus.SENDING,
        "other-worker",
        None,
    )


def test_a_letter_erased_while_another_to_a_departed_member_is_settled_is_let_go(
    app_config: dict[str, Any], monkeypatch: Any
) -> None:
    """A departed member's letter is settled (a commit), and meanwhile another claimed row is
    erased with its writer: the changeover does not read it again, and the batch goes on."""
    with census_stub() as census, StubServer() as server, SmtpSink() as smtp:
        roster = RosterServer(server)
        config = {
            **app_config,
            **stub_settings(census),
            **roster.settings(),
            "CIVIC_SYNC_INTERVAL_HOURS": 24,
            "SMTP_URL": smtp.url,
        }
        app = create_app(config)
        load_civic_data(app)
        slug = import_default_campaign(app)
        record_letter(app, slug, "a@example.org", "48126", JAN_2, street="16901 Michigan Ave")
        record_letter(app, slug, "b@example.org", "48126", JAN_2, street="16901 Michigan Ave")
        with app.app_context():
            db.session.execute(
                update(Delivery).values(
                    channel=Channel.EMAIL, email="o@house.example", status=DeliveryStatus.PENDING
                )
            )
            db.session.commit()
        roster.down = True
        real = changeover_module.settle
        erased: list[int] = []

        def settle_then_erase(*args: Any, **kwargs: Any) -> Any:
            real(*args, **kwargs)
            if not erased:
                with app.app_context():
                    erased.append(erase_supporter(db.session(), "b@example.org"))

        monkeypatch.setattr(changeover_module, "settle", settle_then_erase)
        worker = Worker(app, clock=Clock(JAN_4))
        report = worker.run_batch()
        with app.app_context():
            statuses = sorted(s.value for s in db.session.scalars(select(Delivery.status)))
            db.engine.dispose()
    assert erased == [1] and report.errors == []
    # Left: the first letter's, to the departed members held (the roster is down), the others
    # sent. The erased letter's two to members still in office were let go.
    assert statuses == ["held", "held", "sent", "sent"]
    assert report.taken_over == 2
