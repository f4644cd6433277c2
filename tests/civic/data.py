"""Load the real members of Congress and the real ZIP table into a test app, through the CLI."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from functools import cache

from flask import Flask

from tests.civic.zip_copy import copied_zip_rows
from tests.conftest import SHARED

MEMBERS_FILE = SHARED / "data" / "congress-legislators" / "legislators-current.json"
ZIP_FILE = SHARED / "data" / "zip-districts" / "zccd.csv"
ROSTER_SNAPSHOT = "2026-06-15"
ZIP_SNAPSHOT = "2024-11-12"
# The snapshot's empty House seats (shared/data/congress-legislators/SOURCE.md).
VACANT_SEATS = frozenset({("CA", 14), ("FL", 20), ("GA", 13), ("TX", 23)})
# Territories with a delegate but no rows in the ZIP table, with a ZIP of each.
TERRITORY_ZIPS = {"GU": "96910", "VI": "00802", "AS": "96799", "MP": "96950"}


def load_roster(app: Flask) -> None:
    """`flask civic sync` from the shared members file (district offices beside it)."""
    args = ["civic", "sync", "--from", str(MEMBERS_FILE), "--snapshot-date", ROSTER_SNAPSHOT]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output


def load_zips(app: Flask) -> None:
    """`flask civic sync-zips` from the shared zccd.csv (on SQLite its rows are copied from a
    table the shipped insert stored once in this process: tests/civic/zip_copy.py)."""
    args = ["civic", "sync-zips", "--from", str(ZIP_FILE), "--snapshot-date", ZIP_SNAPSHOT]
    with copied_zip_rows():
        result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output


def load_civic_data(app: Flask) -> None:
    load_roster(app)
    load_zips(app)


@cache
def zip_table() -> dict[str, tuple[tuple[str, int], ...]]:
    """ZIP -> its (state, district) pairs in the table's order, read from the CSV itself."""
    table: dict[str, list[tuple[str, int]]] = defaultdict(list)
    with ZIP_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[row["zcta"]].append((row["state_abbr"], int(row["cd"])))
    return {zcta: tuple(pairs) for zcta, pairs in table.items()}


def single_district_zip(state: str, district: int) -> str:
    """The first ZIP lying wholly in one district (and one state)."""
    for zcta, pairs in sorted(zip_table().items()):
        if pairs == ((state, district),):
            return zcta
    raise LookupError(f"no ZIP lies wholly in {state}-{district}")


def split_zip(state: str, minimum: int = 2) -> tuple[str, tuple[int, ...]]:
    """The first ZIP spanning at least `minimum` districts of one state (and no other state)."""
    for zcta, pairs in sorted(zip_table().items()):
        states = {s for s, _ in pairs}
        if states == {state} and len(pairs) >= minimum:
            return zcta, tuple(d for _, d in pairs)
    raise LookupError(f"no ZIP spans {minimum} districts of {state}")


Seat = tuple[str, str, int | None]  # (chamber, state, district); senators have no district


@cache
def roster_seats() -> dict[Seat, tuple[str, ...]]:
    """Seat -> bioguide ids of its members, read from the members file itself."""
    members = json.loads(MEMBERS_FILE.read_text(encoding="utf-8"))
    seats: dict[Seat, list[str]] = defaultdict(list)
    for member in members:
        term = member["terms"][-1]
        if term["type"] == "sen":
            seat: Seat = ("us_senate", term["state"], None)
        else:
            seat = ("us_house", term["state"], int(term["district"]))
        seats[seat].append(member["id"]["bioguide"])
    return {seat: tuple(sorted(ids)) for seat, ids in seats.items()}


def house_member(state: str, district: int) -> str:
    """The bioguide id of the one member for a House seat."""
    (bioguide,) = roster_seats()[("us_house", state, district)]
    return bioguide


def senators(state: str) -> tuple[str, ...]:
    return roster_seats()[("us_senate", state, None)]


@cache
def member_facts() -> dict[str, tuple[str, str]]:
    """Bioguide id -> (official full name, party of the current term)."""
    members = json.loads(MEMBERS_FILE.read_text(encoding="utf-8"))
    facts: dict[str, tuple[str, str]] = {}
    for member in members:
        name = member["name"]
        # Newly sworn-in members have no official_full yet: first and last name then.
        full = name.get("official_full") or f"{name['first']} {name['last']}"
        facts[member["id"]["bioguide"]] = (full, member["terms"][-1]["party"])
    return facts
