"""Letters waiting for a sitting member of Congress follow the new details a roster sync brings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
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
    kept_whole,
)
from webapp.services.organisers import audit
from webapp.services.recipients import CHAMBER_OFFICES

# The audit entry's counts, the letters' named as a fixed office's correction names them.
FOLLOWED, KEPT = "letters_following_correction", "letters_keeping_old_details"
MEMBERS = "members_with_new_contact_details"
# Whose details changed and how (public details of members of Congress, nothing of a writer):
# an organiser can trace a link a waiting hand-off now opens to the roster that brought it.
CHANGES = "contact_details"


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


def _letters(key: str, campaigns: set[int | None]) -> tuple[ColumnElement[bool], ...]:
    # The campaigns named, so that the (campaign, office) index finds the member's letters.
    ids = sorted(c for c in campaigns if c is not None)
    within = [Delivery.campaign_id.in_(ids)] if ids else []
    if None in campaigns:
        within.append(Delivery.campaign_id.is_(None))
    return (or_(*within), Delivery.recipient_key == key)


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
        .where(
            Delivery.recipient_key.in_(list(keys)),
            Delivery.status.in_(WAITING + IN_HAND),
            kept_whole(),
        )
        .distinct()
    )
    campaigns: dict[str, set[int | None]] = {}
    for key, campaign_id in waiting:
        campaigns.setdefault(key, set()).add(campaign_id)
    counts: dict[int | None, dict[str, int]] = {}
    before_after: dict[int | None, dict[str, dict[str, list[str | None]]]] = {}
    # One member at a time, all their campaigns together: a roster that gives every member a
    # new page is some two statements a member inside the sync's write lock, not a campaign.
    for key in sorted(campaigns):
        official = officials[keys[key]]
        old = member_details(official, changed[official.external_id])
        new = member_details(official, Contact.of(official))
        moved = follow_office(session, _letters(key, campaigns[key]), old, new, reach, now)
        for campaign_id, those in moved.campaigns.items():
            tally = counts.setdefault(campaign_id, {FOLLOWED: 0, KEPT: 0, MEMBERS: 0})
            tally[FOLLOWED] += those.followed
            tally[KEPT] += those.kept
            tally[MEMBERS] += 1
            member = f"{official.full_name} ({official.external_id})"
            before_after.setdefault(campaign_id, {})[member] = _changes(old, new)
    for campaign_id, tally in sorted(counts.items(), key=lambda item: item[0] or 0):
        details: dict[str, Any] = {name: number for name, number in tally.items() if number}
        details[CHANGES] = before_after[campaign_id]
        audit(session, None, AuditAction.ROSTER_CONTACTS_CHANGED, now, campaign_id, **details)
    diff.letters_followed = sum(t[FOLLOWED] for t in counts.values())
    diff.letters_kept = sum(t[KEPT] for t in counts.values())
    return Corrections(diff.letters_followed, diff.letters_kept)


def _changes(old: OfficeDetails, new: OfficeDetails) -> dict[str, list[str | None]]:
    """A member's details that changed, before and after, named as a fixed office's are."""
    pairs = {
        "address": (old.address, new.address),
        "contact_url": (old.contact_url, new.contact_url),
        "email": (old.email, new.email),
    }
    return {name: [was, will] for name, (was, will) in pairs.items() if was != will}


def roster_follower(
    config: Mapping[str, Any],
) -> Callable[[Session, RosterDiff, datetime], Corrections]:
    """`follow_members` as a roster sync runs it, with the channels `config` switches on."""

    def follow(session: Session, diff: RosterDiff, now: datetime) -> Corrections:
        senate = senate_offices(session) if config.get("SENATE_CWC_API_KEY") else frozenset()
        reach = reach_from_config(config, senate)
        return follow_members(session, diff, reach, now, int(config["CIVIC_CONGRESS"]) or None)

    return follow
