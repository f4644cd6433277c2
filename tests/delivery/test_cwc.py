"""CWC 2.0: the XML built from a recorded letter, our structural check, and the API client."""

from __future__ import annotations

import hashlib
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.stubs import StubServer
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.civic.http import Timeouts
from webapp.civic.types import MatchKind
from webapp.config import ConfigError
from webapp.database import db
from webapp.delivery.cwc import CwcClient, CwcSettings, cwc_settings_from_config
from webapp.delivery.cwc_fields import member_office
from webapp.delivery.cwc_message import CwcMessageError, build_message
from webapp.delivery.cwc_schema import validate_message
from webapp.delivery.topics import LOC_TOPICS
from webapp.models import Campaign, Channel, Delivery, LetterText, Submission, Supporter

NOW = datetime(2025, 3, 14, 15, 9, tzinfo=UTC)
API_KEY = "k3y-Secret-0123456789"
SETTINGS = CwcSettings(
    delivery_agent="Civic Letters Coalition",
    ack_email="cwc-acks@example.org",
    contact_name="Dana Organiser",
    contact_email="dana@example.org",
    contact_phone="202-555-0100",
    api_key=API_KEY,
    organization="Syria Coalition",
    organization_about="35 organisations working for justice in Syria.",
)
PERSONAL = "My family is from Aleppo.\n\nPlease act now."
_emails = itertools.count(1)


def _make_delivery(session: Session, campaign: Campaign, **overrides: Any) -> Delivery:
    """A confirmed letter to one House office, written to the database like the service does."""
    n = next(_emails)
    email = overrides.pop("email", f"Rasha.Haddad+{n}@Example.org")
    recipient = {
        "recipient_chamber": overrides.pop("chamber", "us_house"),
        "recipient_state": overrides.pop("recipient_state", "MI"),
        "recipient_district": overrides.pop("district", "12"),
    }
    supporter = Supporter(
        email_key=email.casefold(), email=email, first_name="Rasha", last_name="Haddad"
    )
    body = campaign.body
    statement = session.scalar(
        select(LetterText).where(LetterText.sha256 == hashlib.sha256(body.encode()).hexdigest())
    ) or LetterText(sha256=hashlib.sha256(body.encode()).hexdigest(), body=body)
    fields: dict[str, Any] = {
        "subject": campaign.subject,
        "personal_message": PERSONAL,
        "edited_body": None,
        "closing": campaign.closing,
        "prefix": "Ms.",
        "first_name": "Rasha",
        "last_name": "Haddad",
        "street": "100 Main St",
        "city": "Dearborn",
        "state": "MI",
        "zip_code": "48126",
        "lookup_match": MatchKind.EXACT,
        "email_verified": True,
        **overrides,
    }
    submission = Submission(campaign=campaign, supporter=supporter, statement=statement, **fields)
    delivery = Delivery(
        recipient_key=f"official:T{n:06d}",
        recipient_name="Rep. Example",
        salutation="Dear Representative Example,",
        channel=Channel.CWC,
        **recipient,
    )
    submission.deliveries.append(delivery)
    session.add(submission)
    session.commit()
    return delivery


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


@pytest.fixture
def campaign(session: Session) -> Campaign:
    slug = import_campaign_path(session, DEFAULT_CAMPAIGN_FILE).slug
    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert found is not None
    found.topics = ["International Affairs"]
    session.commit()
    return found


@pytest.fixture
def make(session: Session, campaign: Campaign) -> Callable[..., Delivery]:
    return lambda **overrides: _make_delivery(session, campaign, **overrides)


