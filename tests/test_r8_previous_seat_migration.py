"""c19d00000024 reads a moved member's old seat back from every shape of line the sync wrote
(roster_diff.MemberChange.describe, unchanged since b8b1498), and goes down and up again."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.test_migrations import _differences
from webapp.civic.roster_diff import MemberChange, Seat
from webapp.database import db

# (old seat, new seat, name): the sync's own describe() writes each line.
MOVES = [
    (Seat("us_senate", "OH"), Seat("us_house", "OH", "3"), "A B"),
    (Seat("us_house", "WY", "0"), Seat("us_senate", "WY"), "C (D)"),
    (Seat("us_house", "DC", "0"), Seat("us_house", "DC", "0"), "Eleanor Holmes Norton"),
    (Seat("us_house", "PR", "0"), Seat("us_senate", "NY"), "Pablo José Hernández (Rivera)"),
    (Seat("us_house", "GU", "98"), Seat("us_house", "GU", "0"), "James Moylan"),
    (Seat("us_house", "VI", None), Seat("us_house", "VI", "0"), "Stacey Plaskett"),
    (Seat("us_house", "CA", "12"), Seat("us_house", "CA", "14"), "Jo (US House, TX-2) -> x"),
    (Seat("us_senate", "TX"), Seat("us_senate", "TX"), "Ann (Sr., Jr.) Roe, III"),
    (Seat("us_house", "NY", "14"), Seat("us_senate", "NY"), "Name -> With (arrows, NY)"),
]


def _line(before: Seat, after: Seat, name: str) -> str:
    return MemberChange("seat_changed", "X000001", name, after, before).describe()


def _rows(app: Flask) -> list[tuple[object, ...]]:
    with app.app_context(), db.engine.begin() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT previous_chamber, previous_state, previous_district "
                    "FROM roster_change ORDER BY id"
                )
            )
        ]


def test_every_line_shape_the_sync_wrote_is_read_back_and_survives_down_and_up(
    app: Flask,
) -> None:
    with app.app_context():
        downgrade(revision="c19c00000025")
        with db.engine.begin() as connection:
            for row_id, (before, after, name) in enumerate(MOVES, start=1):
                connection.execute(
                    text(
                        "INSERT INTO roster_change (id, dataset, kind, chamber, state, district,"
                        " name, detail, campaign_ids, detected_at) VALUES (:id, 'legislators',"
                        " 'seat_changed', :chamber, :state, :district, :name, :detail, '[]',"
                        " '2026-12-01 10:00:00')"
                    ),
                    {
                        "id": row_id,
                        "chamber": after.chamber,
                        "state": after.state,
                        "district": after.district,
                        "name": name,
                        "detail": _line(before, after, name),
                    },
                )
        upgrade()
    expected = [(b.chamber, b.state, b.district) for b, _a, _n in MOVES]
    assert _rows(app) == expected
    with app.app_context():
        downgrade(revision="c19c00000025")
        upgrade()
    assert _rows(app) == expected
    assert _differences(app) == []
