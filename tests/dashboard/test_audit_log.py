"""The audit log as organisers read it: letters they can find, lists as lists, values as text."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask
from flask_babel import force_locale
from markupsafe import escape

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from tests.dashboard.letters import PRESIDENT, Letter, add_letters
from tests.dashboard.test_editor import edit_form, edit_url
from webapp.dashboard.audit_labels import ACTION_LABELS, action_label
from webapp.dashboard.campaign_changes import changes
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction, Submission, SubmissionStatus
from webapp.services.organisers import audit

REASONS = ["sent 1.7 s after opening the form", "disposable email domain"]
SAMA = {"code": "sama", "name": "Action For Sama", "consent_text": "Sama may email me."}


def _audit(app: Flask, slug: str, action: str, **details: object) -> None:
    with app.app_context(), write_transaction(db.session()):
        audit(db.session(), None, AuditAction(action), utcnow(), campaign_id(app, slug), **details)


def _log(app: Flask, slug: str) -> str:
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/audit")
    assert page.status_code == 200, page.text
    return page.text


def _cell(html: str, action: str) -> str:
    """The details cell of the (only) entry with this action, which the page says in words."""
    what = re.escape(str(escape(action_label(action))))
    (row,) = re.findall(rf"<tr><td>(?:(?!</tr>).)*?>{what}</td>(.*?)</tr>", html, re.S)
    return str(row)


def _text(html: str) -> str:
    return re.sub(r" :", ":", " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()))


def test_a_moderated_letter_links_to_where_the_dashboard_shows_it(
    app: Flask, default_campaign: str
) -> None:
    shown, unlisted, erased, held = add_letters(
        app,
        default_campaign,
        [
            Letter("shown@example.org", personal_message="My family is from Aleppo."),
            Letter("unlisted@example.org", first_name="Nour"),
            Letter("erased@example.org"),
            Letter("held@example.org", held=True, status=SubmissionStatus.UNCONFIRMED),
        ],
    )
    _audit(app, default_campaign, "moderation.decline", submission_id=shown, reasons=REASONS)
    _audit(app, default_campaign, "moderation.hide", submission_id=unlisted)
    _audit(app, default_campaign, "moderation.flag", submission_id=erased)
    _audit(app, default_campaign, "moderation.unflag", submission_id=held)
    with app.app_context(), write_transaction(db.session()):
        db.session.delete(db.session.get(Submission, erased))
    html = _log(app, default_campaign)

    declined = _cell(html, "moderation.decline")
    link = f'href="/dashboard/campaigns/{default_campaign}#personal-{shown}"'
    assert link in declined
    assert f"Letter {shown}" in _text(declined)
    # Its reasons are a list, not a Python list's repr.
    assert "['" not in declined and "[&#39;" not in declined
    assert [_text(li) for li in re.findall(r"<li>(.*?)</li>", declined, re.S)] == REASONS
    hidden = _text(_cell(html, "moderation.hide"))
    assert f"Letter {unlisted}" in hidden and "no longer listed on the dashboard" in hidden
    assert "href" not in _cell(html, "moderation.hide")
    assert f"Letter {erased} (deleted since)" in _text(_cell(html, "moderation.flag"))
    # A letter still held links to its place in the queue, where it can be released.
    assert f'#held-{held}">Letter {held}</a>' in _cell(html, "moderation.unflag")
    # Nothing about the writers that the log did not show before.
    for personal in ("Aleppo", "Rasha", "Nour", "Haddad", "Dearborn", "shown@", "unlisted@"):
        assert personal not in html, personal


def test_a_partners_change_reads_as_names_not_json(app: Flask, default_campaign: str) -> None:
    before = {"partners": [], "goal": None, "require_confirmation": False}
    after = {"partners": [SAMA], "goal": 500, "require_confirmation": True}
    _audit(app, default_campaign, "campaign.updated", **changes(before, after))
    cell = _cell(_log(app, default_campaign), "campaign.updated")
    text = _text(cell)
    assert '{"' not in unescape(cell) and "[]" not in text and "True" not in text
    # Each field named in words (the page's language), not as the file spells it.
    assert "before: none after: partner code: sama name: Action For Sama" in text
    assert "wording of the “keep me informed” checkbox: Sama may email me." in text
    assert "goal (letters): before: — after: 500" in text
    assert "letters held until the supporter confirms: before: no after: yes" in text


def test_an_erased_letters_entry_never_links_to_a_later_letter(
    app: Flask, default_campaign: str
) -> None:
    """SQLite may give an erased letter's id to the next letter: the entry must not name the
    newcomer's letter (review rev4)."""
    _older, flagged = add_letters(
        app,
        default_campaign,
        [
            Letter("a@example.org", personal_message="First."),
            Letter("b@example.org", personal_message="Flagged words."),
        ],
    )
    _audit(app, default_campaign, "moderation.flag", submission_id=flagged)
    with app.app_context(), write_transaction(db.session()):
        db.session.delete(db.session.get(Submission, flagged))
    (newcomer,) = add_letters(
        app, default_campaign, [Letter("c@example.org", personal_message="Innocent words.")]
    )
    # The same letter moderated after it arrived is linked as before.
    _audit(app, default_campaign, "moderation.hide", submission_id=newcomer)
    html = _log(app, default_campaign)
    flag = _cell(html, "moderation.flag")
    assert "href" not in flag
    assert _text(flag) == f"letter: Letter {flagged} (deleted since)"
    assert f'#personal-{newcomer}">Letter {newcomer}</a>' in _cell(html, "moderation.hide")


