"""A campaign stored before its merge fields were filled in when checked (or changed outside the
checks) keeps taking letters, and its organisers are told what to correct.

`check_template` now refuses `{{ target.name | title(3) }}`, but a campaign saved earlier still
holds it: composing its letter raised, and the campaign page answered 500 to every supporter.
"""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.test_editor import field_error
from tests.supporter.helpers import post_letter
from webapp.database import db, write_transaction
from webapp.letters.merge import MergeValues, render
from webapp.models import Campaign, Delivery

FSI, PDI = "\u2068", "\u2069"
BROKEN = "Dear {{ target.name | title(3) }},"
VALUES = MergeValues({"first_name": "Rasha"}, {"name": "jane doe"}, {"title": "Water"})


def store(app: Flask, slug: str, **texts: str) -> None:
    """Write texts straight into the stored campaign, as a campaign saved before the check."""
    with app.app_context(), write_transaction(db.session()) as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        for name, text in texts.items():
            setattr(campaign, name, text)


def test_a_filter_that_cannot_take_its_values_is_left_out_of_the_letter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="webapp.letters.merge")
    # only the filter that fails goes; the others still apply
    assert render("{{ target.name | upper | title(2) }}!", VALUES) == "JANE DOE!"
    assert render("{{ target.office | default('Sir', true, 3) | upper }}", VALUES) == ""
    assert render("{{ target.name | lower('x') | title }}", VALUES) == "Jane Doe"
    said = [r.getMessage() for r in caplog.records]
    assert [m.split("leave out the filter ")[1] for m in said] == [
        "'title' (line 1): correct the campaign in the editor",
        "'default' (line 1): correct the campaign in the editor",
        "'lower' (line 1): correct the campaign in the editor",
    ]
    assert "jane" not in caplog.text.lower()  # no value a letter carries
    caplog.clear()
    # once a text, not once a letter: a day of action composes thousands
    for values in (VALUES, MergeValues({}, {}, {}), VALUES):
        assert render("{{ target.name | lower('x') | title }}", values) in ("Jane Doe", "")
    assert caplog.records == []


def test_the_campaign_page_and_the_letter_go_on(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    store(app, default_campaign, salutation=BROKEN)
    page = client.get(f"/campaigns/{default_campaign}")
    assert page.status_code == 200
    sent = post_letter(client, default_campaign)
    assert sent.status_code == 303, sent.text
    with app.app_context():
        letters = [d.final_text for d in db.session.scalars(select(Delivery))]
    assert letters and all(
        text.startswith("Dear The President of the United States,\n") for text in letters
    )


def test_organisers_are_told_what_to_correct(app: Flask, default_campaign: str) -> None:
    store(app, default_campaign, salutation=BROKEN)
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}")
    assert page.status_code == 200
    assert 'id="stored-problems"' in page.text
    assert "<li>salutation: line 1: the filter &#39;title&#39; cannot take these values</li>" in (
        page.text
    )
    assert f'href="/dashboard/campaigns/{default_campaign}/edit"' in page.text
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = admin.get(f"/dashboard/campaigns/{default_campaign}").text
    assert "هذه الحملة، كما حُفظت، لم تعد تجتاز فحوص الحملة." in arabic
    assert (
        f"{FSI}التحية{PDI}: السطر {FSI}1{PDI}: لا يقبل المرشّح {FSI}&#39;title&#39;{PDI} هذه القيم"
        in arabic
    )
    assert "cannot take these values" not in arabic


def test_a_campaign_without_problems_shows_no_notice(app: Flask, default_campaign: str) -> None:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}")
    assert page.status_code == 200
    assert 'id="stored-problems"' not in page.text


def test_the_editor_opens_with_the_problem_on_its_field(app: Flask, default_campaign: str) -> None:
    """The notice's promise: the organiser need not save first to be shown where to correct."""
    store(app, default_campaign, salutation=BROKEN)
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/edit")
    assert page.status_code == 200
    assert 'id="error-summary"' in page.text
    error = field_error(page, "salutation")
    assert error == "Line 1: the filter 'title' cannot take these values", error


def test_a_campaign_without_problems_opens_the_editor_without_errors(
    app: Flask, default_campaign: str
) -> None:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/edit")
    assert page.status_code == 200
    assert 'id="error-summary"' not in page.text


def test_the_command_line_check_names_the_campaign_and_its_problem(
    app: Flask, default_campaign: str
) -> None:
    """For operators after an upgrade: which stored campaigns a new check refuses."""
    runner = app.test_cli_runner()
    passing = runner.invoke(args=["campaigns", "check"])
    assert (passing.exit_code, passing.output) == (0, f"{default_campaign}: passes\n")
    store(app, default_campaign, salutation=BROKEN)
    failing = runner.invoke(args=["campaigns", "check"])
    assert failing.exit_code == 1
    assert failing.output == (
        f"{default_campaign}: 1 problem(s); correct them in the editor:\n"
        "  - salutation: line 1: the filter 'title' cannot take these values\n"
    )
