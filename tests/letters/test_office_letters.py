"""Each office gets its own letter: salutation, cover above the organisation's letter, own body.

What the preview composes is exactly what is recorded, delivered (CWC keeps the organisation's
words apart from the supporter's) and shown on the receipt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.delivery.test_cwc import SETTINGS
from tests.letters.test_compose import SIGNER as COMPOSE_SIGNER
from webapp.campaigns.fileformat import parse_campaign_file
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign
from webapp.civic.lookup import AddressQuery
from webapp.civic.types import LookupResult, Representative
from webapp.database import db
from webapp.delivery.cwc_message import build_message
from webapp.letters.compose import Recipient, compose_letters, open_to_everyone
from webapp.models import Audience, Campaign, Channel, Delivery, Submission
from webapp.services.recipients import plan_recipients
from webapp.services.submissions import LetterRequest, record_submission

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIGNER = replace(COMPOSE_SIGNER, city="Burlington", state="VT", zip_code="05401")
SANDERS = Representative(
    key="official:S000033",
    name="Bernard Sanders",
    chamber="us_senate",
    title="Senator",
    state="VT",
    last_name="Sanders",
)
BALINT = Representative(
    key="official:B001318", name="Becca Balint", chamber="us_house", title="Representative",
    state="VT", district="0", last_name="Balint",
)  # fmt: skip
PERSONAL = "My family is from Aleppo."


@dataclass
class FakeLookup:
    """A civic lookup that finds the same two members of Congress for everyone."""

    representatives: tuple[Representative, ...] = (SANDERS, BALINT)

    def lookup(
        self, session: Session, query: AddressQuery, chambers: Any, now: Any, budget: Any = None
    ) -> Any:
        found = [r for r in self.representatives if r.chamber in chambers]
        return LookupResult(representatives=found)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db.session()


def _import(session: Session, text: str) -> Campaign:
    import_campaign(session, parse_campaign_file(text))
    return session.scalars(select(Campaign)).one()


def _recipients(session: Session, campaign: Campaign) -> list[Recipient]:
    query = AddressQuery(zip_code="05401", state="VT", street="100 Main St", city="Burlington")
    return plan_recipients(session, campaign, FakeLookup(), query, NOW).recipients  # type: ignore[arg-type]


def test_senator_gets_own_salutation_and_cover_above_the_coalition_letter(
    session: Session,
) -> None:
    campaign = _import(session, DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    recipients = _recipients(session, campaign)
    president, senator, representative = compose_letters(
        campaign, SIGNER, recipients, PERSONAL, None
    )

    coalition = campaign.body.strip()
    assert president.salutation == "Dear President Biden," and president.cover is None
    assert president.text.startswith(f"Dear President Biden,\n\n{coalition[:40]}")

    assert senator.salutation == "Dear Senator Sanders,"
    assert representative.salutation == "Dear Representative Balint,"
    assert senator.cover is not None
    assert senator.cover.startswith("I am writing to you as your constituent in Burlington.")
    # Salutation, cover, the coalition's text unchanged, the supporter's words, signature.
    assert senator.text == (
        f"Dear Senator Sanders,\n\n{senator.cover}\n\n{coalition}\n\n{PERSONAL}\n\n"
        "Sincerely,\nRasha Haddad\nBurlington, VT 05401\n"
    )
    assert senator.body == president.body  # the coalition letter itself is not reworded
    assert "Burlington" in str(senator.cover_html) and "<p>" in str(senator.cover_html)


def test_only_offices_open_to_everyone_remain_for_a_supporter_abroad(session: Session) -> None:
    campaign = _import(session, DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    recipients = _recipients(session, campaign)
    assert [r.audience for r in recipients] == [
        Audience.EVERYONE,
        Audience.CONSTITUENTS,
        Audience.CONSTITUENTS,
    ]
    assert [r.name for r in open_to_everyone(recipients)] == ["The President of the United States"]
    assert open_to_everyone([Recipient(key="x", name="Unknown office")]) == []


SPLIT = """---
slug: split-chambers
title: Safe water
subject: Safe water
salutation: "Dear Friend,"
body_editable: true
targets:
  - kind: lookup
    chambers: [us_senate]
    salutation: "Dear Senator {{ target.last_name }},"
    cover: "A copy for the Senate, from {{ supporter.city }}."
  - kind: lookup
    chambers: [us_house]
    body: "Please co-sponsor H.R. 1, {{ target.title }} {{ target.last_name }}."
