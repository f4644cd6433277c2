"""Letters on paper through a print-and-mail service with a Lob-compatible API: settings, client."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from webapp.civic.http import Timeouts
from webapp.config import ConfigError
from webapp.delivery.cwc_http import LimitedClient, failure_detail, post_within

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.lob.com"
DEFAULT_TIMEOUTS = Timeouts(connect=5.0, read=30.0)
LETTERS_PATH = "/v1/letters"
VERIFY_PATH = "/v1/us_verifications"
DETAIL_MAX = 500
TRANSIENT_4XX = frozenset({408, 409, 425, 429})  # 409: the same idempotency key is in flight
# Lob's verdicts that a letter will reach the address (a missing unit still delivers).
DELIVERABLE = frozenset(
    {
        "deliverable",
        "deliverable_unnecessary_unit",
        "deliverable_incorrect_unit",
        "deliverable_missing_unit",
    }
)
_CITY_STATE_ZIP = re.compile(
    r"^(?P<city>[^,]+?),?\s+(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(-\d{4})?)$"
)


@dataclass(frozen=True)
class PostalAddress:
    name: str
    line1: str
    city: str
    state: str
    zip_code: str
    line2: str | None = None

    def as_lob(self) -> dict[str, str]:
        fields = {
            "name": self.name[:40],  # the service's limit for a name line
            "address_line1": self.line1,
            "address_city": self.city,
            "address_state": self.state,
            "address_zip": self.zip_code,
            "address_country": "US",
        }
        return fields | ({"address_line2": self.line2} if self.line2 else {})

    def as_verification(self) -> dict[str, str]:
        fields = {
            "primary_line": self.line1,
            "city": self.city,
            "state": self.state,
            "zip_code": self.zip_code,
        }
        return fields | ({"secondary_line": self.line2} if self.line2 else {})


def parse_us_address(name: str, text: str | None) -> PostalAddress | None:
    """'1600 Pennsylvania Avenue NW, Washington, DC 20500' (commas or lines) as an address."""
    parts = [p.strip() for p in re.split(r"[,\n]", text or "") if p.strip()]
    if len(parts) < 2:
        return None
    tail = parts[-1]
    match = _CITY_STATE_ZIP.match(tail)
    if match is None and len(parts) >= 3:
        match = _CITY_STATE_ZIP.match(f"{parts[-2]}, {tail}")
        parts = parts[:-1]
    if match is None:
        return None
    lines = parts[:-1]
    if not lines or len(lines) > 2:
        return None
    return PostalAddress(
        name=name,
        line1=lines[0],
        line2=lines[1] if len(lines) > 1 else None,
        city=match["city"].strip(),
        state=match["state"],
        zip_code=match["zip"],
    )


@dataclass(frozen=True)
class PostSettings:
    api_key: str = field(repr=False)
    sender: PostalAddress
    base_url: str = DEFAULT_URL
    webhook_secret: str = field(default="", repr=False)


def post_settings_from_config(config: Mapping[str, Any]) -> PostSettings | None:
    """Postal settings, or None when POST_API_KEY is unset (post off).

    With a key, the return address must be complete: a ConfigError names what is missing.
    """
    api_key = str(config.get("POST_API_KEY") or "").strip()
    if not api_key:
        return None

    def value(name: str) -> str:
        return str(config.get(f"POST_FROM_{name}") or "").strip()

    required = ("NAME", "LINE1", "CITY", "STATE", "ZIP")
    problems = [f"POST_FROM_{name} is not set" for name in required if not value(name)]
    if value("STATE") and not re.fullmatch(r"[A-Z]{2}", value("STATE")):
        problems.append("POST_FROM_STATE must be a two-letter state code")
    if problems:
        raise ConfigError("POST_API_KEY is set but " + "; ".join(problems))
    sender = PostalAddress(
        name=value("NAME"),
        line1=value("LINE1"),
        line2=value("LINE2") or None,
        city=value("CITY"),
        state=value("STATE"),
        zip_code=value("ZIP"),
    )
    return PostSettings(
        api_key=api_key,
        sender=sender,
        base_url=(str(config.get("POST_API_URL") or "").strip() or DEFAULT_URL).rstrip("/"),
        webhook_secret=str(config.get("POST_WEBHOOK_SECRET") or "").strip(),
    )


@dataclass(frozen=True)
class PostResult:
    """What the service said: a letter id, or refused for good (permanent) or for now."""

    ok: bool
    permanent: bool
    status: int | None
    detail: str
    body: dict[str, Any] = field(default_factory=dict)


class PostClient(LimitedClient):
    """The letters API: HTTP basic auth with the key as user name, JSON bodies."""

    def __init__(
        self,
        settings: PostSettings,
        timeouts: Timeouts | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(timeouts or DEFAULT_TIMEOUTS, session)
        self.settings = settings

    def create_letter(
        self, to: PostalAddress, html: str, idempotency_key: str, description: str
    ) -> PostResult:
        """POST /v1/letters. The same key always names the same letter: a retry never reprints."""
        body = {
            "description": description[:255],
            "to": to.as_lob(),
            "from": self.settings.sender.as_lob(),
            "file": html,
            "color": False,
            "double_sided": True,
            "address_placement": "top_first_page",
            "mail_type": "usps_first_class",
            "use_type": "operational",
        }
        return self._post(LETTERS_PATH, body, {"Idempotency-Key": idempotency_key})

    def verify(self, address: PostalAddress) -> PostResult:
        """POST /v1/us_verifications: ok only when the service says mail will arrive."""
        result = self._post(VERIFY_PATH, address.as_verification())
        if not result.ok:
            return result
        verdict = str(result.body.get("deliverability") or "unknown")
        if verdict in DELIVERABLE:
            return result
        return PostResult(False, True, result.status, f"address {verdict}", result.body)

    def letter(self, letter_id: str) -> PostResult:
        """GET /v1/letters/{id}: the letter with its tracking events."""
        try:
            response = self.session.get(
                f"{self.settings.base_url}{LETTERS_PATH}/{letter_id}",
                auth=(self.settings.api_key, ""),
                timeout=self.timeouts.as_tuple(),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return PostResult(False, False, None, failure_detail(exc))
        return self._result(LETTERS_PATH, response)

    def _post(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> PostResult:
        try:
            response = post_within(
                self.time_limit,
                self.session,
                f"{self.settings.base_url}{path}",
                json=body,
                auth=(self.settings.api_key, ""),
                headers=headers or {},
                timeout=self.timeouts.as_tuple(),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            detail = failure_detail(exc)
            log.warning("postal service %s failed: %s", path, detail)
            return PostResult(False, False, None, detail)
        return self._result(path, response)

    def _result(self, path: str, response: requests.Response) -> PostResult:
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        payload = payload if isinstance(payload, dict) else {}
        if 200 <= status < 300:
            return PostResult(True, False, status, str(payload.get("id") or ""), payload)
        error = payload.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        detail = " ".join(str(message or response.text or f"HTTP {status}").split())
        detail = detail.replace(self.settings.api_key, "[api key]")[:DETAIL_MAX]
        permanent = 400 <= status < 500 and status not in TRANSIENT_4XX
        log.warning(
            "postal service %s answered HTTP %s (%s)",
            path,
            status,
            "permanent" if permanent else "will retry",
        )
        return PostResult(False, permanent, status, f"HTTP {status}: {detail}", payload)
