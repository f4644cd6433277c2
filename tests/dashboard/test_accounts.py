"""Signing in and out, rate limits, password reset by email, and `flask organisers create`."""

from __future__ import annotations

import re

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.dashboard.helpers import (
    ADMIN,
    PASSWORD,
    audit_actions,
    count,
    create_account,
    log_in,
    page_token,
    signed_in,
)
from tests.delivery.smtp_server import SmtpSink
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Notification, Organiser, Role
from webapp.services.organisers import find_organiser

NEW_PASSWORD = "Jasmine-over-Homs-2027"
WRONG = "That email and password do not match an account."
RESET_SENT = "If that address has an account, a link to choose a new password is on its way."
LINK_RE = re.compile(r"https://letters\.example\.org(/dashboard/reset/\S+)")


def _answer_without_secrets(html: str, email: str) -> str:
    """The page with its CSRF tokens and the echoed email removed, for comparing two answers."""
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)
    html = re.sub(r'value="[^"]+"([^>]*name="csrf_token")', r"\1", html)
    return html.replace(email, "EMAIL")


def test_login_signs_in_and_logout_signs_out(app: Flask) -> None:
    client = signed_in(app, ADMIN)
    assert client.get("/dashboard/").status_code == 200
    response = client.post("/dashboard/logout", data={"csrf_token": client.token})
    assert response.headers["Location"] == "/dashboard/login"
    assert client.get("/dashboard/").status_code == 302


def test_login_returns_to_the_page_asked_for_but_never_off_site(app: Flask) -> None:
    create_account(app, ADMIN)
    data = {"email": ADMIN, "password": PASSWORD}
    for asked, landing in (
        ("/dashboard/campaigns/x", "/dashboard/campaigns/x"),
        ("//evil.example.org/dashboard", "/dashboard/"),
        ("https://evil.example.org/dashboard", "/dashboard/"),
    ):
        client = app.test_client()
        data["csrf_token"] = page_token(client)
        back = client.post("/dashboard/login", data={**data, "next": asked})
        assert back.headers["Location"] == landing, asked


def test_wrong_password_does_not_reveal_whether_the_email_exists(app: Flask) -> None:
    create_account(app, ADMIN)
    client = app.test_client()
    answers = []
    for email in (ADMIN, "nobody@civic.example.org"):
        data = {"email": email, "password": "Not-the-password-1", "csrf_token": page_token(client)}
        response = client.post("/dashboard/login", data=data)
        assert response.status_code == 200
        assert WRONG in response.text
        answers.append(_answer_without_secrets(response.text, email))
    assert answers[0] == answers[1]
    assert client.get("/dashboard/").status_code == 302


def test_eleventh_login_attempt_in_a_minute_is_refused(app: Flask) -> None:
    create_account(app, ADMIN)
    client = app.test_client()
    token = page_token(client)
    data = {"email": ADMIN, "password": "Not-the-password-1", "csrf_token": token}
    for attempt in range(10):
        assert client.post("/dashboard/login", data=data).status_code == 200, attempt
    refused = client.post("/dashboard/login", data={**data, "password": PASSWORD})
    assert refused.status_code == 429
    assert client.get("/dashboard/").status_code == 302


