"""The worker says in one line a round that the database is out of reach, and waits it out."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from tests.conftest import _base_config, built_app
from tests.pg import free_port
from webapp.delivery.worker import Worker


def test_a_database_out_of_reach_is_one_line_a_round_without_a_trace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on the port: every round's first statement finds the server down, as
    # during a PostgreSQL restart.
    url = f"postgresql+psycopg://app@127.0.0.1:{free_port()}/civic"
    config = {**_base_config(url, tmp_path), "OUTBOX_POLL_SECONDS": 0.05}
    with built_app(config) as app:
        worker = Worker(app)
        stop = threading.Event()
        timer = threading.Timer(0.6, stop.set)
        timer.start()
        with caplog.at_level(logging.WARNING):
            worker.run(stop=stop)  # returns once stopped: the rounds fail, the loop goes on
        timer.join()
    said = [r for r in caplog.records if "outbox round failed" in r.getMessage()]
    assert len(said) >= 3, caplog.text  # a round every poll, each said
    for record in said:
        assert record.levelno == logging.WARNING and record.exc_info is None, caplog.text
        message = record.getMessage()
        assert "the database is busy or out of reach (OperationalError:" in message
        assert "Connection refused" in message and "\n" not in message
        assert message.endswith("(check that the database runs and that DATABASE_URL names it)")
        assert "app@127.0.0.1" not in message  # the setting is named, not its value
        assert "[SQL:" not in message
    assert "Traceback" not in caplog.text
