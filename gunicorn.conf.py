"""gunicorn settings for `make serve` (bind, workers and threads come from the Makefile)."""

import os
from typing import Any

# Threads, not one request per process: a lookup waiting on a slow Census geocoder holds one
# thread for at most CIVIC_LOOKUP_BUDGET_SECONDS, and the other threads keep serving. With the
# sync worker class, WORKERS=4 meant four waiting lookups stalled every page.
worker_class = "gthread"
threads = 16
# Each worker listens on a socket of its own, and the kernel hands each new connection to one of
# them by a hash of its addresses. On one shared socket a worker accepts all it can, and a
# proxy's kept-alive connections (or wrk's) can all end up on one worker while the others idle:
# bench.load measured one of four workers doing 99.7% of the work, on 1.18 of 2 cores.
# Only for TCP addresses gunicorn binds itself (see on_starting).
reuse_port = True
# Far above the lookup budget: a worker is killed only when something is truly stuck.
timeout = 30
# No client address and no query string (addresses and emails travel in them); the app's log
# filter also masks receipt, confirmation and reset tokens in the path.
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker: Any) -> None:
    """Each new worker compiles its templates and renders the front pages before it accepts."""
    from webapp.warmup import warm

    warm(worker.wsgi)


def on_starting(server: Any) -> None:
    """One socket per worker only where it is safe: each worker would bind a Unix socket's path
    again, removing the one before it, and sockets handed over by systemd or by a re-executed
    gunicorn would be ignored."""
    binds = [str(address) for address in server.cfg.bind]
    handed_over = "LISTEN_FDS" in os.environ or "GUNICORN_FD" in os.environ
    if handed_over or any(address.startswith(("unix:", "fd://")) for address in binds):
        server.cfg.set("reuse_port", False)
