"""Prepared driver SQL writes what a Core insert of the same values writes, defaults included."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Integer, Select, bindparam, event, func, literal_column, select

from tests.services.helpers import NOW
from tests.services.helpers import record_letter as _send
from tests.supporter.campaign_files import write_campaign
from webapp.database import db
from webapp.models import Delivery, DeliveryStatus, LetterText, ParagraphBand, Submission
from webapp.services import driver_sql
from webapp.services.driver_sql import prepared_insert
from webapp.services.letter_rows import (
    PlannedTexts,
    by_column,
    insert_many,
    insert_one,
    write_texts,
)


def test_a_prepared_insert_converts_types_and_fills_python_defaults(
    app: Flask, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _created, submission_id = _send(app, slug)
    with app.app_context():
        session = db.session()
        [core] = session.scalars(select(Delivery)).all()
        fields = {
            "submission_id": submission_id,
            "campaign_id": core.campaign_id,
            "recipient_key": "other-office",
            "recipient_name": "Other Office",
            "channel": core.channel,
            "status": DeliveryStatus.HELD,
            "created_at": NOW,
            "updated_at": NOW,
            "salutation_sealed": bytes(core.salutation_sealed),
        }
        # No idempotency key or attempts given: the model's defaults apply.
        new_id = insert_one(session, Delivery, by_column(Delivery, fields))
        session.commit()
        session.expire_all()
        written = session.get_one(Delivery, new_id)
        assert written.status is DeliveryStatus.HELD and written.channel is core.channel
        assert written.created_at == NOW and written.created_at.tzinfo is not None
        assert written.attempts == 0
        assert len(written.idempotency_key) == len(core.idempotency_key)
        assert written.idempotency_key != core.idempotency_key


def test_a_multi_row_insert_returns_each_row_by_its_key(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        rows = [{"sha256": f"{n:064x}", "body": f"text {n}".encode()} for n in range(3)]
        table = LetterText.__table__
        prepared = prepared_insert(
            session.get_bind().dialect, table, ("sha256", "body"), 3, "sha256,id"
        )
        returned = dict(prepared.run(session, *rows).all())
        session.commit()
        stored = dict(session.execute(select(LetterText.sha256, LetterText.id)).all())
        assert returned == stored and len(stored) == 3


def test_many_rows_go_in_few_statements_of_bounded_size(app: Flask, tmp_path: Path) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _created, submission_id = _send(app, slug)
    with app.app_context():
        session = db.session()
        campaign_id = session.scalars(select(Submission.campaign_id)).one()
        rows = [
            {"campaign_id": campaign_id, "submission_id": submission_id, "band": f"b{n:04}"}
            for n in range(600)
        ]
        statements: list[tuple[bool, int, int]] = []  # executemany, executions, values each

        def executed(*args: Any) -> None:
            parameters, many = args[3], args[5]
            runs = parameters if many else [parameters]
            statements.append((many, len(runs), len(runs[0])))

        event.listen(db.engine, "before_cursor_execute", executed)
        try:
            insert_many(session, ParagraphBand, rows)
        finally:
            event.remove(db.engine, "before_cursor_execute", executed)
        session.commit()
        stored = session.scalars(
            select(ParagraphBand.band).where(ParagraphBand.band.startswith("b"))
        ).all()
    assert sorted(stored) == [row["band"] for row in rows]
    # At most 50 values a statement for psycopg (its placeholder cache), 999 elsewhere (SQLite
    # before 3.32): the full statements in one executemany, the rest in one more.
    per = (50 if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else 999) // 3
    whole, rest = divmod(600, per)
    assert statements == [(whole > 1, whole, per * 3), (False, 1, rest * 3)], statements


def test_texts_in_several_statements_come_back_with_their_own_ids(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seven texts at three a statement: ids are matched by digest across the three statements.
    monkeypatch.setattr(driver_sql, "_MOST_PARAMETERS", {})
    monkeypatch.setattr(driver_sql, "_MOST_PARAMETERS_ELSEWHERE", 9)
    with app.app_context():
        session = db.session()
        names = [f"{n:064x}" for n in range(7)]
        rows = {name: {"sha256": name, "body": f"text {name[-1]}".encode()} for name in names}
        planned = PlannedTexts([*reversed(names), names[0]], {}, rows, frozenset())
        statements: list[str] = []

        def executed(*args: Any) -> None:
            if args[2].startswith("INSERT"):  # SQLite's BEGIN comes through here too
                statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", executed)
        try:
            ids = write_texts(session, planned, owner_id=0)
        finally:
            event.remove(db.engine, "before_cursor_execute", executed)
        session.commit()
        stored = dict(session.execute(select(LetterText.sha256, LetterText.id)).all())
    assert [len(s.split("), (")) for s in statements] == [3, 3, 1], statements
    assert ids == [stored[name] for name in planned.names] and len(set(ids)) == 7


def _deliveries_since(status: Any, since: Any) -> Select[tuple[int]]:
    # `attempts >= 0` is a value compiled into the statement (an anonymous bind).
    return select(func.count()).where(
        Delivery.status == status, Delivery.created_at >= since, Delivery.attempts >= 0
    )


def test_a_compiled_select_reads_what_core_reads_with_the_same_conversions(
    app: Flask, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "water")
    _send(app, slug)
    with app.app_context():
        session = db.session()
        dialect = session.get_bind().dialect
        named = _deliveries_since(
            bindparam("status", type_=Delivery.status.type),
            bindparam("since", type_=Delivery.created_at.type),
        ).limit(literal_column("5", Integer))
        prepared = driver_sql.compile_select(dialect, named)
        if dialect.name == "sqlite":  # its driver needs the enum and the timestamp converted
            assert any(bind.convert is not None for bind in prepared.binds)
        else:  # named: each bind once, by the name the SQL gives it (no anonymous duplicates)
            names = [bind.name for bind in prepared.binds]
            assert len(set(names)) == len(names) and all(f"%({n})s" in prepared.sql for n in names)
        status = session.scalar(select(Delivery.status))
        for since, expected in ((NOW - timedelta(days=1), 1), (NOW + timedelta(days=1), 0)):
            values = {"status": status, "since": since}
            core = session.scalar(_deliveries_since(status, since))
            assert core == expected
            assert prepared.run(session, values).scalar_one() == expected
        other = next(s for s in DeliveryStatus if s is not status)
        values = {"status": other, "since": NOW - timedelta(days=1)}
        assert prepared.run(session, values).scalar_one() == 0


@pytest.mark.parametrize(
    "where",
    [
        Delivery.id.in_(bindparam("ids", expanding=True)),  # rendered only when run
        Delivery.recipient_key == bindparam("key.0"),  # renamed in the SQL
        Delivery.created_at >= bindparam("now", callable_=lambda: NOW),  # valued when run
    ],
)
def test_a_select_that_cannot_be_compiled_once_is_refused(app: Flask, where: Any) -> None:
    with app.app_context():
        dialect = db.session().get_bind().dialect
        with pytest.raises(ValueError, match="compile_select"):
            driver_sql.compile_select(dialect, select(func.count()).where(where))
