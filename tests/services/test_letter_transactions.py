"""The send's transactions as the engine sees them: reads share the write's on PostgreSQL only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event, func, select

from tests.widget.helpers import form_token, open_widget, post_widget, widget_campaign
from tests.widget.helpers import letter_data as widget_letter
from webapp.database import db, utcnow, write_transaction
from webapp.models import LookupCache, Submission


@contextmanager
def _transactions(engine: Engine) -> Iterator[list[list[str]]]:
    """Each transaction begun while the block runs, as the first words of its statements."""
    seen: list[list[str]] = []

    def begun(_conn: Any) -> None:
        seen.append([])

    def executed(*args: Any) -> None:
        words = " ".join(str(args[2]).split()[:3])
        if words not in ("BEGIN", "BEGIN IMMEDIATE") and seen:
            seen[-1].append(words)

    event.listen(engine, "begin", begun)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)
        event.remove(engine, "begin", begun)


def _send(app: Flask, tmp_path: Path) -> list[list[str]]:
    slug = widget_campaign(app, tmp_path)
    client = app.test_client()
    token = form_token(open_widget(client, slug).text)
    with app.app_context():
        engine = db.engine
    with _transactions(engine) as seen:
        response = post_widget(client, slug, widget_letter(token))
    assert "civic-letters-sent" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1
    return seen


def _writing(seen: list[list[str]]) -> list[str]:
    [writing] = [t for t in seen if "INSERT INTO submission" in t]
    return writing


def test_the_letters_reads_share_its_write_transaction_on_postgresql_only(
    app: Flask, tmp_path: Path
) -> None:
    seen = _send(app, tmp_path)
    writing = _writing(seen)
    reads = writing[: next(n for n, words in enumerate(writing) if words.startswith("INSERT"))]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite takes its write lock at BEGIN: the letter's reads all come before that turn.
        assert not any(words.startswith("SELECT") for words in writing), writing
        earlier = [words for t in seen if t is not writing for words in t]
        assert any(words.startswith("SELECT supporter.id") for words in earlier), seen
        return
    # The repeat check and the risk counts, then the rows: one BEGIN and one COMMIT.
    assert any(words.startswith("SELECT supporter.id") for words in reads), writing
    assert any(words.startswith("SELECT (SELECT count(*)") for words in reads), writing
    assert all(words.startswith("SELECT") for words in reads), writing


def test_objects_waiting_to_be_written_are_committed_on_their_own_first(app: Flask) -> None:
    # The flag's promise is broken here: an object is waiting. Its commit must not ride on the
    # block (a rollback there would lose it), on either backend.
    with app.app_context(), _transactions(db.engine) as seen:
        session = db.session()
        session.scalar(select(func.count()).select_from(Submission))  # the open transaction
        later = utcnow() + timedelta(days=1)
        session.add(LookupCache(key="k" * 64, kind="test", payload={}, expires_at=later))
        with pytest.raises(RuntimeError), write_transaction(session, after_reads=True):
            raise RuntimeError("the block fails")
        assert session.get(LookupCache, "k" * 64) is not None
    assert len(seen) >= 2 and any(w.startswith("INSERT INTO lookup_cache") for w in seen[0])


OFFICES = ("Water Board", "School Board", "Parks Board", "Transit Board", "Library Board")


@pytest.mark.parametrize("offices", [2, 5])
def test_a_letters_rows_go_in_multi_row_inserts_of_bounded_size(
    app: Flask, tmp_path: Path, offices: int
) -> None:
    # An executemany of one-row inserts runs once per row (an executor start each on
    # PostgreSQL, and psycopg's pipeline in Python); rows go in multi-row VALUES instead, the
    # full ones in one executemany (one round trip) and the rest in one more statement.
    slug = widget_campaign(app, tmp_path, targets=OFFICES[:offices])
    client = app.test_client()
    token = form_token(open_widget(client, slug).text)
    data = {**widget_letter(token), "personal_message": "My family left Aleppo in 2013. " * 4}
    with app.app_context():
        engine = db.engine
    inserts: dict[str, list[tuple[int, int]]] = {}  # table: (executions, rows each)
    sizes: list[tuple[int, int]] = []

    def executed(*args: Any) -> None:
        statement, parameters, many = args[2], args[3], args[5]
        runs = parameters if many else [parameters]
        sizes.extend((len(statement.encode()), len(values)) for values in runs)
        if statement.lstrip().startswith("INSERT"):
            rows = statement.count("), (") + 1
            inserts.setdefault(statement.split()[2], []).append((len(runs), rows))

    event.listen(engine, "before_cursor_execute", executed)
    try:
        response = post_widget(client, slug, data)
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    assert "civic-letters-sent" in response.text
    postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    # A delivery row has 21 values: two go in one PostgreSQL statement of at most 50.
    if offices == 2 or not postgresql:
        assert inserts["delivery"] == [(1, offices)], inserts
    else:
        assert inserts["delivery"] == [(2, 2), (1, 1)], inserts
    [(runs, bands)] = inserts["paragraph_band"]
    assert runs == 1 and bands > 1, inserts
    assert all(len(statements) == 1 for t, statements in inserts.items() if t != "delivery")
    if postgresql:
        # psycopg rewrites placeholders in Python at every execution past these sizes.
        assert all(size <= 4096 and values <= 50 for size, values in sizes), sizes
