"""Each send has a hard time limit, even against a server that answers a byte at a time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_cwc import SETTINGS
from webapp.civic.http import Timeouts
from webapp.delivery.cutoff import Cutoff
from webapp.delivery.cwc import CwcClient, CwcSettings
from webapp.delivery.smtp import Mailer, SendError, SmtpSettings

BYTE_EVERY = 0.1  # seconds: far below every socket timeout below, so none of them fires


class Dribbler:
    """A loopback server that answers every connection one byte at a time, for ever."""

    def __init__(self, opening: bytes) -> None:
        self.opening = opening
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._dribble, args=(conn,), daemon=True).start()

    def _dribble(self, conn: socket.socket) -> None:
        payload = self.opening + b"x" * 100_000
        with conn:
            for byte in payload:
                if self._stop.wait(BYTE_EVERY):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return  # the client gave up

    def __enter__(self) -> Dribbler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Hi"
    message.set_content("Hello")
    return message


def test_an_smtp_server_dribbling_its_greeting_is_cut_off_at_the_time_limit() -> None:
    with Dribbler(b"220 slow.example ESMTP ") as server:
        mailer = Mailer(SmtpSettings("127.0.0.1", server.port, "plain", timeout=1.0))
        started = time.monotonic()
        with pytest.raises(SendError) as caught:
            mailer.send(_message())
        took = time.monotonic() - started
    assert server.connections == 1
    assert 0.9 <= took < 2.0, took
    assert "cut off after 1 s" in str(caught.value) and not caught.value.permanent


@pytest.fixture
def slow_sink() -> Iterator[SmtpSink]:
    with SmtpSink(delay=5.0) as sink:  # stores each message, then waits 5 s to say so
        yield sink


def test_an_smtp_send_on_an_open_connection_is_cut_off_and_the_next_one_reconnects(
    slow_sink: SmtpSink,
) -> None:
    mailer = Mailer(SmtpSettings("127.0.0.1", slow_sink.port, "plain", timeout=1.0))
    started = time.monotonic()
    with pytest.raises(SendError, match="cut off after 1 s"):
        mailer.send(_message())
    assert time.monotonic() - started < 2.0
    assert slow_sink.count() == 1  # in flight: the server has it, the client never heard
    slow_sink.delay = 0.0
    mailer.send(_message())  # a fresh connection, not the one that was shut
    assert slow_sink.count() == 2
    mailer.close()


def test_a_cwc_server_dribbling_its_answer_is_cut_off_at_connect_plus_read_timeout() -> None:
    with Dribbler(b"HTTP/1.1 200 OK\r\nX-Slow: ") as server:
        base_url = f"http://127.0.0.1:{server.port}"
        settings = CwcSettings(**{**SETTINGS.__dict__, "base_url": base_url})
        client = CwcClient(settings, Timeouts(connect=0.5, read=0.5))
        assert client.time_limit == 1.0
        started = time.monotonic()
        result = client.send(b"<CWC/>")
        took = time.monotonic() - started
    assert 0.9 <= took < 2.0, took
    assert not result.accepted and not result.permanent and result.detail == "timed out"


def test_a_socket_registered_after_the_limit_is_shut_at_once() -> None:
    shut: list[str] = []
    with Cutoff(0.05) as cutoff:
        cutoff.watch(lambda: shut.append("early"))
        time.sleep(0.2)
        assert cutoff.fired and shut == ["early"]
        cutoff.watch(lambda: shut.append("late"))
        assert shut == ["early", "late"]


def test_a_finished_exchange_is_never_cut_off_afterwards() -> None:
    shut: list[str] = []
    with Cutoff(0.1) as cutoff:
        cutoff.watch(lambda: shut.append("socket"))
    time.sleep(0.3)
    assert not cutoff.fired and shut == []


def test_a_failure_past_the_limit_has_reached_it_even_before_the_timer_runs() -> None:
    # A socket timeout equal to the limit can end a wait before the timer's thread gets to run
    # on a busy machine: the error is still the limit's, and is reported as a cut-off.
    with Cutoff(0.5) as cutoff:
        cutoff._timer.cancel()  # as if its thread had not been scheduled yet
        time.sleep(0.55)
    assert cutoff.reached and not cutoff.fired
    assert not Cutoff(0.5).reached  # never started: nothing reached


def test_an_exchange_that_ended_within_the_limit_never_reaches_it_afterwards() -> None:
    with Cutoff(0.2) as cutoff:
        pass
    time.sleep(0.25)  # asked after the limit would have passed: the answer is the exchange's
    assert not cutoff.reached and not cutoff.fired
