"""Offices' and members' names in the dashboard's tables are isolated (<bdi>), as the channel
map's and the packets' are: in an Arabic table cell "Angus S. King, Jr." read ".Angus S. King,
Jr" (its full stop at the start), as a screenshot of the offices page showed at 360 px."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.civic.data import load_civic_data
from tests.civic.test_roster_sync import MEMBERS, modified_roster, sync
from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters

# A row's first cell holding words in Latin letters (a name; seat codes like "VT-12" have no
# small letters), not an isolate: a name left bare.
BARE_NAME = re.compile(r"<tr><td>(?!<bdi>)([^<]*[a-z][^<]*)</td>")


def test_office_names_are_isolated_on_the_offices_and_campaign_pages(
    app: Flask, default_campaign: str
) -> None:
    load_civic_data(app)
    add_letters(app, default_campaign, [Letter("vt@example.org", state="VT")])
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    admin = signed_in(app, ADMIN)
    # Every office (the page lists those with letters unless asked): King has none.
    offices = admin.get(f"/dashboard/campaigns/{default_campaign}/offices?show=all").text
    assert "<bdi>Angus S. King, Jr.</bdi>" in offices
    assert BARE_NAME.findall(offices) == []
    campaign = admin.get(f"/dashboard/campaigns/{default_campaign}").text
    assert BARE_NAME.findall(campaign) == []


def test_member_names_in_the_last_syncs_changes_are_isolated(
    app: Flask, default_campaign: str, tmp_path: Path
) -> None:
    assert sync(app, MEMBERS).exit_code == 0
    assert sync(app, modified_roster(tmp_path), "2026-07-01").exit_code == 0
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = signed_in(app, ADMIN).get("/dashboard/").text
    panel = page[page.index('id="civic-status"') :]
    assert "<td><bdi>Maria Cantwell</bdi></td>" in panel
    assert "<td><bdi>Lateefah Simon</bdi></td>" in panel
    assert re.findall(r"</td><td>(?!<bdi>)([^<]*[A-Za-z][^<]*)</td>", panel) == []
