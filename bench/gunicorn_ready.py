"""gunicorn settings for benchmarks: the app's own (gunicorn.conf.py), and a mark per ready worker.

A worker accepts connections only after its warm-up. Measured before every worker was ready, the
first one took all of wrk's keep-alive connections and served them alone: the bare endpoint came
out at about 1,800 or about 5,000 requests/s from one start to the next. bench.load waits for a
mark from each worker (a file named by its pid in BENCH_READY_DIR) before it sends anything.
"""

import importlib.util
import os
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "app_gunicorn_conf", Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
)
assert _spec is not None and _spec.loader is not None
_app_conf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_app_conf)

# Every setting and hook of the app's file, so a new one reaches the benches without a copy here
# (gunicorn ignores names that are not settings; the command line overrides bind, workers and
# threads). Only post_worker_init is wrapped, below.
globals().update({k: v for k, v in vars(_app_conf).items() if not k.startswith("_")})


def post_worker_init(worker: Any) -> None:
    if os.environ.get("BENCH_WARM", "1") == "1":  # the bare yardstick has no pages to warm
        _app_conf.post_worker_init(worker)
    Path(os.environ["BENCH_READY_DIR"], str(os.getpid())).touch()
