"""Whether each channel's settings let the outbox worker send on it, judged as the worker does."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from webapp.config_values import ConfigError
from webapp.delivery.senders import cwc_client_from_config, postal_from_config, smtp_from_config
from webapp.delivery.smtp import ChannelDown, Mailer, SmtpSettings
from webapp.models import Channel

log = logging.getLogger(__name__)


class Readiness(enum.StrEnum):
    ON = "on"  # the worker builds this channel's sender
    OFF = "off"  # not set up: its letters wait in the outbox
    BROKEN = "broken"  # set up wrongly: the worker refuses to start, so nothing at all is sent


@dataclass(frozen=True)
class ChannelState:
    readiness: Readiness
    detail: str = ""  # on: the relay's host:port (email); off or broken: why, naming the setting


# The worker's own builders, in the order it calls them; each returns None when switched off.
_BUILDERS: dict[Channel, Callable[[Mapping[str, Any]], object]] = {
    Channel.EMAIL: smtp_from_config,
    Channel.CWC: partial(cwc_client_from_config, channel=Channel.CWC),
    Channel.SENATE_CWC: partial(cwc_client_from_config, channel=Channel.SENATE_CWC),
    Channel.POST: postal_from_config,
}
_OFF = {
    Channel.EMAIL: "SMTP_URL not set: emails to offices and to supporters wait in the outbox",
    Channel.CWC: "CWC_API_KEY not set",
    Channel.SENATE_CWC: "SENATE_CWC_API_KEY not set",
    Channel.POST: "POST_API_KEY not set",
}


def channel_states(config: Mapping[str, Any]) -> dict[Channel, ChannelState]:
    """Each sending channel on, off or broken, catching what the worker would die of."""
    states = {}
    for channel, build in _BUILDERS.items():
        try:
            sender = build(config)
        except (ConfigError, ValueError) as error:
            states[channel] = ChannelState(Readiness.BROKEN, str(error))
            continue
        if sender is None:
            states[channel] = ChannelState(Readiness.OFF, _OFF[channel])
        elif isinstance(sender, SmtpSettings):  # where emails go, never the URL's password
            states[channel] = ChannelState(Readiness.ON, f"{sender.host}:{sender.port}")
        else:
            states[channel] = ChannelState(Readiness.ON)
    return states


def worker_refuses(states: Mapping[Channel, ChannelState]) -> bool:
    """The worker builds every sender at start: one broken channel stops it, and so all."""
    return any(state.readiness is Readiness.BROKEN for state in states.values())


def letters_readiness(states: Mapping[Channel, ChannelState]) -> dict[Channel, Readiness]:
    """Each sending channel as its letters find it: all broken while the worker cannot start."""
    if worker_refuses(states):
        return dict.fromkeys(states, Readiness.BROKEN)
    return {channel: state.readiness for channel, state in states.items()}


def public_url_problem(config: Mapping[str, Any]) -> str | None:
    """Why links in emails to supporters break, or None. The worker sends them with no request
    to take the host from: without PUBLIC_BASE_URL they point at `make run`'s own address."""
    if config["PUBLIC_BASE_URL"] or config["DEBUG"]:
        return None
    return (
        f"PUBLIC_BASE_URL is not set: every email to supporters links to "
        f"{config['LOCAL_BASE_URL']}, so their receipt and confirmation links are broken; set "
        "it to the site's public address, e.g. https://letters.example.org"
    )


def warn_without_public_url(config: Mapping[str, Any]) -> None:
    """Logged once as the worker starts: it sends every email, and nothing else would say so."""
    problem = public_url_problem(config)
    if problem:
        log.warning(problem)


def relay_problem(config: Mapping[str, Any], states: Mapping[Channel, ChannelState]) -> str | None:
    """Whether the relay SMTP_URL names answers and takes its login: a wrong port reads as
    "on" from the settings alone, and was found only by the first letter on the day."""
    if states[Channel.EMAIL].readiness is not Readiness.ON:  # off or broken: said above
        return None
    settings = smtp_from_config(config)
    if settings is None:  # not set up: the state above already says so
        return None
    try:
        Mailer(settings).probe()
    except ChannelDown as down:
        return f"email: {down}; letters by email and supporters' emails wait until it answers"
    return None
