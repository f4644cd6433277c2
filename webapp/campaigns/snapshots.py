"""Campaigns as supporters' pages read them: loaded once per process, reused while unchanged.

The letter path read the campaign, then its targets and its partners, on every request (three
queries and their ORM loads, about a fifth of a letter's CPU). A worker now reads only the
campaign's `updated_at`, which moves on any edit of the campaign or of its targets, signatories
and partners (webapp/models/campaign.py), and at most once per `recheck_seconds`
(CAMPAIGN_RECHECK_SECONDS): on a day of action that one query was still a sixteenth of a
letter's CPU, and an organiser's edit reaching every worker within a second is soon enough.
0 checks on every request.

A snapshot is detached from any session and shared by a worker's threads: read it, never
change it or attach it (nothing on the supporter path does; its rows go in by id through Core).
Its relationships are loaded whole; anything else raises rather than querying from a thread.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, raiseload, selectinload

from webapp.database import db
from webapp.models import Campaign
from webapp.unproxied import this_app

_VERSION = select(Campaign.updated_at).where(Campaign.slug == bindparam("slug"))
_WHOLE = (
    select(Campaign)
    .where(Campaign.slug == bindparam("slug"))
    .options(
        selectinload(Campaign.targets),
        selectinload(Campaign.signatories),
        selectinload(Campaign.partners),
        raiseload("*"),
    )
)


class CampaignSnapshots:
    """Per process, bounded (least recently used campaigns leave first)."""

    def __init__(
        self,
        size: int = 64,
        recheck_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._size = size
        self._recheck = recheck_seconds
        self._clock = clock
        self._lock = threading.Lock()
        # slug -> (campaign, when its version was last read)
        self._campaigns: OrderedDict[str, tuple[Campaign, float]] = OrderedDict()

    def last_known(self, slug: str) -> Campaign | None:
        with self._lock:
            entry = self._campaigns.get(slug)
        return entry[0] if entry else None

    def get(self, session: Session, slug: str) -> Campaign | None:
        """The campaign called `slug` as the database had it at most `recheck_seconds` ago
        (None: there is none)."""
        now = self._clock()
        with self._lock:
            entry = self._campaigns.get(slug)
        if entry is not None and now - entry[1] < self._recheck:
            return entry[0]
        version: datetime | None = session.scalar(_VERSION, {"slug": slug})
        if version is None:
            with self._lock:
                self._campaigns.pop(slug, None)
            return None
        if entry is not None and entry[0].updated_at == version:
            with self._lock:
                self._campaigns[slug] = (entry[0], now)
                self._campaigns.move_to_end(slug)
            return entry[0]
        # Loaded in a session of its own, on the request's engine, and closed: detached whole.
        with Session(session.get_bind(), expire_on_commit=False) as own:
            campaign = own.scalar(_WHOLE, {"slug": slug})
            if campaign is None:
                return None
            own.expunge_all()
        with self._lock:
            self._campaigns[slug] = (campaign, now)
            self._campaigns.move_to_end(slug)
            while len(self._campaigns) > self._size:
                self._campaigns.popitem(last=False)
        return campaign


def last_known_campaign(slug: str) -> Campaign | None:
    """This worker's snapshot of `slug` as last read, asking the database nothing: for a page
    saying the database is busy (None: never read here)."""
    snapshots: CampaignSnapshots = current_app.extensions["campaign_snapshots"]
    return snapshots.last_known(slug)


def campaign_snapshot(slug: str) -> Campaign | None:
    """The request's campaign from this worker's snapshots (see the module docstring)."""
    snapshots: CampaignSnapshots = this_app().extensions["campaign_snapshots"]
    return snapshots.get(db.session(), slug)
