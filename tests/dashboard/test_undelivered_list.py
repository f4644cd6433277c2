"""Letters that could not be delivered to one office: the channel map's entry for the office
links to the list of them (who wrote each and why it failed), and to no other letter."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path

from flask import Flask

from tests.dashboard.helpers import signed_in
from tests.dashboard.letters import Letter, Office, add_letters
from tests.supporter.campaign_files import write_campaign
from webapp.models import DeliveryStatus

CLERK = Office("target:clerk", "Town Clerk", DeliveryStatus.DEAD)
CLERK_SENT = Office("target:clerk", "Town Clerk", DeliveryStatus.SENT)
MAYOR = Office("target:mayor", "Mayor Amal Haddad", DeliveryStatus.DEAD)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>Which letters?: who wrote')


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_each_office_links_to_its_own_undelivered_letters(
    app: Flask, default_campaign: str, tmp_path: Path
) -> None:
    slug = default_campaign
    add_letters(
        app,
        slug,
        [
            Letter("rasha@example.org", first_name="Rasha", offices=(CLERK, MAYOR)),
            Letter("omar@example.org", first_name="Omar", offices=(CLERK,)),
            Letter("nour@example.org", first_name="Nour", offices=(CLERK_SENT,)),
            Letter(
                "amal@example.org",
                first_name="Amal",
                native_first_name="أمل",
                offices=(MAYOR,),
            ),
        ],
    )
    water = write_campaign(app, tmp_path, "water")
    add_letters(app, water, [Letter("lina@example.org", first_name="Lina", offices=(CLERK,))])
    admin = signed_in(app, "admin@example.org")

    page = admin.get(f"/dashboard/campaigns/{slug}/channels").text
    links = [unescape(href) for href in LINK.findall(page)]
    assert len(links) == 2, "one list per office the worker gave up on"
    by_office = {}
    for link in links:
        response = admin.get(link)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith("\ufeff".encode())
        rows = _rows(response.data)
        (office,) = {row["office_key"] for row in rows}
        assert {row["status_label"] for row in rows} == {"Could not be delivered"}
        by_office[office] = sorted(row["first_name"] for row in rows)
    # Nour's letter reached the clerk, Lina's is another campaign's: neither is listed.
    assert by_office == {"target:clerk": ["Omar", "Rasha"], "target:mayor": ["Amal", "Rasha"]}
    # Without the office, the export is every letter to every office, as it always was.
    everything = _rows(admin.get(f"/dashboard/campaigns/{slug}/deliveries.csv").data)
    assert sorted(row["first_name"] for row in everything) == [
        "Amal",
        "Nour",
        "Omar",
        "Rasha",
        "Rasha",
    ]
