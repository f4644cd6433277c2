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
from webapp.delivery.failure_reasons import connect_reason
from webapp.delivery.smtp_errors import ChannelDown as ChannelDown
from webapp.delivery.smtp_errors import SendError as SendError
from webapp.delivery.smtp_refusals import data_refused, recipient_refused, sender_refused
from webapp.models.failure_reason import FailureReason

UNREACHABLE, SETTINGS = FailureReason.RELAY_UNREACHABLE, FailureReason.RELAY_SETTINGS
BUSY = FailureReason.RELAY_BUSY  # reached, but not taking letters for now (421)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "plain" | "starttls" | "tls"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0


STARTTLS_ON = frozenset({"1", "true", "yes", "on"})


def parse_smtp_url(url: str, timeout: float = 20.0) -> SmtpSettings:
    """smtp://[user:pass@]host[:port][?starttls=true], smtp+starttls://..., smtps://... (TLS)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtp+starttls", "smtps"} or not parts.hostname:
        raise ValueError(
            "SMTP_URL must look like smtp://user:pass@host:587?starttls=true or smtps://host:465"
        )
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
    if unknown := sorted(set(query) - {"starttls"}):
        raise ValueError(
            f"SMTP_URL: unknown option {unknown[0]!r}; the one option is ?starttls=true"
        )
    starttls = query.get("starttls", "false")
    if starttls not in STARTTLS_ON | {"0", "false", "no", "off"}:
        # Read as "off", a typo would send the relay's password unencrypted, or be refused.
        raise ValueError(f"SMTP_URL's starttls must be true or false, not {starttls!r}")
    if scheme == "smtps":
        security, default_port = "tls", 465
    elif scheme == "smtp+starttls" or starttls in STARTTLS_ON:
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


# Answers a relay gives every letter alike, with what the operator can do about them.
RELAY_CODES = {
    421: "it is closing the connection (busy, or restarting)",
    530: "it wants a login first: put the user name and password in SMTP_URL",
}
# Why a relay refused our login, by its code: what to change in SMTP_URL.
LOGIN_HINTS = {
    530: "the relay wants TLS first: add ?starttls=true to SMTP_URL, or use smtps://",
    534: "the relay wants another kind of password (an app password): set it in SMTP_URL",
    535: "check the user name and password in SMTP_URL",
    454: "the relay cannot check logins just now; letters wait and are tried again",
}


def connect_failure(settings: SmtpSettings, exc: Exception) -> str:
    """Why no connection to the relay could be had, in words an operator acts on. The relay's
    own words are kept (they name what it wants), without our user name or password."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        code, hint = exc.smtp_code, LOGIN_HINTS.get(exc.smtp_code, LOGIN_HINTS[535])
        said = _scrubbed(settings, exc.smtp_error)
        return f"SMTP login refused ({code}) by {where}: {hint} (the relay said: {said})"
    if isinstance(exc, smtplib.SMTPConnectError):
        said = _scrubbed(settings, exc.smtp_error)
        return f"SMTP relay {where} refused the connection ({exc.smtp_code}): {said}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"SMTP relay {where} cannot do what SMTP_URL asks: {exc}"
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS with SMTP relay {where} failed ({exc.reason or exc}): check the host and port "
            "in SMTP_URL (smtps:// for port 465, ?starttls=true for 587)"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"SMTP relay {where} closed the connection as we signed in: {exc}"
    return f"cannot connect to SMTP server {where}: {_scrubbed(settings, str(exc))}"


def _scrubbed(settings: SmtpSettings, said: bytes | str) -> str:
    text = said.decode(errors="replace") if isinstance(said, bytes) else said
    for secret in (settings.password, settings.username):
        if secret and len(secret) > 2:  # a one-letter name would blot out the relay's words
            text = text.replace(secret, "[SMTP_URL]")
    return " ".join(text.split())[:200]


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
            raise ChannelDown(connect_failure(s, exc), reason=connect_reason(exc)) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; one not done within the timeout is cut off (a retryable SendError)."""
        cutoff = Cutoff(self.settings.timeout)
        try:
            with cutoff:
                kept = self._smtp is not None
                try:
                    self._send_on(self._smtp, message, cutoff)
                except ChannelDown:
                    if not kept or cutoff.reached:
                        raise
                    # The connection kept from the last message was ended by the relay (idle,
                    # or its messages per connection used up): a fresh one decides.
                    self._drop()
                    self._send_on(None, message, cutoff)
        except SendError as exc:
            # A refusal the server did send stays what it is, even if it came at the limit.
            if cutoff.reached and not exc.permanent:
                where = f"{self.settings.host}:{self.settings.port}"
                raise ChannelDown(
                    f"SMTP relay {where} did not answer: cut off after {self.settings.timeout:g} s",
                    reason=UNREACHABLE,
                ) from exc
            raise
        finally:
            if cutoff.reached:
                self._drop()

    def _send_on(self, smtp: smtplib.SMTP | None, message: EmailMessage, cutoff: Cutoff) -> None:
        """Send over `smtp`, or over a new connection when it is None."""
        if smtp is None:
            smtp = self._smtp = self._connect(cutoff)
        else:
            cutoff.watch(lambda: shut(smtp.sock))
        self._exchange(smtp, message)

    def _exchange(self, smtp: smtplib.SMTP, message: EmailMessage) -> None:
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            # One recipient a message: its refusal says whose fault it is (never its address).
            code, text = next(iter(exc.recipients.values()))
            if code == 421:  # the relay is closing down, whoever the letter is to
                self._drop()
                said = f"SMTP relay {where} is closing the connection (421)"
                raise ChannelDown(said, reason=BUSY) from exc
            raise recipient_refused(where, code, text) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            code = exc.smtp_code
            if code in RELAY_CODES:  # said to every letter alike: the relay, not this one
                raise ChannelDown(
                    f"SMTP relay {where} answered {code}: {RELAY_CODES[code]}",
                    reason=SETTINGS if code == 530 else BUSY,
                ) from exc
            if isinstance(exc, smtplib.SMTPSenderRefused):
                raise sender_refused(where, code, exc.smtp_error) from exc
            raise data_refused(where, code, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:
            # e.g. a non-ASCII address to a server without SMTPUTF8: retrying cannot help.
            said = f"SMTP server cannot take this message: {exc}"
            raise SendError(said, True, FailureReason.MESSAGE_REFUSED) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            said = f"SMTP relay {where} dropped the connection: {exc}"
            raise ChannelDown(said, reason=UNREACHABLE) from exc
        if refused:
            code, text = next(iter(refused.values()))
            raise recipient_refused(where, code, text)

    def probe(self) -> None:
        """Connect and sign in as a send would, then leave: ChannelDown says why it cannot."""
        cutoff = Cutoff(self.settings.timeout)
        try:
            with cutoff:
                self._smtp = self._connect(cutoff)
        finally:
            if cutoff.reached:
                self._drop()
        self.close()

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
