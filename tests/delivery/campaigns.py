"""Campaign files for delivery tests (offices with email, web forms or neither) and bulk rows."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlalchemy import select

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
    """`count` confirmed one-office letters, each with one pending email delivery.

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
        # Through the models, so names are sealed under each supporter's key as in production.
        keys = [uuid.uuid4().hex for _ in range(count)]
        for n, key in enumerate(keys):
            supporter = Supporter(
                email_key=email_key(f"s{n}@example.org"),
                email=f"s{n}@example.org",
                first_name="Supporter",
                last_name=f"N{n}",
                created_at=now,
                updated_at=now,
            )
            submission = Submission(
                campaign_id=campaign.id,
                supporter=supporter,
                status=SubmissionStatus.CONFIRMED,
                subject="Safe water in Dearborn",
                statement_id=statement.id,
                closing="Sincerely,",
                first_name="Supporter",
                last_name=f"N{n}",
                city="Dearborn",
                state="MI",
                zip_code="48126",
                districts={},
                created_at=now,
                confirmed_at=now,
                receipt_token=uuid.uuid4().hex,
            )
            submission.deliveries.append(
                Delivery(
                    target_id=campaign.targets[0].id,
                    campaign_id=campaign.id,
                    recipient_key=f"target:{campaign.targets[0].id}",
                    recipient_name="Water Board",
                    email=OFFICE_EMAIL,
                    channel=Channel.EMAIL,
                    status=DeliveryStatus.PENDING,
                    idempotency_key=key,
                    salutation="Dear Water Board,",
                    created_at=now,
                    updated_at=now,
                )
            )
            session.add(submission)
        session.commit()
        domain = str(app.config["MAIL_FROM"]).rpartition("@")[2]
    return [f"<{key}@{domain}>" for key in keys]
