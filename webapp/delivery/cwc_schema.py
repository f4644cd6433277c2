"""The CWC 2.0 message shape and a structural check of our XML against it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from webapp.civic.states import BY_CODE
from webapp.delivery.cwc_fields import (
    ABOUT_MAX,
    ADDRESS_LINE_MAX,
    BIOGUIDE_RE,
    CAMPAIGN_ID_MAX,
    CITY_MAX,
    EMAIL_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    ORGANIZATION_MAX,
    SHORT_MAX,
    SUBJECT_MAX,
    URL_MAX,
)
from webapp.delivery.topics import LOC_TOPICS

BILL_TYPES = ("hr", "s", "hjres", "sjres", "hconres", "sconres", "hres", "sres")
# Territories send House delegates too; MemberOffice uses the same postal codes.
STATE_CODES = frozenset(BY_CODE)

Check = Callable[[str], str | None]


def _pattern(regex: str, problem: str) -> Check:
    compiled = re.compile(regex)
    return lambda value: None if compiled.fullmatch(value) else problem


def _one_of(allowed: tuple[str, ...] | frozenset[str], problem: str) -> Check:
    return lambda value: None if value in allowed else problem


def _date(value: str) -> str | None:
    if re.fullmatch(r"\d{8}", value):
        try:
            datetime.strptime(value, "%Y%m%d")  # noqa: DTZ007 - a calendar date, no time zone
            return None
        except ValueError:
            pass
    return "must be a real date written YYYYMMDD"


def _office(value: str) -> str | None:
    if BIOGUIDE_RE.fullmatch(value):  # a senator's office on the Senate system
        return None
    if not re.fullmatch(r"H[A-Z]{2}\d{2}", value):
        return "must be H + state + two-digit district, like HMI12 (HWY00 at large)"
    return None if value[1:3] in STATE_CODES else f"names an unknown state {value[1:3]!r}"


EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
PHONE_RE = re.compile(r"\d{3}-\d{3}-\d{4}")
_EMAIL = _pattern(EMAIL_RE.pattern, "must be an email address")
_PHONE = _pattern(PHONE_RE.pattern, "must be a phone number written xxx-xxx-xxxx")
_YES_NO = _pattern(r"[YN]", "must be Y or N")


@dataclass(frozen=True)
class Node:
    """One element: a leaf (text, optional check and length) or a container (children)."""

    name: str
    required: bool = True
    repeat: bool = False
    check: Check | None = None
    max_len: int | None = None
    children: tuple[Node, ...] = ()


def _leaf(name: str, max_len: int, check: Check | None = None, required: bool = True) -> Node:
    return Node(name, required=required, check=check, max_len=max_len)


def _contact(prefix: str, required: bool) -> Node:
    return Node(
        prefix,
        required=required,
        children=(
            _leaf(f"{prefix}Name", NAME_MAX),
            _leaf(f"{prefix}Email", EMAIL_MAX, _EMAIL),
            _leaf(f"{prefix}Phone", 12, _PHONE),
        ),
    )


SCHEMA = Node(
    "CWC",
    children=(
        _leaf("CWCVersion", 3, _one_of(("2.0",), "must be 2.0")),
        Node(
            "Delivery",
            children=(
                _leaf(
                    "DeliveryId", 32, _pattern(r"[A-Za-z0-9]{32}", "must be 32 letters or digits")
                ),
                _leaf("DeliveryDate", 8, _date),
                _leaf("DeliveryAgent", ORGANIZATION_MAX),
                _leaf("DeliveryAgentAckEmailAddress", EMAIL_MAX, _EMAIL),
                _contact("DeliveryAgentContact", required=True),
                _leaf("Organization", ORGANIZATION_MAX, required=False),
                _contact("OrganizationContact", required=False),
                _leaf("OrganizationAbout", ABOUT_MAX, required=False),
                _leaf("CampaignId", CAMPAIGN_ID_MAX),
            ),
        ),
        Node(
            "Recipient",
            children=(
                _leaf("MemberOffice", 7, _office),
                _leaf("IsResponseRequested", 1, _YES_NO),
                _leaf("NewsletterOptIn", 1, _YES_NO),
            ),
        ),
        Node(
            "Constituent",
            children=(
                _leaf("Prefix", SHORT_MAX),
                _leaf("FirstName", NAME_MAX),
                _leaf("MiddleName", NAME_MAX, required=False),
                _leaf("LastName", NAME_MAX),
                _leaf("Suffix", SHORT_MAX, required=False),
                _leaf("Title", NAME_MAX, required=False),
                _leaf("ConstituentOrganization", ORGANIZATION_MAX, required=False),
                _leaf("Address1", ADDRESS_LINE_MAX),
                _leaf("Address2", ADDRESS_LINE_MAX, required=False),
                _leaf("Address3", ADDRESS_LINE_MAX, required=False),
                _leaf("City", CITY_MAX),
                _leaf("StateAbbreviation", 2, _one_of(STATE_CODES, "is not a US state code")),
                _leaf("Zip", 10, _pattern(r"\d{5}(-\d{4})?", "must be 5 digits or ZIP+4")),
                _leaf("Phone", 12, _PHONE, required=False),
                _leaf("AddressValidation", 1, _YES_NO),
                _leaf("Email", EMAIL_MAX, _EMAIL),
                _leaf("EmailValidation", 1, _YES_NO),
            ),
        ),
        Node(
            "Message",
            children=(
                _leaf("Subject", SUBJECT_MAX),
                Node(
                    "LibraryOfCongressTopics",
                    children=(
                        Node(
                            "LibraryOfCongressTopic",
                            repeat=True,
                            max_len=100,
                            check=_one_of(LOC_TOPICS, "is not a Library of Congress policy area"),
                        ),
                    ),
                ),
                Node(
                    "Bills",
                    required=False,
                    children=(
                        Node(
                            "Bill",
                            repeat=True,
                            children=(
                                _leaf("BillCongress", 3, _pattern(r"\d{1,3}", "must be a number")),
                                _leaf(
                                    "BillTypeAbbreviation",
                                    7,
                                    _one_of(BILL_TYPES, f"must be one of {', '.join(BILL_TYPES)}"),
                                ),
                                _leaf("BillNumber", 6, _pattern(r"\d{1,6}", "must be a number")),
                            ),
                        ),
                    ),
                ),
                _leaf("ProOrCon", 3, _one_of(("Pro", "Con"), "must be Pro or Con"), required=False),
                _leaf("OrganizationStatement", MESSAGE_MAX, required=False),
                _leaf("ConstituentMessage", MESSAGE_MAX, required=False),
                _leaf(
                    "MoreInfo",
                    URL_MAX,
                    _pattern(r"https?://\S+", "must be an http(s) URL"),
                    required=False,
                ),
            ),
        ),
    ),
)


def validate_message(xml: bytes) -> list[str]:
    """Problems that would make CWC 2.0 refuse the message, in words; [] when it is valid."""
    try:
        root = ET.fromstring(xml)  # noqa: S314 - our own output; expat refuses entity bombs
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != SCHEMA.name:
        return [f"the root element must be <{SCHEMA.name}>, not <{root.tag}>"]
    problems: list[str] = []
    _check(root, SCHEMA, SCHEMA.name, problems)
    message = root.find("Message")
    if message is not None and not any(
        (message.findtext(name) or "").strip()
        for name in ("OrganizationStatement", "ConstituentMessage")
    ):
        problems.append("Message needs an OrganizationStatement or a ConstituentMessage (or both)")
    return problems


def _check(element: ET.Element, node: Node, path: str, problems: list[str]) -> None:
    if not node.children:
        _check_leaf(element, node, path, problems)
        return
    if (element.text or "").strip():
        problems.append(f"{path} holds text where only elements belong")
    _check_order(element, node, path, problems)
    specs = {child.name: child for child in node.children}
    for child in element:
        spec = specs.get(child.tag)
        if spec is not None:
            _check(child, spec, f"{path}/{child.tag}", problems)


def _check_leaf(element: ET.Element, node: Node, path: str, problems: list[str]) -> None:
    if len(element):
        problems.append(f"{path} must hold text, not elements")
        return
    value = (element.text or "").strip()
    if not value:
        if node.required:
            problems.append(f"{path} is empty")
        return
    if node.max_len is not None and len(value) > node.max_len:
        problems.append(f"{path} is {len(value)} characters long; at most {node.max_len} allowed")
    if node.check is not None:
        problem = node.check(value)
        if problem:
            problems.append(f"{path} {value[:60]!r} {problem}")


def _check_order(element: ET.Element, node: Node, path: str, problems: list[str]) -> None:
    """Walk the children against the schema sequence: missing, repeated, misplaced, unknown."""
    order = [spec.name for spec in node.children]
    present = {child.tag for child in element}
    position = 0  # index in `order` of the last schema element matched
    seen: set[str] = set()
    for child in element:
        tag = child.tag
        if tag not in order:
            problems.append(f"{path} has an unexpected element <{tag}>")
            continue
        index = order.index(tag)
        if tag in seen and not node.children[index].repeat and index == position:
            problems.append(f"{path}/{tag} appears more than once")
        elif index < position:
            problems.append(f"{path}/{tag} is out of order: it must come before {order[position]}")
        else:
            position = index
        seen.add(tag)
    for spec in node.children:
        if spec.required and spec.name not in present:
            problems.append(f"{path}/{spec.name} is missing")