def _sign_in_from(app: Flask, number: int, email: str, password: str) -> TestResponse:
    """A sign-in from a browser of its own, on an address of its own (no per-IP limit)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
    return log_in(client, email, password)


def test_signing_in_all_day_on_several_devices_never_pauses_the_account(app: Flask) -> None:
    """Good sign-ins do not count toward the per-account limit (20 an hour by default)."""
    create_account(app, ADMIN)
    statuses = [_sign_in_from(app, n, ADMIN, PASSWORD).status_code for n in range(25)]
    assert statuses == [302] * 25
    assert _sign_in_from(app, 99, ADMIN, "Not-the-password-1").status_code == 200


def test_failed_sign_ins_pause_an_address_and_the_page_says_until_when(app: Flask) -> None:
    create_account(app, ADMIN)
    failures = [_sign_in_from(app, n, ADMIN, "Not-the-password-1").status_code for n in range(20)]
    assert failures == [200] * 20
    paused = _sign_in_from(app, 50, ADMIN, PASSWORD)
    assert paused.status_code == 429, "the right password too, from another connection"
    minutes = -(-int(paused.headers["Retry-After"]) // 60)
    assert 1 <= minutes <= 60
    assert "Sign-in is paused" in paused.text
    assert f"Please try again in <bdi>{minutes}</bdi> minute" in paused.text
    assert "an administrator of this site can lift the pause" in paused.text
    # An address without an account is paused alike, and the two pages say the same.
    for n in range(20):
        _sign_in_from(app, 100 + n, "nobody@civic.example.org", "Not-the-password-1")
    stranger = _sign_in_from(app, 150, "nobody@civic.example.org", "Not-the-password-1")
    assert stranger.status_code == 429
    assert _answer_without_secrets(stranger.text, "x") == _answer_without_secrets(paused.text, "x")
    assert _sign_in_from(app, 51, "other@civic.example.org", "x").status_code == 200


def test_an_admin_lifts_the_pause_with_flask_organisers_unlock(app: Flask) -> None:
    create_account(app, ADMIN)
    app.config["LOGIN_FAILURE_RATE_LIMIT"] = "2/hour"
    for n in range(2):
        _sign_in_from(app, n, ADMIN, "Not-the-password-1")
    assert _sign_in_from(app, 10, ADMIN, PASSWORD).status_code == 429
    done = app.test_cli_runner().invoke(args=["organisers", "unlock", " Admin@Civic.example.org"])
    assert done.exit_code == 0, done.output
    assert _sign_in_from(app, 11, ADMIN, PASSWORD).status_code == 302
    # Recorded, as ending an account's sessions from the command line is.
    assert ("account.sign_in_unpaused", {"email": ADMIN, "by": "command line"}) in audit_actions(
        app
    )


def test_unlock_refuses_when_it_cannot_reach_the_servers_counters(app: Flask) -> None:
    """Counters kept in each server process's memory are out of a command's reach: saying
    "may try again" would be untrue."""
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    done = app.test_cli_runner().invoke(args=["organisers", "unlock", ADMIN])
    assert done.exit_code != 0 and "restart the server to lift the pause" in done.output


def test_login_and_reset_forms_without_a_token_change_nothing(app: Flask) -> None:
    create_account(app, ADMIN)
    client = app.test_client()
    response = client.post("/dashboard/login", data={"email": ADMIN, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302
    assert client.post("/dashboard/reset", data={"email": ADMIN}).status_code == 400
    assert count(app, Notification) == 0
    with app.test_request_context():
        from webapp.delivery.emails import password_reset_token

        organiser = find_organiser(db.session(), ADMIN)
        assert organiser is not None
        link = f"/dashboard/reset/{password_reset_token(organiser)}"
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(link, data=form).status_code == 400
    assert log_in(app.test_client(), ADMIN, NEW_PASSWORD).status_code == 200
    assert log_in(app.test_client(), ADMIN, PASSWORD).status_code == 302


def _ask_for_reset(client: FlaskClient, email: str) -> None:
    response = client.post(
        "/dashboard/reset",
        data={"email": email, "csrf_token": page_token(client, "/dashboard/reset")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/login"
    assert RESET_SENT in client.get("/dashboard/login").text


def _drain_outbox(app: Flask, sink: SmtpSink) -> None:
    app.config.update(
        SMTP_URL=sink.url,
        MAIL_FROM="letters@civic.example.org",
        PUBLIC_BASE_URL="https://letters.example.org",
    )
    Worker(app).run_batch()


def test_password_reset_by_emailed_link_end_to_end(app: Flask) -> None:
    create_account(app, ADMIN)
    client = app.test_client()
    with SmtpSink() as sink:
        _ask_for_reset(client, "Admin@Civic.Example.org")
        _drain_outbox(app, sink)
        (message,) = sink.to(ADMIN)
        found = LINK_RE.search(message.text())
        assert found, message.text()
        link = found.group(1)

        form = client.get(link)
        assert form.status_code == 200
        token = page_token(client, link)
        weak = client.post(
            link, data={"password": "short", "confirm": "short", "csrf_token": token}
        )
        assert weak.status_code == 200
        new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
        done = client.post(link, data=new)
        assert done.status_code == 302
        assert done.headers["Location"] == "/dashboard/login"

        assert log_in(app.test_client(), ADMIN, PASSWORD).status_code == 200
        assert log_in(app.test_client(), ADMIN, NEW_PASSWORD).status_code == 302
        # The link was signed with the old password: it is refused now that it has been used.
        again = client.get(link)
        assert again.status_code == 302
        assert again.headers["Location"] == "/dashboard/reset"
        token = page_token(client, "/dashboard/reset")
        replay = {"password": "Another-long-pass-99", "confirm": "Another-long-pass-99"}
        assert client.post(link, data={**replay, "csrf_token": token}).status_code == 302
        assert log_in(app.test_client(), ADMIN, NEW_PASSWORD).status_code == 302

        # An unknown address gets the same answer, and nothing is queued or sent.
        sent = sink.count()
        queued = count(app, Notification)
        _ask_for_reset(client, "nobody@civic.example.org")
        _drain_outbox(app, sink)
        assert (sink.count(), count(app, Notification)) == (sent, queued)


def organisers(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["organisers", "create", *args])


def test_cli_creates_an_admin_who_can_sign_in(app: Flask) -> None:
    result = organisers(app, "Boss@Civic.Example.org", "--role", "admin", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "created admin account boss@civic.example.org" in result.output
    assert log_in(app.test_client(), "boss@civic.example.org").status_code == 302


def test_cli_partner_account_needs_a_partner_code(app: Flask) -> None:
    refused = organisers(app, "p@civic.example.org", "--role", "partner", "--password", PASSWORD)
    assert refused.exit_code == 1
    assert "a partner account needs --partner CODE" in refused.output
    assert count(app, Organiser) == 0
    args = ("p@civic.example.org", "--role", "partner", "--partner", "alpha")
    created = organisers(app, *args, "--password", PASSWORD)
    assert created.exit_code == 0, created.output
    assert "created partner account p@civic.example.org for partner alpha" in created.output
    with app.app_context():
        found = find_organiser(db.session(), "p@civic.example.org")
        assert found is not None
        assert (found.role, found.partner_code) == (Role.PARTNER, "alpha")


def test_cli_refuses_duplicates_weak_passwords_and_admins_with_a_partner(app: Flask) -> None:
    assert organisers(app, ADMIN, "--role", "admin", "--password", PASSWORD).exit_code == 0
    duplicate = organisers(app, ADMIN.upper(), "--role", "admin", "--password", PASSWORD)
    assert duplicate.exit_code == 1
    assert f"an account for {ADMIN} already exists" in duplicate.output
    for weak in ("short-pw", "aaaaaaaaaaaaaaaa", " Padded-password-1 "):
        result = organisers(app, "weak@civic.example.org", "--role", "admin", "--password", weak)
        assert result.exit_code == 1, weak
        assert "Error:" in result.output
    mixed = organisers(
        app, "x@civic.example.org", "--role", "admin", "--partner", "alpha", "--password", PASSWORD
    )
    assert mixed.exit_code == 1
    assert "an admin account sees every partner" in mixed.output
    assert count(app, Organiser) == 1


def test_cli_generates_a_password_shown_once(app: Flask) -> None:
    result = organisers(app, "gen@civic.example.org", "--role", "admin", "--generate")
    assert result.exit_code == 0, result.output
    found = re.search(r"password \(shown once\): (\S+)", result.output)
    assert found
    assert log_in(app.test_client(), "gen@civic.example.org", found.group(1)).status_code == 302
