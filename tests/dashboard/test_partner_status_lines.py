"""A partner account's home page shows no operators' warnings about civic data it cannot act
on; the coalition's operators still get each, with its command or setting."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from webapp.civic.index import ROSTER_DATASET
from webapp.database import db, utcnow
from webapp.models import CivicDataset, Role

SYNC_ERROR = "roster source answered 503"


def _home(app: Flask, email: str, **account: object) -> str:
    page = signed_in(app, email, **account).get("/dashboard/")  # type: ignore[arg-type]
    assert page.status_code == 200
    return page.text[page.text.index("<main") :]


def _roster_failed_last(app: Flask) -> None:
    with app.app_context():
        now = utcnow()
        db.session.add(
            CivicDataset(
                name=ROSTER_DATASET,
                snapshot_date="2026-11-30",
                synced_at=now,
                record_count=535,
                last_attempt_at=now,
                last_error=SYNC_ERROR,
            )
        )
        db.session.commit()


def test_partners_see_no_warning_about_civic_data_they_cannot_act_on(
    app: Flask, default_campaign: str
) -> None:
    """No roster loaded and no Open States key (the suite's default): only operators load the
    roster or set the key, so a partner's home names neither, its campaign still listed."""
    add_partner(app, default_campaign, "sama", "Action For Sama")
    main = _home(app, "p@sama.example.org", role=Role.PARTNER, partner="sama")
    for operators in ("Members of Congress", "State legislators", "flask ", "OPENSTATES"):
        assert operators not in main
    assert 'class="flash flash-error"' not in main
    assert f"/dashboard/campaigns/{default_campaign}" in main


def test_nor_the_rosters_last_failed_sync(app: Flask, default_campaign: str) -> None:
    _roster_failed_last(app)
    add_partner(app, default_campaign, "sama", "Action For Sama")
    main = _home(app, "p@sama.example.org", role=Role.PARTNER, partner="sama")
    assert SYNC_ERROR not in main and "Members of Congress" not in main
    admin = _home(app, ADMIN)
    assert "Members of Congress: <bdi>535</bdi>" in admin and SYNC_ERROR in admin


def test_admins_still_get_the_command_and_the_setting(app: Flask, default_campaign: str) -> None:
    main = _home(app, ADMIN)
    assert "Run <bdi><code>flask civic sync</code></bdi>." in main
    assert '<code dir="ltr">OPENSTATES_API_KEY</code>' in main
    assert re.search(r'class="flash flash-error"[^>]*>Members of Congress are not loaded', main)