def test_a_text_that_reads_as_json_stays_text(app: Flask, default_campaign: str) -> None:
    """Only fields kept as JSON are read as JSON: a title "[1, 2]" is that text (review rev4)."""
    _audit(app, default_campaign, "campaign.updated", title=["[1, 2]", "[Draft] Day of action"])
    cell = _cell(_log(app, default_campaign), "campaign.updated")
    assert "<li>" not in cell
    assert _text(cell) == "title: before: [1, 2] after: [Draft] Day of action"


def test_deeply_nested_brackets_show_as_text(app: Flask, default_campaign: str) -> None:
    """A letter of 240 nested brackets saved through the editor, and a structured value nested
    as deep, show as text past a few levels; the page broke with RecursionError (review rev4)."""
    admin = signed_in(app, ADMIN)
    nested = "[" * 240 + "]" * 240
    form = edit_form(admin, default_campaign)
    form["body"] = nested
    assert admin.post(edit_url(default_campaign), data=form).status_code == 302
    _audit(app, default_campaign, "campaign.imported", topics=["[]", nested])
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/audit")
    assert page.status_code == 200
    body = _cell(page.text, "campaign.updated")
    assert "<li>" not in body and nested in _text(body)
    topics = _cell(page.text, "campaign.imported")
    assert 0 < topics.count("<ul") < 10
    assert "[" * 230 + "]" * 230 in _text(topics)


def test_each_action_reads_in_words_in_english_and_arabic(app: Flask) -> None:
    """The "What" column showed the stored codes ("moderation.decline")."""
    assert set(ACTION_LABELS) == set(AuditAction)
    with app.test_request_context("/"):
        english = {action: action_label(action) for action in AuditAction}
    assert all(label != action and "." not in label for action, label in english.items())
    assert len(set(english.values())) == len(english)
    with app.test_request_context("/"), force_locale("ar"):
        arabic = [action_label(action) for action in AuditAction]
    assert all(re.search("[\u0600-\u06ff]", label) for label in arabic), arabic


def test_the_log_says_each_action_in_words_and_an_unknown_one_as_stored(
    app: Flask, default_campaign: str
) -> None:
    _audit(app, default_campaign, "outbox.retry_dead", letters=3)
    with app.app_context(), write_transaction(db.session()):
        slug_id = campaign_id(app, default_campaign)
        audit(db.session(), None, "campaign.edit", utcnow(), slug_id)  # type: ignore[arg-type]
    html = _log(app, default_campaign)
    assert "<td>Undelivered letters tried again</td>" in html
    assert "outbox.retry_dead" not in html
    assert "<td>campaign.edit</td>" in html  # an action older code wrote, as it was stored


def test_an_office_in_the_log_is_named_as_its_letters_name_it(
    app: Flask, default_campaign: str
) -> None:
    """A packet delivered and letters tried again kept the office's key ("target:president"),
    which the page showed as it is; an office with no letter left keeps its key."""
    add_letters(app, default_campaign, [Letter("amal@example.org")])
    _audit(app, default_campaign, "packets.delivered", office=PRESIDENT.key, letters=1)
    _audit(app, default_campaign, "outbox.retry_dead", office="official:X000001", letters=2)
    html = _log(app, default_campaign)
    delivered = unescape(_cell(html, "packets.delivered"))
    assert PRESIDENT.name in delivered and PRESIDENT.key not in delivered, delivered
    assert "official:X000001" in unescape(_cell(html, "outbox.retry_dead"))
