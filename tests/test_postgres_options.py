"""PostgreSQL connections: the lock timeout (POSTGRES_LOCK_TIMEOUT_MS) is added to the options a
DATABASE_URL gives, never in their place (a statement timeout, a search_path)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import built_app
from webapp.database import db


@pytest.fixture
def backend() -> str:
    return "postgresql"


def _shown(config: dict[str, Any], *names: str) -> list[str]:
    with built_app(config) as app, app.app_context():
        return [str(db.session.scalar(text(f"SHOW {name}"))) for name in names]


def test_the_lock_timeout_joins_the_url_s_own_options(app_config: dict[str, Any]) -> None:
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    given = url + ("&" if "?" in url else "?") + "options=-c%20statement_timeout%3D4321"
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": given, "POSTGRES_LOCK_TIMEOUT_MS": 2500}
    assert _shown(config, "statement_timeout", "lock_timeout") == ["4321ms", "2500ms"]


def test_zero_waits_for_ever_as_postgresql_does(app_config: dict[str, Any]) -> None:
    assert _shown({**app_config, "POSTGRES_LOCK_TIMEOUT_MS": 0}, "lock_timeout") == ["0"]
    assert _shown(app_config, "lock_timeout") == ["30s"]
