"""Letters still waiting for an office follow its corrected contact details (fixed or member)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from webapp.delivery.channels import CwcReach, route
from webapp.letters.compose import Recipient
from webapp.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    Submission,
    Target,
    TargetKind,
)
from webapp.models.outbox import new_idempotency_key

# Not at the office yet and in no worker's hands: where they go may still change. A dead one
# goes again only when an organiser tries it again, and then to what its row says.
WAITING = (
    DeliveryStatus.PENDING,
    DeliveryStatus.FAILED,
    DeliveryStatus.DEAD,
    DeliveryStatus.NEEDS_ACTION,
    DeliveryStatus.PACKET,
    DeliveryStatus.HELD,
)
# Not at the office yet either, but its worker has read the address it is sending to: a new
# one written now would make the row name an address the letter did not go to.
IN_HAND = (DeliveryStatus.SENDING,)


def kept_whole() -> ColumnElement[bool]:
    """Letters retention has not emptied. What it left of one is offered to no one (the
    changeover and "Try them again" leave it too): not a letter waiting for its office."""
    return Delivery.submission_id.in_(select(Submission.id).where(Submission.purged_at.is_(None)))


@dataclass(frozen=True)
class OfficeDetails:
    """What a Delivery copies of its office when the letter is written (letter_fields), and
    what with them decides the way the letter takes: `post`, and a member of Congress's seat
    and key (whether CWC carries it; a fixed office has none)."""

    office: str | None
    address: str | None
    contact_url: str | None
    email: str | None
    post: bool
    key: str = ""
    chamber: str | None = None
    state: str | None = None
    district: str | None = None

    @classmethod
    def of(cls, target: Target) -> OfficeDetails:
        return cls(target.office, target.address, target.contact_url, target.email, target.post)

    def copied(self) -> tuple[str | None, ...]:
        return (self.office, self.address, self.contact_url, self.email)

    def ways(self, reach: CwcReach) -> tuple[Channel, Channel]:
        """The channel a new letter to this office takes when CWC could carry the supporter's
        letter, and when it could not (no prefix or street): the same unless CWC reaches it."""
        office = Recipient(
            key=self.key,
            name="",
            office=self.office,
            address=self.address,
            contact_url=self.contact_url,
            email=self.email,
            post=self.post,
            chamber=self.chamber,
            state=self.state,
            district=self.district,
        )
        complete, incomplete = (route(office, reach, c).channel for c in (True, False))
        return complete, incomplete


@dataclass(frozen=True)
class Corrections:
    """Waiting letters that now go to corrected details, and those left with the old ones;
    `campaigns`: the same for each campaign whose letters were looked at."""

    followed: int = 0
    kept: int = 0
    campaigns: dict[int | None, Corrections] = field(default_factory=dict, compare=False)


def office_details(campaign: Campaign | None) -> dict[int, OfficeDetails]:
    """Each fixed target's details by id, read before an edit changes them in place."""
    if campaign is None:
        return {}
    return {
        t.id: OfficeDetails.of(t)
        for t in campaign.targets
        if t.kind is TargetKind.CUSTOM and t.id is not None
    }


def _letters_to(campaign: Campaign, target: Target) -> tuple[ColumnElement[bool], ...]:
    # target_id as well as the key: a removed target's letters keep its key with no target,
    # and SQLite may give its id to a target added later.
    return (
        Delivery.campaign_id == campaign.id,
        Delivery.recipient_key == f"target:{target.id}",
        Delivery.target_id == target.id,
    )


def follow_corrections(
    session: Session,
    campaign: Campaign,
    before: dict[int, OfficeDetails],
    reach: CwcReach,
    now: datetime,
) -> Corrections:
    """Copy each corrected fixed office's details onto its letters still waiting for it,
    inside the caller's transaction (the edit's own); `follow_office` says which follow."""
    followed = kept = 0
    for target in campaign.targets:
        old = before.get(target.id) if target.kind is TargetKind.CUSTOM else None
        if old is None:
            continue
        moved = follow_office(
            session, _letters_to(campaign, target), old, OfficeDetails.of(target), reach, now
        )
        followed += moved.followed
        kept += moved.kept
    return Corrections(followed, kept)


def follow_office(
    session: Session,
    letters: tuple[ColumnElement[bool], ...],
    old: OfficeDetails,
    new: OfficeDetails,
    reach: CwcReach,
    now: datetime,
) -> Corrections:
    """Copy an office's new details onto its `letters` still waiting for it, inside the
    caller's transaction.

    Only a letter whose way stays the same follows: its channel was the office's way before
    the change and still is after. When the change alters the way (an email address added or
    removed, post turned on or off) the letters keep their old details and are counted: an
    emailed letter turned into a web-form hand-off would wait for a supporter told it was
    sent for them, and a hand-off turned into an email may already have been pasted into the
    form. Letters in an envelope already made up keep theirs too: the envelope's address and
    its key at the postal service are fixed.
    """
    if old.copied() == new.copied():
        return Corrections()
    letters = (*letters, kept_whole())
    # By campaign in one statement: a member's letters in every campaign are looked at at once.
    found = session.execute(
        select(Delivery.campaign_id, func.count())
        .where(*letters, Delivery.status.in_(WAITING + IN_HAND))
        .group_by(Delivery.campaign_id)
    )
    waiting = {campaign_id: count for campaign_id, count in found}
    if not waiting:
        return Corrections()
    same = {was for was, will in zip(old.ways(reach), new.ways(reach), strict=True) if was is will}
    # A dead letter's receipt offers its supporter the contact page to send it themselves: new
    # details without one would take their last way, so it keeps the old ones.
    dropped = bool(old.contact_url) and not new.contact_url
    statuses = [s for s in WAITING if not (dropped and s is DeliveryStatus.DEAD)]
    moved: list[tuple[int, int | None]] = []
    if same:
        moved = [
            (row_id, campaign_id)
            for row_id, campaign_id in session.execute(
                update(Delivery)
                .where(
                    *letters,
                    Delivery.status.in_(statuses),
                    Delivery.channel.in_(sorted(same)),
                    Delivery.mailing_id.is_(None),
                )
                .values(
                    recipient_office=new.office,
                    recipient_address=new.address,
                    contact_url=new.contact_url,
                    email=new.email,
                    updated_at=now,
                )
                .returning(Delivery.id, Delivery.campaign_id)
                .execution_options(synchronize_session=False)
            )
        ]
    # A posted office's ways are both POST: every letter moved is a posted one.
    if moved and Channel.POST in same and old.address != new.address:
        _new_postal_keys(session, [row_id for row_id, _ in moved])
    followed = Counter(campaign_id for _, campaign_id in moved)
    campaigns = {c: Corrections(followed[c], count - followed[c]) for c, count in waiting.items()}
    return Corrections(len(moved), sum(waiting.values()) - len(moved), campaigns)


def _new_postal_keys(session: Session, ids: list[int]) -> None:
    """A posted letter is sent under its key, and the postal service answers a key it has seen
    with the letter it printed then: a corrected letter tried before needs a key of its own."""
    session.execute(
        update(Delivery),
        [{"id": row_id, "idempotency_key": new_idempotency_key()} for row_id in ids],
        execution_options={"synchronize_session": False},
    )
