"""Every roster-change kind the sync stores and every reason the risk checks store, worded in
English and Arabic: an Arabic page shows none of the checks' or the sync's English."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy.dialects import sqlite

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import add_held_letter
from tests.dashboard.test_held_reasons_words import STORED
from webapp.antiabuse.risk import RiskSettings, Signals, assess
from webapp.dashboard.civic_text import roster_change_text
from webapp.dashboard.held_reasons import held_reasons, reason_group, reason_text
from webapp.database import utcnow
from webapp.models import RosterChange

LATIN = re.compile(r"[A-Za-z]")


def _outside_isolates(markup: str) -> str:
    """The text a reader sees that is not user data (names and unknown lines are isolated)."""
    return re.sub(r"<bdi>.*?</bdi>", "", markup)


class _Counts:
    """A session whose burst counts are all `n`: assess asks one row of counts, one count for
    each signal it has (run as driver SQL, compiled for SQLite)."""

    dialect = sqlite.dialect()
    # As a connection something listens to: a prepared statement goes through exec_driver_sql
    # (below) rather than onto a DBAPI cursor (webapp/services/cursor_rows.py).
    _has_events = True

    def __init__(self, n: int) -> None:
        self.n = n

    def get_bind(self) -> _Counts:
        return self

    def connection(self) -> _Counts:
        return self

    def exec_driver_sql(self, statement: str, params: Any) -> _Counts:
        self.asked = statement.count("count(*)")
        return self

    def one(self) -> tuple[int, ...]:
        return (self.n,) * self.asked


def every_reason() -> list[str]:
    """Every reason assess can store, by tripping each check (both IP burst levels)."""
    reasons: set[str] = set()
    settings = RiskSettings()
    for n in (settings.ip_burst, 3 * settings.ip_burst, 1234):
        signals = Signals(
            email="x@mailinator.com",
            ip_hash="a",
            subnet_hash="b",
            personal_hash="c",
            honeypot="spam",
            form_seconds=0.25,
            address_mismatch=True,
        )
        risk = assess(_Counts(n), 1, signals, settings, utcnow())  # type: ignore[arg-type]
        reasons.update(risk.reasons)
    return sorted(reasons)


def test_every_reason_kind_is_found() -> None:
    # honeypot, seconds, disposable, ZIP, address burst (x3 figures), network, paragraph
    kinds = {re.sub(r"[\d.]+", "N", r) for r in every_reason()}
    assert len(kinds) == 7, kinds


@pytest.mark.parametrize("reason", every_reason())
def test_each_reason_reads_in_arabic_without_english(app: Flask, reason: str) -> None:
    with app.test_request_context(), force_locale("ar"):
        worded = reason_text(reason)
        assert worded is not None, reason
        assert not LATIN.search(worded), worded
        assert not LATIN.search(reason_group(reason)), reason_group(reason)
        joined = str(held_reasons(every_reason()))
        assert not LATIN.search(_outside_isolates(joined)), joined
    with app.test_request_context(), force_locale("en"):
        assert reason_text(reason) is not None


def _change(kind: str, **seat: Any) -> RosterChange:
    return RosterChange(
        dataset="legislators",
        kind=kind,
        name="Ann (Nan) Roe -> Jr" if kind != "vacant" else None,
        detail=f"{kind}: something",
        campaign_ids=[],
        detected_at=utcnow(),
        **seat,
    )


SEATS: list[dict[str, Any]] = [
    {"chamber": "us_senate", "state": "OH", "district": None},
    {"chamber": "us_house", "state": "WY", "district": "0"},
    {"chamber": "us_house", "state": "DC", "district": "0"},
    {"chamber": "us_house", "state": "PR", "district": "0"},
    {"chamber": "us_house", "state": "GU", "district": "98"},
    {"chamber": "us_house", "state": "VI", "district": None},
    {"chamber": "us_house", "state": "CA", "district": "12"},
]


def _every_change() -> list[RosterChange]:
    changes = []
    for seat in SEATS:
        changes += [_change(kind, **seat) for kind in ("vacant", "added", "removed")]
        changes.append(_change("seat_changed", **seat))  # old seat unknown
        for before in SEATS:
            changes.append(
                _change(
                    "seat_changed",
                    **seat,
                    previous_chamber=before["chamber"],
                    previous_state=before["state"],
                    previous_district=before["district"],
                )
            )
    return changes


def test_every_roster_change_kind_reads_in_arabic_without_english(app: Flask) -> None:
    with app.test_request_context(), force_locale("ar"):
        for change in _every_change():
            shown = str(roster_change_text(change))
            assert not LATIN.search(_outside_isolates(shown)), (change.kind, shown)
            assert shown.count("<bdi>") == shown.count("</bdi>")


def test_every_roster_change_kind_reads_in_english(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        for change in _every_change():
            shown = str(roster_change_text(change))
            assert change.detail not in shown, shown  # worded from data, not the stored line
            assert "None" not in shown, shown
        unknown = _change("redistricted", chamber="us_house", state="OH", district="3")
        assert str(roster_change_text(unknown)) == "<bdi>redistricted: something</bdi>"


def test_a_reason_this_code_does_not_know_is_isolated_in_the_reasons_table_too(
    app: Flask, default_campaign: str
) -> None:
    """The letter's line isolates it (held_reasons); the table that counts reasons showed it
    bare, an English line loose in an Arabic cell."""
    add_held_letter(app, default_campaign, tuple(STORED))
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = html.unescape(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text)
    assert "<td><bdi>a reason from a newer release</bdi></td>" in page
    assert "<td>نطاق بريد إلكتروني مؤقت</td>" in page
