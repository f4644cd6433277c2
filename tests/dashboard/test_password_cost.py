"""Passwords are stored with scrypt at its full work factor, and an unknown email costs as much.

The rest of the suite hashes at a lower factor (tests/conftest.py) to save time; this test puts
the product's own hashing back and checks what it stores."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import TEST_PASSWORD_HASH
from tests.dashboard.helpers import ADMIN, PASSWORD
from webapp.database import db, utcnow
from webapp.models import Role
from webapp.services import organisers

# Werkzeug's default scrypt parameters (N, r, p) at the time of writing: the least we accept.
PRODUCTION_SCRYPT = (2**15, 8, 1)


def _scrypt_factors(stored: str) -> tuple[int, int, int]:
    method = stored.split("$", 1)[0]
    name, n, r, p = method.split(":")
    assert name == "scrypt", stored
    return int(n), int(r), int(p)


@pytest.fixture
def production_hashing(
    production_password_hashing: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> str:
    generate, dummy = production_password_hashing
    monkeypatch.setattr(organisers, "generate_password_hash", generate)
    monkeypatch.setattr(organisers, "_DUMMY_HASH", dummy)
    return dummy


def test_the_suite_hashes_cheaply_only_while_it_runs() -> None:
    assert organisers._DUMMY_HASH.startswith(TEST_PASSWORD_HASH + "$")


def test_passwords_are_stored_with_scrypt_at_its_full_work_factor(
    app: Flask, production_hashing: str
) -> None:
    with app.app_context():
        session = db.session()
        organiser = organisers.create_organiser(
            session, ADMIN, PASSWORD, Role.ADMIN, None, utcnow()
        )
        stored = organiser.password_hash
        n, r, p = _scrypt_factors(stored)
        assert n >= PRODUCTION_SCRYPT[0] and r >= PRODUCTION_SCRYPT[1] and p >= PRODUCTION_SCRYPT[2]
        # An unknown email is checked against a hash of the same cost, so it takes as long.
        assert _scrypt_factors(production_hashing) == (n, r, p)
        assert organisers.authenticate(session, ADMIN, PASSWORD, utcnow()) is not None
        assert organisers.authenticate(session, ADMIN, PASSWORD + "x", utcnow()) is None
        assert organisers.authenticate(session, "nobody@example.org", PASSWORD, utcnow()) is None
        organisers.set_password(session, organiser, "Olives-of-Idlib-2028", utcnow())
        assert _scrypt_factors(organiser.password_hash) == (n, r, p)
