"""While the first start downloads the roster and the ZIP table, no transaction is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.civic.data import MEMBERS_FILE, ZIP_FILE
from tests.held_open import NetworkWatch, held_elsewhere, network_watch
from tests.stubs import StubRequest, StubServer
from webapp.cli import load_missing_civic_data
from webapp.database import db
from webapp.models import Official, ZipDistrict

__all__ = ["network_watch"]


@pytest.fixture
def upstream(app: Flask) -> Iterator[tuple[StubServer, list[int]]]:
    """The two files, each answered after looking at what the downloading process holds."""
    seen: list[int] = []

    def serving(body: bytes) -> Any:
        def reply(_request: StubRequest) -> Any:
            seen.append(held_elsewhere(app))
            return 200, {}, body

        return reply

    with StubServer() as stub:
        stub.route("/legislators-current.json", serving(MEMBERS_FILE.read_bytes()))
        stub.route("/zccd.csv", serving(ZIP_FILE.read_bytes()))
        yield stub, seen


def test_the_first_starts_downloads_hold_no_transaction_open(
    app: Flask, upstream: tuple[StubServer, list[int]], network_watch: NetworkWatch
) -> None:
    """Downloads take seconds (the ZIP table is megabytes): a read kept open across them holds
    SQLite's WAL back (a checkpoint waits busy_timeout) and on PostgreSQL sits idle in
    transaction."""
    stub, seen = upstream
    app.config["LEGISLATORS_URL"] = f"{stub.url}/legislators-current.json"
    app.config["LEGISLATORS_OFFICES_URL"] = f"{stub.url}/missing-offices.json"
    app.config["ZIP_DISTRICTS_URL"] = f"{stub.url}/zccd.csv"
    with app.app_context():
        load_missing_civic_data()
        assert db.session.query(Official).count() == 537
        assert db.session.query(ZipDistrict).count() == 42033
    assert network_watch.calls and not network_watch.held, network_watch.report()
    assert seen == [0, 0]
