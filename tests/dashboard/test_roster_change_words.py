"""Roster changes on a campaign's page, worded from their data in the page's language: the
line the sync stored is English ("vacant: WA (US Senate)"), and read so on Arabic pages."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path

from flask import Flask

from tests.civic.test_roster_sync import MEMBERS, modified_roster, sync
from tests.dashboard.helpers import ADMIN, OrganiserClient, campaign_id, signed_in
from webapp.civic.index import ROSTER_DATASET
from webapp.database import db, utcnow, write_transaction
from webapp.models import RosterChange

MOVED_EN = (
    "Changed seat: <bdi>Lateefah Simon</bdi>, from <bdi>California</bdi>, "
    "district\N{NO-BREAK SPACE}12 (US House) to <bdi>California</bdi>, "
    "district\N{NO-BREAK SPACE}14 (US House)"
)


def _roster_changes(client: OrganiserClient, slug: str) -> str:
    """The campaign page's officials-data panel, from its heading on."""
    page = client.get(f"/dashboard/campaigns/{slug}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    return text[text.index('id="roster-heading"') :]


def test_a_campaigns_roster_changes_read_in_the_pages_language(
    app: Flask, default_campaign: str, tmp_path: Path
) -> None:
    assert sync(app, MEMBERS).exit_code == 0
    assert sync(app, modified_roster(tmp_path), "2026-07-01").exit_code == 0
    admin = signed_in(app, ADMIN)
    english = _roster_changes(admin, default_campaign)
    for sentence in (
        "Vacant: <bdi>Washington</bdi> (US Senate)",
        "Vacant: <bdi>California</bdi>, district\N{NO-BREAK SPACE}12 (US House)",
        "Arrived: <bdi>Jane Doe</bdi>, <bdi>Florida</bdi>, district\N{NO-BREAK SPACE}20 (US House)",
        "Left office: <bdi>Maria Cantwell</bdi>, <bdi>Washington</bdi> (US Senate)",
        MOVED_EN,
    ):
        assert sentence in english, sentence
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = _roster_changes(admin, default_campaign)
    for sentence in (
        "شاغر: <bdi>ولاية واشنطن</bdi> (مجلس الشيوخ)",
        "شاغر: <bdi>كاليفورنيا</bdi>، الدائرة\N{NO-BREAK SPACE}12 (مجلس النواب)",
        "وصل: <bdi>Jane Doe</bdi>، <bdi>فلوريدا</bdi>، الدائرة\N{NO-BREAK SPACE}20 (مجلس النواب)",
        "غادر منصبه: <bdi>Maria Cantwell</bdi>، <bdi>ولاية واشنطن</bdi> (مجلس الشيوخ)",
        "انتقل إلى مقعد آخر: <bdi>Lateefah Simon</bdi>، من <bdi>كاليفورنيا</bdi>، "
        "الدائرة\N{NO-BREAK SPACE}12 (مجلس النواب) إلى <bdi>كاليفورنيا</bdi>، "
        "الدائرة\N{NO-BREAK SPACE}14 (مجلس النواب)",
    ):
        assert sentence in arabic, sentence
    for english_line in ("vacant:", "added:", "removed:", "seat changed:", "US House", "US Senate"):
        assert english_line not in arabic, english_line


def test_rows_stored_before_the_previous_seat_was_kept_still_read(
    app: Flask, default_campaign: str
) -> None:
    """A seat change stored without its old seat says where the member sits now; a kind this
    code does not know shows the line the sync wrote, isolated."""
    cid = campaign_id(app, default_campaign)
    with app.app_context(), write_transaction(db.session()):
        for kind, detail in (
            ("seat_changed", "seat changed: Ann Roe (somewhere -> US House, OH-3)"),
            ("redistricted", "redistricted: OH-3 (US House)"),
        ):
            db.session.add(
                RosterChange(
                    dataset=ROSTER_DATASET,
                    kind=kind,
                    chamber="us_house",
                    state="OH",
                    district="3",
                    name="Ann Roe" if kind == "seat_changed" else None,
                    detail=detail,
                    campaign_ids=[cid],
                    detected_at=utcnow() - timedelta(days=1),
                )
            )
    admin = signed_in(app, ADMIN)
    english = _roster_changes(admin, default_campaign)
    assert (
        "Changed seat: <bdi>Ann Roe</bdi>, now <bdi>Ohio</bdi>, "
        "district\N{NO-BREAK SPACE}3 (US House)" in english
    )
    assert "<bdi>redistricted: OH-3 (US House)</bdi>" in english
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = _roster_changes(admin, default_campaign)
    assert (
        "انتقل إلى مقعد آخر: <bdi>Ann Roe</bdi>، ومقعده الآن <bdi>أوهايو</bdi>، "
        "الدائرة\N{NO-BREAK SPACE}3 (مجلس النواب)"
    ) in arabic
