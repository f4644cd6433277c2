"""Ending sessions: a copied dashboard cookie stops working after logout, a reset or a command."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import (
    ADMIN,
    OrganiserClient,
    audit_actions,
    log_in,
    page_token,
    signed_in,
)
from webapp.delivery.emails import password_reset_token
from webapp.models import Role
from webapp.services.organisers import find_organiser

PARTNER = "ops@partner.example.org"
NEW_PASSWORD = "Jasmine-over-Homs-2027"


def _copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of this client's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _refused(client: FlaskClient) -> None:
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard/login")


def signed_in_again(app: Flask, email: str) -> OrganiserClient:
    client = OrganiserClient(app, app.response_class, use_cookies=True)
    assert log_in(client, email).status_code == 302
    return client


def test_a_cookie_copied_before_logout_is_refused_afterwards(app: Flask) -> None:
    client = signed_in(app, ADMIN)
    other_browser = signed_in_again(app, ADMIN)
    copy = _copy_of(app, client)
    assert copy.get("/dashboard/").status_code == 200  # the copy works while signed in
    client.post("/dashboard/logout", data={"csrf_token": client.token})
    _refused(copy)
    _refused(other_browser)
    # Signing in again opens a new, working session.
    assert log_in(app.test_client(), ADMIN).status_code == 302


def test_sessions_opened_before_a_password_reset_are_refused_afterwards(app: Flask) -> None:
    client = signed_in(app, ADMIN)
    copy = _copy_of(app, client)
    assert copy.get("/dashboard/").status_code == 200
    with app.test_request_context():
        from webapp.database import db

        organiser = find_organiser(db.session(), ADMIN)
        assert organiser is not None
        link = f"/dashboard/reset/{password_reset_token(organiser)}"
    stranger = app.test_client()
    # The link's token is the page's only key: kept out of caches and of every Referer.
    page = stranger.get(link)
    assert page.headers["Cache-Control"] == "no-store, private"
    assert page.headers["Referrer-Policy"] == "strict-origin"
    token = page_token(stranger, link)
    new = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    assert stranger.post(link, data=new).headers["Location"] == "/dashboard/login"
    _refused(copy)
    _refused(client)
    assert log_in(app.test_client(), ADMIN, NEW_PASSWORD).status_code == 302


def test_the_command_ends_a_partners_sessions_and_is_audited(app: Flask) -> None:
    partner = signed_in(app, PARTNER, Role.PARTNER, "sama")
    admin = signed_in(app, ADMIN)
    result = app.test_cli_runner().invoke(args=["organisers", "end-sessions", PARTNER.upper()])
    assert result.exit_code == 0, result.output
    assert f"ended every session of {PARTNER}" in result.output
    _refused(partner)
    assert admin.get("/dashboard/").status_code == 200  # other accounts are untouched
    assert ("account.sessions_ended", {"email": PARTNER, "by": "command line"}) in audit_actions(
        app
    )
    assert signed_in_again(app, PARTNER).get("/dashboard/").status_code == 200


def test_the_command_names_an_unknown_account(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["organisers", "end-sessions", "no@example.org"])
    assert result.exit_code == 1
    assert "no account for no@example.org" in result.output


def test_a_session_cookie_from_before_the_upgrade_is_refused(app: Flask) -> None:
    """Cookies holding a bare account id (no version) were issued before sessions could end."""
    client = signed_in(app, ADMIN)
    with client.session_transaction() as session:
        assert session["_user_id"].endswith(":1")
        session["_user_id"] = session["_user_id"].split(":")[0]
    _refused(client)


def test_the_sign_in_page_says_a_session_ended_and_the_editor_kept_its_changes(
    app: Flask,
) -> None:
    client = signed_in(app, ADMIN)
    assert app.test_cli_runner().invoke(args=["organisers", "end-sessions", ADMIN]).exit_code == 0
    page = client.get("/dashboard/", follow_redirects=True)
    assert "Your session has ended: please sign in again." in page.text
    assert "kept in this browser tab" in page.text
    # A visitor who never signed in is asked to, in the page's own words ("sign in").
    visitor = app.test_client().get("/dashboard/", follow_redirects=True)
    assert "Please sign in to see this page." in visitor.text
    assert "log in" not in visitor.text.lower()
