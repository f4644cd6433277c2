"""Campaigns and what belongs to them: targets, signatory organisations and partners."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from webapp.database import Base, str_enum, utcnow


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"


class TargetKind(enum.StrEnum):
    CUSTOM = "custom"  # a fixed office named by the organiser, e.g. the President
    LOOKUP = "lookup"  # the supporter's own officials in the listed chambers


class Chamber(enum.StrEnum):
    US_SENATE = "us_senate"
    US_HOUSE = "us_house"
    STATE_UPPER = "state_upper"
    STATE_LOWER = "state_lower"


class Audience(enum.StrEnum):
    """Who may write to a target."""

    CONSTITUENTS = "constituents"  # only people it represents: members of Congress, legislators
    EVERYONE = "everyone"  # anyone anywhere, e.g. the President


def default_audience(kind: TargetKind | str | None) -> Audience:
    """Lookup targets are the supporter's own representatives; a fixed office hears everyone."""
    return Audience.CONSTITUENTS if kind == TargetKind.LOOKUP else Audience.EVERYONE


def _audience_for_row(context: Any) -> str:
    return default_audience(context.get_current_parameters().get("kind")).value


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Stable across edits and re-imports: delivery systems (CWC CampaignId) group mail by it.
    external_id: Mapped[str] = mapped_column(
        String(32), unique=True, default=lambda: uuid.uuid4().hex
    )
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    salutation: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The letter for web forms that cap a message: the asks in a few lines and a link.
    short_body: Mapped[str | None] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(String(200), default="Sincerely,")
    body_editable: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus, "campaign_status"), default=CampaignStatus.LIVE
    )
    goal: Mapped[int | None]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    require_confirmation: Mapped[bool] = mapped_column(default=False)
    allowed_origins: Mapped[list[Any]] = mapped_column(default=list)
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_email: Mapped[str | None] = mapped_column(String(254))
    consent_text: Mapped[str | None] = mapped_column(String(500))
    media_contact: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Library of Congress policy areas, for CWC (House offices file mail by them).
    topics: Mapped[list[Any]] = mapped_column(default=list)
    # Reading copies for supporters, per language ({"ar": {"title", "intro", "salutation",
    # "body", "consent_text", "signatories": {English name: name}, "partners": {code: consent
    # sentence}, "partner_names": {code: name}}}); offices always receive `body`.
    translations: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    # Letters posted a UTC day and in all (0: no cap); None: POST_DAILY_LIMIT / POST_TOTAL_LIMIT.
    post_daily_limit: Mapped[int | None]
    post_total_limit: Mapped[int | None]
    # Story prompts beside the supporter's own paragraph, per variant and language
    # ({"family": {"en": [questions], "ar": [...]}}); two or more variants make an experiment.
    prompts: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    targets: Mapped[list[Target]] = relationship(
        back_populates="campaign", order_by="Target.position", cascade="all, delete-orphan"
    )
    signatories: Mapped[list[Signatory]] = relationship(
        back_populates="campaign", order_by="Signatory.position", cascade="all, delete-orphan"
    )
    partners: Mapped[list[Partner]] = relationship(
        back_populates="campaign", order_by="Partner.code", cascade="all, delete-orphan"
    )

    def reading_copy(self, language: str) -> dict[str, Any] | None:
        """The reading translation for supporters who read `language`, if the file has one."""
        if language == self.language:
            return None
        copy = self.language_copy(language)
        return copy if copy.get("body") else None

    def language_copy(self, language: str) -> dict[str, Any]:
        """Everything the file words in `language` (another than the letter's), the letter's
        reading copy or not: consent sentences and partners' names are read on any page in
        that language, whether or not the letter is translated."""
        copy = (self.translations or {}).get(language) if language != self.language else None
        return copy if isinstance(copy, dict) else {}

    def reading_title(self, language: str) -> str | None:
        """The title of the reading copy for `language`, if the file gives one."""
        return (self.reading_copy(language) or {}).get("title")

    def title_in(self, language: str) -> str:
        """The title a reader of `language` sees: its reading copy's, else the letter's own."""
        return self.reading_title(language) or self.title

    def consent_wording(
        self, language: str, partner: Partner | None = None
    ) -> tuple[str, str] | None:
        """The campaign's (or a partner's) consent sentence for a reader of `language`, with
        the language it is in: the reading copy's wording when the file gives one, else the
        sentence as written (in the campaign's language)."""
        own = partner.consent_text if partner is not None else self.consent_text
        if not own:
            return None  # no sentence, no checkbox, whatever the translations hold
        copy = self.language_copy(language)
        found = copy.get("partners", {}).get(partner.code) if partner else copy.get("consent_text")
        return (str(found), language) if found else (own, self.language)

    def partner_name(self, partner: Partner, language: str) -> str:
        """How pages for a reader of `language` name a partner: the reading copy's name for
        it when the file gives one, else its own (its consent sentence may be translated)."""
        copy = self.language_copy(language)
        return str((copy.get("partner_names") or {}).get(partner.code) or partner.name)

    def is_open(self, now: datetime) -> bool:
        """Whether supporters may write now: live and inside its dates."""
        if self.status is not CampaignStatus.LIVE:
            return False
        if self.starts_at is not None and now < self.starts_at:
            return False
        return self.ends_at is None or now < self.ends_at


