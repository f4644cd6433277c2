"""Communicating with Congress (CWC 2.0), House and Senate: settings and API client."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from webapp.civic.http import Timeouts
from webapp.config import ConfigError
from webapp.delivery.cwc_http import LimitedClient, failure_detail, post_within
from webapp.delivery.cwc_schema import EMAIL_RE, PHONE_RE

log = logging.getLogger(__name__)

DEFAULT_URL = "https://test-cwc.house.gov"  # the test host: production must be chosen on purpose
DEFAULT_TIMEOUTS = Timeouts(connect=5.0, read=30.0)
DETAIL_MAX = 1_000  # what we keep of an error answer
REFERENCE_MAX = 200  # what we keep of an acceptance (Delivery.remote_reference)
# Answers worth retrying even though they are 4xx: the request itself was fine.
TRANSIENT_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class CwcSettings:
    delivery_agent: str  # must equal the name the API key was issued to
    ack_email: str
    contact_name: str
    contact_email: str
    contact_phone: str  # xxx-xxx-xxxx
    api_key: str = field(repr=False)  # kept out of reprs, logs and results
    base_url: str = DEFAULT_URL
    organization: str | None = None
    organization_about: str | None = None
    proxy_url: str | None = field(default=None, repr=False)  # may carry a password
    message_path: str = "/v2/message"
    validate_path: str = "/v2/validate"
    system: str = "CWC"  # how logs and errors name the system: "CWC" or "Senate CWC"


def cwc_settings_from_config(
    config: Mapping[str, Any], prefix: str = "CWC_", default_url: str = DEFAULT_URL
) -> CwcSettings | None:
    """CWC settings from the app config, or None when {prefix}API_KEY is unset (switched off).

    With a key set, a missing or malformed agent field is a ConfigError naming the key. With
    another prefix (SENATE_CWC_), each empty agent field falls back to its CWC_ twin.
    """
    api_key = str(config.get(f"{prefix}API_KEY") or "").strip()
    if not api_key:
        return None

    def value(name: str) -> str:
        own = str(config.get(f"{prefix}{name}") or "").strip()
        return own or str(config.get(f"CWC_{name}") or "").strip()

    required = ("DELIVERY_AGENT", "ACK_EMAIL", "CONTACT_NAME", "CONTACT_EMAIL", "CONTACT_PHONE")
    problems = [f"{prefix}{name} is not set" for name in required if not value(name)]
    for name in ("ACK_EMAIL", "CONTACT_EMAIL"):
        if value(name) and not EMAIL_RE.fullmatch(value(name)):
            problems.append(f"{prefix}{name} must be an email address")
    if value("CONTACT_PHONE") and not PHONE_RE.fullmatch(value("CONTACT_PHONE")):
        problems.append(f"{prefix}CONTACT_PHONE must be written xxx-xxx-xxxx, like 202-555-0100")
    if problems:
        raise ConfigError(f"{prefix}API_KEY is set but " + "; ".join(problems))
    return CwcSettings(
        delivery_agent=value("DELIVERY_AGENT"),
        ack_email=value("ACK_EMAIL"),
        contact_name=value("CONTACT_NAME"),
        contact_email=value("CONTACT_EMAIL"),
        contact_phone=value("CONTACT_PHONE"),
        api_key=api_key,
        base_url=(str(config.get(f"{prefix}URL") or "").strip() or default_url).rstrip("/"),
        organization=value("ORGANIZATION") or None,
        organization_about=value("ORGANIZATION_ABOUT") or None,
        proxy_url=str(config.get("CWC_PROXY_URL") or "").strip() or None,
    )


@dataclass(frozen=True)
class CwcResult:
    """What CWC said: accepted, or refused for good (permanent) or for now."""

    accepted: bool
    permanent: bool
    status: int | None
    detail: str


class CwcClient(LimitedClient):
    """Posts messages to the CWC API. The API key travels only in the query string."""

    def __init__(
        self,
        settings: CwcSettings,
        timeouts: Timeouts | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(timeouts or DEFAULT_TIMEOUTS, session)
        self.settings = settings
        # Passed on each request: a session-wide setting would lose to HTTP(S)_PROXY variables.
        proxy = settings.proxy_url
        self.proxies = {"http": proxy, "https": proxy} if proxy else None

    def send(self, xml: bytes) -> CwcResult:
        """Deliver one message (House: POST /v2/message)."""
        return self._post(self.settings.message_path, xml)

    def validate(self, xml: bytes) -> CwcResult:
        """Ask CWC to check a message without delivering it (House: POST /v2/validate)."""
        return self._post(self.settings.validate_path, xml)

    def _post(self, path: str, xml: bytes) -> CwcResult:
        url = f"{self.settings.base_url.rstrip('/')}{path}"
        try:
            response = post_within(
                self.time_limit,
                self.session,
                url,
                params={"apikey": self.settings.api_key},
                data=xml,
                headers={"Content-Type": "application/xml"},
                timeout=self.timeouts.as_tuple(),
                allow_redirects=False,
                proxies=self.proxies,
            )
        except requests.RequestException as exc:
            detail = failure_detail(exc)
            log.warning("%s %s failed: %s", self.settings.system, path, detail)
            return CwcResult(False, False, None, detail)
        status = response.status_code
        text = self._scrub(" ".join(response.text.split()))
        if 200 <= status < 300:
            return CwcResult(True, False, status, text[:REFERENCE_MAX] or f"HTTP {status}")
        permanent = 400 <= status < 500 and status not in TRANSIENT_4XX
        log.warning(
            "%s %s answered HTTP %s (%s)",
            self.settings.system,
            path,
            status,
            "permanent" if permanent else "will retry",
        )
        return CwcResult(False, permanent, status, text[:DETAIL_MAX] or f"HTTP {status}")

    def _scrub(self, text: str) -> str:
        """Remove the API key should an answer echo it back."""
        key = self.settings.api_key
        for form in {key, quote(key, safe="")} if key else ():
            text = text.replace(form, "[api key]")
        return text
