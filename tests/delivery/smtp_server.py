"""A real SMTP server (aiosmtpd) on a loopback port that records every message it accepts.

The sink can be stopped and started again on the same port (an outage), ask for a login and
refuse every password but one (535, as a relay with a wrong password in SMTP_URL does), refuse
chosen recipients with a 5xx or 4xx reply, wait a little before acknowledging each message, or
hold one message unanswered until released, so a test can kill a client while a message is in
flight. It needs no change to pytest-socket: with
`--allow-hosts` the plugin only guards `connect()` (to loopback, allowed), and asyncio's
self-pipe comes from `socket.socketpair()`, which never calls `connect()`.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from functools import cached_property
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.pg import free_port

HOST = "127.0.0.1"
# aiosmtpd logs every command at INFO; thousands of messages would flood pytest's log capture.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Received:
    """One accepted message: the envelope as the server saw it, parsed on first use."""

    def __init__(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
        self.mail_from = mail_from
        self.rcpt_tos = tuple(rcpt_tos)
        self.content = content

    @cached_property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @cached_property
    def message_id(self) -> str:
        return str(BytesHeaderParser().parsebytes(self.content)["Message-ID"]).strip()

    def part(self, subtype: str) -> str:
        """The text/<subtype> part, decoded, with the wire's CRLF line ends read as LF."""
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content()).replace("\r\n", "\n")

    def text(self) -> str:
        return self.part("plain")

    def html(self) -> str:
        return self.part("html")


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        if self.sink.password is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        code = self.sink.refusals.get(address.casefold())
        if code is not None:
            return f"{code} {'5.1.1 mailbox unavailable' if code >= 500 else '4.2.1 try later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Stored before the (optional) pause: a client killed while waiting for the reply has
        # delivered a message it never saw acknowledged, exactly the "in flight" case.
        received = Received(envelope.mail_from, envelope.rcpt_tos, envelope.content)
        number = self.sink._store(received)
        if self.sink.on_message is not None:
            self.sink.on_message(received)
        if number == self.sink.block_at:
            self.sink.blocked = received
            self.sink._blocking.set()
            while not self.sink._released.is_set():
                await asyncio.sleep(0.01)
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        return "250 2.0.0 Message accepted for delivery"


class SmtpSink:
    """aiosmtpd on 127.0.0.1:<port>; `with SmtpSink() as sink:` or start()/stop()."""

    def __init__(
        self, port: int | None = None, delay: float = 0.0, password: str | None = None
    ) -> None:
        self.port = port or free_port()
        self.delay = delay
        # With a password, mail goes only after a login with it (530 before one, 535 for any
        # other password); `logins` holds the connections (client ports) that tried one.
        self.password = password
        self.logins: set[int] = set()
        self.refusals: dict[str, int] = {}
        # Called (in the server's thread) with each message as it is stored, before the reply.
        self.on_message: Callable[[Received], None] | None = None
        # The n-th message (from 1) gets no reply until release(): a send hanging mid-flight.
        self.block_at: int | None = None
        self.blocked: Received | None = None
        self._blocking = threading.Event()
        self._released = threading.Event()
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SmtpSink:
        """Listen on the sink's port (the same one after a stop, so clients need no change)."""
        if self._controller is None:
            auth: dict[str, Any] = {}
            if self.password is not None:
                # No TLS on loopback. (aiosmtpd's own auth_required would warn about that on
                # each connection; handle_MAIL asks for the login instead.)
                auth = {"authenticator": self._authenticate, "auth_require_tls": False}
            controller = Controller(_Handler(self), hostname=HOST, port=self.port, **auth)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        """Close the port: clients now get 'connection refused', as with a server that is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.release()
        self.stop()

    def url_with(self, user: str, password: str) -> str:
        return f"smtp://{user}:{password}@{HOST}:{self.port}"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        with self._lock:
            self.logins.add(session.peer[1])
        given = data.password.decode() if isinstance(data, LoginPassword) else None
        if given is not None and given == self.password:
            return AuthResult(success=True, auth_data=data)
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535 for us

    def refuse(self, address: str, code: int = 550) -> None:
        """Answer RCPT TO for `address` with `code` (550 permanent, 451 temporary)."""
        self.refusals[address.casefold()] = code

    def accept(self, address: str) -> None:
        self.refusals.pop(address.casefold(), None)

    def _store(self, received: Received) -> int:
        with self._lock:
            self._received.append(received)
            return len(self._received)

    def wait_blocked(self, timeout: float) -> Received | None:
        """The message held by `block_at`, once it has arrived (None if not within timeout)."""
        return self.blocked if self._blocking.wait(timeout) else None

    def release(self) -> None:
        """Answer the blocked message (and any later one) again."""
        self._released.set()

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def count(self) -> int:
        with self._lock:
            return len(self._received)

    def to(self, address: str) -> list[Received]:
        """Messages whose envelope included `address`."""
        wanted = address.casefold()
        return [m for m in self.messages if wanted in (r.casefold() for r in m.rcpt_tos)]

    def message_ids(self) -> Counter[str]:
        """How many times each Message-ID arrived."""
        return Counter(m.message_id for m in self.messages)

    def clear(self) -> None:
        with self._lock:
            self._received.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Whether at least `count` messages arrived within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.005)
        return self.count() >= count


def mailing_config(config: dict[str, Any], sink: SmtpSink, public_url: str) -> dict[str, Any]:
    """The app's settings with supporter emails going to `sink` and links under `public_url`."""
    return {
        **config,
        "SMTP_URL": sink.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@civic.example.org",
        "PUBLIC_BASE_URL": public_url,
    }
