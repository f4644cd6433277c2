"""Letters still waiting for a sitting member of Congress follow the contact details a roster
sync brings (a new contact form, office or email), as a corrected fixed office's do."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.civic.roster_diff import Contact, RosterDiff
from webapp.delivery.channels import CwcReach, reach_from_config
from webapp.delivery.senate import senate_offices
from webapp.models import AuditAction, Delivery, Official
from webapp.services.departures import PREFIX, departures
from webapp.services.office_corrections import (
    IN_HAND,
    WAITING,
    Corrections,
    OfficeDetails,
    follow_office,
)
from webapp.services.organisers import audit
from webapp.services.recipients import CHAMBER_OFFICES

# The audit entry's counts, the letters' named as a fixed office's correction names them.
FOLLOWED, KEPT = "letters_following_correction", "letters_keeping_old_details"
MEMBERS = "members_with_new_contact_details"


def member_details(official: Official, contact: Contact) -> OfficeDetails:
    """What a letter to this member copies of them (services/recipients.recipient_for), and
    what routes it: their seat, and their key for the Senate CWC office list."""
    return OfficeDetails(
        office=CHAMBER_OFFICES.get(official.chamber),
        address=contact.address,
        contact_url=contact.contact_url,
        email=contact.email,
        post=False,  # only a campaign's fixed offices are written to on paper
        key=PREFIX + official.external_id,
        chamber=official.chamber,
        state=official.state,
        district=official.district,
    )


def _letters(key: str, campaign_id: int | None) -> tuple[ColumnElement[bool], ...]:
    campaign = (
        Delivery.campaign_id.is_(None)
        if campaign_id is None
        else Delivery.campaign_id == campaign_id
    )
    return (campaign, Delivery.recipient_key == key)


def follow_members(
    session: Session, diff: RosterDiff, reach: CwcReach, now: datetime, pinned: int | None
) -> Corrections:
    """Give each member's waiting letters, in every campaign, the member's new contact details
    (`follow_office` says which follow), inside the sync's transaction; one audit entry per
    campaign whose letters were looked at, by nobody: the sync did it.

    A member the changeover flow takes for gone (`departures`: their term over) is left to it:
    their letters go to the seat's new member or are held, not to the old member's new page.
    """
    changed = diff.contacts_changed
    gone = departures(session, now, pinned, only=list(changed)) if changed else {}
    keys = {PREFIX + bioguide: bioguide for bioguide in changed if PREFIX + bioguide not in gone}
    if not keys:
        return Corrections()
    officials = {
        o.external_id: o
        for o in session.scalars(
            select(Official).where(
                Official.source == LEGISLATORS, Official.external_id.in_(list(keys.values()))
            )
        )
    }
    waiting = session.execute(
        select(Delivery.recipient_key, Delivery.campaign_id)
        .where(Delivery.recipient_key.in_(list(keys)), Delivery.status.in_(WAITING + IN_HAND))
        .distinct()
        .order_by(Delivery.campaign_id, Delivery.recipient_key)
    )
    counts: dict[int | None, dict[str, int]] = {}
    for key, campaign_id in waiting:
        official = officials[keys[key]]
        old = member_details(official, changed[official.external_id])
        new = member_details(official, Contact.of(official))
        moved = follow_office(session, _letters(key, campaign_id), old, new, reach, now)
        tally = counts.setdefault(campaign_id, {FOLLOWED: 0, KEPT: 0, MEMBERS: 0})
        tally[FOLLOWED] += moved.followed
        tally[KEPT] += moved.kept
        tally[MEMBERS] += 1
    for campaign_id, tally in counts.items():
        details = {name: number for name, number in tally.items() if number}
        audit(session, None, AuditAction.ROSTER_CONTACTS_CHANGED, now, campaign_id, **details)
    diff.letters_followed = sum(t[FOLLOWED] for t in counts.values())
    diff.letters_kept = sum(t[KEPT] for t in counts.values())
    return Corrections(diff.letters_followed, diff.letters_kept)


def roster_follower(
    config: Mapping[str, Any],
) -> Callable[[Session, RosterDiff, datetime], Corrections]:
    """`follow_members` as a roster sync runs it, with the channels `config` switches on."""

    def follow(session: Session, diff: RosterDiff, now: datetime) -> Corrections:
        senate = senate_offices(session) if config.get("SENATE_CWC_API_KEY") else frozenset()
        reach = reach_from_config(config, senate)
        return follow_members(session, diff, reach, now, int(config["CIVIC_CONGRESS"]) or None)

    return follow
