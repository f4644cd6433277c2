"""Campaigns as supporters' pages read them: loaded once per process, reused while unchanged.

The letter path read the campaign, then its targets and its partners, on every request (three
queries and their ORM loads, about a fifth of a letter's CPU). Each request now reads only the
campaign's `updated_at`, which moves on any edit of the campaign or of its targets, signatories
and partners (webapp/models/campaign.py), so every worker sees an edit at once.

A snapshot is detached from any session and shared by a worker's threads: read it, never
change it or attach it (nothing on the supporter path does; its rows go in by id through Core).
Its relationships are loaded whole; anything else raises rather than querying from a thread.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, raiseload, selectinload

from webapp.database import db
from webapp.models import Campaign

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

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._campaigns: OrderedDict[str, Campaign] = OrderedDict()

    def get(self, session: Session, slug: str) -> Campaign | None:
        """The campaign called `slug` as it is now in the database (None: there is none)."""
        version: datetime | None = session.scalar(_VERSION, {"slug": slug})
        if version is None:
            with self._lock:
                self._campaigns.pop(slug, None)
            return None
        with self._lock:
            cached = self._campaigns.get(slug)
            if cached is not None and cached.updated_at == version:
                self._campaigns.move_to_end(slug)
                return cached
        # Loaded in a session of its own, on the request's engine, and closed: detached whole.
        with Session(session.get_bind(), expire_on_commit=False) as own:
            campaign = own.scalar(_WHOLE, {"slug": slug})
            if campaign is None:
                return None
            own.expunge_all()
        with self._lock:
            self._campaigns[slug] = campaign
            self._campaigns.move_to_end(slug)
            while len(self._campaigns) > self._size:
                self._campaigns.popitem(last=False)
        return campaign


def campaign_snapshot(slug: str) -> Campaign | None:
    """The request's campaign from this worker's snapshots (see the module docstring)."""
    snapshots: CampaignSnapshots = current_app.extensions["campaign_snapshots"]
    return snapshots.get(db.session(), slug)
