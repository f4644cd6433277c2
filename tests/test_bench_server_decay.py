"""bench.load's loaded-against-new turns: the machine's drift cancels, and a real run of both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import _report
from bench.server_decay import Measure, Turn, alternate, loaded_against_new
from bench.serving import Served, acknowledged, app_env, prepare_database, serve_letters
from tests.load_results import load_result

LOADED = Served(1, {"ORIGIN": "http://loaded"})
NEW = Served(2, {"ORIGIN": "http://new"})


def _slowing_machine(loaded_factor: float) -> tuple[list[str], Measure]:
    """A machine that loses 5% of its first speed at every turn; the loaded server answers at
    `loaded_factor` of the new one's rate at any one moment, and costs CPU in proportion."""
    order: list[str] = []

    def measure(served: Served) -> Turn:
        speed = 100.0 - 5.0 * len(order)
        order.append(served.lua_env["ORIGIN"])
        rate = speed * (loaded_factor if served is LOADED else 1.0)
        return Turn(rate, 1000.0 / rate, served.pid / 10, 0, 0.5 if served is LOADED else 0.25)

    return order, measure


def test_rounds_run_new_loaded_loaded_new_so_a_steady_slowdown_favours_neither() -> None:
    order, measure = _slowing_machine(0.9)
    result = alternate(LOADED, NEW, 2, measure)
    one_round = ["http://new", "http://loaded", "http://loaded", "http://new"]
    assert order == one_round * 2
    # Read one after the other in a fixed order (new, loaded), the loaded server would look
    # 0.846 of the new one here; in turns it comes back to the 0.9 set above.
    assert result["loaded_over_new"] == 0.9
    assert result["loaded_letters_per_s"] == [85.5, 81.0, 67.5, 63.0]
    assert result["new_letters_per_s"] == [100.0, 85.0, 80.0, 65.0]
    assert result["loaded_app_cpu_ms"] == [pytest.approx(1000 / r) for r in (85.5, 81, 67.5, 63)]
    assert result["new_app_cpu_ms"] == [
        10.0,
        pytest.approx(1000 / 85),
        12.5,
        pytest.approx(1000 / 65),
    ]
    assert result["loaded_database_cpu_ms"] == [0.1] * 4
    assert result["new_database_cpu_ms"] == [0.2] * 4
    assert result["loaded_busiest_worker"] == [0.5] * 4
    assert result["new_busiest_worker"] == [0.25] * 4
    assert result["decay_errors_5xx"] == 0


def test_a_round_in_which_the_new_server_recorded_nothing_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no letter"):
        alternate(LOADED, NEW, 1, lambda served: Turn(0.0, 0.0, 0.0, 0, 1.0))
    with pytest.raises(ValueError):
        alternate(LOADED, NEW, 0, lambda served: Turn(1.0, 1.0, 0.0, 0, 1.0))


def test_the_report_prints_the_turns_and_fails_on_a_letter_the_new_server_lost(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = load_result(
        decay_after_letters=60_000,
        **alternate(LOADED, NEW, 1, _slowing_machine(0.9)[1]),
        new_letters=3_000,
        new_lost=0,
    )
    _report(result)
    out = capsys.readouterr().out
    assert "the server that had taken 60,000 letters against a new one" in out
    assert "[85.5, 81.0] against [100.0, 85.0] letters/s" in out
    assert "busiest worker's share [0.5, 0.5] against [0.25, 0.25]; loaded/new 0.9;" in out
    assert "the new one held 3,000 letters at the end (lost 0)" in out
    with pytest.raises(SystemExit):
        _report({**result, "new_lost": 1})


def test_a_loaded_server_and_a_new_one_take_turns_under_gunicorn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'load.db'}"
    prepare_database(url, tmp_path)
    with serve_letters("app:app", app_env(url, tmp_path), 1, 2, tmp_path / "acks") as loaded:
        result = loaded_against_new(
            loaded,
            cluster=None,
            folder=tmp_path / "new",
            app_spec="app:app",
            workers=1,
            threads=2,
            limits="",
            rounds=1,
            seconds=2,
        )
    assert len(result["loaded_letters_per_s"]) == len(result["new_letters_per_s"]) == 2
    assert min(result["loaded_letters_per_s"] + result["new_letters_per_s"]) > 0
    assert all(ms > 0 for ms in result["loaded_app_cpu_ms"] + result["new_app_cpu_ms"])
    assert result["loaded_database_cpu_ms"] == result["new_database_cpu_ms"] == [0.0, 0.0]
    assert result["loaded_over_new"] > 0
    assert result["loaded_busiest_worker"] == result["new_busiest_worker"] == [1.0, 1.0]
    assert result["decay_errors_5xx"] == 0
    assert result["new_lost"] == 0
    # The loaded server was not warmed here: its letters all come from its two turns. The new
    # one's database holds its warm-up's and its turns' letters, all acknowledged.
    assert len(acknowledged(tmp_path / "acks")) > 0
    new_acknowledged = acknowledged(tmp_path / "new" / "acks")
    assert result["new_letters"] >= len(new_acknowledged) > 0