def _tree(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 - our own test output


def _text(xml: bytes, path: str) -> str | None:
    return _tree(xml).findtext(path)


# Building from a recorded letter (SQLite and PostgreSQL).


def test_sample_letter_passes_our_cwc_check(make: Callable[..., Delivery]) -> None:
    xml = build_message(make(), SETTINGS, NOW)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert validate_message(xml) == []


def test_sample_letter_carries_every_required_element(
    make: Callable[..., Delivery], campaign: Campaign
) -> None:
    delivery = make()
    xml = build_message(delivery, SETTINGS, NOW)
    root = _tree(xml)
    assert root.tag == "CWC"
    assert [child.tag for child in root] == [
        "CWCVersion", "Delivery", "Recipient", "Constituent", "Message",
    ]  # fmt: skip
    expected = {
        "CWCVersion": "2.0",
        "Delivery/DeliveryId": delivery.idempotency_key,
        "Delivery/DeliveryDate": "20250314",
        "Delivery/DeliveryAgent": "Civic Letters Coalition",
        "Delivery/DeliveryAgentAckEmailAddress": "cwc-acks@example.org",
        "Delivery/DeliveryAgentContact/DeliveryAgentContactName": "Dana Organiser",
        "Delivery/DeliveryAgentContact/DeliveryAgentContactEmail": "dana@example.org",
        "Delivery/DeliveryAgentContact/DeliveryAgentContactPhone": "202-555-0100",
        "Delivery/Organization": "Syria Coalition",
        "Delivery/OrganizationAbout": "35 organisations working for justice in Syria.",
        "Delivery/CampaignId": campaign.external_id,
        "Recipient/MemberOffice": "HMI12",
        "Recipient/IsResponseRequested": "N",
        "Recipient/NewsletterOptIn": "N",
        "Constituent/Prefix": "Ms.",
        "Constituent/FirstName": "Rasha",
        "Constituent/LastName": "Haddad",
        "Constituent/Address1": "100 Main St",
        "Constituent/City": "Dearborn",
        "Constituent/StateAbbreviation": "MI",
        "Constituent/Zip": "48126",
        "Constituent/AddressValidation": "Y",
        "Constituent/Email": delivery.submission.supporter.email,
        "Constituent/EmailValidation": "Y",
        "Message/Subject": campaign.subject,
        "Message/LibraryOfCongressTopics/LibraryOfCongressTopic": "International Affairs",
    }
    for path, value in expected.items():
        assert root.findtext(path) == value, path
    assert [c.tag for c in root.iterfind("Constituent/*")][:3] == [
        "Prefix",
        "FirstName",
        "LastName",
    ]
    # Nothing we did not verify or were not given.
    for absent in (
        "Constituent/Phone",
        "Constituent/Address2",
        "Message/MoreInfo",
        "Message/Bills",
        "Message/ProOrCon",
        "Delivery/OrganizationContact",
    ):
        assert root.find(absent) is None, absent


def test_delivery_id_is_the_delivery_idempotency_key(make: Callable[..., Delivery]) -> None:
    delivery = make()
    assert len(delivery.idempotency_key) == 32
    assert _text(build_message(delivery, SETTINGS, NOW), "Delivery/DeliveryId") == (
        delivery.idempotency_key
    )


def test_two_letters_to_one_campaign_share_its_campaign_id(
    make: Callable[..., Delivery], campaign: Campaign
) -> None:
    first, second = make(), make()
    ids = {_text(build_message(d, SETTINGS, NOW), "Delivery/CampaignId") for d in (first, second)}
    assert ids == {campaign.external_id}
    assert first.idempotency_key != second.idempotency_key


def test_statement_holds_coalition_text_and_message_only_the_personal_paragraph(
    make: Callable[..., Delivery], campaign: Campaign
) -> None:
    xml = build_message(make(), SETTINGS, NOW)
    assert _text(xml, "Message/OrganizationStatement") == campaign.body.strip()
    assert _text(xml, "Message/ConstituentMessage") == PERSONAL
    # The statement comes before the supporter's words, as CWC orders them.
    message = [c.tag for c in _tree(xml).iterfind("Message/*")]
    assert message.index("OrganizationStatement") < message.index("ConstituentMessage")


def test_letter_without_own_words_has_no_constituent_message(
    make: Callable[..., Delivery], campaign: Campaign
) -> None:
    xml = build_message(make(personal_message="  "), SETTINGS, NOW)
    assert _tree(xml).find("Message/ConstituentMessage") is None
    assert _text(xml, "Message/OrganizationStatement") == campaign.body.strip()
    assert validate_message(xml) == []


def test_edited_body_is_all_the_supporters_words_and_drops_the_statement(
    make: Callable[..., Delivery],
) -> None:
    edited = "I rewrote this letter myself.\n\nSyria needs an envoy."
    xml = build_message(make(edited_body=edited), SETTINGS, NOW)
    assert _tree(xml).find("Message/OrganizationStatement") is None
    assert _text(xml, "Message/ConstituentMessage") == f"{edited}\n\n{PERSONAL}"
    assert validate_message(xml) == []


@pytest.mark.parametrize("match", list(MatchKind))
def test_address_validation_is_y_only_for_an_exact_geocoder_match(
    make: Callable[..., Delivery], match: MatchKind
) -> None:
    xml = build_message(make(lookup_match=match), SETTINGS, NOW)
    expected = "Y" if match is MatchKind.EXACT else "N"
    assert _text(xml, "Constituent/AddressValidation") == expected


@pytest.mark.parametrize(("verified", "flag"), [(True, "Y"), (False, "N")])
def test_email_validation_is_y_only_when_the_supporter_clicked_the_link(
    make: Callable[..., Delivery], verified: bool, flag: str
) -> None:
    xml = build_message(make(email_verified=verified), SETTINGS, NOW)
    assert _text(xml, "Constituent/EmailValidation") == flag


def test_markup_and_xml_illegal_characters_survive_as_escaped_text(
    make: Callable[..., Delivery],
) -> None:
    # Both databases store these; NUL and lone surrogates are covered without a database below.
    hostile = "Stop <b>this</b> & </ConstituentMessage><x>\x07\x1b now\u0085\ufffe"
    delivery = make(personal_message=hostile, first_name="Ra<sha> & Co\x0b", city="A&B")
    xml = build_message(delivery, SETTINGS, NOW)
    assert b"&lt;b&gt;this&lt;/b&gt; &amp; &lt;/ConstituentMessage&gt;" in xml
    assert b"\x07" not in xml and b"\x1b" not in xml
    assert validate_message(xml) == []
    assert _text(xml, "Message/ConstituentMessage") == (
        "Stop <b>this</b> & </ConstituentMessage><x> now"
    )
    assert _text(xml, "Constituent/FirstName") == "Ra<sha> & Co"
    assert _text(xml, "Constituent/City") == "A&B"


@pytest.mark.parametrize(
    ("state", "district", "office"),
    [("WY", "0", "HWY00"), ("DC", "0", "HDC00"), ("MI", "3", "HMI03"), ("CA", "52", "HCA52")],
)
def test_at_large_delegate_and_numbered_seats_get_their_office_codes(
    make: Callable[..., Delivery], state: str, district: str, office: str
) -> None:
    delivery = make(recipient_state=state, district=district, state=state)
    xml = build_message(delivery, SETTINGS, NOW)
    assert _text(xml, "Recipient/MemberOffice") == office
    assert validate_message(xml) == []


def test_campaign_without_topics_is_refused_with_a_clear_reason(
    make: Callable[..., Delivery], campaign: Campaign, session: Session
) -> None:
    delivery = make()
    campaign.topics = []
    session.commit()
    with pytest.raises(CwcMessageError, match="no Library of Congress topic"):
        build_message(delivery, SETTINGS, NOW)


def test_letter_without_prefix_or_street_cannot_go_by_cwc(make: Callable[..., Delivery]) -> None:
    with pytest.raises(ValueError, match="prefix") as caught:
        build_message(make(prefix=None, street=""), SETTINGS, NOW)
    assert "street address" in str(caught.value)


def test_letter_from_abroad_cannot_go_by_cwc(make: Callable[..., Delivery]) -> None:
    """No state or ZIP code: refused with a reason (a dead row), never a crash."""
    with pytest.raises(ValueError, match="StateAbbreviation") as caught:
        build_message(make(state=None, zip_code=None, country="DE"), SETTINGS, NOW)
    assert "Zip" in str(caught.value)


def test_senate_office_is_the_senators_bioguide_id(make: Callable[..., Delivery]) -> None:
    """Senate CWC takes the same XML, addressed to the senator's office by bioguide ID."""
    senator = make(chamber="us_senate", district=None)
    root = ET.fromstring(build_message(senator, SETTINGS, NOW))  # noqa: S314 - our own XML
    assert root.findtext("Recipient/MemberOffice") == senator.recipient_key.removeprefix(
        "official:"
    )
    senator.recipient_key = "target:7"  # a fixed office, not a senator from the roster
    with pytest.raises(ValueError, match="bioguide"):
        build_message(senator, SETTINGS, NOW)


def test_longest_form_values_still_validate(make: Callable[..., Delivery]) -> None:
    street = " ".join(["Apartment 1234567"] * 11)[:200]  # the form allows 200 characters
    delivery = make(
        street=street,
        first_name="F" * 100,
        last_name="L" * 100,
        city="C" * 100,
        zip_code="481261234",
        subject="A very long subject " * 15,
        personal_message="p" * 5000,
        edited_body="e" * 20000,
    )
    xml = build_message(delivery, SETTINGS, NOW)
    assert validate_message(xml) == []
    root = _tree(xml)
    lines = [root.findtext(f"Constituent/Address{i}") or "" for i in (1, 2, 3)]
    assert " ".join(line for line in lines if line) == street
    assert root.findtext("Constituent/Zip") == "48126-1234"
    subject = root.findtext("Message/Subject") or ""
    assert len(subject) <= 255 and subject.endswith("…")


# Our structural check, on variants of a valid message (no database needed).


def _transient_delivery(**submission: Any) -> Delivery:
    campaign = Campaign(
        slug="sample", title="T", subject="Help Syria", salutation="Dear,", body="Our statement.",
        closing="Sincerely,", external_id="c" * 32, topics=["International Affairs"],
    )  # fmt: skip
    sub = Submission(
        campaign=campaign,
        supporter=Supporter(email_key="a@example.org", email="a@example.org", first_name="A",
                            last_name="B"),
        statement=LetterText(sha256="0" * 64, body="Our statement."),
        subject="Help Syria", personal_message="Mine.", edited_body=None, closing="Sincerely,",
        prefix="Mr.", first_name="A", last_name="B", street="1 Elm St", city="Casper",
        state="WY", zip_code="82601", lookup_match=MatchKind.ZIP, email_verified=False,
        **submission,
    )  # fmt: skip
    return Delivery(
        submission=sub, recipient_key="official:X", recipient_name="Rep", salutation="Dear,",
        recipient_chamber="us_house", recipient_state="WY", recipient_district="0",
        idempotency_key="0123456789abcdef0123456789ABCDEF",
    )  # fmt: skip


@pytest.fixture(scope="module")
def valid_xml() -> bytes:
    xml = build_message(_transient_delivery(), SETTINGS, NOW)
    assert validate_message(xml) == []
    return xml


def _mutate(xml: bytes, change: Callable[[ET.Element], None]) -> bytes:
    root = _tree(xml)
    change(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _set(path: str, value: str) -> Callable[[ET.Element], None]:
    def change(root: ET.Element) -> None:
        element = root.find(path)
        assert element is not None, path
        element.text = value

    return change


def _remove(*paths: str) -> Callable[[ET.Element], None]:
    def change(root: ET.Element) -> None:
        for path in paths:
            parent_path = path.rpartition("/")[0]
            parent = root.find(parent_path)
            child = root.find(path)
            assert parent is not None and child is not None, path
            parent.remove(child)

    return change


def _swap(parent_path: str, first: str, second: str) -> Callable[[ET.Element], None]:
    def change(root: ET.Element) -> None:
        parent = root.find(parent_path)
        assert parent is not None
        tags = [c.tag for c in parent]
        i, j = tags.index(first), tags.index(second)
        a, b = parent[i], parent[j]
        parent[i], parent[j] = b, a

    return change


BROKEN = {
    "no prefix": (_remove("Constituent/Prefix"), "Constituent/Prefix is missing"),
    "short delivery id": (
        _set("Delivery/DeliveryId", "abc123"),
        "Delivery/DeliveryId 'abc123' must be 32 letters or digits",
    ),
    "delivery id with dashes": (
        _set("Delivery/DeliveryId", "01234567-89ab-cdef-0123-456789abcdef"[:32]),
        "must be 32 letters or digits",
    ),
    "bad zip": (_set("Constituent/Zip", "8260"), "Constituent/Zip '8260' must be 5 digits"),
    "zip+4 without dash": (_set("Constituent/Zip", "826011234"), "must be 5 digits or ZIP+4"),
    "unknown topic": (
        _set("Message/LibraryOfCongressTopics/LibraryOfCongressTopic", "Space Travel"),
        "'Space Travel' is not a Library of Congress policy area",
    ),
    "neither statement nor message": (
        _remove("Message/OrganizationStatement", "Message/ConstituentMessage"),
        "Message needs an OrganizationStatement or a ConstituentMessage",
    ),
    "bad agent phone": (
        _set("Delivery/DeliveryAgentContact/DeliveryAgentContactPhone", "(202) 555-0100"),
        "DeliveryAgentContactPhone '(202) 555-0100' must be a phone number written xxx-xxx-xxxx",
    ),
    "bad date": (_set("Delivery/DeliveryDate", "20251399"), "must be a real date"),
    "bad office": (_set("Recipient/MemberOffice", "SWY01"), "MemberOffice 'SWY01' must be H"),
    "unknown office state": (_set("Recipient/MemberOffice", "HZZ01"), "unknown state 'ZZ'"),
    "bad state": (_set("Constituent/StateAbbreviation", "XX"), "is not a US state code"),
    "lowercase flag": (_set("Constituent/EmailValidation", "y"), "must be Y or N"),
    "bad email": (_set("Constituent/Email", "not-an-email"), "Email 'not-an-email' must be"),
    "wrong version": (_set("CWCVersion", "1.0"), "CWCVersion '1.0' must be 2.0"),
    "empty first name": (_set("Constituent/FirstName", " "), "Constituent/FirstName is empty"),
    "long subject": (_set("Message/Subject", "s" * 256), "Subject is 256 characters long"),
    "out of order": (
        _swap("Constituent", "FirstName", "LastName"),
        "Constituent/FirstName is out of order: it must come before LastName",
    ),
    "no topics": (
        _remove("Message/LibraryOfCongressTopics/LibraryOfCongressTopic"),
        "LibraryOfCongressTopic is missing",
    ),
    "no campaign id": (_remove("Delivery/CampaignId"), "Delivery/CampaignId is missing"),
}


@pytest.mark.parametrize("variant", list(BROKEN))
def test_validate_message_names_what_is_wrong(valid_xml: bytes, variant: str) -> None:
    change, expected = BROKEN[variant]
    problems = validate_message(_mutate(valid_xml, change))
    assert problems, variant
    assert any(expected in problem for problem in problems), problems


def test_validate_message_catches_unknown_and_duplicate_elements(valid_xml: bytes) -> None:
    def change(root: ET.Element) -> None:
        ET.SubElement(root.find("Recipient"), "Fax").text = "1"  # type: ignore[arg-type]
        constituent = root.find("Constituent")
        assert constituent is not None
        constituent.insert(1, ET.Element("Prefix"))
        constituent[1].text = "Dr."

    problems = validate_message(_mutate(valid_xml, change))
    assert "CWC/Recipient has an unexpected element <Fax>" in problems
    assert "CWC/Constituent/Prefix appears more than once" in problems


def test_validate_message_rejects_what_is_not_cwc_xml() -> None:
    assert validate_message(b"<CWC><Delivery>")[0].startswith("not well-formed XML")
    assert validate_message(b"<Message/>") == ["the root element must be <CWC>, not <Message>"]


def test_validate_message_accepts_bills_pro_con_and_more_info(valid_xml: bytes) -> None:
    def change(root: ET.Element) -> None:
        message = root.find("Message")
        assert message is not None
        bills = ET.Element("Bills")
        bill = ET.SubElement(bills, "Bill")
        for name, value in (
            ("BillCongress", "119"),
            ("BillTypeAbbreviation", "hr"),
            ("BillNumber", "1234"),
        ):
            ET.SubElement(bill, name).text = value
        message.insert(2, bills)
        pro = ET.Element("ProOrCon")
        pro.text = "Pro"
        message.insert(3, pro)
        ET.SubElement(message, "MoreInfo").text = "https://example.org/syria"

    assert validate_message(_mutate(valid_xml, change)) == []


def test_nul_and_lone_surrogates_are_dropped_not_fatal() -> None:
    delivery = _transient_delivery()
    delivery.submission.personal_message = "a\x00b\ud800c\udfff & <d>"
    delivery.submission.last_name = "O\x00'Brien"
    xml = build_message(delivery, SETTINGS, NOW)
    assert validate_message(xml) == []
    assert _text(xml, "Message/ConstituentMessage") == "abc & <d>"
    assert _text(xml, "Constituent/LastName") == "O'Brien"


def test_more_info_is_added_only_when_given() -> None:
    xml = build_message(_transient_delivery(), SETTINGS, NOW, more_info="https://example.org/x")
    assert _text(xml, "Message/MoreInfo") == "https://example.org/x"
    assert validate_message(xml) == []


def test_every_loc_topic_validates() -> None:
    assert len(LOC_TOPICS) == 32 and len(set(LOC_TOPICS)) == 32
    delivery = _transient_delivery()
    delivery.submission.campaign.topics = list(LOC_TOPICS)
    assert validate_message(build_message(delivery, SETTINGS, NOW)) == []


@pytest.mark.parametrize(
    ("chamber", "state", "district", "office"),
    [
        ("us_house", "MI", "12", "HMI12"),
        ("us_house", "mi", 3, "HMI03"),
        ("us_house", "WY", "0", "HWY00"),
        ("us_house", "AK", None, "HAK00"),
        ("us_house", "DC", "0", "HDC00"),
        ("us_house", "PR", "0", "HPR00"),
    ],
)
def test_member_office_codes(
    chamber: str, state: str, district: str | int | None, office: str
) -> None:
    assert member_office(chamber, state, district) == office


@pytest.mark.parametrize(
    ("chamber", "state", "district"),
    [("us_senate", "MI", None), ("state_lower", "MI", "12"), ("us_house", "M", "1"),
     ("us_house", "MI", "123"), ("us_house", "MI", "x")],
)  # fmt: skip
def test_member_office_refuses_what_is_not_a_house_seat(
    chamber: str, state: str, district: str | None
) -> None:
    with pytest.raises(ValueError):
        member_office(chamber, state, district)


# Settings from the app config.

CONFIG = {
    "CWC_API_KEY": API_KEY,
    "CWC_URL": "https://cwc.house.gov/",
    "CWC_DELIVERY_AGENT": "Civic Letters Coalition",
    "CWC_ACK_EMAIL": "cwc-acks@example.org",
    "CWC_CONTACT_NAME": "Dana Organiser",
    "CWC_CONTACT_EMAIL": "dana@example.org",
    "CWC_CONTACT_PHONE": "202-555-0100",
    "CWC_ORGANIZATION": "",
    "CWC_ORGANIZATION_ABOUT": "",
}


def test_settings_are_off_without_an_api_key() -> None:
    assert cwc_settings_from_config({**CONFIG, "CWC_API_KEY": ""}) is None
    assert cwc_settings_from_config({}) is None


def test_settings_read_every_key() -> None:
    settings = cwc_settings_from_config(CONFIG)
    assert settings is not None
    assert settings.base_url == "https://cwc.house.gov"
    assert settings.organization is None and settings.organization_about is None
    assert settings.delivery_agent == "Civic Letters Coalition"
    assert API_KEY not in repr(settings)
    default = cwc_settings_from_config({k: v for k, v in CONFIG.items() if k != "CWC_URL"})
    assert default is not None and default.base_url == "https://test-cwc.house.gov"


def test_settings_with_a_key_but_missing_agent_details_fail_loudly() -> None:
    broken = {**CONFIG, "CWC_DELIVERY_AGENT": "", "CWC_CONTACT_PHONE": "2025550100"}
    with pytest.raises(ConfigError) as caught:
        cwc_settings_from_config(broken)
    assert "CWC_DELIVERY_AGENT is not set" in str(caught.value)
    assert "CWC_CONTACT_PHONE must be written xxx-xxx-xxxx" in str(caught.value)
    assert API_KEY not in str(caught.value)


# The API client against a local stub.


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def _client(url: str, read: float = 2.0) -> CwcClient:
    settings = CwcSettings(**{**SETTINGS.__dict__, "base_url": url})
    return CwcClient(settings, Timeouts(connect=1.0, read=read))


def test_accepted_message_is_posted_as_xml_with_the_key_in_the_query(
    stub: StubServer, valid_xml: bytes
) -> None:
    stub.reply("/v2/message", 200, b"<Response>OK</Response>", {"Content-Type": "text/xml"})
    result = _client(stub.url).send(valid_xml)
    assert result.accepted and not result.permanent and result.status == 200
    assert result.detail == "<Response>OK</Response>"
    received = stub.last("/v2/message")
    assert received.method == "POST"
    assert received.body == valid_xml
    assert received.params == {"apikey": API_KEY}
    assert received.header("Content-Type") == "application/xml"


def test_validate_posts_to_the_validate_endpoint(stub: StubServer, valid_xml: bytes) -> None:
    stub.reply("/v2/validate", 200)
    result = _client(stub.url).validate(valid_xml)
    assert result.accepted and result.detail == "HTTP 200"
    assert stub.count("/v2/message") == 0
    assert stub.last("/v2/validate").body == valid_xml


def test_a_400_is_permanent_and_keeps_the_offices_error_text(
    stub: StubServer, valid_xml: bytes
) -> None:
    error = (
        b"<Errors><Error>Constituent/Zip: 82601 is not in district HWY00 "
        b"(apikey=" + API_KEY.encode() + b")</Error></Errors>"
    )
    stub.reply("/v2/message", 400, error, {"Content-Type": "application/xml"})
    result = _client(stub.url).send(valid_xml)
    assert not result.accepted and result.permanent and result.status == 400
    assert "Constituent/Zip: 82601 is not in district HWY00" in result.detail
    assert API_KEY not in result.detail


def test_a_long_error_answer_is_trimmed(stub: StubServer, valid_xml: bytes) -> None:
    stub.reply("/v2/message", 422, b"x" * 5000, {"Content-Type": "text/plain"})
    result = _client(stub.url).send(valid_xml)
    assert result.permanent and len(result.detail) == 1000


@pytest.mark.parametrize("status", [503, 500, 429])
def test_server_errors_and_rate_limits_are_retried_later(
    stub: StubServer, valid_xml: bytes, status: int
) -> None:
    stub.reply("/v2/message", status, b"Service Unavailable", {"Content-Type": "text/plain"})
    result = _client(stub.url).send(valid_xml)
    assert not result.accepted and not result.permanent and result.status == status
    assert result.detail == "Service Unavailable"
    # make_session retries only GETs on 5xx: a POST is not repeated here; the outbox retries
    # later with the same DeliveryId.
    assert stub.count("/v2/message") == 1


def test_timeout_is_not_permanent(stub: StubServer, valid_xml: bytes) -> None:
    stub.reply_slowly("/v2/message", 3.0)
    result = _client(stub.url, read=0.2).send(valid_xml)
    assert not result.accepted and not result.permanent and result.status is None
    assert result.detail == "timed out"


def test_unreachable_host_is_not_permanent_and_hides_the_key(valid_xml: bytes) -> None:
    result = _client("http://127.0.0.1:9").send(valid_xml)
    assert not result.accepted and not result.permanent and result.status is None
    assert result.detail.startswith("unreachable")
    assert API_KEY not in result.detail


def test_an_acceptance_echoing_the_key_is_scrubbed(stub: StubServer, valid_xml: bytes) -> None:
    stub.reply("/v2/message", 200, f"accepted for apikey {API_KEY}".encode())
    result = _client(stub.url).send(valid_xml)
    assert result.accepted and API_KEY not in result.detail
    assert result.detail == "accepted for apikey [api key]"
