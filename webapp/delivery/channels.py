"""Which channel each recipient's letter travels by, decided when the letter is recorded."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.letters.compose import Recipient, Signer
from webapp.models import Channel, Delivery, DeliveryStatus


@dataclass(frozen=True)
class Route:
    """The channel a letter takes to one office, and why, in words an organiser can act on."""

    channel: Channel
    # Translated when read: a letter's route is decided for every office it goes to, and only
    # the organisers' channel map ever reads why.
    why: tuple[LazyString, ...]

    @property
    def reason(self) -> str:
        return "; ".join(str(part) for part in self.why)


@dataclass(frozen=True)
class CwcReach:
    """Which CWC systems are switched on, and the Senate system's active office list."""

    house: bool = False
    senate: bool = False
    senate_offices: frozenset[str] = frozenset()
    post: bool = False  # the print-and-mail service is set (POST_API_KEY)


def bioguide_of(recipient: Recipient) -> str | None:
    key = recipient.key
    return key.removeprefix("official:").upper() if key.startswith("official:") else None


def route(recipient: Recipient, reach: CwcReach, complete: bool) -> Route:
    """The best channel the office has, and why: its own email, CWC (House, or the Senate for
    offices on its list), its web form, or paper.

    CWC needs the constituent's prefix and street address (`complete`); without them a CWC
    office falls back to its website, where the supporter can write themselves. An office the
    organisers ask to reach on paper gets a posted letter while the postal service is set.
    """
    if recipient.post and reach.post and recipient.address:
        return Route(Channel.POST, (_l("the organisers send this office's letters by post"),))
    if recipient.email:
        return Route(Channel.EMAIL, (_l("the office publishes an email address"),))
    cwc, why_not = _cwc_channel(recipient, reach)
    if cwc is not None and complete:
        return Route(cwc, (_l("CWC needs a prefix and a street address; without them: web form"),))
    if cwc is not None:
        why_not = _l("CWC needs a prefix and a street address")
    fallback = Channel.FORM if recipient.contact_url else Channel.PACKET
    where = (
        _l("web-form hand-off")
        if fallback is Channel.FORM
        else _l("no web form: organisers' packet")
    )
    return Route(fallback, (where,) if why_not is None else (why_not, where))


# Both CWC systems refuse a message without a Library of Congress topic (cwc_message.py): a
# campaign with none would have every letter to a CWC office given up on once it is tried.
NO_TOPICS = _l("CWC requires the campaign's policy areas (topics), and it has none")
CWC_CHANNELS = frozenset({Channel.CWC, Channel.SENATE_CWC})


def _cwc_channel(recipient: Recipient, reach: CwcReach) -> tuple[Channel | None, LazyString | None]:
    if recipient.chamber == "us_house":
        if recipient.state and recipient.district is not None:
            if reach.house:
                return Channel.CWC, None
            return None, _l("House CWC is not configured (CWC_API_KEY)")
        return None, _l("the House seat has no state or district")
    if recipient.chamber == "us_senate":
        if not reach.senate:
            return None, _l("Senate CWC is not configured (SENATE_CWC_API_KEY)")
        if bioguide_of(recipient) not in reach.senate_offices:
            return None, _l("office not on the Senate CWC list")
        return Channel.SENATE_CWC, None
    return None, None


def choose_channel(
    recipient: Recipient, signer: Signer, cwc_enabled: bool, reach: CwcReach | None = None
) -> Channel:
    """The channel of `route` for one supporter's letter (`cwc_enabled`: House CWC on)."""
    reach = reach or CwcReach(house=cwc_enabled)
    return route(recipient, reach, bool(signer.prefix and signer.street)).channel


class Handling(enum.StrEnum):
    """Who carries a letter the last step, as the supporter is told before pressing Send."""

    AUTOMATIC = "automatic"  # sent by this site (email, CWC)
    BY_SUPPORTER = "by_supporter"  # pasted by the supporter into the office's website
    BY_ORGANISERS = "by_organisers"  # delivered by the organisers in a batch


_HANDLING = {
    Channel.EMAIL: Handling.AUTOMATIC,
    Channel.CWC: Handling.AUTOMATIC,
    Channel.SENATE_CWC: Handling.AUTOMATIC,
    Channel.FORM: Handling.BY_SUPPORTER,
    Channel.PACKET: Handling.BY_ORGANISERS,
    Channel.POST: Handling.AUTOMATIC,
}


# Letters that will not go to their office: cancelled, or sent to a departed member's successor.
NOT_GOING = frozenset({DeliveryStatus.CANCELLED, DeliveryStatus.REPLACED})


def handling_of(channel: Channel) -> Handling:
    return _HANDLING[channel]


def only_by_hand(deliveries: Iterable[Delivery]) -> bool:
    """Every office the letter still goes to takes it only through its own web form, from its
    writer's hands: confirming it sends it nowhere, so its button and link must not say so."""
    going = [d.channel for d in deliveries if d.status not in NOT_GOING]
    return bool(going) and all(
        c is not None and _HANDLING[c] is Handling.BY_SUPPORTER for c in going
    )


def initial_status(channel: Channel, confirmed: bool) -> DeliveryStatus:
    """Hand-offs and packets need no worker: once confirmed they wait for a person."""
    if not confirmed:
        return DeliveryStatus.PENDING
    if channel is Channel.FORM:
        return DeliveryStatus.NEEDS_ACTION
    if channel is Channel.PACKET:
        return DeliveryStatus.PACKET
    return DeliveryStatus.PENDING


def reach_from_config(
    config: Mapping[str, Any], senate_offices: frozenset[str] = frozenset()
) -> CwcReach:
    return CwcReach(
        house=bool(config.get("CWC_API_KEY")),
        senate=bool(config.get("SENATE_CWC_API_KEY")),
        senate_offices=senate_offices,
        post=bool(config.get("POST_API_KEY")),
    )


def chooser_from_config(
    config: Mapping[str, Any], senate_offices: frozenset[str] = frozenset()
) -> Callable[[Recipient, Signer], Channel]:
    """choose_channel with House CWC on when CWC_API_KEY is set, and Senate CWC on for the
    offices in `senate_offices` when SENATE_CWC_API_KEY is set."""
    reach = reach_from_config(config, senate_offices)
    return lambda recipient, signer: choose_channel(recipient, signer, reach.house, reach)
