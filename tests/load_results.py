"""A bench.load result as `_report` reads it, for tests of the report's wording."""

from __future__ import annotations

from typing import Any


def load_result(**changes: Any) -> dict[str, Any]:
    """One SQLite run's figures, plausible and round; `changes` replace or add fields."""
    return {
        "backend": "sqlite",
        "limits": "sqlite file",
        "bare_requests_per_s": 9000.0,
        "bare_before_and_after": [9000.0, 8800.0],
        "letters": 100,
        "letters_per_s": 250.0,
        "ratio_to_bare": 0.028,
        "rate_by_tenth": [250.0] * 10,
        "last_tenth_over_first": 1.0,
        "app_cpu_ms_per_letter": 7.0,
        "worker_cpu_shares": [0.5, 0.5],
        "workers_ended": 0,
        "database_server_cpu_ms_per_letter": 0.0,
        "wrk_cpu_ms_per_letter": 0.2,
        "cores_busy": 1.9,
        "full_p50_ms": 60.0,
        "full_p99_ms": 200.0,
        "paced_target_letters_per_s": 200,
        "paced_letters_per_s": 199.0,
        "paced_p50_ms": 10.0,
        "paced_p99_ms": 100.0,
        "errors_5xx": 0,
        "acknowledged": 100,
        "rows": 100,
        "lost": 0,
        "recorded_but_reply_cut_off": 0,
        **changes,
    }
