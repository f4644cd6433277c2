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


def senders_from_config(config: Mapping[str, Any]) -> Senders:
    smtp = (
        parse_smtp_url(config["SMTP_URL"], config["SMTP_TIMEOUT_SECONDS"])
        if config["SMTP_URL"]
        else None
    )
    if smtp is None:
        log.warning(
            "SMTP_URL is not set: emailed letters and supporter emails wait in the "
            "outbox until it is"
        )
    house, senate = cwc_settings_from_config(config), senate_settings_from_config(config)
    cwc_clients = {
        channel: CwcClient(settings)
        for channel, settings in ((Channel.CWC, house), (Channel.SENATE_CWC, senate))
        if settings
    }
    post = post_settings_from_config(config)
    recheck = timedelta(days=int(config["POST_ADDRESS_RECHECK_DAYS"]))
    postal = Postal(PostClient(post), budget_from_config(config), recheck) if post else None
    return Senders(smtp, cwc_clients, postal)
