"""A hard time limit on one network exchange: when it passes, the exchange's sockets are shut."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType


def shut(sock: socket.socket | None) -> None:
    """Shut a socket down both ways, so a thread blocked on it returns at once.

    The plain socket method is used on TLS sockets too: it leaves the TLS object in place for
    the thread still reading it, which then gets an error instead of a crash.
    """
    if sock is None:
        return
    with contextlib.suppress(OSError):  # already closed, or never connected
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Cutoff:
    """`with Cutoff(seconds) as cutoff:` ends the exchange at the limit, whatever it is doing.

    Socket timeouts bound each single wait; a server that answers slowly, a byte at a time,
    could keep one exchange going far longer. The outbox leases a row for the exchange's limit
    plus a margin, so the limit must hold however the server behaves. Every socket the exchange
    uses is registered with `watch` (as soon as it exists); at the limit each is shut down, and
    one registered after that is shut at once, so nothing more is sent once the limit is past.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._aborts: list[Callable[[], None]] = []
        self._done = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._started: float | None = None
        self._ended: float | None = None

    @property
    def reached(self) -> bool:
        """Whether the exchange ran into the limit: cut off, or still going when it passed.

        A socket's own timeout can end a wait at the same moment as the limit; on a busy machine
        the timer's thread may run a little after it. Either way the limit is what ended it.
        Measured to the end of the `with` block, so asking later does not change the answer.
        """
        if self.fired:
            return True
        if self._started is None:
            return False
        ended = self._ended if self._ended is not None else time.monotonic()
        return ended - self._started >= self.seconds

    def watch(self, abort: Callable[[], None]) -> None:
        """Call `abort` (which shuts the exchange's current socket) at the limit, or now if past."""
        with self._lock:
            if not self.fired:
                self._aborts.append(abort)
                return
        abort()

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            aborts = list(self._aborts)
        for abort in aborts:
            abort()

    def __enter__(self) -> Cutoff:
        self._started = time.monotonic()
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._ended = time.monotonic()
        self._timer.cancel()
        with self._lock:
            # From here `fired` is final: a timer already running finds _done and does nothing.
            self._done = True
