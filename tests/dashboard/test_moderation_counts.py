"""Releasing or declining a held letter moves it in the campaign page's deliveries by status at
once, as trying undelivered letters again does: not a minute later, when the worker recounts."""

from __future__ import annotations

import re
from html import unescape

from flask import Flask

from tests.dashboard.helpers import OrganiserClient, page_token, signed_in
from tests.dashboard.letters import Letter, add_letters
from webapp.models import SubmissionStatus

ROW = re.compile(r'<tr><td>([^<]+)</td><td class="num">([\d,]+)</td></tr>')
QUEUED = "Queued: waiting to be sent"
HELD = "Held or waiting for its writer's confirmation"
# The letters' office takes a web-form hand-off: a released letter waits for its writer's paste.
HANDOFF = "Waiting for the supporter (the office's own web form)"
NOT_SENT = "Not sent: never confirmed, or cancelled by the organisers"


def _by_status(admin: OrganiserClient, slug: str) -> dict[str, int]:
    page = admin.get(f"/dashboard/campaigns/{slug}").text
    section = page.split('id="deliveries-heading"', 1)[1].split("</table>", 1)[0]
    return {unescape(name): int(n.replace(",", "")) for name, n in ROW.findall(section)}


def test_a_released_and_a_declined_letter_move_in_the_counts_at_once(
    app: Flask, default_campaign: str
) -> None:
    slug = default_campaign
    held = Letter(
        "held@example.org",
        status=SubmissionStatus.UNCONFIRMED,
        held=True,
        risk_reasons=("disposable email domain",),
    )
    released, declined, _waits, _sent = add_letters(
        app,
        slug,
        [
            held,
            Letter("held2@example.org", status=held.status, held=True, risk_reasons=("x",)),
            Letter("held3@example.org", status=held.status, held=True, risk_reasons=("x",)),
            Letter("confirmed@example.org"),
        ],
    )
    admin = signed_in(app, "admin@example.org")
    assert _by_status(admin, slug) == {QUEUED: 1, HELD: 3}

    token = page_token(admin, f"/dashboard/campaigns/{slug}")
    base = f"/dashboard/campaigns/{slug}/submissions"
    form = {"csrf_token": token, "action": "release"}
    assert admin.post(f"{base}/{released}/release", data=form).status_code == 302
    assert _by_status(admin, slug) == {QUEUED: 1, HANDOFF: 1, HELD: 2}
    form = {"csrf_token": token, "action": "decline"}
    assert admin.post(f"{base}/{declined}/decline", data=form).status_code == 302
    # A declined letter will never go.
    assert _by_status(admin, slug) == {QUEUED: 1, HANDOFF: 1, HELD: 1, NOT_SENT: 1}
