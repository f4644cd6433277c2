"""Review r3: the worker's upkeep (retention, expiry, surveys, then every live campaign's
delivery recount) is work between beats too. Each step here takes 100 s, under the dashboard's
3 minutes, yet with no beat between them the page says no worker is running."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.workers import database_moves_on
from webapp.delivery import heartbeat, upkeep
from webapp.delivery.worker import Worker

WARNING = "Letters are not being sent"


def test_a_long_upkeep_pass_is_not_reported_as_a_stopped_worker(
    app: Flask, monkeypatch: Any
) -> None:
    monkeypatch.setattr(heartbeat, "EVERY_SECONDS", 0.0)  # each step is minutes long here
    dashboard = signed_in(app, ADMIN)
    warned: list[bool] = []

    def slow(*_args: Any, **_kwargs: Any) -> int:
        database_moves_on(app, timedelta(seconds=100))
        warned.append(WARNING in dashboard.get("/dashboard/").text)
        return 0

    # A day of action's retention pass, then the recount of its live campaigns.
    monkeypatch.setattr(upkeep, "purge_personal_text", slow)
    monkeypatch.setattr(upkeep, "queue_reply_surveys", slow)
    monkeypatch.setattr(upkeep, "refresh_all", slow)
    Worker(app, "outbox-a").run(once=True)
    assert warned == [False, False, False]
