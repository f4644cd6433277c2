"""The CWC 2.0 XML message for one delivery, built and checked against the schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from webapp.civic.types import MatchKind
from webapp.delivery.cwc import CwcSettings
from webapp.delivery.cwc_fields import (
    address_lines,
    fit_subject,
    member_office,
    normal_zip,
    senate_office,
    xml_block,
    xml_line,
)
from webapp.delivery.cwc_schema import validate_message
from webapp.models import Delivery


class CwcMessageError(ValueError):
    """The delivery cannot become a valid CWC message; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


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
