"""The day itself: letters recorded on 2 January to members gone on 4 January never reach them."""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.civic.data import house_member, load_civic_data, single_district_zip
from tests.civic.geocoder import stub_settings
from tests.civic.roster120 import JAN_2, JAN_4, REPLACED, census_stub
from tests.delivery.changeover_world import (
    Clock,
    RosterServer,
    deliveries_of,
    import_default_campaign,
    receipt_token,
    record_letter,
)
from tests.delivery.smtp_server import SmtpSink
from tests.stubs import StubServer
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import (
    Changeover,
    Channel,
    Delivery,
    DeliveryStatus,
    Submission,
    SubmissionStatus,
    Target,
    TargetKind,
)
from webapp.services import changeover

TLAIB, PETERS, SLOTKIN = "official:T000481", "official:P000595", "official:S001208"
NEW_REP, NEW_SENATOR = (f"official:{REPLACED[k]}" for k in ("T000481", "P000595"))
STREET = "16901 Michigan Ave"
EMAIL = "rasha@example.org"


@pytest.fixture
def census() -> Iterator[StubServer]:
    with census_stub() as server:
        yield server


@pytest.fixture
def roster() -> Iterator[RosterServer]:
    with StubServer() as server:
        yield RosterServer(server)


@pytest.fixture
def app_config(
    app_config: dict[str, Any], census: StubServer, roster: RosterServer
) -> dict[str, Any]:
    return {
        **app_config,
        **stub_settings(census),
        **roster.settings(),
        "CIVIC_SYNC_INTERVAL_HOURS": 24,
    }


@pytest.fixture
def slug(app: Flask) -> str:
    load_civic_data(app)  # the 119th roster and ZIP table, as on 2 January
    return import_default_campaign(app)


def receipt(client: FlaskClient, app: Flask, submission_id: int) -> str:
    page = client.get(f"/receipts/{receipt_token(app, submission_id)}")
    assert page.status_code == 200
    return html.unescape(page.text)


def test_a_letter_of_2_january_goes_to_the_seats_new_member_not_the_old_office(
    app: Flask, client: FlaskClient, slug: str, roster: RosterServer
) -> None:
    sid = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    before = deliveries_of(app, sid)
    worker = Worker(app, clock=Clock(JAN_4))

    worker.civic.tick()  # at start: the 120th roster arrives, then the letters are settled

    after = deliveries_of(app, sid)
    old, new = after[TLAIB], after[NEW_REP]
    assert roster.downloads == 1
    assert {TLAIB, PETERS, SLOTKIN} <= set(before) and NEW_REP not in before
    assert old.status is DeliveryStatus.REPLACED and old.changeover is Changeover.RETARGETED
    assert old.departed_on == "2027-01-03" and old.replaced_by_id == new.id
    assert new.status is before[TLAIB].status and new.recipient_district == "12"
    assert new.salutation == "Dear Representative Member Z120001,"
    assert new.recipient_name == "New Member Z120001"
    assert new.cover_text == old.cover_text and "Dearborn" in (new.cover_text or "")
    assert new.body_text == old.body_text
    senator = after[NEW_SENATOR]
    assert after[PETERS].status is DeliveryStatus.REPLACED
    assert after[PETERS].replaced_by_id == senator.id
    assert senator.salutation == "Dear Senator Member Z120002,"
    assert after[SLOTKIN].status is before[SLOTKIN].status and after[SLOTKIN].changeover is None
    page = receipt(client, app, sid)
    assert (
        f"Not sent: {old.recipient_name} left office on January 3, 2027. "
        "Your letter goes to New Member Z120001 instead."
    ) in page
    assert "Letter to <bdi>New Member Z120001</bdi>" in page
    # Nothing invites the supporter to send the two old letters to the old offices themselves.
    unchanged = [d for d in after.values() if d.changeover is None]
    assert len(unchanged) == len(after) - 2
    linked = [d for d in unchanged if d.email or d.contact_url]
    assert linked and page.count('<p class="letter-links">') == len(linked)

    worker.civic.settle(JAN_4)  # again, and a second sync: still one letter per office
    worker.civic.sync(JAN_4 + timedelta(hours=1))
    worker.civic.settle(JAN_4 + timedelta(hours=1))
    assert deliveries_of(app, sid).keys() == after.keys()


