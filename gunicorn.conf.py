"""gunicorn settings for `make serve` (bind, workers and threads come from the Makefile)."""

import os
import time

from webapp.fair_accept import (  # noqa: F401 (gunicorn hooks)
    child_exit,
    pre_fork,
    worker_exit,
)
from webapp.fair_accept import on_starting as share_connection_table
from webapp.startup_checks import SERVER_STARTED


def on_starting(server: object) -> None:
    """Before any worker: the connection table, and when the server started (a worker that
    boots long after is a restart, whose failed start-up check must not stop the site)."""
    share_connection_table(server)
    os.environ[SERVER_STARTED] = str(time.time())


# Threads, not one request per process: a lookup waiting on a slow Census geocoder holds one
# thread for at most CIVIC_LOOKUP_BUDGET_SECONDS, and the other threads keep serving. With the
# sync worker class, WORKERS=4 meant four waiting lookups stalled every page. The threads of a
# worker take turns at its Python (REQUEST_SLOTS, webapp/request_slots.py); one waiting on an
# upstream gives its turn up. The class is gthread that takes no more than its fair share of the
# open connections (webapp/fair_accept.py); the hooks imported above keep its table.
worker_class = "webapp.fair_accept.FairThreadWorker"
threads = 16
# Far above the lookup budget: a worker is killed only when something is truly stuck.
timeout = 30
# No client address and no query string (addresses and emails travel in them); the app's log
# filter also masks receipt, confirmation and reset tokens in the path.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# gunicorn's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): a second server
# on the machine (staging beside production) takes it over, and stopping either deletes it.
# Nothing here uses it.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Each new worker checks its pool against its threads, then compiles its templates and
    renders the front pages, and freezes what it then holds, before it accepts."""
    from webapp.request_slots import pool_shortfall
    from webapp.warmup import freeze_heap, warm

    app = worker.wsgi  # type: ignore[attr-defined]
    problem = pool_shortfall(app.config, worker.cfg.threads)  # type: ignore[attr-defined]
    if problem:  # gunicorn logs it and stops: "Worker failed to boot"
        raise RuntimeError(problem)
    warm(app)
    freeze_heap()
