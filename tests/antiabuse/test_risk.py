"""Risky letters are held for email confirmation, never dropped; organisers see why and release."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, PASSWORD, audit_actions, page_token, signed_in
from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from webapp.antiabuse.risk import text_fingerprint
from webapp.database import db, utcnow
from webapp.delivery.emails import confirmation_token
from webapp.delivery.outbox import confirm_submission
from webapp.models import (
    DeliveryStatus,
    Notification,
    NotificationKind,
    Role,
    Submission,
    SubmissionStatus,
)
from webapp.services import moderation
from webapp.services.organisers import create_organiser


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "RISK_MIN_FORM_SECONDS": 4.0,
        "RISK_IP_BURST": 5,
        "RISK_SAME_TEXT_FLAG": 3,
        "RISK_SAME_TEXT_HOLD": 6,
    }


def _only(app: Flask) -> Submission:
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        db.session.expunge(submission)
        return submission


def test_an_ordinary_letter_is_not_held(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}")
    assert page.status_code == 200
    # A person takes more than four seconds; the stamp is backdated instead of sleeping.
    response = post_letter(client, default_campaign, started=_stamp(app, seconds_ago=60))
    assert response.status_code == 303
    submission = _only(app)
    assert submission.status is SubmissionStatus.CONFIRMED and not submission.held
    assert submission.risk_score == 0


def test_honeypot_alone_holds_the_letter_until_confirmed(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    response = post_letter(
        client, default_campaign, website="http://spam.example", started=_stamp(app, seconds_ago=60)
    )
    assert response.status_code == 303  # the sender is not told; the letter just waits
    receipt = client.get(response.headers["Location"]).text
    assert "Please confirm your letter" in receipt
    submission = _only(app)
    assert submission.held and submission.status is SubmissionStatus.UNCONFIRMED
    assert submission.risk_reasons == ["honeypot field filled in"]
    with app.app_context():
        kinds = [n.kind for n in db.session.scalars(select(Notification))]
    assert kinds == [NotificationKind.CONFIRMATION]


def test_disposable_address_sent_instantly_is_held_but_either_alone_is_not(
    app: Flask, default_campaign: str
) -> None:
    cases = [
        ("a@mailinator.com", 60, False),
        ("b@example.org", 0, False),
        ("c@mailinator.com", 0, True),
    ]
    for email, seconds, held in cases:
        post_letter(
            app.test_client(),
            default_campaign,
            email=email,
            started=_stamp(app, seconds_ago=seconds),
        )
        with app.app_context():
            row = db.session.scalars(
                select(Submission).order_by(Submission.id.desc()).limit(1)
            ).one()
            assert row.held is held, (email, row.risk_reasons)


def test_the_same_paragraph_from_many_senders_is_flagged_then_held(
    app: Flask, default_campaign: str
) -> None:
    words = "Stop the bombing of Idlib now, please, for our families."
    for n in range(8):
        post_letter(
            app.test_client(),
            default_campaign,
            email=f"p{n}@example.org",
            personal_message=words,
            started=_stamp(app, seconds_ago=60),
        )
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert [r.flagged for r in rows] == [False] * 3 + [True] * 5
        assert [r.held for r in rows] == [False] * 6 + [True] * 2
        # Only the bursts of same text + same address together reach the hold threshold.
        assert all("same personal paragraph" in " ".join(r.risk_reasons) for r in rows[6:])


def test_fingerprint_ignores_case_accents_and_punctuation(app: Flask) -> None:
    with app.app_context():
        assert text_fingerprint("Free ALL detainees, now!") == text_fingerprint(
            "free all détainees now"
        )
        assert text_fingerprint("Please act") is None  # too short to mean anything
        # Keyed: not the plain digest anyone could compute from a guessed paragraph.
        digest = hashlib.sha256(b"free all detainees now").hexdigest()
        assert text_fingerprint("free all detainees now") != digest


def test_organisers_see_held_reasons_and_can_release(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    post_letter(client, default_campaign, website="bot", started=_stamp(app, seconds_ago=60))
    held = _only(app)
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}").text
    assert "Held for confirmation (<bdi>1</bdi>)" in page and "honeypot field filled in" in page
    # Each letter's button is described by its own line (who, where, when, why).
    assert f'<p class="held-who" id="held-{held.id}">' in page
    assert f'aria-describedby="held-{held.id}">Release and deliver</button>' in page
    token = page_token(admin, f"/dashboard/campaigns/{default_campaign}")
    response = admin.post(
        f"/dashboard/campaigns/{default_campaign}/submissions/{held.id}/release",
        data={"csrf_token": token, "action": "release"},
    )
    assert response.status_code == 302
    released = _only(app)
    assert released.status is SubmissionStatus.CONFIRMED
    assert not released.email_verified  # an organiser vouched; the address is still unproven


def _held_letter(app: Flask, client: FlaskClient, slug: str, **fields: str) -> Submission:
    post_letter(client, slug, website="bot", started=_stamp(app, seconds_ago=60), **fields)
    held = _only(app)
    assert held.held and held.status is SubmissionStatus.UNCONFIRMED
    return held


def _statuses(app: Flask) -> tuple[SubmissionStatus, set[DeliveryStatus], dict[str, str]]:
    """The letter's status, its deliveries' statuses and its emails' (kind: status)."""
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        deliveries = {d.status for d in submission.deliveries}
        emails = {n.kind.value: n.status.value for n in db.session.scalars(select(Notification))}
        return submission.status, deliveries, emails


