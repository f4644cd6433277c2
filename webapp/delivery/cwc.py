"""Communicating with Congress (CWC 2.0), House and Senate: settings, XML message, API client."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from webapp.civic.http import Timeouts
from webapp.civic.types import MatchKind
from webapp.config import ConfigError
from webapp.delivery.cwc_fields import (
    address_lines,
    fit_subject,
    normal_zip,
    senate_office,
    xml_block,
    xml_line,
)
from webapp.delivery.cwc_fields import member_office as member_office
from webapp.delivery.cwc_http import LimitedClient, failure_detail, post_within
from webapp.delivery.cwc_schema import EMAIL_RE, PHONE_RE
from webapp.delivery.cwc_schema import validate_message as validate_message
from webapp.delivery.topics import LOC_TOPICS as LOC_TOPICS
from webapp.models import Delivery

log = logging.getLogger(__name__)

DEFAULT_URL = "https://test-cwc.house.gov"  # the test host: production must be chosen on purpose
DEFAULT_TIMEOUTS = Timeouts(connect=5.0, read=30.0)
DETAIL_MAX = 1_000  # what we keep of an error answer
REFERENCE_MAX = 200  # what we keep of an acceptance (Delivery.remote_reference)
# Answers worth retrying even though they are 4xx: the request itself was fine.
TRANSIENT_4XX = frozenset({408, 425, 429})


class CwcMessageError(ValueError):
    """The delivery cannot become a valid CWC message; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


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


# An element's content: text, None (an optional element left out) or child elements in order.
Content = str | None | list[tuple[str, "Content"]]


def _append(parent: ET.Element, children: list[tuple[str, Content]]) -> None:
    for name, content in children:
        if content is None:
            continue
        element = ET.SubElement(parent, name)
        if isinstance(content, str):
            element.text = content
        else:
            _append(element, content)


def build_message(
    delivery: Delivery, settings: CwcSettings, now: datetime, more_info: str | None = None
) -> bytes:
    """The CWC 2.0 XML (UTF-8, with declaration) for one House delivery.

    The organisation's statement goes in OrganizationStatement and only the supporter's own
    words in ConstituentMessage, so offices can tell real personalisation from a template; a
    supporter who rewrote the statement sends it all as their own words. The office's cover
    paragraph, organisation text, opens the OrganizationStatement. Validation flags are
    Y only for what we verified. Raises CwcMessageError (a ValueError) when the delivery cannot
    make a valid message: no topics on the campaign, no prefix or street, an overlong text.
    """
    sub = delivery.submission
    campaign = sub.campaign
    problems = []
    if not campaign.topics:
        problems.append(
            f"campaign {campaign.slug!r} has no Library of Congress topic: add "
            "`topics` to its campaign file (CWC needs at least one)"
        )
    if not xml_line(sub.prefix):
        problems.append("the constituent has no prefix (Mr., Ms., ...), which CWC requires")
    if not xml_line(sub.street):
        problems.append("the constituent has no street address, which CWC requires")
    if problems:
        raise CwcMessageError(problems)
    if delivery.recipient_chamber == "us_senate":
        office = senate_office(delivery.recipient_key)
    else:
        office = member_office(
            delivery.recipient_chamber, delivery.recipient_state, delivery.recipient_district
        )
    # The office's cover paragraph is the organisation's words, so it opens the statement.
    if delivery.body_is_supporters:  # rewritten: every word of the body is the supporter's
        organisation, own = [delivery.cover_text], [delivery.body_text, sub.office_paragraph]
    else:
        organisation, own = [delivery.cover_text, delivery.body_text], [sub.office_paragraph]
    statement = "\n\n".join(part for part in (xml_block(p) for p in organisation) if part)
    message = "\n\n".join(part for part in (xml_block(p) for p in own) if part)
    address = [*address_lines(xml_line(sub.street)), None, None]
    # The campaign's sender stands in for the organisation when none is configured.
    organization = xml_line(settings.organization) or xml_line(campaign.sender_name)
    about = xml_block(settings.organization_about) if settings.organization else ""
    agent_contact: list[tuple[str, Content]] = [
        ("DeliveryAgentContactName", xml_line(settings.contact_name)),
        ("DeliveryAgentContactEmail", settings.contact_email),
        ("DeliveryAgentContactPhone", settings.contact_phone),
    ]
    tree: list[tuple[str, Content]] = [
        ("CWCVersion", "2.0"),
        (
            "Delivery",
            [
                ("DeliveryId", delivery.idempotency_key),
                ("DeliveryDate", now.strftime("%Y%m%d")),
                ("DeliveryAgent", xml_line(settings.delivery_agent)),
                ("DeliveryAgentAckEmailAddress", settings.ack_email),
                ("DeliveryAgentContact", agent_contact),
                ("Organization", organization or None),
                ("OrganizationAbout", about or None),
                ("CampaignId", campaign.external_id),
            ],
        ),
        (
            "Recipient",
            [
                ("MemberOffice", office),
                ("IsResponseRequested", "Y" if sub.response_requested else "N"),
                ("NewsletterOptIn", "N"),
            ],
        ),
        (
            "Constituent",
            [
                ("Prefix", xml_line(sub.prefix)),
                ("FirstName", xml_line(sub.first_name)),
                ("LastName", xml_line(sub.last_name)),
                ("Address1", address[0]),
                ("Address2", address[1]),
                ("Address3", address[2]),
                # A citizen abroad writes as a constituent of the address where they vote.
                ("City", xml_line(sub.voting_city or sub.city)),
                ("StateAbbreviation", xml_line(sub.state).upper()),
                ("Zip", normal_zip(sub.zip_code or "")),
                ("AddressValidation", "Y" if sub.lookup_match is MatchKind.EXACT else "N"),
                ("Email", xml_line(sub.supporter.email)),
                ("EmailValidation", "Y" if sub.email_verified else "N"),
            ],
        ),
        (
            "Message",
            [
                ("Subject", fit_subject(xml_line(sub.subject))),
                (
                    "LibraryOfCongressTopics",
                    [("LibraryOfCongressTopic", str(t)) for t in campaign.topics],
                ),
                ("OrganizationStatement", statement or None),
                ("ConstituentMessage", message or None),
                ("MoreInfo", xml_line(more_info) or None),
            ],
        ),
    ]
    root = ET.Element("CWC")
    _append(root, tree)
    ET.indent(root)
    xml = bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))
    problems = validate_message(xml)
    if problems:
        raise CwcMessageError(problems)
    return xml


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
