"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, MetaData, String, inspect, text

from tests.supporter.helpers import post_letter
from webapp.database import db


def _differences(app: Flask, metadata: MetaData | None = None, **options: Any) -> list[Any]:
    """Alembic's autogenerate diff between the migrated database and `metadata`."""
    target = metadata if metadata is not None else db.metadata
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": target, **options}
        )
        return list(compare_metadata(context, target))


def test_migrated_schema_matches_the_models(app: Flask) -> None:
    assert _differences(app) == []


def test_migrated_schema_matches_the_models_including_server_defaults(app: Flask) -> None:
    assert _differences(app, compare_server_default=True) == []


def test_the_comparison_notices_a_model_change(app: Flask) -> None:
    changed = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["supporter"].append_column(Column("nickname", String(40)))
    diffs = _differences(app, changed)
    assert [d[0] for d in diffs] == ["add_column"] and diffs[0][3].name == "nickname"


def test_every_model_table_exists_and_the_database_is_at_the_newest_revision(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
        assert len(heads) == 1, f"migrations have several heads: {heads}"
        assert set(db.metadata.tables) <= set(inspect(connection).get_table_names())
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)


def test_the_reading_copy_migration_keeps_every_letter_both_ways(
    app: Flask, default_campaign: str
) -> None:
    """Down and up again over c14b00000012 alone keeps targets, deliveries and tallies: on
    SQLite a table rebuild would drop the old campaign and submission tables, cascading."""
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    counts = "SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM delivery), " + (
        "(SELECT count(*) FROM notification), (SELECT count(*) FROM submission_tally)"
    )
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO submission_tally (campaign_id, dimension, bucket, count) "
                    "SELECT id, 'country', 'US', 1 FROM campaign"
                )
            )
            before = tuple(connection.execute(text(counts)).one())
        assert before[0] == 2 and before[1] >= 1 and before[3] == 1
        config = app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config).get_revision("c14b00000012")
        assert script is not None and isinstance(script.down_revision, str)
        downgrade(revision=script.down_revision)
        with db.engine.begin() as connection:
            assert tuple(connection.execute(text(counts)).one()) == before
        upgrade()
        with db.engine.begin() as connection:
            assert tuple(connection.execute(text(counts)).one()) == before


def test_the_proven_at_migration_dates_each_address_by_its_first_clicked_letter(
    app: Flask, default_campaign: str
) -> None:
    """c19a00000021 fills supporter.proven_at from the letters whose link was clicked: the
    earliest one's confirmation; an address never clicked stays unproven."""
    client = app.test_client()
    for email in ("clicked@example.org", "never@example.org"):
        assert post_letter(client, default_campaign, email=email).status_code == 303
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE submission SET email_verified = true, "
                    "confirmed_at = '2026-06-02 09:30:00' WHERE id = 1"
                )
            )
        downgrade(revision="c18c00000020")
        upgrade()
        with db.engine.begin() as connection:
            proven = connection.execute(
                text("SELECT id, proven_at FROM supporter ORDER BY id")
            ).all()
    assert [(row[0], str(row[1])[:19]) for row in proven] == [
        (1, "2026-06-02 09:30:00"),
        (2, "None"),
    ]


def test_the_worker_heartbeat_migration_goes_down_and_up(app: Flask) -> None:
    """c19c00000023 adds the worker_heartbeat table alone; its downgrade drops it again."""
    with app.app_context():
        downgrade(revision="c19b00000022")
        with db.engine.connect() as connection:
            assert "worker_heartbeat" not in inspect(connection).get_table_names()
        upgrade()
        with db.engine.begin() as connection:
            assert "worker_heartbeat" in inspect(connection).get_table_names()
            connection.execute(
                text(
                    "INSERT INTO worker_heartbeat (worker_id, started_at, seen_at) "
                    "VALUES ('w', '2026-12-06 03:00:00', '2026-12-06 03:00:30')"
                )
            )
    assert _differences(app) == []


def test_the_office_latest_indexes_migration_goes_down_and_up(app: Flask) -> None:
    """c19e00000026 adds the channel map's three partial indexes alone; down drops them."""
    names = {
        "ix_delivery_office_last_failure",
        "ix_delivery_office_last_done",
        "ix_delivery_office_last_sent",
    }

    def indexes() -> set[str]:
        with db.engine.connect() as connection:
            return {index["name"] or "" for index in inspect(connection).get_indexes("delivery")}

    with app.app_context():
        assert names <= indexes()
        downgrade(revision="c19d00000024")
        assert not names & indexes()
        upgrade()
        assert names <= indexes()
    assert _differences(app) == []


def test_the_previous_seat_migration_reads_old_seat_changes_back(app: Flask) -> None:
    """c19d00000024 keeps a moved member's old seat as data, read from the line the sync wrote
    before; other rows, and a line in another shape, have none."""
    rows = {
        1: ("seat_changed", "seat changed: A B (US Senate, OH -> US House, OH-3)"),
        2: ("seat_changed", "seat changed: C (D) (US House, WY at large -> US Senate, WY)"),
        3: ("seat_changed", "seat changed: E F (US House, CA-12 -> US House, CA-14)"),
        4: ("seat_changed", "moved somewhere"),
        5: ("vacant", "vacant: TX-23 (US House)"),
    }
    with app.app_context():
        downgrade(revision="c19c00000023")
        with db.engine.begin() as connection:
            for row_id, (kind, detail) in rows.items():
                connection.execute(
                    text(
                        "INSERT INTO roster_change (id, dataset, kind, chamber, state, detail, "
                        "campaign_ids, detected_at) VALUES (:id, 'legislators', :kind, "
                        "'us_house', 'OH', :detail, '[]', '2026-12-01 10:00:00')"
                    ),
                    {"id": row_id, "kind": kind, "detail": detail},
                )
        upgrade()
        with db.engine.begin() as connection:
            found = connection.execute(
                text(
                    "SELECT id, previous_chamber, previous_state, previous_district "
                    "FROM roster_change ORDER BY id"
                )
            ).all()
    assert [tuple(row) for row in found] == [
        (1, "us_senate", "OH", None),
        (2, "us_house", "WY", "0"),
        (3, "us_house", "CA", "12"),
        (4, None, None, None),
        (5, None, None, None),
    ]
    assert _differences(app) == []