def _by_email(app: Flask, submission_id: int, addresses: dict[str, str]) -> None:
    """Those offices publish an email address: the worker would send their letters itself."""
    with app.app_context():
        for row in db.session.scalars(
            select(Delivery).where(Delivery.submission_id == submission_id)
        ):
            if row.recipient_key in addresses:
                row.channel, row.email = Channel.EMAIL, addresses[row.recipient_key]
                row.status = DeliveryStatus.PENDING
        db.session.commit()


def test_the_worker_never_sends_to_a_member_whose_term_ended_even_before_the_roster_sync(
    app_config: dict[str, Any], smtp: SmtpSink, roster: RosterServer
) -> None:
    from webapp import create_app

    app = create_app({**app_config, "SMTP_URL": smtp.url})
    load_civic_data(app)
    slug = import_default_campaign(app)
    sid = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    _by_email(app, sid, {TLAIB: "tlaib@house.example", SLOTKIN: "slotkin@senate.example"})
    clock = Clock(JAN_4)
    worker = Worker(app, clock=clock)
    roster.down = True  # the 120th roster is late

    worker.run_batch()

    first = deliveries_of(app, sid)
    to_offices = [list(m.rcpt_tos) for m in smtp.messages if EMAIL not in m.rcpt_tos]
    assert to_offices == [["slotkin@senate.example"]]
    assert first[TLAIB].status is DeliveryStatus.HELD
    assert first[TLAIB].changeover is Changeover.HELD_NO_SUCCESSOR
    roster.down = False
    clock.now = JAN_4 + timedelta(days=1)
    worker.civic.tick()
    worker.run_batch()
    after = deliveries_of(app, sid)
    assert after[TLAIB].status is DeliveryStatus.REPLACED
    assert after[TLAIB].replaced_by_id == after[NEW_REP].id
    assert all("tlaib@house.example" not in m.rcpt_tos for m in smtp.messages)
    with app.app_context():
        db.engine.dispose()


