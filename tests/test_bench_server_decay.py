"""bench.load's loaded-against-fresh turns: the machine's drift cancels, and a real run of both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.server_decay import Measure, Served, Turn, alternate, loaded_against_fresh
from bench.serving import app_env, letters_env, prepare_database, start_gunicorn
from tests.pg import free_port

LOADED = Served(1, {"ORIGIN": "http://loaded"})
FRESH = Served(2, {"ORIGIN": "http://fresh"})


def _slowing_machine(loaded_factor: float) -> tuple[list[str], Measure]:
    """A machine that loses 5% of its first speed at every turn; the loaded server answers at
    `loaded_factor` of the fresh one's rate at any one moment."""
    order: list[str] = []

    def measure(served: Served) -> Turn:
        speed = 100.0 - 5.0 * len(order)
        order.append(served.lua_env["ORIGIN"])
        rate = speed * (loaded_factor if served is LOADED else 1.0)
        return Turn(rate, 1000.0 / rate, 0)

    return order, measure


def test_turns_flip_order_each_round_so_a_steady_slowdown_favours_neither() -> None:
    order, measure = _slowing_machine(0.9)
    result = alternate(LOADED, FRESH, 4, measure)
    fresh_first, loaded_first = ["http://fresh", "http://loaded"], ["http://loaded", "http://fresh"]
    assert order == fresh_first + loaded_first + fresh_first + loaded_first
    # Read one after the other in a fixed order, the loaded server would look 15% slower
    # (0.846); in turns the mean comes back to the 0.9 set above.
    assert result["loaded_over_fresh"] == pytest.approx(0.9, abs=0.01)
    assert result["loaded_letters_per_s"] == [85.5, 81.0, 67.5, 63.0]
    assert result["fresh_letters_per_s"] == [100.0, 85.0, 80.0, 65.0]
    assert result["decay_errors_5xx"] == 0


def test_a_loaded_server_and_a_fresh_one_take_turns_under_gunicorn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}"
    prepare_database(url, tmp_path)
    port = free_port()
    process = start_gunicorn("app:app", port, app_env(url, tmp_path), workers=1, threads=2)
    acks = tmp_path / "acks"
    acks.mkdir()
    try:
        loaded = Served(process.pid, letters_env(f"http://127.0.0.1:{port}", acks))
        result = loaded_against_fresh(loaded, None, tmp_path / "fresh", ("app:app", 1, 2, ""), 2, 2)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert len(result["loaded_letters_per_s"]) == len(result["fresh_letters_per_s"]) == 2
    assert min(result["loaded_letters_per_s"] + result["fresh_letters_per_s"]) > 0
    assert all(ms > 0 for ms in result["loaded_app_cpu_ms"] + result["fresh_app_cpu_ms"])
    assert result["loaded_over_fresh"] > 0
    assert result["fresh_lost"] == 0
    assert result["decay_errors_5xx"] == 0
    # Both servers were sent letters through the widget: each wrote its acknowledgements.
    assert any(acks.glob("ack-*.txt"))
    assert any((tmp_path / "fresh" / "acks").glob("ack-*.txt"))