class Target(Base):
    """A campaign recipient rule: a fixed office, or a lookup of the supporter's officials."""

    __tablename__ = "target"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[TargetKind] = mapped_column(str_enum(TargetKind, "target_kind"))
    # Fixed (custom) targets
    name: Mapped[str | None] = mapped_column(String(200))
    office: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    audience: Mapped[Audience] = mapped_column(
        str_enum(Audience, "target_audience"), default=_audience_for_row
    )
    # This office's own letter (any kind): salutation, a cover paragraph above the
    # organisation's letter, and a body replacing it. Organiser Markdown with merge fields.
    salutation: Mapped[str | None] = mapped_column(String(200))
    cover: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    # The office's web form caps a message at this many characters (overrides the shipped table).
    form_limit: Mapped[int | None]
    # Organisers ask for this office's letters on paper, by the print-and-mail service.
    post: Mapped[bool] = mapped_column(default=False)
    # ...and in one mailing a day holding that day's letters, rather than one per letter.
    post_batched: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Reading copies of this office's own text, per language ({"ar": {"cover": ...}}).
    translations: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    # Lookup targets: which chambers, and whether the supporter may untick them
    chambers: Mapped[list[Any]] = mapped_column(default=list)
    optional: Mapped[bool] = mapped_column(default=False)

    campaign: Mapped[Campaign] = relationship(back_populates="targets")

    def __init__(self, **kwargs: Any) -> None:
        # Set at once (not at flush) so an unsaved target already says who may write to it.
        kwargs.setdefault("audience", default_audience(kwargs.get("kind")))
        super().__init__(**kwargs)

    @property
    def label(self) -> str:
        if self.kind is TargetKind.CUSTOM:
            return self.name or self.office or ""
        return ", ".join(self.chambers)


class Signatory(Base):
    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    member_of: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))

    campaign: Mapped[Campaign] = relationship(back_populates="signatories")


class Partner(Base):
    """An organisation sharing the campaign: its source code attributes sign-ups to it."""

    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    consent_text: Mapped[str | None] = mapped_column(String(500))

    campaign: Mapped[Campaign] = relationship(back_populates="partners")


@event.listens_for(Session, "before_flush")
def _touch_edited_campaigns(session: Session, _context: Any, _instances: Any) -> None:
    """An edit of a campaign's targets, signatories or partners moves its `updated_at` too:
    cached form pages (webapp/supporter/page_cache.py) are keyed by it."""
    dirty = session.dirty
    touched = {obj for obj in dirty if isinstance(obj, Campaign)}
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, Target | Signatory | Partner):
            campaign: Campaign | None = obj.campaign
            if campaign is None and obj.campaign_id is not None:
                campaign = session.get(Campaign, obj.campaign_id)
            if campaign is not None:
                touched.add(campaign)
    for campaign in touched:
        if campaign not in session.deleted:
            campaign.updated_at = utcnow()
