"""`flask supporters erase` says what it did: never "erased" for a mistyped address."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from webapp.database import db
from webapp.models import Supporter
from webapp.sealing import keyring

KEPT = "kept@example.org"


def _supporter(app: Flask, email: str) -> None:
    """A supporter's row alone: what the command looks up and erases."""
    with app.app_context():
        person = Supporter(email_key=keyring().email_key(email), email=email)
        person.first_name, person.last_name = "Rasha", "Haddad"
        db.session.add(person)
        db.session.commit()


def _supporters(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Supporter.id))) or 0


def test_a_mistyped_address_is_refused_even_with_yes(app: Flask) -> None:
    _supporter(app, KEPT)
    runner = app.test_cli_runner()
    for args in (["--yes"], []):
        result = runner.invoke(args=["supporters", "erase", "kept@exampel.org", *args], input="y\n")
        assert result.exit_code != 0, result.output
        assert "no supporter with that email address" in result.output
        assert "erased" not in result.output
    assert _supporters(app) == 1
    done = runner.invoke(args=["supporters", "erase", KEPT, "--yes"])
    assert done.exit_code == 0 and "erased the supporter and 0 letter(s)" in done.output
    assert _supporters(app) == 0
