"""Erased and purged data is unreadable on disk: a byte search of the raw database files.

SQLite: the database file, its WAL and shared-memory file. PostgreSQL: the whole data directory
(table files, pg_wal, everything), after VACUUM and CHECKPOINT.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.pg import PostgresCluster
from tests.supporter.helpers import post_letter
from webapp.database import checkpoint_wal, db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import Campaign, Delivery, DeliveryStatus, Submission, Supporter
from webapp.services.supporters import erase_supporter, purge_personal_text


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "SMTP_TIMEOUT_SECONDS": 5.0}


class Person:
    """A supporter whose name, email, street and paragraph appear nowhere else on disk."""

    def __init__(self) -> None:
        tag = secrets.token_hex(4)
        self.first_name = f"Zephyrine{tag}"
        self.last_name = f"Quillfeather{tag}"
        self.email = f"zq.{tag}@example.org"
        self.street = f"{int(tag[:4], 16)} Marrowbone Lane {tag}"
        self.paragraph = f"My grandmother {tag} still lives in Idlib; please help her town."

    def markers(self) -> dict[str, bytes]:
        return {
            "first name": self.first_name.encode(),
            "last name": self.last_name.encode(),
            "email": self.email.encode(),
            "street": self.street.encode(),
            "paragraph": self.paragraph.encode(),
        }


def _files(app: Flask, backend: str, request: pytest.FixtureRequest) -> list[Path]:
    """Every file the database keeps on disk, after a checkpoint."""
    if backend == "sqlite":
        database = Path(str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database))
        return [p for p in (database, *database.parent.glob(database.name + "-*")) if p.is_file()]
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return [p for p in cluster.data.rglob("*") if p.is_file()]


def _checkpoint(app: Flask, backend: str) -> None:
    if backend == "sqlite":
        with app.app_context():
            assert checkpoint_wal(db.session())
        return
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("CHECKPOINT")
    engine.dispose()


def _found(files: list[Path], wanted: dict[str, bytes]) -> dict[str, list[str]]:
    """For each marker, the files whose raw bytes contain it."""
    hits: dict[str, list[str]] = {name: [] for name in wanted}
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:  # a file PostgreSQL removed while we walked
            continue
        for name, marker in wanted.items():
            if marker in data:
                hits[name].append(path.name)
    return {name: where for name, where in hits.items() if where}


@pytest.fixture
def written(app: Flask, client: FlaskClient, tmp_path: Path) -> Iterator[tuple[Person, bytes]]:
    """A letter through the real form, its office letter and receipt sent over SMTP.

    The campaign merges the supporter's name into the letter text (sealed under their key)
    and its title is a plain, non-personal control string that must be found on disk.
    """
    person = Person()
    control = f"Safe water control {secrets.token_hex(6)}"
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        # A cover merged with the name: a letter text of the supporter's own, sealed.
        [
            office(
                "Water Board", email=OFFICE_EMAIL, cover="On behalf of {{ supporter.full_name }}."
            )
        ],
        title=control,
        salutation="Dear {{ target.name }}, from {{ supporter.full_name }}",
    )
    response = post_letter(
        client,
        slug,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        street=person.street,
        personal_message=person.paragraph,
    )
    assert response.status_code == 303, response.text
    report = Worker(app).run_batch()
    assert report.sent == 2  # the office's letter and the supporter's receipt
    yield person, control.encode()


def _assert_unreadable(
    app: Flask, backend: str, request: pytest.FixtureRequest, person: Person, control: bytes
) -> None:
    _checkpoint(app, backend)
    files = _files(app, backend, request)
    # The search reads the files: the plain campaign title is there.
    assert _found(files, {"control": control}), [p.name for p in files]
    assert _found(files, person.markers()) == {}


def test_a_letter_is_never_written_to_disk_in_plain_text(
    app: Flask, backend: str, request: pytest.FixtureRequest, written: tuple[Person, bytes]
) -> None:
    person, control = written
    with app.app_context():
        supporter = db.session.scalars(select(Supporter)).one()
        assert (supporter.first_name, supporter.street) == (person.first_name, person.street)
        submission = db.session.scalars(select(Submission)).one()
        assert submission.personal_message == person.paragraph
        delivery = submission.deliveries[0]
        assert delivery.cover is not None and delivery.cover.owner_id == supporter.id
        assert person.last_name in delivery.cover_text and person.last_name in delivery.final_text
    _assert_unreadable(app, backend, request, person, control)


def test_erased_supporter_leaves_nothing_readable_in_the_database_files(
    app: Flask, backend: str, request: pytest.FixtureRequest, written: tuple[Person, bytes]
) -> None:
    person, control = written
    with app.app_context():
        supporter = db.session.scalars(select(Supporter)).one()
        wrapped_key, sealed_email = bytes(supporter.wrapped_key), bytes(supporter.email_sealed)
    _checkpoint(app, backend)
    sealed = {"wrapped key": wrapped_key, "sealed email": sealed_email}
    assert set(_found(_files(app, backend, request), sealed)) == set(sealed)

    with app.app_context():
        assert erase_supporter(db.session(), person.email) == 1
    _assert_unreadable(app, backend, request, person, control)
    if backend == "sqlite":
        # secure_delete zeroed the erased rows and the checkpoint emptied the WAL: not even
        # the ciphertext or the wrapped key is left. (PostgreSQL keeps dead rows until their
        # space is reused: there they stay ciphertext whose key nobody can unwrap.)
        assert _found(_files(app, backend, request), sealed) == {}


def test_retention_purge_leaves_the_street_and_paragraph_unreadable(
    app: Flask, backend: str, request: pytest.FixtureRequest, written: tuple[Person, bytes]
) -> None:
    person, control = written
    old = utcnow() - timedelta(days=400)
    with app.app_context():
        session = db.session()
        session.execute(update(Submission).values(created_at=old))
        session.execute(update(Supporter).values(updated_at=old))
        session.execute(update(Delivery).values(status=DeliveryStatus.SENT))
        session.commit()
        wrapped_before = bytes(session.scalars(select(Supporter.wrapped_key)).one())
        assert purge_personal_text(session, utcnow(), 90) == 1
        supporter = session.scalars(select(Supporter)).one()
        submission = session.scalars(select(Submission)).one()
        # The letter stays, with its signature, under a new key; street and paragraph are gone.
        assert bytes(supporter.wrapped_key) != wrapped_before
        assert (submission.personal_message, submission.street, supporter.street) == (
            None,
            None,
            None,
        )
        assert submission.first_name == person.first_name
        assert session.scalars(select(Campaign.title)).one().encode() == control
    _assert_unreadable(app, backend, request, person, control)
    if backend == "sqlite":
        assert _found(_files(app, backend, request), {"old key": wrapped_before}) == {}


def test_sqlite_zeroes_deleted_and_overwritten_plain_text(
    app: Flask, request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    """secure_delete on its own: plain values deleted or overwritten leave no bytes behind."""
    if backend != "sqlite":
        pytest.skip("SQLite's secure_delete")
    database = str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    # Control: without secure_delete a deleted value stays in the file, and the search sees it.
    left = f"left behind {secrets.token_hex(6)}"
    with closing(sqlite3.connect(database, isolation_level=None)) as plain:
        plain.execute("PRAGMA secure_delete=OFF")
        plain.execute("CREATE TABLE scratch (v TEXT)")
        plain.execute("INSERT INTO scratch VALUES (?), (?)", (left, "x" * 200))
        plain.execute("DELETE FROM scratch WHERE v = ?", (left,))
    _checkpoint(app, backend)
    assert _found(_files(app, backend, request), {"control": left.encode()})

    gone, kept = f"overwritten {secrets.token_hex(6)}", f"deleted {secrets.token_hex(6)}"
    first = write_delivery_campaign(app, tmp_path, "one", [office("A")], title=gone)
    second = write_delivery_campaign(app, tmp_path, "two", [office("B")], title=kept)
    markers = {"overwritten": gone.encode(), "deleted": kept.encode()}
    _checkpoint(app, backend)
    assert set(_found(_files(app, backend, request), markers)) == set(markers)
    with app.app_context():
        session = db.session()
        assert session.execute(text("PRAGMA secure_delete")).scalar_one() == 1
        session.execute(update(Campaign).where(Campaign.slug == first).values(title="Other"))
        session.delete(session.scalars(select(Campaign).where(Campaign.slug == second)).one())
        session.commit()
    _checkpoint(app, backend)
    assert _found(_files(app, backend, request), markers) == {}
