"""The editor's bounds that only the database sets: a goal too big to store, a date outside the
years it keeps. Each is said on its field, in the page's language, with everything kept."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.editor_helpers import read_form
from tests.dashboard.test_editor import (
    NEW,
    WATER,
    admin,
    campaign_count,
    field_error,
    new_form,
    stored,
)

__all__ = ["admin"]  # the fixture, used by the tests below

TYPED = {
    **WATER,
    "goal": "3000000000",
    "starts_at": "1969-12-31T23:00",
    "ends_at": "3000-01-01T09:00",
}


def test_a_goal_and_dates_the_database_cannot_keep_are_said_on_their_fields(
    app: Flask, admin: FlaskClient
) -> None:
    before = campaign_count(app)
    page = admin.post(NEW, data=new_form(admin, **TYPED))
    assert page.status_code == 422
    assert field_error(page, "goal") == "Must be at most 2,147,483,647"
    assert field_error(page, "starts_at") == "Must be a date between 1970 and 2999"
    assert field_error(page, "ends_at") == "Must be a date between 1970 and 2999"
    kept = read_form(page.text)
    assert (kept["goal"], kept["starts_at"], kept["ends_at"]) == (
        "3000000000",
        "1969-12-31T23:00",
        "3000-01-01T09:00",
    )
    assert kept["body"] == WATER["body"].replace("\r\n", "\n")
    assert campaign_count(app) == before, "nothing saved"


def test_the_arabic_editor_says_them_in_arabic_with_the_numbers_isolated(
    app: Flask, admin: FlaskClient
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = admin.post(NEW, data=new_form(admin, **TYPED))
    assert page.status_code == 422
    years = "يجب أن يكون تاريخًا بين عامي \u20681970\u2069 و\u20682999\u2069"
    assert field_error(page, "starts_at") == field_error(page, "ends_at") == years
    assert field_error(page, "goal") == "يجب ألّا يتجاوز \u20682,147,483,647\u2069"


def test_a_letter_of_exactly_the_limit_is_saved_and_one_over_says_its_own_length(
    app: Flask, admin: FlaskClient
) -> None:
    # The file reader ends the letter with a newline; that newline was counted, so a letter of
    # 20,000 characters was refused as "Is 20,001 characters; the limit is 20,000".
    paragraph = "Safe water for every school. " * 10
    at_limit = (paragraph * 70)[:20000].strip()
    at_limit += "x" * (20000 - len(at_limit))
    assert len(at_limit) == 20000
    over = admin.post(NEW, data=new_form(admin, **{**WATER, "body": at_limit + "y"}))
    assert over.status_code == 422
    assert field_error(over, "body") == "Is 20,001 characters; the limit is 20,000"
    assert read_form(over.text)["body"] == at_limit + "y"
    saved = admin.post(NEW, data=new_form(admin, **{**WATER, "body": at_limit}))
    assert saved.status_code == 302, field_error(saved, "body")
    assert stored(app, WATER["slug"]).body.rstrip("\n") == at_limit
