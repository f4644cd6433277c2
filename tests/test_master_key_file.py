"""No new master key over sealed data: a restore without the key file, or a typo in its path,
stops start-up; a fresh install (no database, or none with supporters) still gets its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from webapp.config import ConfigError, load_config, prepare_instance
from webapp.database import db
from webapp.models import Supporter
from webapp.sealing import keyring


def add_supporter(app: Flask) -> None:
    """One supporter, whose data key the app's master key wraps."""
    with app.app_context():
        address = "someone@example.org"
        db.session.add(
            Supporter(
                email_key=keyring().email_key(address),
                email=address,
                first_name="Some",
                last_name="One",
            )
        )
        db.session.commit()
        db.session.remove()


def _environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    monkeypatch.setattr("webapp.config._environment", lambda: env)


def test_no_new_master_key_is_made_over_sealed_data(
    app: Flask, app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A restore without instance/data_encryption_key, or a typo in DATA_ENCRYPTION_KEY_FILE:
    start-up stops, names the file, and says what to do, instead of sealing under a new key."""
    add_supporter(app)
    restored = tmp_path / "restored"
    env = {
        "INSTANCE_PATH": str(restored),
        "DATABASE_URL": str(app_config["SQLALCHEMY_DATABASE_URI"]),
        "SECRET_KEY": "s",
    }
    typo = tmp_path / "keys" / "data_encrytion_key"
    for settings, key_file in (
        ({}, restored / "data_encryption_key"),
        ({"DATA_ENCRYPTION_KEY_FILE": str(typo)}, typo),
    ):
        _environment(monkeypatch, {**env, **settings})
        with pytest.raises(ConfigError) as refused:
            prepare_instance()
        message = str(refused.value)
        assert str(key_file) in message and "already holds" in message
        assert "Restore the key file" in message and "DATA_ENCRYPTION_KEY" in message
        assert "someone" not in message
        assert not key_file.exists()
        # Debug mode makes a missing key file too (load_config): not over sealed data either.
        with pytest.raises(ConfigError, match="already holds"):
            load_config(env={**env, **settings, "FLASK_DEBUG": "1"})
        assert not key_file.exists()


def test_a_database_without_supporters_still_gets_a_new_master_key(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {
        "INSTANCE_PATH": str(tmp_path / "new"),
        "DATABASE_URL": str(app_config["SQLALCHEMY_DATABASE_URI"]),
        "SECRET_KEY": "s",
    }
    _environment(monkeypatch, env)
    prepare_instance()
    key_file = tmp_path / "new" / "data_encryption_key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text()) > 32


def test_a_fresh_install_gets_both_keys_and_no_database_file_yet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _environment(monkeypatch, {"INSTANCE_PATH": str(tmp_path)})
    assert prepare_instance() == tmp_path
    assert (tmp_path / "secret_key").exists() and (tmp_path / "data_encryption_key").exists()
    assert not (tmp_path / "civic_letters.db").exists()  # bootstrap's migration makes it


def test_an_unreachable_database_gets_no_new_master_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    closed = "postgresql+psycopg://app@127.0.0.1:9/civic?connect_timeout=2"
    _environment(monkeypatch, {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": closed})
    with pytest.raises(ConfigError, match="could not be reached"):
        prepare_instance()
    assert not (tmp_path / "data_encryption_key").exists()
