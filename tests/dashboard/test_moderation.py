"""Hiding and flagging personal paragraphs: the page changes and each action is audited."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import (
    ADMIN,
    audit_actions,
    signed_in,
)
from tests.dashboard.letters import (
    Letter,
    add_letters,
)
from webapp.database import db
from webapp.models import AuditEntry, Submission

ALEPPO = "My family is from Aleppo."
HOMS = "Homs is my home."
ARTICLE_RE = re.compile(r"<article class=\"personal[^\"]*\"[^>]*>.*?</article>", re.S)


def _article(html: str, text: str) -> str:
    """The <article> on the dashboard that holds a personal paragraph."""
    for match in ARTICLE_RE.finditer(html):
        if text in match.group(0):
            return match.group(0)
    raise AssertionError(f"no article holds {text!r}")


def _moderate(app: Flask, slug: str, submission: int, action: str) -> None:
    admin = signed_in(app, f"{action}@civic.example.org")
    url = f"/dashboard/campaigns/{slug}/submissions/{submission}/moderate"
    response = admin.post(url, data={"action": action, "csrf_token": admin.token})
    assert response.status_code == 302, response.text
    # Back on the paragraph itself, not the top of the list.
    assert response.headers["Location"] == f"/dashboard/campaigns/{slug}#personal-{submission}"


def test_hide_and_flag_change_the_page_and_write_audit_entries(
    app: Flask, default_campaign: str
) -> None:
    aleppo, homs = add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", personal_message=ALEPPO),
            Letter("b@example.org", personal_message=HOMS),
        ],
    )
    admin = signed_in(app, ADMIN)
    page = f"/dashboard/campaigns/{default_campaign}"
    before = admin.get(page).text
    assert 'class="personal"' in _article(before, ALEPPO)
    assert 'value="hide"' in _article(before, ALEPPO) and 'value="flag"' in _article(before, ALEPPO)

    _moderate(app, default_campaign, aleppo, "hide")
    _moderate(app, default_campaign, homs, "flag")
    html = admin.get(page).text
    hidden, flagged = _article(html, ALEPPO), _article(html, HOMS)
    assert 'class="personal is-hidden"' in hidden and "· hidden" in hidden
    # Folded away on the page, the words one click off; what Hide does is said above the list.
    assert "<details><summary>Hidden by an organiser: show the paragraph</summary>" in hidden
    assert "<details>" not in flagged
    assert "Neither changes a letter: its offices receive it as its writer sent it." in html
    assert 'value="show"' in hidden
    assert 'class="personal is-flagged"' in flagged and "flagged for review" in flagged
    assert 'value="unflag"' in flagged
    with app.app_context():
        rows = {s.id: s for s in db.session.query(Submission)}
        assert (rows[aleppo].hidden, rows[aleppo].flagged) == (True, False)
        assert (rows[homs].hidden, rows[homs].flagged) == (False, True)
        assert rows[aleppo].moderated_at is not None
        entries = db.session.query(AuditEntry).filter(AuditEntry.action.like("moderation.%"))
        assert {
            (e.action, e.campaign_id is not None, e.organiser_id is not None) for e in entries
        } == {
            ("moderation.hide", True, True),
            ("moderation.flag", True, True),
        }
    assert [(a, d) for a, d in audit_actions(app) if a.startswith("moderation.")] == [
        ("moderation.hide", {"submission_id": aleppo}),
        ("moderation.flag", {"submission_id": homs}),
    ]

    _moderate(app, default_campaign, aleppo, "show")
    _moderate(app, default_campaign, homs, "unflag")
    html = admin.get(page).text
    assert 'class="personal"' in _article(html, ALEPPO)
    assert 'class="personal"' in _article(html, HOMS)
    actions = [a for a, _ in audit_actions(app) if a.startswith("moderation.")]
    assert actions == ["moderation.hide", "moderation.flag", "moderation.show", "moderation.unflag"]
    audit = admin.get(f"/dashboard/campaigns/{default_campaign}/audit")
    assert audit.status_code == 200
    assert "Flag removed from a personal paragraph" in audit.text
    assert "unflag@civic.example.org" in audit.text


def test_unknown_moderation_action_is_refused_and_changes_nothing(
    app: Flask, default_campaign: str
) -> None:
    (aleppo,) = add_letters(
        app, default_campaign, [Letter("a@example.org", personal_message=ALEPPO)]
    )
    admin = signed_in(app, ADMIN)
    url = f"/dashboard/campaigns/{default_campaign}/submissions/{aleppo}/moderate"
    for action in ("delete", ""):
        response = admin.post(url, data={"action": action, "csrf_token": admin.token})
        assert response.status_code == 400, action
    missing = f"/dashboard/campaigns/{default_campaign}/submissions/{aleppo + 99}/moderate"
    assert (
        admin.post(missing, data={"action": "hide", "csrf_token": admin.token}).status_code == 404
    )
    with app.app_context():
        row = db.session.get(Submission, aleppo)
        assert row is not None
        assert (row.hidden, row.flagged, row.moderated_at) == (False, False, None)
    assert [a for a, _ in audit_actions(app) if a.startswith("moderation.")] == []


def test_hide_and_flag_say_what_happened_to_which_paragraph_and_land_on_it(
    app: Flask, default_campaign: str
) -> None:
    """Not "Moderation saved.": what became of the paragraph, and the page opens at it. The
    message names no one: it waits in the session cookie, signed but readable (third review)."""
    (rasha, salim) = add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", personal_message=ALEPPO),
            Letter("b@example.org", personal_message=HOMS, first_name="سليم", city="حمص"),
        ],
    )
    admin = signed_in(app, ADMIN)
    url = f"/dashboard/campaigns/{default_campaign}/submissions/{{}}/moderate"
    for sid, action, said in (
        (rasha, "hide", "The highlighted paragraph is hidden: folded away on this page"),
        (rasha, "show", "The highlighted paragraph is shown again on this page."),
        (salim, "flag", "The highlighted paragraph is flagged for review."),
        (salim, "unflag", "The highlighted paragraph is no longer flagged for review."),
    ):
        response = admin.post(url.format(sid), data={"action": action, "csrf_token": admin.token})
        assert response.headers["Location"].endswith(f"#personal-{sid}"), action
        page = admin.get(f"/dashboard/campaigns/{default_campaign}").text
        assert "Moderation saved." not in page
        flash = re.search(r'<p class="flash flash-info" role="status">(.*?)</p>', page, re.S)
        assert flash is not None and said in flash.group(1), (action, flash)
        for name in ("Rasha", "Dearborn", "سليم", "حمص"):
            assert name not in flash.group(1)
        assert f'id="personal-{sid}"' in _article(page, ALEPPO if sid == rasha else HOMS)


def test_a_page_of_paragraphs_repeats_no_id(app: Flask, default_campaign: str) -> None:
    # Each paragraph's form carried the token field as id="csrf_token": ids must be unique in a
    # page (a label or a skip link pointing at one finds the first), and axe reports the repeat.
    add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", personal_message=ALEPPO),
            Letter("b@example.org", personal_message=HOMS),
        ],
    )
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text
    assert page.count('name="csrf_token"') >= 2
    ids = re.findall(r"\sid=\"([^\"]+)\"", page)
    assert [i for i in set(ids) if ids.count(i) > 1] == []
