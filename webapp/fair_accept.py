"""A gthread worker that accepts a connection only while it holds no more than its fair share."""

from __future__ import annotations

import mmap
from typing import Any

from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]

# gunicorn's workers share one listening socket, and a kept-alive connection stays with the
# worker that accepted it. The worker already awake wins most accepts, so a burst of clients can
# land on one worker while the others idle: under wrk's 32 connections one worker sometimes took
# all of them and the server ran on one of two cores at half its rate (README, "Where wrk's
# connections land"). Each worker publishes how many connections it holds, and stops accepting
# while it holds more than the mean of the accepting workers plus SLACK; the others take the rest.
SLOTS = 64
SLACK = 1
# A worker that stopped accepting judged by the counts it read then; others' counts may have
# grown since. It reads them again this often (not after gthread's usual second), so new
# connections never wait long for a worker that has room.
RECHECK_SECONDS = 0.01
NOT_ACCEPTING = -1  # a slot that is free, or whose worker is warming up or stopping


def fair_limit(own: int, counts: list[int], configured: int) -> int:
    """How many connections a worker may hold, given the counts every accepting worker
    published (its own among them, as `own`): the mean rounded up plus SLACK, at least 1, never
    above gunicorn's worker_connections."""
    accepting = [count for count in counts if count != NOT_ACCEPTING]
    if not accepting:  # this worker has not published yet
        accepting = [own]
    mean = -(-sum(accepting) // len(accepting))
    return min(configured, max(1, mean + SLACK))


class ConnectionTable:
    """Connections held by each worker, in memory the arbiter maps before forking its workers."""

    def __init__(self, slots: int = SLOTS) -> None:
        self._memory = mmap.mmap(-1, slots * 8)
        self._counts = memoryview(self._memory).cast("q")
        for slot in range(slots):
            self._counts[slot] = NOT_ACCEPTING
        self._taken: set[int] = set()

    def assign(self) -> int | None:
        """A free slot for a worker about to be forked (called in the arbiter only); None when
        all are taken, and that worker then accepts as stock gthread does."""
        free = [slot for slot in range(len(self._counts)) if slot not in self._taken]
        if not free:
            return None
        self._taken.add(free[0])
        return free[0]

    def release(self, slot: int) -> None:
        """A worker has exited: its slot stops counting and can be given again (arbiter)."""
        self._counts[slot] = NOT_ACCEPTING
        self._taken.discard(slot)

    def publish(self, slot: int, count: int) -> None:
        self._counts[slot] = count

    def counts(self) -> list[int]:
        return self._counts.tolist()


class FairThreadWorker(ThreadWorker):
    """gthread, with its connection count published and its accept limit the fair share.

    Falls back to stock gthread when the arbiter gave it no slot (gunicorn.conf.py's hooks not
    loaded, or every slot taken)."""

    table: ConnectionTable | None = None
    table_slot: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._open = 0
        self._configured = 0
        self._published = False
        super().__init__(*args, **kwargs)

    # gthread changes nr_conns only on its event loop's thread, and reads worker_connections
    # there before each wait: both are properties so the loop itself needs no change.
    @property
    def nr_conns(self) -> int:
        return self._open

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._open = value
        if self._published:
            self._publish(value)
            # After the write: a SIGTERM landing just before it still ends as NOT_ACCEPTING.
            self._withdraw_if_stopping()

    @property
    def worker_connections(self) -> int:
        if not self._published or self.table is None:
            return self._configured
        return fair_limit(self._open, self.table.counts(), self._configured)

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._configured = value

    def _publish(self, value: int) -> None:
        if self.table is not None and self.table_slot is not None:
            self.table.publish(self.table_slot, value)

    def _withdraw_if_stopping(self) -> None:
        """A stopping worker accepts nothing more, and its count must not hold the others back
        while it drains. SIGTERM, max_requests and the reloader each only clear `alive`, so this
        is checked on the event loop's own thread rather than in a signal handler."""
        if self._published and not self.alive:
            self._published = False
            self._publish(NOT_ACCEPTING)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        self._withdraw_if_stopping()
        if self._published and not self._accepting and self._open < self._configured:
            timeout = min(timeout, RECHECK_SECONDS)
        super().wait_for_and_dispatch_events(timeout)

    def run(self) -> None:
        # Counted only from here, after post_worker_init's warm-up: a warming worker takes no
        # connections, so it must not lower the others' share.
        self._published = self.alive and self.table is not None and self.table_slot is not None
        if self._published:
            self._publish(self._open)
        super().run()


def on_starting(server: Any) -> None:
    """The arbiter maps the table once; workers forked later share it."""
    server.connection_table = ConnectionTable()


def pre_fork(server: Any, worker: Any) -> None:
    table = getattr(server, "connection_table", None)
    if table is not None:
        worker.table = table
        worker.table_slot = table.assign()
        if worker.table_slot is None:
            server.log.warning("all %d connection slots taken: a worker accepts as gthread", SLOTS)


def child_exit(server: Any, worker: Any) -> None:
    """The arbiter has reaped a worker: its slot is free again."""
    table = getattr(worker, "table", None)
    if table is not None and worker.table_slot is not None:
        table.release(worker.table_slot)


# Also when the worker itself exits, and when the arbiter finds a worker already gone (gunicorn
# then calls worker_exit, not child_exit). Releasing twice is harmless.
worker_exit = child_exit