def test_a_zip_only_letter_is_held_for_the_organisers_and_they_can_send_it_on(
    app: Flask, client: FlaskClient, slug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.dashboard.helpers import signed_in

    monkeypatch.setattr("webapp.dashboard.changeover_views.utcnow", lambda: JAN_4)
    sid = record_letter(app, slug, EMAIL, single_district_zip("MI", 12), JAN_2)
    Worker(app, clock=Clock(JAN_4)).civic.tick()

    held = deliveries_of(app, sid)
    assert held[TLAIB].status is DeliveryStatus.HELD
    assert held[TLAIB].changeover is Changeover.HELD_NOT_EXACT
    assert NEW_REP not in held
    assert held[PETERS].replaced_by_id == held[NEW_SENATOR].id  # a senator needs no district
    page = receipt(client, app, sid)
    assert (
        f"Not sent: {held[TLAIB].recipient_name} left office on January 3, 2027. Held for the "
        "organisers: your district was found from your ZIP code"
    ) in page
    admin = signed_in(app, "admin@civic.example.org")
    dashboard = html.unescape(admin.get(f"/dashboard/campaigns/{slug}").text)
    section = dashboard[dashboard.index('id="changeover"') :]
    assert "the member left office (<bdi>1</bdi>)" in section
    assert "your district was found from your ZIP code" in section
    home = html.unescape(admin.get("/dashboard/").text)
    assert "Letters held: their member left office" in home
    assert f"<td>left</td><td><bdi>{held[TLAIB].recipient_name}</bdi></td>" in home
    assert "<td>arrived</td><td><bdi>New Member Z120001</bdi></td>" in home

    action = f"/dashboard/campaigns/{slug}/deliveries/{held[TLAIB].id}/changeover"
    done = admin.post(action, data={"action": "retarget", "csrf_token": admin.token})

    assert done.status_code == 302
    after = deliveries_of(app, sid)
    assert after[TLAIB].status is DeliveryStatus.REPLACED
    assert after[NEW_REP].salutation == "Dear Representative Member Z120001,"
    again = admin.post(action, data={"action": "retarget", "csrf_token": admin.token})
    assert again.status_code == 302 and deliveries_of(app, sid).keys() == after.keys()


def test_a_redrawn_state_holds_even_an_exact_letter_and_an_organiser_may_cancel_it(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    from tests.dashboard.helpers import signed_in

    sid = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    # As CIVIC_REDISTRICTED_STATES=MI would say: Michigan's districts changed for the 120th.
    app.extensions["civic_lookup"].redistricted = frozenset({"MI"})
    Worker(app, clock=Clock(JAN_4)).civic.tick()

    held = deliveries_of(app, sid)[TLAIB]
    assert held.status is DeliveryStatus.HELD
    assert held.changeover is Changeover.HELD_REDISTRICTED
    assert "your state's districts were redrawn" in receipt(client, app, sid)
    admin = signed_in(app, "admin@civic.example.org")
    action = f"/dashboard/campaigns/{slug}/deliveries/{held.id}/changeover"
    admin.post(action, data={"action": "cancel", "csrf_token": admin.token})
    cancelled = deliveries_of(app, sid)
    assert cancelled[TLAIB].status is DeliveryStatus.CANCELLED and NEW_REP not in cancelled
    assert "The organisers decided not to send it to anyone else." in receipt(client, app, sid)


def test_a_changed_campaign_letter_is_held_rather_than_rewritten(app: Flask, slug: str) -> None:
    sid = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    with app.app_context():
        target = db.session.scalar(select(Target).where(Target.kind == TargetKind.LOOKUP))
        assert target is not None
        target.cover = "A new cover for {{ target.name }}."
        db.session.commit()

    Worker(app, clock=Clock(JAN_4)).civic.tick()

    after = deliveries_of(app, sid)
    assert after[TLAIB].changeover is Changeover.HELD_LETTER_CHANGED
    assert after[PETERS].changeover is Changeover.HELD_LETTER_CHANGED
    assert NEW_REP not in after and NEW_SENATOR not in after


def test_daily_sync_by_the_clock_survives_failures_and_sends_on_when_the_roster_arrives(
    app: Flask,
    client: FlaskClient,
    slug: str,
    roster: RosterServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    exact = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    mi13 = single_district_zip("MI", 13)
    staying = f"official:{house_member('MI', 13)}"
    by_zip = record_letter(app, slug, "omar@example.org", mi13, JAN_2, city="Detroit")
    clock = Clock(JAN_4)
    worker = Worker(app, clock=clock)
    roster.down = True

    with caplog.at_level(logging.INFO):
        worker.civic.tick()
    waiting = deliveries_of(app, exact)
    failed_attempt = roster.downloads  # one attempt, with the client's one retry
    assert failed_attempt in (1, 2)
    assert any("roster sync failed" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert not {"Rasha", "Haddad", EMAIL, STREET, "Dearborn"} & set(record.getMessage().split())
    for key in (TLAIB, PETERS):
        assert waiting[key].status is DeliveryStatus.HELD
        assert waiting[key].changeover is Changeover.HELD_NO_SUCCESSOR
    assert deliveries_of(app, by_zip)[staying].changeover is Changeover.HELD_NO_SUCCESSOR
    assert "Your letter waits until the member who holds the seat now is known" in receipt(
        client, app, exact
    )

    roster.down = False
    clock.now = JAN_4 + timedelta(hours=23)
    worker.civic.tick()
    assert roster.downloads == failed_attempt  # once a day, not on every round
    clock.now = JAN_4 + timedelta(hours=24)
    worker.civic.tick()

    assert roster.downloads == failed_attempt + 1
    after = deliveries_of(app, exact)
    assert after[TLAIB].replaced_by_id == after[NEW_REP].id
    assert after[PETERS].replaced_by_id == after[NEW_SENATOR].id
    kept = deliveries_of(app, by_zip)[staying]  # re-elected: their letter goes after all
    assert kept.changeover is None and kept.departed_on is None
    assert kept.status is DeliveryStatus.NEEDS_ACTION


def test_no_sync_when_the_interval_is_0(app: Flask, roster: RosterServer) -> None:
    app.config["CIVIC_SYNC_INTERVAL_HOURS"] = 0
    worker = Worker(app, clock=Clock(JAN_4))
    worker.civic.tick()
    assert roster.downloads == 0


def test_two_workers_settling_at_once_make_one_new_letter_per_office(app: Flask, slug: str) -> None:
    sids = [
        record_letter(app, slug, f"writer{i}@example.org", "48126", JAN_2, street=STREET)
        for i in range(4)
    ]
    workers = [Worker(app, clock=Clock(JAN_4)) for _ in range(2)]
    workers[0].civic.sync(JAN_4)
    barrier = threading.Barrier(2)

    def settle(worker: Worker) -> None:
        barrier.wait()
        worker.civic.settle(JAN_4)

    threads = [threading.Thread(target=settle, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    with app.app_context():
        to_new = db.session.scalar(
            select(func.count()).where(Delivery.recipient_key.in_([NEW_REP, NEW_SENATOR]))
        )
    assert to_new == 2 * len(sids)
    for sid in sids:
        rows = deliveries_of(app, sid)
        assert rows[TLAIB].replaced_by_id == rows[NEW_REP].id


def test_civic_status_prints_the_seated_congress_the_last_sync_and_held_letters(
    app: Flask, slug: str
) -> None:
    sid = record_letter(app, slug, EMAIL, single_district_zip("MI", 12), JAN_2)
    Worker(app, clock=Clock(JAN_4)).civic.tick()
    name = deliveries_of(app, sid)[TLAIB].recipient_name

    output = app.test_cli_runner().invoke(args=["civic", "status"]).output

    assert output.startswith("seated: the ")
    assert "maps: Census vintage " in output
    assert "last roster sync (2027-01-04 15:00 UTC): " in output
    assert f"  left: {name} (MI-12 (US House))" in output
    assert "  arrived: New Member Z120001 (MI-12 (US House))" in output
    assert "letters held for the organisers (their member left office): 1" in output


def test_a_roster_synced_before_the_day_leaves_outgoing_members_their_letters_until_then(
    app: Flask, slug: str, roster: RosterServer
) -> None:
    december = JAN_2 - timedelta(days=14)
    sid = record_letter(app, slug, EMAIL, "48126", december, street=STREET)
    before = deliveries_of(app, sid)
    clock = Clock(december + timedelta(days=1))
    worker = Worker(app, clock=clock)

    worker.civic.tick()  # the 120th roster, published early

    early = deliveries_of(app, sid)
    assert roster.downloads == 1
    assert {k: (d.status, d.changeover) for k, d in early.items()} == {
        k: (d.status, None) for k, d in before.items()
    }
    clock.now = JAN_4
    worker.civic.tick()
    assert deliveries_of(app, sid)[TLAIB].status is DeliveryStatus.REPLACED


def test_a_held_letter_never_confirmed_expires_like_the_rest(app: Flask, slug: str) -> None:
    sid = record_letter(app, slug, EMAIL, single_district_zip("MI", 12), JAN_2)
    with app.app_context():
        submission = db.session.get(Submission, sid)
        assert submission is not None
        submission.status = SubmissionStatus.UNCONFIRMED  # as under require_confirmation
        for delivery in submission.deliveries:
            delivery.status = DeliveryStatus.PENDING
        db.session.commit()
    clock = Clock(JAN_4)
    worker = Worker(app, clock=clock)
    worker.civic.tick()
    assert deliveries_of(app, sid)[TLAIB].status is DeliveryStatus.HELD

    clock.now = JAN_2 + timedelta(hours=73)
    assert worker.upkeep.expire() == 1

    expired = deliveries_of(app, sid)[TLAIB]
    assert expired.status is DeliveryStatus.CANCELLED and expired.changeover is None


def test_a_letter_retention_took_the_words_from_is_not_sent_on_to_a_new_member(
    app: Flask, slug: str, roster: RosterServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is left of it is not the letter its writer wrote (their receipt no longer offers
    it either): a departed member's hand-off stays as it was, not re-targeted."""
    sid = record_letter(app, slug, EMAIL, "48126", JAN_2, street=STREET)
    with app.app_context():
        db.session.get_one(Submission, sid).purged_at = JAN_2 + timedelta(days=1)
        db.session.commit()
    before = deliveries_of(app, sid)
    worker = Worker(app, clock=Clock(JAN_4))
    worker.civic.tick()
    after = deliveries_of(app, sid)
    assert after.keys() == before.keys() and NEW_REP not in after
    assert {k: d.status for k, d in after.items()} == {k: d.status for k, d in before.items()}
    # Nor is it picked up again at every pass, each a write turn and two locks for nothing.
    settled: list[int] = []
    real = changeover.settle
    monkeypatch.setattr(changeover, "settle", lambda *a, **k: (settled.append(a[2]), real(*a, **k)))
    worker.civic.settle(JAN_4 + timedelta(hours=1))
    assert settled == []
