"""The supporter's officials: address -> members -> preview -> send, with a stub Census geocoder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.civic.data import (
    house_member,
    load_civic_data,
    load_zips,
    member_facts,
    senators,
    single_district_zip,
    zip_table,
)
from tests.civic.geocoder import (
    ADDRESS,
    DEARBORN,
    address_search,
    census_fixture,
    stub_settings,
    upstream_hangs,
)
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, Submission
from webapp.models.statuses import LookupMatch

PRESIDENT = "The President of the United States"
SPLIT_MESSAGE = "Your ZIP code is split between congressional districts."


@pytest.fixture
def census() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def app_config(
    app_config: dict[str, Any], census: StubServer, request: pytest.FixtureRequest
) -> dict[str, Any]:
    return {**app_config, **stub_settings(census, upstream_hangs(request))}


@pytest.fixture
def loaded(app: Flask, default_campaign: str) -> str:
    load_civic_data(app)
    return default_campaign


def key(bioguide: str) -> str:
    return f"official:{bioguide}"


def ticked_boxes(html: str) -> set[str]:
    """Values of the `recipients` checkboxes on a page, asserting that every one is ticked."""
    inputs = re.findall(r'<input type="checkbox" name="recipients"[^>]*>', html)
    values = {re.sub(r'.*value="([^"]+)".*', r"\1", tag): " checked" in tag for tag in inputs}
    assert all(values.values()), f"unticked boxes: {values}"
    return set(values)


def assert_lists(html: str, bioguide: str, place: str) -> None:
    """The recipient list has an entry naming the member with their party and seat."""
    name, party = member_facts()[bioguide]
    entries = re.split(r'<li class="office[^"]*"', html)[1:]
    (entry,) = [e for e in entries if f"<strong><bdi>{escape(name)}</bdi></strong>" in e] or [""]
    details = re.escape(f"{party} · {place}")
    assert re.search(rf'<p class="hint">{details}( · |</p>)', unisolated(entry)), (name, entries)


def unisolated(html: str) -> str:
    """The page without its <bdi> tags: names and state names are isolated (so they keep their
    place in an Arabic sentence), and these checks read the words around them."""
    return re.sub(r"</?bdi>", "", html)


def deliveries(app: Flask) -> list[Delivery]:
    with app.app_context():
        return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def submission(app: Flask) -> Submission:
    with app.app_context():
        (found,) = db.session.scalars(select(Submission)).all()
        return found


def test_single_district_zip_needs_no_street_and_lists_each_official_as_a_ticked_box(
    client: FlaskClient, loaded: str
) -> None:
    zip_code = single_district_zip("MI", 12)

    page = post_letter(client, loaded, "preview", street=None, city="Southfield", zip_code=zip_code)

    assert page.status_code == 200, page.text
    assert PRESIDENT in page.text
    assert_lists(page.text, house_member("MI", 12), "Michigan, district\N{NO-BREAK SPACE}12")
    for senator in senators("MI"):
        assert_lists(page.text, senator, "Michigan")
    officials = {key(b) for b in [house_member("MI", 12), *senators("MI")]}
    assert ticked_boxes(page.text) == officials  # the President is not optional
    assert 'id="street-error"' not in page.text and SPLIT_MESSAGE not in page.text


def test_sending_with_a_senator_unticked_delivers_to_the_president_and_the_kept_officials(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    zip_code = single_district_zip("MI", 12)
    dropped, kept_senator = senators("MI")
    kept = [key(kept_senator), key(house_member("MI", 12))]

    response = post_letter(
        client,
        loaded,
        street=None,
        city="Southfield",
        zip_code=zip_code,
        recipients_chosen="1",
        recipients=kept,
    )

    assert response.status_code == 303, response.text
    sent = deliveries(app)
    assert [d.recipient_name for d in sent if d.recipient_key.startswith("target:")] == [PRESIDENT]
    assert sorted(
        d.recipient_key for d in sent if d.recipient_key.startswith("official:")
    ) == sorted(kept)
    assert key(dropped) not in {d.recipient_key for d in sent}
    recorded = submission(app)
    assert (recorded.lookup_provider, recorded.lookup_match) == ("zip-table", LookupMatch.ZIP)
    assert recorded.districts == {"state": "MI", "cd": 12}
    assert (recorded.dataset_date, recorded.congress) == ("2026-06-15", 119)


def test_split_zip_asks_for_the_street_address_and_then_uses_it(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    assert {d for _, d in zip_table()["48126"]} == {12, 13}
    census.reply_json(ADDRESS, census_fixture(DEARBORN))

    asked = post_letter(client, loaded, "preview", street=None)
    asked_again = post_letter(client, loaded, "preview", street="")

    assert asked.status_code == 422 and asked_again.status_code == 422
    error = re.search(r'<p class="error" id="street-error">([^<]*)</p>', asked.text)
    assert error and SPLIT_MESSAGE in error.group(1) and "street address" in error.group(1)
    street_input = re.search(r'<input[^>]*name="street"[^>]*>', asked.text)
    assert street_input and 'aria-invalid="true"' in street_input.group(0)
    assert census.count() == 0

    preview = post_letter(client, loaded, "preview", street="16901 Michigan Ave")
    assert preview.status_code == 200, preview.text
    assert_lists(preview.text, house_member("MI", 12), "Michigan, district\N{NO-BREAK SPACE}12")
    assert str(escape(member_facts()[house_member("MI", 13)][0])) not in preview.text
    assert "from your street address" in preview.text

    assert post_letter(client, loaded, street="16901 Michigan Ave").status_code == 303
    recorded = submission(app)
    assert (recorded.lookup_provider, recorded.lookup_match) == ("census", LookupMatch.EXACT)
    assert recorded.districts == {"state": "MI", "cd": 12, "sldu": "3", "sldl": "4"}
    assert (recorded.dataset_date, recorded.congress) == ("2026-06-15", 119)
    assert census.count(ADDRESS) == 1  # the send reused the cached answer


def test_a_zip_plus_4_places_the_street_and_the_letter_keeps_it_as_typed(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    """Typed 48126-1234 in a split ZIP: the address service, asked with the five digits it
    takes, places the street in MI-12; the letter is signed with the ZIP+4."""
    census.route(ADDRESS, address_search(census_fixture(DEARBORN)))
    letter = {"street": "16901 Michigan Ave", "zip_code": "48126-1234"}

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert_lists(preview.text, house_member("MI", 12), "Michigan, district\N{NO-BREAK SPACE}12")
    assert "from your street address" in preview.text
    assert census.last(ADDRESS).params["zip"] == "48126"
    assert post_letter(client, loaded, **letter).status_code == 303
    recorded = submission(app)
    assert (recorded.lookup_provider, recorded.lookup_match) == ("census", LookupMatch.EXACT)
    assert recorded.districts == {"state": "MI", "cd": 12, "sldu": "3", "sldl": "4"}
    with app.app_context():
        assert db.session.get(Submission, recorded.id).zip_code == "48126-1234"


@pytest.mark.parametrize(
    "trouble",
    [
        pytest.param("timeout", marks=pytest.mark.upstream_hangs),
        "http-500",
        "malformed-json",
        "no-match",
    ],
)
def test_geocoder_trouble_falls_back_to_the_zip_from_preview_to_submission(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer, trouble: str
) -> None:
    if trouble == "timeout":
        census.reply_slowly(ADDRESS, 5.0)
    elif trouble == "http-500":
        census.reply(ADDRESS, 500, b"<html>upstream trouble</html>")
    elif trouble == "malformed-json":
        census.reply_malformed_json(ADDRESS)
    else:
        census.reply_json(ADDRESS, census_fixture("address-no-match.json"))
    letter = {
        "street": "1 Main St",
        "city": "Southfield",
        "zip_code": single_district_zip("MI", 12),
    }
    expected_note = "could not find that street" if trouble == "no-match" else "did not answer"

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert expected_note in preview.text and "matched from your ZIP code" in preview.text
    assert_lists(preview.text, house_member("MI", 12), "Michigan, district\N{NO-BREAK SPACE}12")
    assert post_letter(client, loaded, **letter).status_code == 303
    recorded = submission(app)
    assert (recorded.lookup_provider, recorded.lookup_match) == ("zip-table", LookupMatch.ZIP)
    assert recorded.districts == {"state": "MI", "cd": 12}
    assert key(house_member("MI", 12)) in {d.recipient_key for d in deliveries(app)}
    assert census.received(ADDRESS) >= 1


def test_geocoder_outage_in_a_split_zip_offers_the_districts_and_records_the_choice(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    census.reply(ADDRESS, 503)

    asked = post_letter(client, loaded, "preview")

    assert asked.status_code == 422
    for district in (12, 13):
        name = str(escape(member_facts()[house_member("MI", district)][0]))
        assert f'name="district" id="district-{district}" value="{district}"' in asked.text
        label = rf"Michigan, district\u00a0{district}: {re.escape(name)}</label>"
        assert re.search(label, unisolated(asked.text))
    assert 'id="district-error"' in asked.text
    # The street is right: the error says the service failed, not "check your street".
    assert (
        "The address service did not answer, so we could not find your district from your "
        "street address." in asked.text
    )
    assert "check your street address" not in asked.text
    # Nor that it matched the officials by ZIP code: it asks which district (u1's walk).
    assert "matched you to your officials by ZIP code" not in asked.text
    finder = re.search(
        r'<a href="https://www.house.gov/representatives/[^>]*>(.*?)</a>', asked.text
    )
    assert finder and "(opens in a new tab)" in finder.group(1)

    preview = post_letter(client, loaded, "preview", district="13")
    assert preview.status_code == 200, preview.text
    assert_lists(preview.text, house_member("MI", 13), "Michigan, district\N{NO-BREAK SPACE}13")
    assert "Representative for the district you chose." in preview.text

    assert post_letter(client, loaded, district="13").status_code == 303
    recorded = submission(app)
    assert (recorded.lookup_provider, recorded.lookup_match) == ("zip-table", LookupMatch.CHOSEN)
    assert recorded.districts["cd"] == 13
    keys = {d.recipient_key for d in deliveries(app)}
    assert key(house_member("MI", 13)) in keys and key(house_member("MI", 12)) not in keys


def test_a_street_the_service_cannot_find_in_a_split_zip_says_so_beside_the_districts(
    client: FlaskClient, loaded: str, census: StubServer
) -> None:
    census.reply_json(ADDRESS, census_fixture("address-no-match.json"))
    asked = post_letter(client, loaded, "preview")
    assert asked.status_code == 422
    error = re.search(r'<p class="error" id="district-error">([^<]*)</p>', asked.text)
    assert error is not None
    assert error.group(1) == (
        "We could not find that street address. Check it for typos, or choose your district below."
    )


def test_the_district_chosen_is_kept_through_change_something(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    """Before, "Change something" dropped the district chosen on the step before: the next
    preview asked for it again, as an error."""
    census.reply(ADDRESS, 503)
    assert post_letter(client, loaded, "preview", district="13").status_code == 200
    edit = post_letter(client, loaded, "edit", district="13")
    assert edit.status_code == 200
    assert '<input type="hidden" name="district" value="13">' in edit.text
    again = post_letter(client, loaded, "preview", district="13")
    assert again.status_code == 200 and 'id="district-error"' not in again.text
    assert_lists(again.text, house_member("MI", 13), "Michigan, district\N{NO-BREAK SPACE}13")


def test_a_representative_found_after_the_live_list_showed_is_not_taken_as_unticked(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    """The walk-through's Samir: in a split ZIP the list shown as he typed had the senators
    only (tick boxes posted with them); his district, chosen on the preview, adds a
    Representative whose box he never saw. Before, the letter left without that office."""
    census.reply(ADDRESS, 503)
    both = [key(s) for s in senators("MI")]
    live_list = {"recipients_chosen": "1", "recipients": both, "recipients_shown": both}

    asked = post_letter(client, loaded, "preview", **live_list)
    assert asked.status_code == 422 and 'id="district-error"' in asked.text
    kept = re.findall(r'name="recipients_shown" value="([^"]+)" data-kept-choice', asked.text)
    assert sorted(kept) == sorted(both)  # what he saw travels with the form

    representative = key(house_member("MI", 13))
    preview = post_letter(client, loaded, "preview", district="13", **live_list)
    assert preview.status_code == 200, preview.text
    assert representative in ticked_boxes(preview.text)
    assert "not writing to this office" not in preview.text
    assert post_letter(client, loaded, district="13", **live_list).status_code == 303
    assert representative in {d.recipient_key for d in deliveries(app)}


def test_a_page_that_showed_no_boxes_leaves_every_office_found_later_ticked(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    """A preview with no optional box still says which it showed (none): the offices found
    after it, once the address is complete, go out. A page from before that field did not
    say, and keeps its old meaning: the optional offices not ticked stay out."""
    zip_code = single_district_zip("MI", 12)
    letter = {"street": None, "city": "Southfield", "zip_code": zip_code}
    said_none = {"recipients_chosen": "1", "recipients_shown": ""}
    preview = post_letter(client, loaded, "preview", **letter)
    assert '<input type="hidden" name="recipients_shown" value="">' in preview.text  # the saying
    assert post_letter(client, loaded, **letter, **said_none).status_code == 303
    officials = {key(b) for b in [house_member("MI", 12), *senators("MI")]}
    assert officials <= {d.recipient_key for d in deliveries(app)}

    old_page = app.test_client()
    response = post_letter(
        old_page,
        loaded,
        **letter,
        email="old@example.org",
        **{
            "recipients_chosen": "1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        mine = db.session.scalars(
            select(Delivery.recipient_key)
            .join(Submission, Submission.id == Delivery.submission_id)
            .where(Submission.receipt_token == response.headers["Location"].rsplit("/", 1)[-1])
        ).all()
    assert not officials & set(mine)


def test_an_office_whose_box_was_shown_and_left_unticked_stays_out(
    app: Flask, client: FlaskClient, loaded: str, census: StubServer
) -> None:
    census.reply(ADDRESS, 503)
    shown = [key(s) for s in senators("MI")] + [key(house_member("MI", 13))]
    dropped = key(senators("MI")[0])
    choice = {
        "recipients_chosen": "1",
        "recipients": [k for k in shown if k != dropped],
        "recipients_shown": shown,
    }
    preview = post_letter(client, loaded, "preview", district="13", **choice)
    assert f'value="{dropped}" id="unticked-1">' in preview.text
    assert post_letter(client, loaded, district="13", **choice).status_code == 303
    keys = {d.recipient_key for d in deliveries(app)}
    assert dropped not in keys and key(house_member("MI", 13)) in keys


def test_vacant_seat_is_shown_as_currently_vacant_and_gets_no_delivery(
    app: Flask, client: FlaskClient, loaded: str
) -> None:
    zip_code = single_district_zip("CA", 14)
    letter: dict[str, Any] = {
        "street": None,
        "city": "Hayward",
        "state": "CA",
        "zip_code": zip_code,
    }

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    assert re.search(
        r"California, district\u00a014: [^<]*currently vacant", unisolated(preview.text)
    )
    assert post_letter(client, loaded, **letter).status_code == 303
    sent = deliveries(app)
    assert sorted(
        d.recipient_key for d in sent if d.recipient_key.startswith("official:")
    ) == sorted(key(s) for s in senators("CA"))
    assert len(sent) == 3
    assert all(d.recipient_office != "United States House of Representatives" for d in sent)


@pytest.mark.parametrize(
    ("state", "zip_code", "place", "title"),
    [
        ("VI", "00802", "U.S. Virgin Islands, at large", "Delegate"),  # not in the ZIP table
        ("DC", "20001", "District of Columbia, at large", "Delegate"),
        ("PR", "00601", "Puerto Rico, at large", "Resident Commissioner"),
    ],
)
def test_dc_and_territories_get_their_non_voting_member_and_no_senators(
    app: Flask, client: FlaskClient, loaded: str, state: str, zip_code: str, place: str, title: str
) -> None:
    letter: dict[str, Any] = {
        "street": None,
        "city": "Capital",
        "state": state,
        "zip_code": zip_code,
    }

    preview = post_letter(client, loaded, "preview", **letter)

    assert preview.status_code == 200, preview.text
    member = house_member(state, 0)
    assert_lists(preview.text, member, place)
    assert f"{place} · non-voting member of Congress" in unisolated(preview.text)
    assert f"</strong>, {title}</label>" in unisolated(preview.text)
    assert "Senator" not in preview.text and "vacant" not in preview.text
    assert ticked_boxes(preview.text) == {key(member)}
    assert post_letter(client, loaded, **letter).status_code == 303
    assert [d.recipient_key for d in deliveries(app)][1:] == [key(member)]


def test_without_the_roster_the_letter_goes_to_the_president_only_and_says_why(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    load_zips(app)

    preview = post_letter(client, default_campaign, "preview")

    assert preview.status_code == 200, preview.text
    # Said before Send: the members cannot be added to this letter later (one a campaign).
    assert "Members of Congress cannot be looked up right now" in preview.text
    assert "your members cannot be added to it later" in preview.text
    assert 'type="checkbox" name="recipients"' not in preview.text
    assert post_letter(client, default_campaign).status_code == 303
    assert [d.recipient_name for d in deliveries(app)] == [PRESIDENT]
