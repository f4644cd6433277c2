"""Which channel each recipient's letter travels by, decided when the letter is recorded."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

from webapp.letters.compose import Recipient, Signer
from webapp.models import Channel, DeliveryStatus


def choose_channel(recipient: Recipient, signer: Signer, cwc_enabled: bool) -> Channel:
    """The best channel the office has: its own email, CWC for the House, its web form, or paper.

    CWC needs the constituent's prefix and street address; without them a House office falls
    back to its website, where the supporter can write themselves.
    """
    if recipient.email:
        return Channel.EMAIL
    if (
        cwc_enabled
        and recipient.chamber == "us_house"
        and recipient.state
        and recipient.district is not None
        and signer.prefix
        and signer.street
    ):
        return Channel.CWC
    if recipient.contact_url:
        return Channel.FORM
    return Channel.PACKET


class Handling(enum.StrEnum):
    """Who carries a letter the last step, as the supporter is told before pressing Send."""

    AUTOMATIC = "automatic"  # sent by this site (email, CWC)
    BY_SUPPORTER = "by_supporter"  # pasted by the supporter into the office's website
    BY_ORGANISERS = "by_organisers"  # delivered by the organisers in a batch


_HANDLING = {
    Channel.EMAIL: Handling.AUTOMATIC,
    Channel.CWC: Handling.AUTOMATIC,
    Channel.FORM: Handling.BY_SUPPORTER,
    Channel.PACKET: Handling.BY_ORGANISERS,
}


def handling_of(channel: Channel) -> Handling:
    return _HANDLING[channel]


def initial_status(channel: Channel, confirmed: bool) -> DeliveryStatus:
    """Hand-offs and packets need no worker: once confirmed they wait for a person."""
    if not confirmed:
        return DeliveryStatus.PENDING
    if channel is Channel.FORM:
        return DeliveryStatus.NEEDS_ACTION
    if channel is Channel.PACKET:
        return DeliveryStatus.PACKET
    return DeliveryStatus.PENDING


def chooser_from_config(config: Mapping[str, Any]) -> Callable[[Recipient, Signer], Channel]:
    """choose_channel with CWC switched on when a CWC API key is configured."""
    cwc_enabled = bool(config.get("CWC_API_KEY"))
    return lambda recipient, signer: choose_channel(recipient, signer, cwc_enabled)
