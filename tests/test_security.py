"""Security headers on every response, no inline script or style, secret keys, IP hashing, 500s."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts
from tests.supporter.helpers import post_letter
from webapp import create_app
from webapp.config import PROJECT_ROOT, ConfigError, load_config
from webapp.database import db
from webapp.models import Submission
from webapp.services.privacy import hash_ip

TEMPLATES = PROJECT_ROOT / "templates"
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def _receipt(client: FlaskClient, slug: str) -> TestResponse:
    return client.get(post_letter(client, slug).headers["Location"])


PAGES: dict[str, Callable[[FlaskClient, str], TestResponse]] = {
    "index": lambda c, slug: c.get("/"),
    "campaign": lambda c, slug: c.get(f"/campaigns/{slug}"),
    "preview": lambda c, slug: post_letter(c, slug, action="preview"),
    "invalid form": lambda c, slug: post_letter(c, slug, action="preview", zip_code="1"),
    "send redirect": lambda c, slug: post_letter(c, slug),
    "receipt": _receipt,
    "404 page": lambda c, slug: c.get("/campaigns/not-a-campaign"),
    "static file": lambda c, slug: c.get("/static/css/site.css"),
    "static script": lambda c, slug: c.get("/static/js/site.js"),
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.mark.parametrize("page", list(PAGES))
def test_every_response_carries_the_security_headers(
    client: FlaskClient, default_campaign: str, page: str
) -> None:
    response = PAGES[page](client, default_campaign)
    assert response.status_code < 500
    csp = response.headers.get("Content-Security-Policy", "")
    directives = csp_directives(csp)
    assert directives.get("script-src") == ["'self'"], csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES
    assert response.headers.get("X-Frame-Options") == "DENY"


def _template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert files, f"no templates under {TEMPLATES}"
    return files


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_style_or_handlers(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for match in re.finditer(r"<script\b([^>]*)>(.*?)</script\s*>", source, re.S | re.I):
        assert not match.group(2).strip(), f"inline script in {path.name}"
        assert "src=" in match.group(1), f"script without src in {path.name}"
    assert not re.search(r"\sstyle\s*=", source, re.I), f"inline style= in {path.name}"
    assert not re.search(r"<style\b", source, re.I), f"<style> block in {path.name}"
    assert not re.search(r"\son[a-z]+\s*=", source, re.I), f"event handler in {path.name}"
    assert "javascript:" not in source.lower(), f"javascript: URL in {path.name}"


def test_config_without_secret_key_outside_debug_refuses_to_start(tmp_path: Path) -> None:
    for env in ({}, {"FLASK_DEBUG": "0", "TESTING": "false"}, {"SECRET_KEY": ""}):
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            load_config(env=env, instance_path=tmp_path)
    assert not (tmp_path / "secret_key").exists()  # refusing does not invent a key


def test_config_in_debug_starts_without_a_secret_key(tmp_path: Path) -> None:
    config = load_config(env={"FLASK_DEBUG": "1"}, instance_path=tmp_path)
    assert config["DEBUG"] is True
    assert len(config["SECRET_KEY"]) >= 32


def test_config_reads_the_secret_key_file(tmp_path: Path) -> None:
    (tmp_path / "data_encryption_key").write_text("data-key\n", encoding="utf-8")
    (tmp_path / "secret_key").write_text("from-the-key-file\n", encoding="utf-8")
    assert load_config(env={}, instance_path=tmp_path)["SECRET_KEY"] == "from-the-key-file"
    custom = tmp_path / "elsewhere.key"
    custom.write_text("custom-key", encoding="utf-8")
    env = {"SECRET_KEY_FILE": str(custom)}
    assert load_config(env=env, instance_path=tmp_path)["SECRET_KEY"] == "custom-key"
    assert load_config(env={"SECRET_KEY": "env-wins"}, instance_path=tmp_path)["SECRET_KEY"] == (
        "env-wins"
    )


def test_config_without_a_data_encryption_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        load_config(env={"SECRET_KEY": "s"}, instance_path=tmp_path)
    assert not (tmp_path / "data_encryption_key").exists()  # refusing does not invent a key
    (tmp_path / "data_encryption_key").write_text("from-the-file\n", encoding="utf-8")
    assert load_config(env={"SECRET_KEY": "s"}, instance_path=tmp_path)["DATA_ENCRYPTION_KEY"] == (
        "from-the-file"
    )
    env = {"SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "env-wins"}
    assert load_config(env=env, instance_path=tmp_path)["DATA_ENCRYPTION_KEY"] == "env-wins"


def test_debug_creates_a_data_encryption_key_file_that_outlives_the_process(
    tmp_path: Path,
) -> None:
    first = load_config(env={"FLASK_DEBUG": "1"}, instance_path=tmp_path)["DATA_ENCRYPTION_KEY"]
    again = load_config(env={"FLASK_DEBUG": "1"}, instance_path=tmp_path)["DATA_ENCRYPTION_KEY"]
    assert len(first) >= 32 and first == again
    assert (tmp_path / "data_encryption_key").stat().st_mode & 0o777 == 0o600


def _app_from_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Flask:
    monkeypatch.setattr("webapp.config._environment", lambda: env)
    # On a database never migrated: the schema and key checks have their own tests.
    return create_app(check=False)


def test_create_app_refuses_without_secret_key_and_starts_in_debug_or_with_a_key_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        _app_from_environment(monkeypatch, env)
    debug_app = _app_from_environment(monkeypatch, {**env, "FLASK_DEBUG": "1"})
    assert debug_app.debug and debug_app.secret_key
    (tmp_path / "secret_key").write_text("key-from-file\n", encoding="utf-8")
    keyed_app = _app_from_environment(monkeypatch, env)
    assert keyed_app.secret_key == "key-from-file" and not keyed_app.debug
    for application in (debug_app, keyed_app):
        with application.app_context():
            db.engine.dispose()


def _ip_hashes(app: Flask) -> list[str | None]:
    with app.app_context():
        return list(db.session.scalars(select(Submission.ip_hash).order_by(Submission.id)))


def test_ip_address_is_stored_only_as_a_keyed_hash(
    app: Flask, app_config: dict[str, Any], client: FlaskClient, default_campaign: str
) -> None:
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert post_letter(client, default_campaign, email="one@example.org").status_code == 303
    assert post_letter(client, default_campaign, email="two@example.org").status_code == 303
    client.environ_base["REMOTE_ADDR"] = "203.0.113.8"
    assert post_letter(client, default_campaign, email="three@example.org").status_code == 303
    other_app = create_app({**app_config, "IP_HASH_BYTES": b"a different key"})
    other = other_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert post_letter(other, default_campaign, email="four@example.org").status_code == 303
    with other_app.app_context():
        db.engine.dispose()

    first, second, other_ip, other_key = _ip_hashes(app)
    for value in (first, second, other_ip, other_key):
        assert value is not None and re.fullmatch(r"[0-9a-f]{64}", value)
        assert "203.0.113" not in value
    assert first == second == hash_ip("203.0.113.7", app.config["IP_HASH_BYTES"])
    assert other_ip != first and other_key != first
    with app.app_context():
        row = db.session.scalars(select(Submission)).first()
        assert row is not None
        stored = [getattr(row, c.key) for c in Submission.__table__.columns]
        stored += [getattr(row.supporter, c.key) for c in row.supporter.__table__.columns]
        assert not any("203.0.113" in str(value) for value in stored)


def assert_site_500(response: TestResponse) -> None:
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert 'class="site-header"' in response.text and "/static/css/site.css" in response.text
    assert "Traceback" not in response.text and "deliberate failure" not in response.text
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("testing", [True, False])
def test_unexpected_error_shows_the_site_500_page(
    app: Flask, testing: bool, caplog: pytest.LogCaptureFixture
) -> None:
    app.testing = testing

    def boom() -> str:
        raise RuntimeError("deliberate failure")

    app.add_url_rule("/boom", "boom", boom)
    assert_site_500(app.test_client().get("/boom"))
    assert "deliberate failure" in caplog.text  # logged for the operator, not shown


def test_failure_while_recording_shows_the_500_page_and_records_nothing(
    app: Flask, client: FlaskClient, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("deliberate failure")

    monkeypatch.setattr("webapp.services.letters.record_submission", failing)
    assert_site_500(post_letter(client, default_campaign))
    assert record_counts(app) == NOTHING_RECORDED


@pytest.mark.parametrize("value", ["inf", "-1", "nan", "soon"])
def test_a_setting_in_seconds_must_be_a_finite_number(tmp_path: Path, value: str) -> None:
    env = {"SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "d", "RATELIMIT_STORE_RETRY_SECONDS": value}
    with pytest.raises(ConfigError, match="RATELIMIT_STORE_RETRY_SECONDS"):
        load_config(env=env, instance_path=tmp_path)
