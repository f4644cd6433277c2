"""Which story-prompt variant a visitor sees: drawn once, then carried in a signed hidden field.

The widget has no cookies, so the form itself carries the variant through preview, "change
something" and send; the signature stops a visitor (or a bot) from picking one, which would bias
the experiment. The full page also remembers it in the session, so a reload shows the same one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from functools import lru_cache

from itsdangerous import BadData, URLSafeSerializer

from webapp.campaigns.prompts import variant_names
from webapp.models import Campaign
from webapp.signing import untimed_serializer
from webapp.unproxied import this_app

_SALT = "prompt-variant"


def _serializer() -> URLSafeSerializer:
    return untimed_serializer(_SALT)


def assign_variant(
    names: Sequence[str], draw: Callable[[int], int] = secrets.randbelow
) -> str | None:
    """A variant drawn uniformly at random (balanced in expectation), or None without any."""
    if not names:
        return None
    return names[draw(len(names))]


def variant_ticket(campaign: Campaign, variant: str) -> str:
    return _signed(this_app().config["SECRET_KEY"], campaign.slug, variant)


@lru_cache(maxsize=256)
def _signed(secret: str, slug: str, variant: str) -> str:
    """A ticket has no time in it, so each one is signed once per process."""
    return str(untimed_serializer(_SALT, secret).dumps([slug, variant]))


def ticket_variant(campaign: Campaign, ticket: str | None) -> str | None:
    """The variant a genuine ticket for this campaign names, if the campaign still has it."""
    if not ticket:
        return None
    try:
        slug, variant = _serializer().loads(ticket)
    except (BadData, TypeError, ValueError):
        return None
    if slug != campaign.slug or variant not in variant_names(campaign.prompts):
        return None
    return str(variant)


def settle_variant(campaign: Campaign, ticket: str | None) -> tuple[str | None, str]:
    """(variant, ticket to carry): the ticket's variant when genuine, else a new draw."""
    variant = ticket_variant(campaign, ticket)
    if variant is not None and ticket:
        return variant, ticket
    variant = assign_variant(variant_names(campaign.prompts))
    return variant, variant_ticket(campaign, variant) if variant else ""
