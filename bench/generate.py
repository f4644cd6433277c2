"""Generate a realistic campaign of N letters over 50 states and 435 districts, fast (bulk SQL)."""

from __future__ import annotations

import hashlib
import random
import secrets
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import Table, select

from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.civic.states import BY_CODE, house_districts
from webapp.database import db
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    LetterText,
    Partner,
    Submission,
    SubmissionStatus,
    Supporter,
    Target,
)
from webapp.models.outbox import new_idempotency_key
from webapp.sealing import new_cipher, sealed_values
from webapp.services.letter_rows import by_column
from webapp.services.submissions import email_key

CHUNK = 20_000
PARTNERS = ("sama", "whitehelmets", "syriacampaign", "sac", "setf")
STATUSES = (
    DeliveryStatus.SENT,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.NEEDS_ACTION,
    DeliveryStatus.DONE_BY_SUPPORTER,
    DeliveryStatus.FAILED,
    DeliveryStatus.PENDING,
)


def seats() -> list[tuple[str, int]]:
    """The 435 voting House seats (the 50 states)."""
    return [
        (s.code, d) for s in BY_CODE.values() if not s.non_voting for d in house_districts(s.code)
    ]


def generate(app: Flask, count: int, seed: int = 11) -> str:
    """Import the coalition campaign with partners and add `count` letters; return its slug."""
    rng = random.Random(seed)
    with app.app_context():
        session = db.session()
        slug = import_campaign_path(session, DEFAULT_CAMPAIGN_FILE).slug
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        assert campaign is not None
        for code in PARTNERS:
            campaign.partners.append(
                Partner(code=code, name=code.title(), consent_text=f"Email me news from {code}")
            )
        campaign.goal = count
        session.commit()
        partner_ids = [p.id for p in campaign.partners]
        president = session.scalar(
            select(Target.id).where(Target.campaign_id == campaign.id, Target.kind == "custom")
        )
        statement = LetterText(
            sha256=hashlib.sha256(campaign.body.encode()).hexdigest(), body=campaign.body
        )
        session.add(statement)
        session.commit()
        all_seats = seats()
        start = datetime.now(UTC) - timedelta(days=30)
        next_id = 1
        while next_id <= count:
            n = min(CHUNK, count - next_id + 1)
            supporters, submissions, deliveries = [], [], []
            for i in range(next_id, next_id + n):
                state, district = rng.choice(all_seats)
                created = start + timedelta(seconds=rng.randrange(30 * 24 * 3600))
                partner = rng.choice(partner_ids) if rng.random() < 0.4 else None
                personal = "My family is in Idlib. Please act." if rng.random() < 0.3 else None
                # Sealed under each supporter's own key, as a flush through the models would.
                cipher, wrapped = new_cipher()
                supporters.append(
                    sealed_values(
                        Supporter,
                        cipher,
                        {
                            "id": i,
                            "email_key": email_key(f"s{i}@example.org"),
                            "wrapped_key": wrapped,
                            "email": f"s{i}@example.org",
                            "first_name": f"First{i}",
                            "last_name": "Supporter",
                            "city": "Town",
                            "state": state,
                            "zip_code": "00000",
                            "language": "en",
                            "created_at": created,
                            "updated_at": created,
                        },
                    )
                )
                submissions.append(
                    sealed_values(
                        Submission,
                        cipher,
                        {
                            "id": i,
                            "campaign_id": campaign.id,
                            "supporter_id": i,
                            "partner_id": partner,
                            "source": rng.choice([None, "email", "social"]),
                            "receipt_token": secrets.token_urlsafe(24),
                            "status": SubmissionStatus.CONFIRMED,
                            "subject": campaign.subject,
                            "statement_id": statement.id,
                            "personal_message": personal,
                            "closing": "Sincerely,",
                            "first_name": f"First{i}",
                            "last_name": "Supporter",
                            "street": "1 Main St",
                            "city": "Town",
                            "state": state,
                            "zip_code": "00000",
                            "lookup_provider": "zip-table",
                            "lookup_match": "zip",
                            "districts": {"state": state, "cd": district},
                            "dataset_date": "2026-06-15",
                            "congress": 119,
                            "language": "en",
                            "created_at": created,
                            "confirmed_at": created,
                            "email_verified": False,
                            "tallied": False,
                            "hidden": False,
                            "flagged": False,
                        },
                    )
                )
                for key, name, chamber, dist, target in (
                    (
                        f"target:{president}",
                        "The President of the United States",
                        None,
                        None,
                        president,
                    ),
                    (
                        f"official:H-{state}-{district}",
                        f"Rep. {state}-{district}",
                        "us_house",
                        str(district),
                        None,
                    ),
                ):
                    deliveries.append(
                        sealed_values(
                            Delivery,
                            cipher,
                            {
                                "submission_id": i,
                                "campaign_id": campaign.id,
                                "target_id": target,
                                "recipient_key": key,
                                "recipient_name": name,
                                "recipient_chamber": chamber,
                                "recipient_state": state if chamber else None,
                                "recipient_district": dist,
                                "channel": "form" if target else "cwc",
                                "status": rng.choice(STATUSES),
                                "idempotency_key": new_idempotency_key(),
                                "salutation": "Dear President Biden,",
                                "attempts": 1,
                                "created_at": created,
                                "updated_at": created,
                            },
                        )
                    )
            # Core inserts, one executemany per table: the ORM's bulk insert sent most rows one
            # statement at a time (about half of a million letters' generation time).
            for model, rows in ((Supporter, supporters), (Submission, submissions)):
                session.execute(_table(model).insert(), [by_column(model, r) for r in rows])
            session.execute(_table(Delivery).insert(), [by_column(Delivery, r) for r in deliveries])
            session.commit()
            next_id += n
        _fix_sequences(session)
        return slug


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _fix_sequences(session: object) -> None:
    """Explicit ids leave PostgreSQL sequences behind; move them past the generated rows."""
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("supporter", "submission"):
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()