def test_an_organiser_declines_a_held_letter_and_its_confirmation_link_then_sends_nothing(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    held = _held_letter(
        app, client, default_campaign, personal_message="Buy cheap watches at spam.example"
    )
    admin = signed_in(app, ADMIN)
    dashboard = f"/dashboard/campaigns/{default_campaign}"
    page = admin.get(dashboard).text
    # The organiser reads the letter's own words before deciding, and each button says whose.
    assert "Their own words" in page and "Buy cheap watches at spam.example" in page
    url = f"{dashboard}/submissions/{held.id}/decline"
    assert f'href="{url}" aria-describedby="held-{held.id}">Decline: never deliver</a>' in page
    # Asked first, with what it means: it cannot be undone.
    # Among the recent paragraphs, its words are marked as not delivered yet.
    assert page.count(" · held or waiting for its writer: not delivered yet</p>") == 1
    asked = admin.get(url).text
    assert "Decline this letter?" in asked and "This cannot be undone" in asked
    assert "Buy cheap watches at spam.example" in asked
    assert _statuses(app)[0] is SubmissionStatus.UNCONFIRMED

    response = admin.post(url, data={"csrf_token": admin.token, "action": "decline"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#held")
    after = admin.get(dashboard).text
    assert "The letter was declined and will not be delivered." in after
    assert "Held for confirmation (<bdi>0</bdi>)" in after
    # Its words stay among the recent paragraphs, marked as never delivered.
    assert after.count(" · declined: not delivered</p>") == 1
    status, deliveries, emails = _statuses(app)
    assert status is SubmissionStatus.DECLINED
    assert deliveries == {DeliveryStatus.CANCELLED}
    assert emails == {"confirmation": "cancelled"}  # not yet sent: it never will be
    assert [a for a, _ in audit_actions(app)][-1] == "moderation.decline"

    # The sender (a bot with a real mailbox, say) clicks the link it was sent: nothing leaves.
    with app.app_context():
        link = "/confirm/" + confirmation_token(db.session.get(Submission, held.id))
    receipt = client.post(link, follow_redirects=True).text
    assert "the campaign’s organisers declined it" in receipt
    assert "on its way" not in receipt and "never confirmed in time" not in receipt
    status, deliveries, emails = _statuses(app)
    assert status is SubmissionStatus.DECLINED and deliveries == {DeliveryStatus.CANCELLED}
    assert "receipt" not in emails

    # Nor can a second organiser, with the page still open, release it.
    response = admin.post(
        f"{dashboard}/submissions/{held.id}/release",
        data={"csrf_token": admin.token, "action": "release"},
    )
    assert "This letter was declined earlier, so nothing was changed." in admin.get(dashboard).text
    assert "no longer waiting, so it cannot be declined" in admin.get(url).text
    assert _statuses(app)[0] is SubmissionStatus.DECLINED


def test_a_held_letter_its_sender_confirmed_meanwhile_is_not_declined(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    held = _held_letter(app, client, default_campaign)
    with app.app_context():
        link = "/confirm/" + confirmation_token(db.session.get(Submission, held.id))
    assert "your letter is confirmed" in client.post(link, follow_redirects=True).text
    admin = signed_in(app, ADMIN)
    dashboard = f"/dashboard/campaigns/{default_campaign}"
    url = f"{dashboard}/submissions/{held.id}/decline"
    admin.post(url, data={"csrf_token": admin.token, "action": "decline"})
    assert "This letter was no longer waiting: its sender confirmed it" in admin.get(dashboard).text
    status, deliveries, _emails = _statuses(app)
    assert status is SubmissionStatus.CONFIRMED
    assert DeliveryStatus.CANCELLED not in deliveries
    assert "moderation.decline" not in [a for a, _ in audit_actions(app)]


def test_only_a_held_letter_of_this_campaign_can_be_declined(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    post_letter(client, default_campaign, started=_stamp(app, seconds_ago=60))
    ordinary = _only(app)
    admin = signed_in(app, ADMIN)
    url = f"/dashboard/campaigns/{default_campaign}/submissions/{ordinary.id}/decline"
    response = admin.post(url, data={"csrf_token": admin.token, "action": "decline"})
    assert response.status_code == 404
    no_token = admin.post(url, data={"action": "decline"})
    assert no_token.status_code == 400
    assert admin.get(url).status_code == 404
    assert _statuses(app)[0] is SubmissionStatus.CONFIRMED


def test_a_held_letter_of_another_campaign_cannot_be_reached_through_this_one(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    other = write_campaign(app, tmp_path, "water")
    held = _held_letter(app, client, other)
    admin = signed_in(app, ADMIN)
    for action in ("decline", "release"):
        url = f"/dashboard/campaigns/{default_campaign}/submissions/{held.id}/{action}"
        response = admin.post(url, data={"csrf_token": admin.token, "action": action})
        assert response.status_code == 404, action
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/submissions/{held.id}/decline")
    assert page.status_code == 404
    assert _statuses(app)[0] is SubmissionStatus.UNCONFIRMED


def test_a_decline_and_the_senders_click_at_once_cannot_both_go_through(
    app: Flask, client: FlaskClient, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender's confirmation arrives while an organiser's decline holds the letter: it
    waits for the decline's commit, then finds the letter declined (before the row was
    locked, it set it back to confirmed and its deliveries went out)."""
    held = _held_letter(app, client, default_campaign)
    with app.app_context():
        organiser = create_organiser(db.session(), ADMIN, PASSWORD, Role.ADMIN, None, utcnow()).id
    locked, confirmed = threading.Event(), threading.Event()
    real_never_send = moderation.never_send

    def slow_never_send(*args: Any) -> list[int]:
        locked.set()
        # The click is under way meanwhile; it must not finish before this commits.
        assert not confirmed.wait(timeout=1.5), "confirmed while the decline held the letter"
        return real_never_send(*args)

    monkeypatch.setattr(moderation, "never_send", slow_never_send)

    def click() -> bool:
        locked.wait(timeout=10)
        with app.app_context():
            letter = db.session.get(Submission, held.id)
            assert letter is not None
            done = confirm_submission(db.session(), letter, utcnow())
        confirmed.set()
        return done

    with ThreadPoolExecutor(max_workers=1) as pool:
        sender = pool.submit(click)
        with app.app_context():
            letter = db.session.get(Submission, held.id)
            assert letter is not None
            outcome = moderation.decline_held(db.session(), letter, organiser, utcnow())
        assert outcome is moderation.Moderated.DONE
        assert sender.result(timeout=30) is False
    status, deliveries, _emails = _statuses(app)
    assert status is SubmissionStatus.DECLINED and deliveries == {DeliveryStatus.CANCELLED}


def _stamp(app: Flask, seconds_ago: float) -> str:
    """A form-started stamp issued `seconds_ago`, as if the supporter took that long."""
    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    from webapp.antiabuse import timing

    class Backdated(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(super().get_timestamp() - seconds_ago)

    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt=timing._SALT, signer=Backdated
    )
    return str(serializer.dumps(1))


def test_held_reasons_are_grouped_by_kind_without_one_letters_figures(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Two letters sent 0.x and 1.x s after opening the form are one kind of reason; the
    table says what kind, not "sent N s after…"."""
    for n, seconds in enumerate((0.5, 1.5)):
        post_letter(
            client,
            default_campaign,
            email=f"quick{n}@mailinator.com",
            started=_stamp(app, seconds_ago=seconds),
        )
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text
    reasons = page[
        page.index("Why letters were held") : page.index(
            "</table>", page.index("Why letters were held")
        )
    ]
    assert '<td>sent seconds after opening the form</td><td class="num">2</td>' in reasons
    assert '<td>disposable email domain</td><td class="num">2</td>' in reasons
    assert " N " not in reasons
