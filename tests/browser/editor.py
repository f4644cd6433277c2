"""Browser helpers for the dashboard's tests: an admin signed in, on the editor or elsewhere."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page

from tests.conftest import LiveServer
from tests.dashboard.editor_helpers import PASSWORD, create_account
from tests.dashboard.helpers import ADMIN


def open_editor(app: Flask, page: Page, server: LiveServer, slug: str) -> None:
    """Create an admin, sign in through the form and open the editor of campaign `slug`."""
    sign_in_admin(app, page, server)
    page.goto(f"{server.url}/dashboard/campaigns/{slug}/edit")


def sign_in_admin(app: Flask, page: Page, server: LiveServer) -> None:
    """Create an admin and sign in through the login form."""
    create_account(app, "admin@example.org")
    page.goto(f"{server.url}/dashboard/login")
    page.get_by_label("Email", exact=True).fill("admin@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/dashboard/")


def admin_signed_in(app: Flask, server: LiveServer, page: Page, locale: str) -> int:
    """Create the admin and sign in, the organiser pages in `locale`'s language when it is
    Arabic; the admin's id."""
    if locale == "ar":
        app.config["BABEL_DEFAULT_LOCALE"] = "ar"  # the organiser pages' language
    admin = create_account(app, ADMIN)
    sign_in(page, server.url, ADMIN, PASSWORD)
    return admin


def sign_in(page: Page, server_url: str, email: str, password: str) -> None:
    """Sign `email` in through the login form, its fields found by name (their labels are in the
    page's language), and wait for the dashboard."""
    page.goto(f"{server_url}/dashboard/login")
    page.fill("[name=email]", email)
    page.fill("[name=password]", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{server_url}/dashboard/")
