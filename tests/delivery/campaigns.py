"""Campaign files for delivery tests (offices with email, web forms or neither) and bulk rows."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlalchemy import insert, select

from webapp.campaigns.services import import_campaign_path
from webapp.database import db, utcnow
from webapp.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    LetterText,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.sealing import new_cipher, seal
from webapp.services.submissions import email_key

BODY = "Our children need safe water at school.\n\nPlease fund lead pipe replacement.\n"
OFFICE_EMAIL = "clerk@water-board.example.org"


def office(name: str, **fields: str) -> dict[str, str]:
    """A `kind: custom` target: email, contact_url, office, address, salutation as given."""
    return {"kind": "custom", "name": name, **fields}


def write_delivery_campaign(
    app: Flask,
    folder: Path,
    slug: str,
    targets: Sequence[Mapping[str, str]],
    **meta: Any,
) -> str:
    """Write and import a locked campaign with these fixed targets; `meta` adds front matter."""
    front: dict[str, Any] = {
        "slug": slug,
        "title": "Safe water for every school",
        "subject": "Safe water in {{ supporter.city }}",
        "salutation": "Dear {{ target.name }},",
        "closing": "Sincerely,",
        "body_editable": False,
        "status": "live",
        **meta,
        "targets": [dict(t) for t in targets],
    }
    path = folder / f"{slug}.md"
    path.write_text(
        "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n" + BODY, encoding="utf-8"
    )
    with app.app_context():
        return import_campaign_path(db.session(), path).slug


def bulk_email_deliveries(app: Flask, folder: Path, count: int) -> list[str]:
    """`count` confirmed one-office letters, each with one pending email delivery, inserted in bulk.

    Returns the Message-ID each delivery's email carries.
    """
    slug = write_delivery_campaign(
        app, folder, "bulk-water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    now = utcnow()
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        statement = LetterText(sha256=hashlib.sha256(BODY.encode()).hexdigest(), body=BODY)
        session.add(statement)
        session.flush()
        # Sealed here as the models would, so thousands of rows still go in a few statements.
        sealed = [new_cipher() for _ in range(count)]

        def seal_as(n: int, field: str, value: str) -> bytes:
            return seal(sealed[n][0], value, field.encode())

        supporter_ids = session.scalars(
            insert(Supporter).returning(Supporter.id, sort_by_parameter_order=True),
            [
                {
                    "email_key": email_key(f"s{n}@example.org"),
                    "wrapped_key": sealed[n][1],
                    "email_sealed": seal_as(n, "supporter.email", f"s{n}@example.org"),
                    "first_name_sealed": seal_as(n, "supporter.first_name", "Supporter"),
                    "last_name_sealed": seal_as(n, "supporter.last_name", f"N{n}"),
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(count)
            ],
        ).all()
        submission_ids = session.scalars(
            insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
            [
                {
                    "campaign_id": campaign.id,
                    "supporter_id": supporter_id,
                    "status": SubmissionStatus.CONFIRMED,
                    "subject_sealed": seal_as(n, "submission.subject", "Safe water in Dearborn"),
                    "statement_id": statement.id,
                    "closing_sealed": seal_as(n, "submission.closing", "Sincerely,"),
                    "first_name_sealed": seal_as(n, "submission.first_name", "Supporter"),
                    "last_name_sealed": seal_as(n, "submission.last_name", f"N{n}"),
                    "city_sealed": seal_as(n, "submission.city", "Dearborn"),
                    "state": "MI",
                    "zip_code_sealed": seal_as(n, "submission.zip_code", "48126"),
                    "districts": {},
                    "created_at": now,
                    "confirmed_at": now,
                    "receipt_token": uuid.uuid4().hex,
                }
                for n, supporter_id in enumerate(supporter_ids)
            ],
        ).all()
        keys = [uuid.uuid4().hex for _ in submission_ids]
        session.execute(
            insert(Delivery),
            [
                {
                    "submission_id": submission_id,
                    "target_id": campaign.targets[0].id,
                    "recipient_key": f"target:{campaign.targets[0].id}",
                    "recipient_name": "Water Board",
                    "email": OFFICE_EMAIL,
                    "channel": Channel.EMAIL,
                    "status": DeliveryStatus.PENDING,
                    "idempotency_key": key,
                    "salutation_sealed": seal_as(n, "delivery.salutation", "Dear Water Board,"),
                    "created_at": now,
                    "updated_at": now,
                }
                for n, (submission_id, key) in enumerate(zip(submission_ids, keys, strict=True))
            ],
        )
        session.commit()
        domain = str(app.config["MAIL_FROM"]).rpartition("@")[2]
    return [f"<{key}@{domain}>" for key in keys]


# Who a House CWC message says it is from: every setting the worker needs besides the key and
# the endpoint, which each test gives as its stub requires.
CWC_SENDER = {
    "CWC_DELIVERY_AGENT": "Civic Letters Test",
    "CWC_ACK_EMAIL": "ack@example.org",
    "CWC_CONTACT_NAME": "Ops Desk",
    "CWC_CONTACT_EMAIL": "ops@example.org",
    "CWC_CONTACT_PHONE": "202-555-0100",
}
