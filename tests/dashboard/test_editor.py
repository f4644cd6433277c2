"""The campaign editor: create, edit with an audit trail, validate, preview, import and export."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.dashboard.editor_helpers import (
    any_csrf_token,
    create_account,
    log_in,
    read_form,
)
from tests.supporter.helpers import post_letter
from webapp.campaigns.fileformat import parse_campaign_file
from webapp.campaigns.sections import PartnerSpec
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    AuditAction,
    AuditEntry,
    Campaign,
    Organiser,
    Role,
    Submission,
    Target,
    TargetKind,
)
from webapp.services.organisers import audit

ADMIN = "admin@example.org"
NEW = "/dashboard/campaigns/new"


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    create_account(app, ADMIN)
    log_in(client, ADMIN)
    return client


def edit_url(slug: str) -> str:
    return f"/dashboard/campaigns/{slug}/edit"


def stored(app: Flask, slug: str) -> Campaign:
    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
        assert campaign is not None
        campaign.targets, campaign.signatories, campaign.partners  # noqa: B018  (load them)
        db.session.expunge(campaign)
        return campaign


def audit_entries(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        for row in rows:
            db.session.expunge(row)
        return rows


def campaign_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Campaign.id))) or 0


def field_error(page: TestResponse, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page.text)
    assert match, f"no error shown on {field_id}"
    return unescape(match.group(1))


def edit_form(client: FlaskClient, slug: str) -> MultiDict[str, str]:
    page = client.get(edit_url(slug))
    assert page.status_code == 200, page.text
    return read_form(page.text)


def new_form(client: FlaskClient, **values: Any) -> MultiDict[str, str]:
    page = client.get(NEW)
    assert page.status_code == 200, page.text
    form = read_form(page.text)
    for key, value in values.items():
        form.setlist(key, value if isinstance(value, list) else [value])
    return form


WATER = {
    "slug": "clean-water",
    "title": "Safe water for every school",
    "subject": "Safe water in {{ supporter.city }} schools",
    "salutation": "Dear {{ target.title }} {{ target.last_name }},",
    "body": "Our children need safe water at school.\r\n\r\nPlease fund lead pipe replacement.",
    "status": "live",
    "goal": "500",
    "lookup_us_house": "y",
    "targets-0-name": "Governor of Michigan",
    "targets-0-office": "Executive Office of the Governor",
    "targets-0-contact_url": "https://www.michigan.gov/whitmer/contact",
    "targets-0-salutation": "Dear Governor,",
    "signatories": "Parents for Water\nTown Chapter | Parents for Water",
    "partners-0-code": "town",
    "partners-0-name": "Town Chapter",
    "topics": ["Education", "Health"],
    "allowed_origins": "https://partner.example.org",
}


def test_admin_creates_a_campaign_through_the_form_and_it_goes_live(
    app: Flask, admin: FlaskClient
) -> None:
    response = admin.post(NEW, data=new_form(admin, **WATER))
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/dashboard/campaigns/clean-water"

    public = admin.get("/campaigns/clean-water")
    assert public.status_code == 200
    assert "Safe water for every school" in public.text
    assert "Please fund lead pipe replacement." in public.text

    campaign = stored(app, "clean-water")
    assert campaign.body == (
        "Our children need safe water at school.\n\nPlease fund lead pipe replacement.\n"
    )
    assert campaign.goal == 500 and campaign.topics == ["Education", "Health"]
    assert campaign.allowed_origins == ["https://partner.example.org"]
    governor, house = campaign.targets
    assert governor.kind is TargetKind.CUSTOM and governor.salutation == "Dear Governor,"
    assert house.kind is TargetKind.LOOKUP and house.chambers == ["us_house"]
    assert not house.optional
    assert [(s.name, s.member_of) for s in campaign.signatories] == [
        ("Parents for Water", None),
        ("Town Chapter", "Parents for Water"),
    ]
    assert [(p.code, p.name) for p in campaign.partners] == [("town", "Town Chapter")]

    (entry,) = audit_entries(app, "campaign.created")
    assert entry.campaign_id == campaign.id and entry.organiser_id is not None
    assert entry.details["title"] == [None, "Safe water for every school"]
    assert entry.details["slug"] == [None, "clean-water"]


def test_editing_subject_and_body_is_audited_with_old_and_new_values(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    form = edit_form(admin, default_campaign)
    form["subject"] = "Five steps for human rights in Syria, {{ supporter.first_name }}"
    form["body"] = "A shorter statement.\n\nPlease act."
    response = admin.post(edit_url(default_campaign), data=form)
    assert response.status_code == 302, response.text

    after = stored(app, default_campaign)
    assert after.subject == "Five steps for human rights in Syria, {{ supporter.first_name }}"
    assert after.body == "A shorter statement.\n\nPlease act.\n"
    assert [t.id for t in after.targets] == [t.id for t in before.targets]
    assert after.external_id == before.external_id

    (entry,) = audit_entries(app, "campaign.updated")
    assert set(entry.details) == {"subject", "body"}
    assert entry.details["subject"] == [before.subject, after.subject]
    old_body, new_body = entry.details["body"]
    assert new_body == after.body
    assert len(old_body) == 500 and old_body.endswith("…")  # the long letter is truncated
    assert before.body.startswith(old_body[:-1])
    with app.app_context():
        admin_id = db.session.scalar(select(Organiser.id).where(Organiser.email == ADMIN))
    assert admin_id is not None and entry.organiser_id == admin_id


def test_saving_the_unchanged_form_changes_nothing(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    response = admin.post(edit_url(default_campaign), data=edit_form(admin, default_campaign))
    assert response.status_code == 302, response.text
    after = stored(app, default_campaign)
    assert [(t.id, t.kind, t.chambers, t.optional) for t in after.targets] == [
        (t.id, t.kind, t.chambers, t.optional) for t in before.targets
    ]
    assert len(after.signatories) == 35
    (entry,) = audit_entries(app, "campaign.updated")
    assert entry.details == {}


def test_emptying_a_target_row_removes_it_and_a_filled_row_adds_one(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    president_id = stored(app, default_campaign).targets[0].id
    form = edit_form(admin, default_campaign)
    assert form["targets-0-name"] == "The President of the United States"
    form["targets-1-name"] = "The Vice President"
    form["targets-1-office"] = "The White House"
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    names = [t.name for t in stored(app, default_campaign).targets]
    assert names == ["The President of the United States", "The Vice President", None]

    form = edit_form(admin, default_campaign)
    for key in ("name", "office"):
        form[f"targets-1-{key}"] = ""
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    targets = stored(app, default_campaign).targets
    assert targets[0].id == president_id and len(targets) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(Target.id))) == 2


def test_editing_a_live_letter_leaves_letters_already_written_unchanged(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(admin, default_campaign).status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        old_statement, old_subject = submission.statement.body, submission.subject
        salutations = [d.salutation for d in submission.deliveries]

    form = edit_form(admin, default_campaign)
    form["subject"] = "A new subject"
    form["salutation"] = "Dear Mr President,"
    form["body"] = "An entirely new statement."
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302

    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert submission.statement.body == old_statement
        assert "An entirely new statement" not in submission.statement.body
        assert submission.subject == old_subject
        assert [d.salutation for d in submission.deliveries] == salutations
    assert stored(app, default_campaign).body == "An entirely new statement.\n"


def test_problems_are_shown_on_their_fields_and_everything_typed_is_kept(
    app: Flask, admin: FlaskClient
) -> None:
    typed = {
        **WATER,
        "slug": "Bad Slug!",
        "subject": "Hello {{ supporter.nickname }}",
        "body_editable": "editable",
        "body": "Dear friend {{ supporter.first_name }}, please act.",
        "topics": ["Education", "Underwater Basket Weaving"],
        "allowed_origins": "ftp://partner.example.org",
        "targets-0-email": "not-an-email",
        "signatories": "Parents for Water\nTown Chapter | Nobody Listed",
    }
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    assert "lower-case letters, digits and hyphens" in field_error(page, "slug")
    assert "unknown merge field supporter.nickname" in field_error(page, "subject")
    assert "editable letter cannot contain merge fields" in field_error(page, "body")
    assert "'Underwater Basket Weaving' is not a Library of Congress" in field_error(page, "topics")
    assert "is not an origin like https://example.org" in field_error(page, "allowed_origins")
    assert field_error(page, "targets-0-email")
    assert "'Nobody Listed', which is not itself listed" in field_error(page, "signatories")
    assert 'href="#targets-0-email"' in page.text  # the summary links to the row's field

    kept = read_form(page.text)
    for key in ("slug", "title", "subject", "goal", "targets-0-name", "targets-0-email"):
        assert kept[key] == typed[key].replace("\r\n", "\n"), key
    assert kept["body"] == typed["body"]
    assert kept["body_editable"] == "editable"
    assert kept["allowed_origins"] == "ftp://partner.example.org"
    assert kept["signatories"] == typed["signatories"]
    assert kept.getlist("topics") == ["Education"]  # the unknown one is named in the error
    assert campaign_count(app) == 0


def test_a_taken_or_reserved_slug_is_refused(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    page = admin.post(NEW, data=new_form(admin, **{**WATER, "slug": default_campaign}))
    assert page.status_code == 422 and "already exists" in field_error(page, "slug")
    page = admin.post(NEW, data=new_form(admin, **{**WATER, "slug": "import"}))
    assert page.status_code == 422 and "used by the dashboard" in field_error(page, "slug")
    assert campaign_count(app) == 1


def test_preview_shows_the_letter_for_a_sample_supporter_without_saving(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    form = edit_form(admin, default_campaign)
    form["subject"] = "Unsaved subject for {{ supporter.city }}"
    form["targets-0-salutation"] = "Dear {{ target.name }},"
    form["lookup_us_house"] = ""
    preview_url = f"/dashboard/campaigns/{default_campaign}/preview"

    page = admin.post(preview_url, data=form)
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Dear The President of the United States," in text
    assert 'Subject: <bdi lang="en">Unsaved subject for Dearborn</bdi>' in text
    assert "Sample Supporter<br>Dearborn, MI 48126" in text
    # Senators are greeted as the real lookup greets them; the House box was unticked.
    assert "Dear Senator Example," in text and "Dear Representative Example," not in text
    assert 'id="campaign-form"' in page.text  # the same page, with the preview section

    fragment = admin.post(preview_url, data=form, headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Sample Supporter" in fragment.text

    after = stored(app, default_campaign)
    assert after.subject == before.subject and after.updated_at == before.updated_at
    assert [t.salutation for t in after.targets] == [t.salutation for t in before.targets]
    assert audit_entries(app, "campaign.updated") == []


def test_preview_of_a_new_campaign_greets_a_sample_senator(app: Flask, admin: FlaskClient) -> None:
    form = new_form(
        admin, **{**WATER, "targets-0-name": "", "targets-0-office": "",
                  "targets-0-contact_url": "", "targets-0-salutation": "",
                  "lookup_us_senate": "y"}
    )  # fmt: skip
    page = admin.post(
        "/dashboard/campaigns/new/preview", data=form, headers={"X-Requested-With": "fetch"}
    )
    assert page.status_code == 200
    assert "Dear Senator Example," in page.text and "Dear Representative Example," in page.text

    form["body"] = "Hello {% for x in y %}loop{% endfor %}"
    page = admin.post(
        "/dashboard/campaigns/new/preview", data=form, headers={"X-Requested-With": "fetch"}
    )
    assert "The letter cannot be shown yet" in page.text and "For block" in page.text
    assert campaign_count(app) == 0


def test_campaign_file_exports_and_imports_back_unchanged(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    download = admin.get(f"/dashboard/campaigns/{default_campaign}/file")
    assert download.status_code == 200
    assert download.mimetype == "text/markdown"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{default_campaign}.md"'
    )
    exported = download.text
    before = stored(app, default_campaign)

    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(exported.encode()), "campaign.md"),
    }
    response = admin.post("/dashboard/campaigns/import", data=upload)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == f"/dashboard/campaigns/{default_campaign}"
    assert admin.get(f"/dashboard/campaigns/{default_campaign}/file").text == exported
    assert [t.id for t in stored(app, default_campaign).targets] == [t.id for t in before.targets]
    (entry,) = audit_entries(app, "campaign.imported")
    assert entry.details == {}

    copy = exported.replace(f"slug: {default_campaign}", "slug: syria-copy")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(copy.encode()), "copy.md"),
    }
    refused = admin.post("/dashboard/campaigns/import", data=upload)
    assert refused.status_code == 422
    assert f"campaign {default_campaign} already uses it" in refused.text
    copy = re.sub(r"^external_id: .*\n", "", copy, flags=re.M)
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(copy.encode()), "copy.md"),
    }
    assert admin.post("/dashboard/campaigns/import", data=upload).status_code == 302
    assert stored(app, "syria-copy").body == before.body
    assert len(stored(app, "syria-copy").signatories) == 35


def test_import_lists_every_problem_of_a_bad_file(app: Flask, admin: FlaskClient) -> None:
    bad = (
        "---\n"
        "slug: Not A Slug\n"
        "subject: 'Hi {{ supporter.nickname }}'\n"
        "salutation: Dear friend,\n"
        "targets:\n  - kind: custom\n    email: nobody\n"
        "allowed_origins: [ftp://x.org]\n"
        "---\n"
        "The letter.\n"
    )
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(bad.encode()), "bad.md"),
    }
    result = admin.post("/dashboard/campaigns/import", data=upload)
    assert result.status_code == 422
    problems = re.findall(r"<li>(.*?)</li>", result.text.split('class="file-problems"')[1])
    text = unescape(" | ".join(problems))
    for expected in (
        "slug: use 2-80 lower-case letters",
        "title: is required",
        "subject: line 1: unknown merge field supporter.nickname",
        "targets[1].name: is required",
        "targets[1].email:",
        "allowed_origins: 'ftp://x.org' is not an origin",
    ):
        assert expected in text, expected
    assert "<bdi>6</bdi> problems" in result.text
    assert campaign_count(app) == 0

    latin1 = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO("---\ntitle: caf\xe9\n".encode("latin-1")), "old.md"),
    }
    result = admin.post("/dashboard/campaigns/import", data=latin1)
    assert result.status_code == 422 and "not UTF-8 text" in result.text
    assert campaign_count(app) == 0


def test_partner_account_is_refused_every_editor_url(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        spec = parse_campaign_file(DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
        spec.partners = [PartnerSpec(code="alpha", name="Alpha Org")]
        import_campaign(db.session(), spec)
    create_account(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    log_in(client, "alpha@partner.example.org")
    token = any_csrf_token(client.get("/dashboard/").text)
    assert client.get(f"/dashboard/campaigns/{default_campaign}").status_code == 200
    base = f"/dashboard/campaigns/{default_campaign}"
    for path in (NEW, f"{base}/edit", f"{base}/file", "/dashboard/campaigns/import"):
        assert client.get(path).status_code == 403, path
    posts = (NEW, f"{base}/edit", f"{base}/preview", "/dashboard/campaigns/new/preview",
             "/dashboard/campaigns/import")  # fmt: skip
    for path in posts:
        data = {"csrf_token": token, "slug": "taken-over", "title": "x", "body": "x"}
        assert client.post(path, data=data).status_code == 403, path
    assert campaign_count(app) == 1
    assert "New campaign" not in client.get("/dashboard/").text


def test_logged_out_visitor_is_sent_to_sign_in(client: FlaskClient, default_campaign: str) -> None:
    base = f"/dashboard/campaigns/{default_campaign}"
    for path in (NEW, f"{base}/edit", f"{base}/file", "/dashboard/campaigns/import"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/dashboard/login?next="), path
    token = csrf_token(client.get("/dashboard/login").text)
    response = client.post(f"{base}/edit", data={"csrf_token": token, "title": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/dashboard/login")


def test_editor_posts_without_a_csrf_token_are_refused_and_change_nothing(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    before = stored(app, default_campaign)
    form = edit_form(admin, default_campaign)
    del form["csrf_token"]
    form["subject"] = "Typed before the form expired"
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 400
    assert read_form(page.text)["subject"] == "Typed before the form expired"  # nothing lost
    base = f"/dashboard/campaigns/{default_campaign}"
    for path in (f"{base}/preview", NEW, "/dashboard/campaigns/import"):
        assert admin.post(path, data={**form, "slug": "sneaky"}).status_code == 400, path
    upload = {"campaign_file": (io.BytesIO(b"---\nslug: sneaky\n---\nx\n"), "x.md")}
    assert admin.post("/dashboard/campaigns/import", data=upload).status_code == 400
    after = stored(app, default_campaign)
    assert after.subject == before.subject and after.updated_at == before.updated_at
    assert campaign_count(app) == 1
    assert audit_entries(app, "campaign.updated") == []


def test_warnings_for_state_legislators_without_a_key_and_confirmation_without_smtp(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    preview_url = f"/dashboard/campaigns/{default_campaign}/preview"
    page = admin.post(preview_url, data=form)
    assert "without an Open States key" not in page.text
    assert "No mail server is set" not in page.text

    form["lookup_state_upper"] = "y"
    form["require_confirmation"] = "y"
    page = admin.post(preview_url, data=form)
    assert "State-legislature targets are unavailable without an Open States key" in page.text
    assert 'No mail server is set (<code dir="ltr">SMTP_URL</code>)' in page.text

    app.config.update(OPENSTATES_API_KEY="a-key", SMTP_URL="smtp://127.0.0.1:2525")
    page = admin.post(preview_url, data=form)
    assert "without an Open States key" not in page.text
    assert "No mail server is set" not in page.text


def test_goal_dates_and_partner_rows_are_checked_by_the_file_rules(
    app: Flask, admin: FlaskClient
) -> None:
    typed = {
        **WATER,
        "goal": "lots",
        "starts_at": "2026-12-01T09:00",
        "ends_at": "2026-11-01T09:00",
        "partners-0-code": "has spaces",
        "partners-1-code": "second",
    }
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    assert "whole number above zero" in field_error(page, "goal")
    # Named as the form labels it, not by its key in the campaign file.
    assert "Must be after “Opens at”" in field_error(page, "ends_at")
    assert "Letters, digits" in field_error(page, "partners-0-code")
    assert field_error(page, "partners-1-name") == "Fill this in."
    kept = read_form(page.text)
    assert (kept["starts_at"], kept["ends_at"]) == ("2026-12-01T09:00", "2026-11-01T09:00")

    page = admin.post(NEW, data=new_form(admin, **{**WATER, "ends_at": "2027-01-03T12:00"}))
    assert page.status_code == 302
    ends_at = stored(app, "clean-water").ends_at
    assert ends_at is not None and ends_at.isoformat() == "2027-01-03T12:00:00+00:00"
    assert read_form(admin.get(edit_url("clean-water")).text)["ends_at"] == "2027-01-03T12:00"


def test_a_change_deep_in_a_long_letter_shows_in_the_audit_log(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    """Cut at its start, a long letter's old and new values read the same in the log; cut
    around the change, the new sentence is there."""
    before = stored(app, default_campaign)
    form = edit_form(admin, default_campaign)
    form["body"] = before.body.rstrip("\n") + "\n\nWe thank you for reading."
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    (entry,) = audit_entries(app, "campaign.updated")
    old_body, new_body = entry.details["body"]
    assert len(before.body) > 1000 and len(new_body) <= 500
    assert "We thank you for reading." in new_body and "We thank you" not in old_body
    assert old_body.startswith("…") and new_body.startswith("…")
    # The same context before the change, from the letter's closing lines.
    assert new_body[1:].startswith(old_body[1:].rstrip("\n")) and len(old_body) > 40
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/audit").text
    assert "before:" in page and "after:" in page and "We thank you for reading." in page


def test_the_error_summary_names_the_partner_row_a_problem_is_in(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    form = edit_form(admin, default_campaign)
    form.setlist("partners-0-code", ["has spaces"])
    form.setlist("partners-0-name", ["Sama Relief"])
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 422
    assert (
        'href="#partners-0-code">Partner 1, Partner code (in its embed line and links):'
        in page.text
    )
    assert "Source code" not in page.text


def test_only_a_campaign_edit_reads_as_before_and_after_in_the_audit_log(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        session = db.session()
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == default_campaign))
        with write_transaction(session):
            release = AuditAction.MODERATION_RELEASE
            audit(session, None, release, utcnow(), campaign_id, reasons=["a", "b"])
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/audit").text
    assert "Held letter released" in page and "before:" not in page
