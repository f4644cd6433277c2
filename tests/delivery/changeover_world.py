"""A campaign, letters recorded on 2 January 2027, a stub congress-legislators server, a clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import select

from tests.civic.roster120 import OFFICES_FILE, members_120
from tests.stubs import Reply, StubRequest, StubServer
from webapp.antiabuse.risk import RiskSettings
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.civic.lookup import AddressQuery
from webapp.civic.types import Residence
from webapp.database import db
from webapp.delivery.channels import chooser_from_config
from webapp.letters.compose import Signer
from webapp.models import Campaign, Delivery, Submission
from webapp.sealing import open_all
from webapp.services.letters import LetterDeps, LetterDraft, LetterStep, RequestFacts, send_letter

MEMBERS_PATH = "/legislators-current.json"
OFFICES_PATH = "/legislators-district-offices.json"


class RosterServer:
    """congress-legislators as published: the 120th roster, or a failure while `down`."""

    def __init__(self, server: StubServer) -> None:
        self.server = server
        self.down = False
        self.members = json.dumps(list(members_120())).encode()
        server.route(MEMBERS_PATH, self._members)
        server.route(OFFICES_PATH, self._offices)

    def _members(self, _request: StubRequest) -> Reply:
        if self.down:
            return 503, {"Content-Type": "text/plain"}, b"unavailable"
        headers = {
            "Content-Type": "application/json",
            "Last-Modified": "Sun, 03 Jan 2027 12:00:00 GMT",
        }
        return 200, headers, self.members

    def _offices(self, _request: StubRequest) -> Reply:
        return 200, {"Content-Type": "application/json"}, OFFICES_FILE.read_bytes()

    @property
    def downloads(self) -> int:
        return len(self.server.requests_to(MEMBERS_PATH))

    def settings(self) -> dict[str, str]:
        return {
            "LEGISLATORS_URL": self.server.url + MEMBERS_PATH,
            "LEGISLATORS_OFFICES_URL": self.server.url + OFFICES_PATH,
        }


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def import_default_campaign(app: Flask) -> str:
    with app.app_context():
        return import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE).slug


def record_letter(
    app: Flask,
    slug: str,
    email: str,
    zip_code: str,
    now: datetime,
    street: str | None = None,
    city: str = "Dearborn",
    state: str = "MI",
) -> int:
    """The letter service records a supporter's letter (Michigan unless `state` says) at `now`;
    its submission id."""
    signer = Signer(
        first_name="Rasha",
        last_name="Haddad",
        email=email,
        city=city,
        state=state,
        zip_code=zip_code,
        street=street,
        residence=Residence.US,
    )
    query = AddressQuery(zip_code, state, street=street, city=city)
    with app.app_context():
        session = db.session()
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        assert campaign is not None
        deps = LetterDeps(
            lookup=app.extensions["civic_lookup"],
            choose=chooser_from_config(app.config),
            risk=RiskSettings.from_config(app.config),
            now=now,
        )
        outcome = send_letter(
            session, campaign, LetterDraft(signer=signer, query=query), RequestFacts(), deps
        )
        assert outcome.step is LetterStep.RECORDED, outcome.step
        assert outcome.result is not None
        return outcome.result.submission.id


def deliveries_of(app: Flask, submission_id: int) -> dict[str, Delivery]:
    """The submission's deliveries by recipient key (detached, attributes loaded)."""
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        rows = {d.recipient_key: d for d in submission.deliveries}
        for row in rows.values():
            _ = (row.replaced_by, row.body_text, row.cover_text, row.submission.statement)
            if row.replaced_by is not None:
                _ = row.replaced_by.recipient_name
        open_all([submission, *rows.values()])  # sealed fields open only inside the app
        db.session.expunge_all()
        return rows


def receipt_token(app: Flask, submission_id: int) -> str:
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        return submission.receipt_token