---
Fix the pipes.
"""


def test_one_chamber_rules_each_give_their_own_letter(session: Session) -> None:
    campaign = _import(session, SPLIT)
    senator, representative = compose_letters(
        campaign, SIGNER, _recipients(session, campaign), None, None
    )
    assert senator.text.startswith(
        "Dear Senator Sanders,\n\nA copy for the Senate, from Burlington.\n\nFix the pipes.\n\n"
    )
    assert representative.cover is None
    # Without its own salutation an official is greeted by title, as before.
    assert representative.text.startswith(
        "Dear Representative Balint,\n\nPlease co-sponsor H.R. 1, Representative Balint.\n\n"
        "Sincerely,"
    )
    assert "Fix the pipes" not in representative.text


def test_a_rewrite_goes_where_the_organisation_letter_would_not_where_an_own_body_does(
    session: Session,
) -> None:
    campaign = _import(session, SPLIT)
    rewrite = "I rewrote the letter: fix the pipes now."
    senator, representative = compose_letters(
        campaign, SIGNER, _recipients(session, campaign), None, rewrite
    )
    assert f"Burlington.\n\n{rewrite}\n\n" in senator.text
    assert rewrite not in representative.text
    assert "Please co-sponsor H.R. 1" in representative.text


def _record(
    session: Session, campaign: Campaign, personal: str | None, edited: str | None = None
) -> tuple[list[str], Submission]:
    letters = compose_letters(campaign, SIGNER, _recipients(session, campaign), personal, edited)
    request = LetterRequest(signer=SIGNER, personal_message=personal, edited_body=edited)
    choose = lambda r, s: Channel.CWC if r.chamber == "us_house" else Channel.FORM  # noqa: E731
    result = record_submission(session, campaign, request, letters, NOW, choose)
    return [letter.text for letter in letters], result.submission


def test_each_stored_delivery_is_the_letter_the_preview_showed(session: Session) -> None:
    campaign = _import(session, DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    previews, _submission = _record(session, campaign, PERSONAL)
    session.expire_all()
    deliveries = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert [d.final_text for d in deliveries] == previews
    president, senator, representative = deliveries
    assert president.cover_id is None and senator.cover_id is not None
    # The cover is stored once however many letters share it word for word.
    assert senator.cover_id == representative.cover_id
    assert senator.cover_text is not None and "Burlington" in senator.cover_text


def _cwc_parts(delivery: Delivery) -> tuple[str | None, str | None]:
    import xml.etree.ElementTree as ET

    tree = ET.fromstring(build_message(delivery, SETTINGS, NOW))  # noqa: S314 - our own output
    return (
        tree.findtext("Message/OrganizationStatement"),
        tree.findtext("Message/ConstituentMessage"),
    )


def test_cwc_puts_the_cover_with_the_organisation_statement(session: Session) -> None:
    campaign = _import(session, DEFAULT_CAMPAIGN_FILE.read_text(encoding="utf-8"))
    campaign.topics = ["International Affairs"]
    session.commit()
    _record(session, campaign, PERSONAL)
    house = session.scalars(select(Delivery).where(Delivery.channel == Channel.CWC)).one()
    statement, message = _cwc_parts(house)
    assert statement == f"{house.cover_text}\n\n{campaign.body.strip()}"
    assert message == PERSONAL


def test_cwc_keeps_a_rewrite_as_the_supporters_words_and_an_own_body_as_the_organisations(
    session: Session,
) -> None:
    campaign = _import(
        session, SPLIT.replace("slug: split-chambers", "slug: split-chambers\ntopics: [Health]")
    )
    rewrite = "I rewrote the letter: fix the pipes now."
    previews, submission = _record(session, campaign, PERSONAL, rewrite)
    house = session.scalars(select(Delivery).where(Delivery.channel == Channel.CWC)).one()
    statement, message = _cwc_parts(house)
    assert statement == "Please co-sponsor H.R. 1, Representative Balint."
    assert message == PERSONAL  # the rewrite was of a letter this office does not get
    assert [d.final_text for d in submission.deliveries] == previews
