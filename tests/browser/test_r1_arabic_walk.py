"""Review r1's walk of the Arabic organiser pages h3 mended, at 360 and 1280 px: the editor
refused with many of the file check's problems (and its live preview), the import page with a
bad file, and the audit log of an edit. Every message is read for English prose outside its
isolated values; screenshots go to tests/artifacts/r1-*.png (and to R1_SHOTS when set)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, campaign_id, create_account
from tests.dashboard.test_editor_problems_arabic import FILE_WORDS
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# Each message's text with its values left out: <bdi>, <code> and isolated runs are the
# organiser's own words or the file's, kept as typed.
MESSAGES = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const copy = el.cloneNode(true);
  copy.querySelectorAll('bdi, code, time, .audit-before, .audit-after').forEach(v => v.remove());
  return copy.textContent.replace(/\\u2068[^\\u2069]*\\u2069/g, ' ').replace(/\\s+/g, ' ').trim();
})"""
# The campaign's own values, as the organiser typed them into the form.
TYPED = frozenset({"Parents", "for", "Water", "Town", "Chapter", "Nobody", "Listed", "Why"})
BAD_FILE = (
    "---\nslug: Not A Slug\nstatus: open\nsubject: 'Hi {{ supporter.nickname }}'\n"
    "salutation: Dear friend,\ngoal: 0\ntopics: [Water]\n"
    "targets:\n  - kind: custom\n    email: nobody\n    post: sometimes\n"
    "  - kind: lookup\n    chambers: [house, moon]\n    audience: friends\n"
    "partners:\n  - code: 'bad code'\n    name: Bad\n"
    "allowed_origins: [ftp://x.org]\n---\nThe letter {{ }}.\n"
)


def _english(texts: list[str], allowed: frozenset[str] = FILE_WORDS) -> list[str]:
    found = []
    for text in texts:
        words = [
            w
            for w in re.findall(r"[A-Za-z][A-Za-z_]*", text)
            if w not in allowed and w not in TYPED
        ]
        if words:
            found.append(f"{words} in {text!r}")
    return found


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if notes := os.environ.get("R1_SHOTS"):
        page.screenshot(path=str(Path(notes) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("locale", ["ar"])
def test_the_arabic_editor_import_and_audit_pages_say_everything_in_arabic(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
    tmp_path: Path,
) -> None:
    page, width = screen_page, SCREENS[screen]["width"]
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    admin = create_account(app, ADMIN)
    with app.app_context(), write_transaction(db.session()):
        cid = campaign_id(app, default_campaign)
        before = [{"lookup": ["us_house"], "optional": False, "audience": "constituents"}]
        after = [{"lookup": ["us_house", "us_senate"], "optional": True, "audience": "everyone"}]
        edit = {"status": ["draft", "live"], "language": ["en", "fr"],
                "targets": [json.dumps(before), json.dumps(after)]}  # fmt: skip
        audit(db.session(), admin, AuditAction.CAMPAIGN_UPDATED, utcnow(), cid, **edit)
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    base = f"{live_server.url}/dashboard/campaigns"
    english: list[str] = []

    page.goto(f"{base}/{default_campaign}/edit")
    page.fill("[name=starts_at]", "2027-03-01T10:00")
    page.fill("[name=ends_at]", "2027-02-01T10:00")
    page.fill("[name=goal]", "99999999999")
    page.fill("[name=signatories]", "Parents for Water\nTown Chapter | Nobody Listed")
    page.fill("[name=prompts]", "[Bad Name]\nWhy?")
    page.fill("[name=body]", "The letter {{ }} and {% endif %}.")
    page.locator("form#campaign-form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    _shot(page, f"r1-editor-ar-{width}")
    messages = page.evaluate(
        MESSAGES, "main .error, main .error-summary li, main .preview-problems li"
    )
    assert len(messages) >= 6, messages
    english += [f"editor: {e}" for e in _english(messages)]

    bad = tmp_path / "bad.md"
    bad.write_text(BAD_FILE, encoding="utf-8")
    page.goto(f"{base}/import")
    page.set_input_files("[name=campaign_file]", str(bad))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    _shot(page, f"r1-import-ar-{width}")
    messages = page.evaluate(MESSAGES, "main .file-problems li")
    assert len(messages) >= 8, messages
    english += [f"import: {e}" for e in _english(messages)]

    page.goto(f"{base}/{default_campaign}/audit")
    _shot(page, f"r1-audit-ar-{width}")
    details = page.evaluate(
        MESSAGES.replace(", .audit-before, .audit-after", ""), "main .audit-details"
    )
    # An audit entry is no file: its values (a status, an audience, a chamber) are words there.
    english += [f"audit: {e}" for e in _english(details, frozenset({"UTC"}))]
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{scroll}px wide"
    assert english == [], "\n".join(english)
