"""SMTP: settings from SMTP_URL, and a mailer that reuses one connection, each send time-boxed."""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from webapp.delivery.cutoff import Cutoff, shut


class SendError(RuntimeError):
    """Sending failed; `permanent` says retrying cannot help (e.g. 5xx for the recipient)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain" | "starttls" | "tls"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0


def parse_smtp_url(url: str, timeout: float = 20.0) -> SmtpSettings:
    """smtp://[user:pass@]host[:port][?starttls=true], smtp+starttls://..., smtps://... (TLS)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtp+starttls", "smtps"} or not parts.hostname:
        raise ValueError(
            "SMTP_URL must look like smtp://user:pass@host:587?starttls=true or smtps://host:465"
        )
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    if scheme == "smtps":
        security, default_port = "tls", 465
    elif scheme == "smtp+starttls" or query.get("starttls") in {"1", "true", "yes"}:
        security, default_port = "starttls", 587
    else:
        security, default_port = "plain", 25
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


class _WatchedSMTP(smtplib.SMTP):
    """smtplib.SMTP that puts the socket it opens under a Cutoff, the moment it exists."""

    def __init__(self, *args: Any, cutoff: Cutoff, **kwargs: Any) -> None:
        self._cutoff = cutoff
        super().__init__(*args, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # Private in typeshed, but the hook smtplib's own SMTP_SSL and LMTP override.
        sock: socket.socket = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        # Until connect() stores it, self.sock is unset; after STARTTLS it is the TLS socket.
        self._cutoff.watch(lambda: shut(self.sock if self.sock is not None else sock))
        return sock


class _WatchedSMTPSSL(_WatchedSMTP, smtplib.SMTP_SSL):
    pass


class Mailer:
    """Sends messages over one SMTP connection, reconnecting when the server drops it.

    Each message, connecting included, gets at most `settings.timeout` seconds in all (a
    Cutoff ends it there): the outbox leases a row for that long plus a margin.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self, cutoff: Cutoff) -> smtplib.SMTP:
        s = self.settings
        try:
            smtp: smtplib.SMTP
            if s.security == "tls":
                smtp = _WatchedSMTPSSL(
                    s.host,
                    s.port,
                    timeout=s.timeout,
                    context=ssl.create_default_context(),
                    cutoff=cutoff,
                )
            else:
                smtp = _WatchedSMTP(s.host, s.port, timeout=s.timeout, cutoff=cutoff)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"cannot connect to SMTP server {s.host}:{s.port}: {exc}") from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; one not done within the timeout is cut off (a retryable SendError)."""
        cutoff = Cutoff(self.settings.timeout)
        try:
            with cutoff:
                smtp = self._smtp
                if smtp is None:
                    smtp = self._smtp = self._connect(cutoff)
                else:
                    cutoff.watch(lambda: shut(smtp.sock))
                self._exchange(smtp, message)
        except SendError as exc:
            # A refusal the server did send stays what it is, even if it came at the limit.
            if cutoff.reached and not exc.permanent:
                raise SendError(f"SMTP send cut off after {self.settings.timeout:g} s") from exc
            raise
        finally:
            if cutoff.reached:
                self._drop()

    def _exchange(self, smtp: smtplib.SMTP, message: EmailMessage) -> None:
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise SendError(
                f"recipient refused: {exc.recipients}", permanent=all(500 <= c < 600 for c in codes)
            ) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise SendError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            # e.g. a non-ASCII address to a server without SMTPUTF8: retrying cannot help.
            raise SendError(f"SMTP server cannot take this message: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendError(f"SMTP failure: {exc}") from exc
        if refused:
            raise SendError(f"some recipients refused: {refused}")

    def _drop(self) -> None:
        """Forget the connection without a QUIT: past the limit nothing may wait on the server
        (the timer that would cut a QUIT short has been stopped), and the row's lease is ending."""
        if self._smtp is not None:
            shut(self._smtp.sock)
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
