"""Indexes that leave out rows whose column is empty: migrated, used and skipped by letters."""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Connection, DateTime, Index, Table, and_, inspect, select, text

from tests.plans import query_plan
from tests.supporter.helpers import post_letter
from webapp.database import db

# On PostgreSQL these count index pages and read plans, which rest on the tables' files and
# statistics: DELETE would leave both from earlier tests.
pytestmark = pytest.mark.truncated


def _partial_indexes() -> list[tuple[Table, Index, str]]:
    found = []
    for table in db.metadata.sorted_tables:
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                assert str(where) == str(index.dialect_options["postgresql"]["where"]), index.name
                found.append((table, index, str(where)))
    return found


def _predicate(reflected: dict[str, Any], dialect: str) -> str | None:
    where = reflected.get("dialect_options", {}).get(f"{dialect}_where")
    return None if where is None else _normal(str(where))


def _normal(sql: str) -> str:
    return re.sub(r"[\s()]+", " ", sql).strip().lower()


def test_the_models_declare_the_partial_indexes_a_letter_would_otherwise_fill() -> None:
    names = {index.name for _table, index, _where in _partial_indexes()}
    assert names == {
        "ix_submission_partner_id",
        "ix_delivery_remote_reference",
        "ix_delivery_mailing_id",
        "ix_delivery_postal_budget",
        "ix_notification_organiser_id",
        # Each office's latest failure and delivery, for the channel map (c19e00000026).
        "ix_delivery_office_last_failure",
        "ix_delivery_office_last_done",
        "ix_delivery_office_last_sent",
        # Supporters' emails that met a failure, for the relay's box (c19f00000027).
        "ix_notification_failed_at",
    }


def test_the_migrated_database_has_each_index_with_the_models_predicate(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        dialect = connection.dialect.name
        inspector = inspect(connection)
        for table, index, where in _partial_indexes():
            reflected = {i["name"]: i for i in inspector.get_indexes(table.name)}
            assert index.name in reflected, index.name
            assert _predicate(reflected[index.name], dialect) == _normal(where), index.name
            assert reflected[index.name]["column_names"] == [c.name for c in index.columns]
        # Every other index covers every row.
        partial = {index.name for _t, index, _w in _partial_indexes()}
        for table in db.metadata.sorted_tables:
            for reflected_index in inspector.get_indexes(table.name):
                if reflected_index["name"] not in partial:
                    assert _predicate(reflected_index, dialect) is None, reflected_index["name"]


def _plan(connection: Connection, statement: Any) -> str:
    if connection.dialect.name != "sqlite":
        # A table of a few rows is read whole; the question is whether the index can serve.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
    return query_plan(connection, statement)


def test_lookups_by_a_set_value_still_use_each_partial_index(
    app: Flask, default_campaign: str
) -> None:
    """`column = value` implies the column is set, so both planners may use the index."""
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    with app.app_context(), db.engine.connect() as connection, connection.begin():
        for table, index, _where in _partial_indexes():
            wanted = and_(*(column == _sample(column) for column in index.columns))
            # Whether this index can serve, not which of two that could the planner prefers
            # (on an empty table PostgreSQL's costs tie with ix_delivery_status_campaign):
            # the table's other indexes are dropped for the plan, and put back by the rollback.
            with connection.begin_nested() as alone:
                for other in table.indexes:
                    if other.name != index.name:
                        other.drop(connection)
                plan = _plan(connection, select(table.c.id).where(wanted))
                alone.rollback()
            assert index.name in plan, (index.name, plan)


_SAMPLES: dict[type, Any] = {int: 1, str: "x", date: date(2026, 12, 1)}


def _sample(column: Any) -> Any:
    """A value of the column's type: times (stored UTC by a decorator) and statuses too."""
    if isinstance(getattr(column.type, "impl", column.type), DateTime):
        return datetime(2026, 12, 1, tzinfo=UTC)
    kind = column.type.python_type
    return next(iter(kind)) if issubclass(kind, enum.Enum) else _SAMPLES[kind]


def _entries(connection: Connection, index: str) -> int:
    """How many entries the index holds, read from its pages (not from the table)."""
    if connection.dialect.name == "sqlite":
        # Small enough here to be one leaf page, whose cells are its entries.
        sql = "SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = :name"
        return int(connection.execute(text(sql), {"name": index}).scalar_one())
    # A B-tree with no entry is its metapage alone; the first entry adds a page.
    pages = "SELECT pg_relation_size(:name) / current_setting('block_size')::int"
    return int(connection.execute(text(pages), {"name": index}).scalar_one()) - 1


def test_a_letter_adds_no_entry_to_the_partial_indexes(app: Flask, default_campaign: str) -> None:
    """Its partner, mailing, postal reference and day, and organiser are empty when written;
    the full indexes on the same tables each gained entries, so the count is not blind."""
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    with app.app_context(), db.engine.connect() as connection:
        for table, index, _where in _partial_indexes():
            assert _entries(connection, str(index.name)) == 0, index.name
            full = next(i for i in table.indexes if i.dialect_options["sqlite"]["where"] is None)
            assert _entries(connection, str(full.name)) >= 1, full.name


def test_the_migration_down_gives_back_the_full_indexes_and_up_again(app: Flask) -> None:
    # c18c00000020's indexes; later ones are gone below it (test_migrations checks theirs).
    later = ("ix_delivery_office_last_", "ix_notification_failed_at")
    names = {
        str(index.name): table.name
        for table, index, _where in _partial_indexes()
        if not str(index.name).startswith(later)
    }

    def predicates() -> dict[str, str | None]:
        with db.engine.connect() as connection:
            inspector = inspect(connection)
            found = {}
            for name, table in names.items():
                [reflected] = [i for i in inspector.get_indexes(table) if i["name"] == name]
                found[name] = _predicate(reflected, connection.dialect.name)
            return found

    with app.app_context():
        try:
            downgrade(revision="c18b00000019")
            assert predicates() == dict.fromkeys(names)
        finally:
            upgrade()
        assert all(predicates().values())
