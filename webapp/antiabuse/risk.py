"""Risk signals for one letter: each adds to a score; above the threshold the letter is held."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import ScalarSelect, Select, bindparam, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from webapp.antiabuse.disposable import is_disposable
from webapp.letters.sketch import folded_words
from webapp.models import Submission
from webapp.sealing import keyring
from webapp.services.driver_sql import Prepared, compile_select

BURST_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class RiskSettings:
    hold_score: int = 4
    min_form_seconds: float = 4.0
    ip_burst: int = 20
    subnet_burst: int = 60
    same_text_hold: int = 10
    same_text_flag: int = 3

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RiskSettings:
        return cls(
            hold_score=int(config["RISK_HOLD_SCORE"]),
            min_form_seconds=float(config["RISK_MIN_FORM_SECONDS"]),
            ip_burst=int(config["RISK_IP_BURST"]),
            subnet_burst=int(config["RISK_SUBNET_BURST"]),
            same_text_hold=int(config["RISK_SAME_TEXT_HOLD"]),
            same_text_flag=int(config["RISK_SAME_TEXT_FLAG"]),
        )


@dataclass
class Risk:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    flag_for_review: bool = False
    held: bool = False

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


@dataclass(frozen=True)
class Signals:
    """What the request says about itself, gathered by the view."""

    email: str
    ip_hash: str | None
    subnet_hash: str | None
    personal_hash: str | None
    honeypot: str | None
    form_seconds: float | None
    address_mismatch: bool = False


def subnet_of(ip: str | None) -> str | None:
    """The /24 of an IPv4 address or the /48 of an IPv6 one."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def text_fingerprint(text: str | None) -> str | None:
    """Case, accents, punctuation and spacing folded away, so trivial edits still match.

    Keyed, so the stored fingerprint cannot confirm a guessed paragraph without the key.
    """
    if not text:
        return None
    words = folded_words(text)
    if len(words) < 4:
        return None  # "Please act now" from many people is not a campaign of bots
    return keyring().hash_text("personal-text\n" + " ".join(words))


def capped_count(limit: int, *conditions: Any) -> ScalarSelect[int]:
    """How many letters match, counting stops at `limit`: a flood must not make each check
    slower. A scalar subquery, so several counts travel in one statement."""
    capped = select(Submission.id).where(*conditions).limit(limit).subquery()
    return select(func.count()).select_from(capped).scalar_subquery()


@cache
def signal_counts(settings: RiskSettings, asked: tuple[str, ...]) -> Select[*tuple[Any, ...]]:
    """One query for the capped counts of the `asked` signals ("ip", "subnet", "text"), in
    that order; its parameters are the hashes, `campaign_id` and `since`. Built once per kind."""
    since = Submission.created_at > bindparam("since")
    made = {
        "ip": lambda: capped_count(
            3 * settings.ip_burst, Submission.ip_hash == bindparam("ip_hash"), since
        ),
        "subnet": lambda: capped_count(
            settings.subnet_burst, Submission.subnet_hash == bindparam("subnet_hash"), since
        ),
        "text": lambda: capped_count(
            max(settings.same_text_hold, settings.same_text_flag),
            Submission.campaign_id == bindparam("campaign_id"),
            Submission.personal_hash == bindparam("personal_hash"),
        ),
    }
    return select(*(made[name]() for name in asked))


@lru_cache(maxsize=64)
def _signal_counts_sql(
    dialect: Dialect, settings: RiskSettings, asked: tuple[str, ...]
) -> Prepared:
    # Compiled once and run as driver SQL: through Core, each letter rebuilt the cache key of
    # the three nested counts and set up their parameters again (compile_select keeps the
    # caps, bound with their values, and converts `since` as Core does).
    return compile_select(dialect, signal_counts(settings, asked))


def assess(
    session: Session, campaign_id: int, signals: Signals, settings: RiskSettings, now: datetime
) -> Risk:
    """Score one letter from its signals; `held` says whether it waits for confirmation."""
    risk = Risk()
    if signals.honeypot:
        risk.add(settings.hold_score, "honeypot field filled in")
    if signals.form_seconds is not None and signals.form_seconds < settings.min_form_seconds:
        risk.add(3, f"sent {signals.form_seconds:.1f} s after opening the form")
    if is_disposable(signals.email):
        risk.add(3, "disposable email domain")
    if signals.address_mismatch:
        risk.add(2, "address and ZIP code do not agree")
    hashes = {
        "ip": ("ip_hash", signals.ip_hash),
        "subnet": ("subnet_hash", signals.subnet_hash),
        "text": ("personal_hash", signals.personal_hash),
    }
    asked = tuple(name for name, (_param, value) in hashes.items() if value)
    counted: dict[str, int] = {}
    if asked:
        params: dict[str, Any] = {hashes[name][0]: hashes[name][1] for name in asked}
        params.update(since=now - BURST_WINDOW, campaign_id=campaign_id)
        prepared = _signal_counts_sql(session.get_bind().dialect, settings, asked)
        row = prepared.run(session, params).one()
        counted = {name: int(value or 0) for name, value in zip(asked, row, strict=True)}
    if "ip" in counted:
        recent = counted["ip"]
        if recent >= 3 * settings.ip_burst:
            risk.add(4, f"{recent}+ letters from one address in 10 minutes")
        elif recent >= settings.ip_burst:
            risk.add(2, f"{recent}+ letters from one address in 10 minutes")
    if "subnet" in counted:
        recent = counted["subnet"]
        if recent >= settings.subnet_burst:
            risk.add(2, f"{recent}+ letters from one network in 10 minutes")
    if "text" in counted:
        same = counted["text"]
        if same >= settings.same_text_flag:
            risk.flag_for_review = True
        if same >= settings.same_text_hold:
            risk.add(2, f"the same personal paragraph from {same}+ other senders")
    risk.held = risk.score >= settings.hold_score
    return risk
