"""The outbox worker's senders, built from the settings: SMTP, CWC (House and Senate) and post."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from webapp.delivery.cwc import CwcClient, cwc_settings_from_config
from webapp.delivery.mailing import Postal
from webapp.delivery.post import PostClient, post_settings_from_config
from webapp.delivery.postal_budget import budget_from_config
from webapp.delivery.senate import senate_settings_from_config
from webapp.delivery.smtp import SmtpSettings, parse_smtp_url
from webapp.models import Channel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Senders:
    """What a worker can send with; a channel whose settings are missing has none."""

    smtp: SmtpSettings | None
    cwc_clients: dict[Channel, CwcClient]
    postal: Postal | None

    @property
    def channels(self) -> set[Channel]:
        """The delivery channels this worker can send on (the others wait in the outbox)."""
        channels = {Channel.EMAIL} if self.smtp else set()
        channels |= set(self.cwc_clients)
        channels |= {Channel.POST} if self.postal else set()
        return channels


# One builder a channel: the worker builds them all, and `flask delivery check` each on its own
# (readiness.py), so the check refuses exactly the settings the worker refuses.
def smtp_from_config(config: Mapping[str, Any]) -> SmtpSettings | None:
    """The relay, or None when SMTP_URL is unset; ValueError when it is malformed."""
    if not config["SMTP_URL"]:
        return None
    return parse_smtp_url(config["SMTP_URL"], config["SMTP_TIMEOUT_SECONDS"])


def cwc_client_from_config(config: Mapping[str, Any], channel: Channel) -> CwcClient | None:
    """House (Channel.CWC) or Senate CWC, or None when its key is unset; ConfigError if wrong."""
    build = cwc_settings_from_config if channel is Channel.CWC else senate_settings_from_config
    settings = build(config)
    return CwcClient(settings) if settings else None


def postal_from_config(config: Mapping[str, Any]) -> Postal | None:
    """The postal service, or None when POST_API_KEY is unset; ConfigError if wrong."""
    post = post_settings_from_config(config)
    if post is None:
        return None
    recheck = timedelta(days=int(config["POST_ADDRESS_RECHECK_DAYS"]))
    return Postal(PostClient(post), budget_from_config(config), recheck)


CWC_CHANNELS = (Channel.CWC, Channel.SENATE_CWC)


def senders_from_config(config: Mapping[str, Any]) -> Senders:
    smtp = smtp_from_config(config)
    if smtp is None:
        log.warning(
            "SMTP_URL is not set: emailed letters and supporter emails wait in the "
            "outbox until it is"
        )
    clients = {channel: cwc_client_from_config(config, channel) for channel in CWC_CHANNELS}
    cwc_clients = {channel: client for channel, client in clients.items() if client}
    return Senders(smtp, cwc_clients, postal_from_config(config))
