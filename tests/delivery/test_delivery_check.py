"""`flask delivery check` judges each channel's settings as the outbox worker does (QA6 5, 2)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from tests.delivery.campaigns import CWC_SENDER, OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.pg import free_port
from webapp.config_values import ConfigError
from webapp.delivery.smtp import parse_smtp_url
from webapp.delivery.worker import Worker

SMTP = "smtp://relay-user:relay-secret@127.0.0.1:2525"
PUBLIC = "https://letters.example.org"
CWC = {
    "CWC_API_KEY": "house-key",
    "CWC_URL": "http://127.0.0.1:9",
    **CWC_SENDER,
}


@pytest.fixture
def relay() -> Iterator[SmtpSink]:
    with SmtpSink(password="relay-secret") as sink:
        yield sink


@pytest.fixture
def app_config(app_config: dict[str, Any], relay: SmtpSink) -> dict[str, Any]:
    smtp_url = relay.url_with("relay-user", "relay-secret")
    return {**app_config, "SMTP_URL": smtp_url, "PUBLIC_BASE_URL": PUBLIC}


def _campaign(app: Flask, folder: Path, with_form: bool = False) -> str:
    """The Water Board by email, and (`with_form`) a council reached only by its web form."""
    offices = [office("Water Board", email=OFFICE_EMAIL)]
    if with_form:
        offices.append(office("Town Council", contact_url="https://council.example.org/contact"))
    return write_delivery_campaign(app, folder, "water", offices)


def _check(app: Flask, *args: str, **config: Any) -> Result:
    app.config.update(config)
    result = app.test_cli_runner().invoke(args=["delivery", "check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _office(result: Result, name: str) -> str:
    """The office's lines: its mark, name and channel, then the indented details."""
    lines = result.output.splitlines()
    first = next(n for n, line in enumerate(lines) if f" {name} [" in line)
    end = first + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    return "\n".join(lines[first:end])


def test_with_every_setting_right_the_check_passes_and_names_the_relay_not_its_password(
    app: Flask, tmp_path: Path
) -> None:
    slug = _campaign(app, tmp_path)
    result = _check(app, slug)
    assert f"email: on (127.0.0.1:{app.config['SMTP_URL'].rsplit(':', 1)[1]})" in result.output
    assert "House CWC: off — CWC_API_KEY not set" in result.output
    assert "relay-secret" not in result.output and "relay-user" not in result.output
    assert _office(result, "Water Board").startswith("GREEN")
    assert result.exit_code == 0, result.output


def test_without_smtp_email_offices_are_amber_their_letters_wait(
    app: Flask, tmp_path: Path
) -> None:
    slug = _campaign(app, tmp_path)
    result = _check(app, slug, SMTP_URL="")
    assert "email: off — SMTP_URL not set: emails to offices" in result.output
    assert _office(result, "Water Board").startswith("AMBER")
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("settings", "channel"),
    [
        ({"SMTP_URL": "smpt://x"}, "email"),
        ({"SMTP_URL": SMTP + "?starttls=ture"}, "email"),
        ({"SMTP_URL": SMTP + "?startls=true"}, "email"),
        ({**CWC, "CWC_CONTACT_PHONE": "(202) 555-0100"}, "House CWC"),
        ({**CWC, "SENATE_CWC_API_KEY": "senate-key", "SENATE_CWC_ACK_EMAIL": "ack"}, "Senate CWC"),
        ({"POST_API_KEY": "post-key", "POST_FROM_NAME": "Coalition"}, "First-Class post"),
    ],
)
def test_settings_the_worker_refuses_are_broken_with_the_workers_own_reason(
    app: Flask, tmp_path: Path, settings: dict[str, str], channel: str
) -> None:
    slug = _campaign(app, tmp_path)
    app.config.update(settings)
    with pytest.raises((ConfigError, ValueError)) as refused:
        Worker(app)
    result = _check(app, slug)
    assert f"{channel}: broken — {refused.value}" in result.output
    assert "problem: the outbox worker refuses to start" in result.output
    assert result.exit_code == 1
    # A worker that does not start sends nothing: the emailed office is red whichever it was.
    water_board = _office(result, "Water Board")
    assert water_board.startswith("RED"), water_board
    assert "the outbox worker refuses to start" in water_board


def test_an_empty_public_base_url_is_a_problem_outside_debug(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug = _campaign(app, tmp_path)
    result = _check(app, slug, PUBLIC_BASE_URL="")
    assert "problem: PUBLIC_BASE_URL is not set" in result.output
    assert "receipt and confirmation links" in result.output
    assert _office(result, "Water Board").startswith("GREEN")
    assert result.exit_code == 1
    # In debug (`flask --debug ...`, which the CLI reads from FLASK_DEBUG) the links point at
    # `flask run` itself: no problem there.
    monkeypatch.setenv("FLASK_DEBUG", "1")
    result = _check(app, slug)
    assert "PUBLIC_BASE_URL" not in result.output and result.exit_code == 0


def test_the_worker_warns_once_at_start_without_public_base_url(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PUBLIC_BASE_URL"] = ""
    with caplog.at_level(logging.WARNING):
        result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    said = [r for r in caplog.records if "PUBLIC_BASE_URL is not set" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING
    caplog.clear()
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert not [r for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]


def test_problems_lists_only_red_and_amber_offices_and_exits_as_before(
    app: Flask, tmp_path: Path
) -> None:
    slug = _campaign(app, tmp_path, with_form=True)
    everything = _check(app, slug)
    assert _office(everything, "Water Board").startswith("GREEN")
    assert _office(everything, "Town Council").startswith("AMBER")
    only = _check(app, slug, "--problems")
    assert " Water Board [" not in only.output
    assert _office(only, "Town Council").startswith("AMBER")
    assert "2 office(s): 1 green, 1 amber" in only.output  # the count is still of every office
    assert only.exit_code == everything.exit_code == 1


@pytest.mark.parametrize(
    ("query", "security"),
    [
        ("", "plain"),
        ("?starttls=false", "plain"),
        ("?starttls=on", "starttls"),
        ("?StartTLS=1", "starttls"),
    ],
)
def test_starttls_is_read_as_the_other_booleans_are(query: str, security: str) -> None:
    assert parse_smtp_url(f"smtp://relay.example.org{query}").security == security


@pytest.mark.parametrize(
    ("smtp_url", "said"),
    [
        ("smtp://relay-user:relay-secret@127.0.0.1:{free}", "cannot connect to SMTP server"),
        ("smtp://relay-user:wrong@127.0.0.1:{port}", "SMTP login refused (535)"),
    ],
)
def test_a_relay_that_does_not_answer_or_refuses_the_login_is_a_problem(
    app: Flask, tmp_path: Path, relay: SmtpSink, smtp_url: str, said: str
) -> None:
    slug = _campaign(app, tmp_path)
    result = _check(app, slug, SMTP_URL=smtp_url.format(free=free_port(), port=relay.port))
    assert f"problem: email: {said}" in result.output, result.output
    assert "wait until it answers" in result.output and "wrong" not in result.output
    assert result.exit_code == 1
