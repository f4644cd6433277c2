"""Which Congress sits on a date, and which Congress a roster's terms belong to."""

from __future__ import annotations

from datetime import UTC, date, datetime

from webapp.civic.congress import (
    congress_start,
    is_serving,
    redistricted_states,
    roster_congress,
    seated_congress,
)


def test_the_120th_takes_office_on_3_january_2027() -> None:
    assert seated_congress(date(2027, 1, 2)) == 119
    assert seated_congress(datetime(2027, 1, 3, 0, 1, tzinfo=UTC)) == 120
    assert seated_congress(date(2026, 11, 30)) == 119
    assert seated_congress(date(2028, 12, 31)) == 120
    assert seated_congress(date(2029, 1, 3)) == 121
    assert congress_start(120) == "2027-01-03"


def test_a_roster_belongs_to_the_congress_of_most_house_terms() -> None:
    starts = ["2027-01-03"] * 3 + ["2027-06-01", None, "not a date"]
    assert roster_congress(starts) == 120
    assert roster_congress(["2025-01-03", "2025-11-12"]) == 119
    assert roster_congress([None]) is None


def test_terms_of_the_previous_congress_and_members_elect_are_not_seated() -> None:
    since = congress_start(120)
    assert not is_serving("2025-01-03", "2027-01-03", "2027-01-04", since)
    assert is_serving("2027-01-03", "2029-01-03", "2027-01-04", since)
    assert not is_serving("2027-01-03", "2029-01-03", "2027-01-02", congress_start(119))
    # A special-election term end inside the Congress does not unseat anyone by itself.
    assert is_serving("2025-01-20", "2026-11-03", "2026-11-30", congress_start(119))


def test_redrawn_states_are_the_list_plus_changed_district_counts() -> None:
    changed = redistricted_states(119, 120, {"OR": 6, "MI": 13}, {"OR": 5, "MI": 13})
    assert changed is not None and {"TX", "CA", "OR"} <= changed and "MI" not in changed
    override = redistricted_states(119, 120, None, None, frozenset({"MI"}))
    assert override == frozenset({"MI"})
    assert redistricted_states(118, 120, None, None) is None
    assert redistricted_states(120, 120, None, None) == frozenset()
