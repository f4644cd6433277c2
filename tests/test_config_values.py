"""A malformed duration in the settings stops the app with a message naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_commands import FLASK, run_command
from tests.pg import free_port
from webapp.config import ConfigError, load_config, unread_env_file_keys


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("OUTBOX_POLL_SECONDS", "soon", "OUTBOX_POLL_SECONDS must be a number of seconds"),
        ("OUTBOX_POLL_SECONDS", "0", "OUTBOX_POLL_SECONDS must be more than 0"),
        ("CIVIC_READ_TIMEOUT_SECONDS", "-1", "0 or more"),
        ("CIVIC_LOOKUP_BUDGET_SECONDS", "inf", "must be a finite number of seconds"),
        ("RISK_MIN_FORM_SECONDS", "4s", "RISK_MIN_FORM_SECONDS must be a number of seconds"),
        (
            "CIVIC_SYNC_INTERVAL_HOURS",
            "daily",
            "CIVIC_SYNC_INTERVAL_HOURS must be a number of hours",
        ),
        (
            "CIVIC_BREAKER_COOLDOWN_SECONDS",
            "1m",
            "CIVIC_BREAKER_COOLDOWN_SECONDS must be a number of seconds",
        ),
        ("CIVIC_BREAKER_COOLDOWN_SECONDS", "-5", "CIVIC_BREAKER_COOLDOWN_SECONDS .* 0 or more"),
    ],
)
def test_a_malformed_duration_is_refused_by_name(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config({"TESTING": "1", key: value})


def test_durations_read_as_numbers_and_zero_hours_means_never() -> None:
    config = load_config(
        {"TESTING": "1", "OUTBOX_POLL_SECONDS": "0.2", "CIVIC_SYNC_INTERVAL_HOURS": "0"}
    )
    assert config["OUTBOX_POLL_SECONDS"] == 0.2
    assert config["CIVIC_SYNC_INTERVAL_HOURS"] == 0
    assert load_config({"TESTING": "1"})["RISK_MIN_FORM_SECONDS"] == 4.0


@pytest.mark.parametrize("value", ["letters.example.org", "www.example.org/letters", "https://"])
def test_a_public_address_without_its_scheme_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError, match=r"PUBLIC_BASE_URL must be .* like https://letters"):
        load_config({"TESTING": "1", "PUBLIC_BASE_URL": value})


def test_a_public_address_keeps_its_scheme_and_loses_a_trailing_slash() -> None:
    config = load_config({"TESTING": "1", "PUBLIC_BASE_URL": "https://letters.example.org/"})
    assert config["PUBLIC_BASE_URL"] == "https://letters.example.org"
    assert load_config({"TESTING": "1"})["PUBLIC_BASE_URL"] == ""


@pytest.mark.parametrize("value", ["letters", "Coalition <letters@example.org>", "a@b@c.org"])
def test_a_sender_that_is_not_an_address_alone_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError, match="MAIL_FROM must be an email address alone"):
        load_config({"TESTING": "1", "MAIL_FROM": value})


def test_a_sender_address_is_read_as_given_and_defaults_to_localhost() -> None:
    assert load_config({"TESTING": "1", "MAIL_FROM": " letters@example.org "})["MAIL_FROM"] == (
        "letters@example.org"
    )
    assert load_config({"TESTING": "1"})["MAIL_FROM"] == "letters@localhost"


def test_a_postgres_url_in_herokus_spelling_uses_the_apps_driver() -> None:
    config = load_config({"TESTING": "1", "DATABASE_URL": "postgres://u:p@db.internal:5432/civic"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal:5432/civic"
    given = "postgresql://u:p@db.internal/civic"
    assert load_config({"TESTING": "1", "DATABASE_URL": given})["SQLALCHEMY_DATABASE_URI"] == given


def test_a_flask_command_stopped_by_a_setting_prints_the_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "d"}
    settings["CIVIC_BREAKER_COOLDOWN_SECONDS"] = "1m"
    done = run_command((*FLASK, "outbox", "status"), settings)
    assert done.returncode == 1
    assert done.stderr == (
        "Error: CIVIC_BREAKER_COOLDOWN_SECONDS must be a number of seconds, not '1m'\n"
    )


@pytest.mark.parametrize("command", [("-m", "webapp.bootstrap"), (*FLASK, "outbox", "status")])
def test_a_database_out_of_reach_stops_a_command_with_one_line_naming_database_url(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    stopped = f"postgresql+psycopg://civic:pw@127.0.0.1:{free_port()}/civic"
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "d"}
    settings.update(DATABASE_URL=stopped, CIVIC_SYNC_ON_START="0")
    done = run_command(command, settings)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: the database is busy or out of reach"), done.stderr
    assert "Connection refused" in last and "DATABASE_URL names it" in last
    assert "Traceback" not in done.stderr


def test_a_mistyped_key_in_env_is_named_and_flasks_own_pass(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text("# Relay.\nSMTP_URL=\n#PORT=5000\n", encoding="utf-8")
    (tmp_path / ".env").write_text(
        "SMTP_ULR=smtp://relay\nPORT=8000\nFLASK_RUN_PORT=8000\nexport PUBLIC_BASE=x\n",
        encoding="utf-8",
    )
    assert unread_env_file_keys(tmp_path) == ["PUBLIC_BASE", "SMTP_ULR"]


def test_without_an_env_file_or_its_example_nothing_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SMTP_ULR=x\n", encoding="utf-8")
    assert unread_env_file_keys(tmp_path) == []


def test_a_command_on_a_database_never_migrated_names_the_command_that_migrates(
    tmp_path: Path,
) -> None:
    settings = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "d"}
    done = run_command((*FLASK, "outbox", "status"), settings, drop=("FLASK_", "DATABASE_"))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the database's schema is not this version's (no such")
    assert "flask db upgrade" in done.stderr and "Traceback" not in done.stderr
