"""A 120th-Congress roster derived from the shared 119th one, and a Census stub for both maps."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask

from tests.civic.data import MEMBERS_FILE
from tests.civic.geocoder import ADDRESS, DEARBORN, census_fixture
from tests.stubs import Reply, StubRequest, StubServer, json_reply

OFFICES_FILE = MEMBERS_FILE.with_name("legislators-district-offices.json")
# The last day of the 119th Congress and the first full day of the 120th.
JAN_2 = datetime(2027, 1, 2, 15, 0, tzinfo=UTC)
JAN_4 = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)
# Members who do not come back: MI-12's representative and a MI senator (class 2, up in 2026).
REPLACED = {"T000481": "Z120001", "P000595": "Z120002"}
# Oregon's map changes without being on the shipped list: OR-6 is gone, OR-4 and OR-5 swap.
OREGON_RENUMBERED = {"4": 5, "5": 4}
OREGON_DROPPED = "S001226"

Seat = tuple[str, str, int | None]


def _new_term(term: dict[str, Any]) -> dict[str, Any]:
    term = dict(term)
    if term["type"] == "rep":
        term["start"], term["end"] = "2027-01-03", "2029-01-03"
    elif term["end"] == "2027-01-03":
        term["start"], term["end"] = "2027-01-03", "2033-01-03"
    return term


@cache
def members_120() -> tuple[dict[str, Any], ...]:
    """The 119th members file turned into the 120th's: new terms, two new members, OR redrawn."""
    members = json.loads(MEMBERS_FILE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = []
    for member in members:
        bioguide = member["id"]["bioguide"]
        if bioguide == OREGON_DROPPED:
            continue
        member = copy.deepcopy(member)
        term = _new_term(member["terms"][-1])
        if term["type"] == "rep" and term["state"] == "OR":
            term["district"] = OREGON_RENUMBERED.get(str(term["district"]), term["district"])
        if bioguide in REPLACED:
            member["id"] = {"bioguide": REPLACED[bioguide]}
            member["name"] = {"first": "New", "last": f"Member {REPLACED[bioguide]}"}
        member["terms"] = [*member["terms"][:-1], term]
        result.append(member)
    return tuple(result)


def write_roster_120(directory: Path) -> Path:
    path = directory / "legislators-current.json"
    path.write_text(json.dumps(list(members_120())), encoding="utf-8")
    return path


def sync_roster_120(app: Flask, directory: Path) -> None:
    """`flask civic sync` from the derived 120th roster, as the daily sync would load it."""
    source = str(write_roster_120(directory))
    args = ["civic", "sync", "--from", source, "--offices-from", str(OFFICES_FILE)]
    result = app.test_cli_runner().invoke(args=[*args, "--snapshot-date", "2027-01-03"])
    assert result.exit_code == 0, result.output


@cache
def seats_120() -> dict[Seat, tuple[str, ...]]:
    seats: dict[Seat, list[str]] = defaultdict(list)
    for member in members_120():
        term = member["terms"][-1]
        district = None if term["type"] == "sen" else int(term["district"])
        chamber = "us_senate" if term["type"] == "sen" else "us_house"
        seats[(chamber, term["state"], district)].append(member["id"]["bioguide"])
    return {seat: tuple(sorted(ids)) for seat, ids in seats.items()}


def _as_120th(answer: Any) -> Any:
    """A 119th-maps answer re-keyed as the current vintage gives it: 120th layers, CD120."""
    geographies = answer["result"]["addressMatches"][0]["geographies"]
    records = geographies.pop("119th Congressional Districts")
    for record in records:
        record["CD120"] = record.pop("CD119")
        record["CDSESSN"] = "120"
    geographies["120th Congressional Districts"] = records
    for chamber in ("Upper", "Lower"):
        geographies[f"2026 State Legislative Districts - {chamber}"] = geographies.pop(
            f"2024 State Legislative Districts - {chamber}"
        )
    answer["result"]["input"]["vintage"]["vintageName"] = "Current_Current"
    return answer


def census_by_vintage(request: StubRequest) -> Reply:
    """Dearborn (MI-12) on the maps of the vintage asked for; any other address: a 503."""
    params = request.params
    if params.get("state") != "MI":
        return json_reply({"errors": ["unavailable"]}, status=503)
    answer = census_fixture(DEARBORN)
    if params.get("vintage") == "ACS2025_Current":
        return json_reply(answer)
    if params.get("vintage") == "Current_Current":
        return json_reply(_as_120th(answer))
    return json_reply({"errors": ["unknown vintage"]}, status=400)


@contextmanager
def census_stub() -> Iterator[StubServer]:
    """A Census geocoder stub answering Dearborn on the maps of the vintage asked for."""
    with StubServer() as server:
        server.route(ADDRESS, census_by_vintage)
        yield server
