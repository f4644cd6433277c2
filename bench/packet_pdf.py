"""One office's PDF packet at 1,000 and 10,000 letters: seconds, peak memory, pages, megabytes.

Run: .venv/bin/python -m bench.packet_pdf [--letters 1000 10000]
Letters are generated in bulk on SQLite (a fifth with an Arabic paragraph, a quarter without
own words); each packet renders in a fresh process so its peak resident memory is its own.
Flat memory means the peak at 10,000 letters exceeds the peak at 1,000 by about the PDF's size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

from bench.export_memory import _rss_mb
from bench.support import BENCH_SECRETS, bench_apps
from webapp import create_app
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db
from webapp.delivery.packet_pdf import write_packet_pdf
from webapp.delivery.packets import Packet
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
from webapp.models.outbox import new_idempotency_key
from webapp.sealing import new_cipher, sealed_values
from webapp.services.submissions import email_key

KEY = "official:bench-president"
OFFICE = "The President"
ARABIC = "أكتب إليكم لأن عائلتي ما زالت في إدلب، وأرجو أن تتحرك الإدارة الآن لحماية المدنيين."
WORDS = "My brother's school in Idlib was hit twice this year. Please act before winter."


def _generate(count: int) -> None:
    """`count` packet letters to one office, replacing any from an earlier size."""
    session = db.session()
    session.execute(delete(Delivery).where(Delivery.recipient_key == KEY))
    session.execute(delete(Submission))
    session.execute(delete(Supporter))
    if session.scalar(select(Campaign.id)) is None:
        import_campaign_path(session, DEFAULT_CAMPAIGN_FILE)
    campaign = session.scalars(select(Campaign)).one()
    statement = session.scalars(select(LetterText)).first()
    if statement is None:
        statement = LetterText(sha256=hashlib.sha256(b"bench").hexdigest(), body=campaign.body)
        session.add(statement)
        session.flush()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    # Sealed here as the models would, so thousands of rows still go in a few statements.
    keys = [new_cipher() for _ in range(count)]
    supporter_ids = session.scalars(
        insert(Supporter).returning(Supporter.id, sort_by_parameter_order=True),
        [
            sealed_values(
                Supporter,
                keys[n][0],
                {
                    "email_key": email_key(f"b{n}@x.org"),
                    "wrapped_key": keys[n][1],
                    "email": f"b{n}@x.org",
                    "first_name": f"Writer{n}",
                    "last_name": "Sample",
                },
            )
            for n in range(count)
        ],
    ).all()

    def words(n: int) -> str | None:
        if n % 4 == 0:
            return None
        return f"{ARABIC}\n\n{WORDS}" if n % 5 == 1 else f"{WORDS} ({n})"

    submission_ids = session.scalars(
        insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
        [
            sealed_values(
                Submission,
                keys[n][0],
                {
                    "campaign_id": campaign.id,
                    "supporter_id": supporter_id,
                    "status": SubmissionStatus.CONFIRMED,
                    "subject": campaign.subject,
                    "statement_id": statement.id,
                    "personal_message": words(n),
                    "closing": "Sincerely,",
                    "first_name": f"Writer{n}",
                    "last_name": "Sample",
                    "city": "Dearborn",
                    "state": "MI",
                    "zip_code": ("48126", "48128", "48933", "48201")[n % 4],
                    "districts": {"cd": 12 + n % 3},
                    "private": n % 9 == 0,
                    "created_at": start + timedelta(minutes=n),
                    "confirmed_at": start + timedelta(minutes=n),
                    "receipt_token": uuid.uuid4().hex,
                },
            )
            for n, supporter_id in enumerate(supporter_ids)
        ],
    ).all()
    session.execute(
        insert(Delivery),
        [
            sealed_values(
                Delivery,
                keys[n][0],
                {
                    "submission_id": submission_id,
                    "campaign_id": campaign.id,
                    "recipient_key": KEY,
                    "recipient_name": OFFICE,
                    "channel": Channel.PACKET,
                    "status": DeliveryStatus.PACKET,
                    "salutation": "Dear Mr. President,",
                    "idempotency_key": new_idempotency_key(),
                },
            )
            for n, submission_id in enumerate(submission_ids)
        ],
    )
    session.commit()


def render(url: str, instance: str, out: str) -> None:
    """In a fresh process: render the packet to `out` and print the figures as JSON."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, **BENCH_SECRETS})
    with app.app_context():
        baseline = _rss_mb()
        started = time.perf_counter()
        with open(out, "wb") as pdf:
            letters = write_packet_pdf(db.session(), Packet(KEY, OFFICE, None, None), pdf)
        seconds = time.perf_counter() - started
    pages = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=False).stdout
    print(
        json.dumps(
            {
                "letters": letters,
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(_rss_mb(), 1),
                "baseline_rss_mb": round(baseline, 1),
                "pdf_mb": round(Path(out).stat().st_size / 1e6, 2),
                "pages": next(
                    (line.split()[-1] for line in pages.splitlines() if line.startswith("Pages")),
                    "?",
                ),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--render", nargs=3, metavar=("URL", "INSTANCE", "OUT"))
    args = parser.parse_args()
    if args.render:
        render(*args.render)
        return
    with bench_apps(["sqlite"], {"LOG_LEVEL": "WARNING"}) as apps:
        for _backend, app in apps:
            url = str(app.config["SQLALCHEMY_DATABASE_URI"])
            for count in args.letters:
                with app.app_context():
                    _generate(count)
                out = str(Path(app.instance_path) / f"packet-{count}.pdf")
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.packet_pdf",
                        "--render",
                        url,
                        app.instance_path,
                        out,
                    ],
                    check=True,
                )


if __name__ == "__main__":
    main()
