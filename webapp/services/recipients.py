"""Who a supporter's letter goes to: the campaign's fixed targets plus officials found for them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.civic.budget import Budget
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.types import LookupResult, Provenance, Representative
from webapp.letters.compose import Recipient, fixed_recipients
from webapp.models import Audience, Campaign, Target, TargetKind

# Salutation for looked-up officials unless the campaign's own uses target merge fields.
OFFICIAL_SALUTATION = "Dear {{ target.title }} {{ target.last_name }},"
CHAMBER_OFFICES = {
    "us_senate": "United States Senate",
    "us_house": "United States House of Representatives",
    "state_upper": "State Senate",
    "state_lower": "State House",
}


@dataclass
class RecipientPlan:
    """Every possible recipient for this supporter, which are optional, and how they were found."""

    recipients: list[Recipient] = field(default_factory=list)
    lookup: LookupResult | None = None
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def needs_street(self) -> bool:
        return self.lookup is not None and self.lookup.needs_street

    @property
    def needs_address(self) -> bool:
        """The supporter must mend or complete their address before a letter can go: the street
        is needed, or the ZIP typed is not the one their street is in (and not yet kept)."""
        lookup = self.lookup
        return self.needs_street or (
            lookup is not None and bool(lookup.zip_of_street or lookup.zip_differs)
        )

    @property
    def optional_keys(self) -> set[str]:
        return {r.key for r in self.recipients if r.optional}

    def chosen(
        self, selected: Collection[str] | None, shown: Collection[str] | None = None
    ) -> list[Recipient]:
        """Required recipients plus the optional ones selected (all of them when not asked),
        and those whose box was never `shown` (when the page says which were)."""
        return [
            r
            for r in self.recipients
            if not r.optional
            or selected is None
            or r.key in selected
            or (shown is not None and r.key not in shown)
        ]


def lookup_chambers(campaign: Campaign) -> dict[str, bool]:
    """Chamber -> optional, for the campaign's lookup targets (required wins if listed twice)."""
    chambers: dict[str, bool] = {}
    for target in campaign.targets:
        if target.kind is TargetKind.LOOKUP:
            for chamber in target.chambers:
                chambers[chamber] = chambers.get(chamber, True) and target.optional
    return chambers


def lookup_targets(campaign: Campaign) -> dict[str, Target]:
    """Chamber -> the lookup target whose letter its officials get (the first that lists it)."""
    targets: dict[str, Target] = {}
    for target in campaign.targets:
        if target.kind is TargetKind.LOOKUP:
            for chamber in target.chambers:
                targets.setdefault(chamber, target)
    return targets


def recipient_for(
    rep: Representative, campaign: Campaign, optional: bool, target: Target | None = None
) -> Recipient:
    """A looked-up official as a recipient, with the letter of the lookup target that found it."""
    salutation = None if "target." in campaign.salutation else OFFICIAL_SALUTATION
    if target is not None and target.salutation:
        salutation = target.salutation
    return Recipient(
        key=rep.key,
        name=rep.name,
        office=CHAMBER_OFFICES.get(rep.chamber),
        address=rep.address,
        contact_url=rep.contact_url or rep.url,
        email=rep.email,
        title=rep.title,
        last_name=rep.last_name,
        salutation=salutation,
        optional=optional,
        chamber=rep.chamber,
        party=rep.party,
        state=rep.state,
        district=rep.district,
        non_voting=rep.non_voting,
        target_id=target.id if target is not None else None,
        audience=target.audience if target is not None else Audience.CONSTITUENTS,
        cover=target.cover if target is not None else None,
        body=target.body if target is not None else None,
    )


def plan_recipients(
    session: Session,
    campaign: Campaign,
    lookup: CivicLookup,
    query: AddressQuery,
    now: datetime,
    budget: Budget | None = None,
) -> RecipientPlan:
    """Fixed targets first, then the supporter's officials in the campaign's chambers.

    `budget` bounds the upstream waiting (default: the lookup's own CIVIC_LOOKUP_BUDGET_SECONDS).
    """
    plan = RecipientPlan(recipients=fixed_recipients(campaign))
    chambers = lookup_chambers(campaign)
    if not chambers:
        return plan
    result = lookup.lookup(session, query, chambers, now, budget)
    plan.lookup = result
    if result.provenance is not None:
        plan.provenance = result.provenance
    targets = lookup_targets(campaign)
    seen = {r.key for r in plan.recipients}
    for rep in result.representatives:
        if rep.key not in seen:
            seen.add(rep.key)
            plan.recipients.append(
                recipient_for(rep, campaign, chambers[rep.chamber], targets.get(rep.chamber))
            )
    return plan
