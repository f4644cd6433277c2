"""Parsing the congress-legislators snapshot (JSON and YAML) into typed member records."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from webapp.civic.legislators import (
    LegislatorRecord,
    parse_district_offices,
    parse_legislators,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "congress-legislators"
MEMBERS_JSON = DATA / "legislators-current.json"
MEMBERS_YAML = DATA / "legislators-current.yaml"


@pytest.fixture(scope="module")
def members() -> list[LegislatorRecord]:
    return parse_legislators(MEMBERS_JSON.read_bytes(), MEMBERS_JSON.name)


def by_id(records: list[LegislatorRecord]) -> dict[str, LegislatorRecord]:
    return {r.bioguide: r for r in records}


def test_json_and_yaml_give_the_same_records(members: list[LegislatorRecord]) -> None:
    from_yaml = parse_legislators(MEMBERS_YAML.read_bytes(), MEMBERS_YAML.name)
    assert from_yaml == members


def test_snapshot_has_537_members_100_senators_and_437_house_members(
    members: list[LegislatorRecord],
) -> None:
    chambers = Counter(r.chamber for r in members)
    assert len(members) == 537
    assert chambers == {"us_senate": 100, "us_house": 437}
    assert len({r.bioguide for r in members}) == 537
    senators_per_state = Counter(r.state for r in members if r.chamber == "us_senate")
    assert len(senators_per_state) == 50
    assert set(senators_per_state.values()) == {2}


def test_six_non_voting_house_members_have_their_titles(members: list[LegislatorRecord]) -> None:
    non_voting = {r.state: r for r in members if r.non_voting}
    assert sorted(non_voting) == ["AS", "DC", "GU", "MP", "PR", "VI"]
    assert all(r.chamber == "us_house" and r.district == "0" for r in non_voting.values())
    assert non_voting["PR"].title == "Resident Commissioner"
    for state in ("AS", "DC", "GU", "MP", "VI"):
        assert non_voting[state].title == "Delegate"
    voting_house = [r for r in members if r.chamber == "us_house" and not r.non_voting]
    assert len(voting_house) == 431
    assert {r.title for r in voting_house} == {"Representative"}
    assert {r.title for r in members if r.chamber == "us_senate"} == {"Senator"}


def test_districts_are_strings_for_the_house_and_none_for_senators(
    members: list[LegislatorRecord],
) -> None:
    house = [r for r in members if r.chamber == "us_house"]
    assert all(isinstance(r.district, str) and r.district.isdigit() for r in house)
    assert all(r.district is None for r in members if r.chamber == "us_senate")
    at_large = {r.state for r in house if r.district == "0"}
    assert {"AK", "DE", "ND", "SD", "VT", "WY", "DC", "PR"} <= at_large


def test_members_without_official_full_get_first_and_last_name(
    members: list[LegislatorRecord],
) -> None:
    raw = json.loads(MEMBERS_JSON.read_bytes())
    lacking = [m["id"]["bioguide"] for m in raw if "official_full" not in m["name"]]
    assert len(lacking) == 2
    records = by_id(members)
    names = sorted(records[b].full_name for b in lacking)
    assert names == ["Analilia Mejia", "James Gallagher"]
    assert all(r.full_name for r in members)


def test_current_term_fields_are_taken_from_the_last_term(
    members: list[LegislatorRecord],
) -> None:
    cantwell = next(r for r in members if r.last_name == "Cantwell")
    assert cantwell.chamber == "us_senate"
    assert cantwell.state == "WA"
    assert cantwell.senate_class == 1
    assert cantwell.state_rank == "junior"
    assert cantwell.party == "Democrat"
    assert cantwell.contact_form == "https://www.cantwell.senate.gov/public/index.cfm/email-maria"
    assert cantwell.phone == "202-224-3441"
    assert cantwell.address == "511 Hart Senate Office Building Washington DC 20510"
    assert cantwell.office == "511 Hart Senate Office Building"
    assert (cantwell.term_start, cantwell.term_end) == ("2025-01-03", "2031-01-03")
    # 89 in the file; F000484's is mistyped "hhttps://…", no web address, so it is dropped and
    # letters to him link his website instead of a page no browser can open.
    assert sum(1 for r in members if r.contact_form) == 88
    fine = by_id(members)["F000484"]
    assert fine.contact_form is None and (fine.url or "").startswith("https://")


def test_district_offices_parse_from_json_and_yaml_alike() -> None:
    json_file = DATA / "legislators-district-offices.json"
    yaml_file = DATA / "legislators-district-offices.yaml"
    offices = parse_district_offices(json_file.read_bytes(), json_file.name)
    assert offices == parse_district_offices(yaml_file.read_bytes(), yaml_file.name)
    assert len(offices) == 536
    assert sum(len(v) for v in offices.values()) == 1312
    cullman = offices["A000055"][0]
    assert cullman == {
        "address": "205 4th Ave. NE",
        "suite": "Suite 104",
        "building": None,
        "city": "Cullman",
        "state": "AL",
        "zip": "35055",
        "phone": "256-734-6043",
        "fax": "202-225-5587",
    }
    # A few suites are numbers in the source; they are kept as text.
    suites = [o["suite"] for v in offices.values() for o in v if o["suite"] is not None]
    assert all(isinstance(s, str) for s in suites)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<html>Not Found</html>", "expected a list of members"),
        (b"{not json", "not valid JSON"),
        (b"[]", "empty"),
        (b'[{"id": {}, "name": {"first": "A", "last": "B"}, "terms": []}]', "'bioguide'"),
        (
            b'[{"id": {"bioguide": "X1"}, "name": {"first": "A", "last": "B"},'
            b' "terms": [{"type": "rep", "state": "ZZ", "district": 1}]}]',
            "unknown state 'ZZ'",
        ),
        (
            b'[{"id": {"bioguide": "X1"}, "name": {"first": "A", "last": "B"},'
            b' "terms": [{"type": "rep", "state": "CA"}]}]',
            "member X1: House term without a district",
        ),
        (
            b'[{"id": {"bioguide": "X1"}, "name": {"first": "A", "last": "B"},'
            b' "terms": [{"type": "gov", "state": "CA"}]}]',
            "unknown term type 'gov'",
        ),
    ],
)
def test_garbage_is_rejected_with_a_clear_message(payload: bytes, message: str) -> None:
    hint = "legislators-current.json" if payload.startswith((b"[", b"{")) else "x.yaml"
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_legislators(payload, hint)


def test_a_member_listed_twice_is_rejected() -> None:
    one = {
        "id": {"bioguide": "X1"},
        "name": {"first": "A", "last": "B"},
        "terms": [{"type": "sen", "state": "CA", "class": 1}],
    }
    with pytest.raises(ValueError, match="X1 appears twice"):
        parse_legislators(json.dumps([one, one]).encode(), "members.json")


def test_format_is_sniffed_when_the_name_has_no_extension(
    members: list[LegislatorRecord],
) -> None:
    assert parse_legislators(MEMBERS_JSON.read_bytes(), "https://example.org/members") == members


@pytest.mark.parametrize(
    ("url", "form", "kept"),
    [
        ("https://slotkin.senate.gov", "https://slotkin.senate.gov/contact", True),
        ("HTTP://example.house.gov", "http://example.house.gov/contact", True),
        ("javascript:alert(1)", "data:text/html,<b>x</b>", False),
        ("www.example.house.gov", "//example.house.gov/contact", False),
    ],
)
def test_a_members_pages_are_kept_only_as_web_addresses(url: str, form: str, kept: bool) -> None:
    """Receipts link to these pages and a sync copies them onto waiting letters: a roster
    carrying another kind of link gives the member no page (a hand-off then has none), and the
    rest of the member's record still loads."""
    record = json.loads(MEMBERS_JSON.read_bytes())[0]
    record["terms"][-1].update(url=url, contact_form=form)
    (member,) = parse_legislators(json.dumps([record]).encode(), "legislators-current.json")
    assert (member.url, member.contact_form) == ((url, form) if kept else (None, None))
    assert member.full_name and member.state
