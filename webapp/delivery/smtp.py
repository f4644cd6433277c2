"""SMTP: settings from SMTP_URL, and a mailer that reuses one connection across a batch."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit


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


class Mailer:
    """Sends messages over one SMTP connection, reconnecting when the server drops it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            smtp: smtplib.SMTP
            if s.security == "tls":
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"cannot connect to SMTP server {s.host}:{s.port}: {exc}") from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
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
