"""PDF packets: a cover with counts, the coalition letter once, every letter in order, Arabic."""

from __future__ import annotations

import hashlib
import re
import subprocess
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.dashboard.helpers import create_account, log_in
from tests.delivery.campaigns import BODY, OFFICE_EMAIL, office, write_delivery_campaign
from webapp.dashboard import views as dashboard_views
from webapp.database import db
from webapp.delivery import packet_pdf
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

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ARABIC = "أكتب إليكم من ديربورن لأن عائلتي ما زالت في حلب"
COUNCIL = "Syrian American Council"
SIGNATORIES = [COUNCIL, {"name": "Amal Relief", "member_of": COUNCIL}]
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LETTERS = 200


@dataclass(frozen=True)
class Written:
    name: str
    zip_code: str
    district: str
    words: str | None  # what pdftotext must find, None for a letter without own words
    arabic: bool
    private: bool
    created_at: datetime


def _plan(n: int) -> Written:
    words: str | None = f"Our clinic in Dearborn needs help, writes number {n:03d}."
    if n % 4 == 0:
        words = None
    zip_code = ("48126", "48128", "48933")[n % 3]
    cd = (12, 13, None)[n % 3]
    return Written(
        name=f"Writer{n:03d} Sample",
        zip_code=zip_code,
        district=f"MI-{cd}" if cd is not None else "MI-?",
        words=words,
        arabic=n % 5 == 1 and words is not None,
        private=n % 7 == 3,
        created_at=START + timedelta(hours=2 * n),
    )


@pytest.fixture
def written(app: Flask, tmp_path: Path) -> list[Written]:
    """LETTERS letters to one office without a channel, written in bulk like a day of action."""
    targets = [office("Office of the President", address="1600 Pennsylvania Ave NW")]
    targets.append(office("Water Board", email=OFFICE_EMAIL))
    slug = write_delivery_campaign(app, tmp_path, "pdf", targets, signatories=SIGNATORIES)
    plans = [_plan(n) for n in range(LETTERS)]
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        target = campaign.targets[0]
        statement = LetterText(sha256=hashlib.sha256(BODY.encode()).hexdigest(), body=BODY)
        session.add(statement)
        session.flush()
        for n, plan in enumerate(plans):
            supporter = Supporter(email_key=f"w{n}@example.org", email=f"w{n}@example.org")
            supporter.first_name, supporter.last_name = plan.name.split()
            session.add(supporter)
            session.flush()
            message = None
            if plan.words is not None:
                message = f"{ARABIC}\n\n{plan.words}" if plan.arabic else plan.words
            cd = plan.district.removeprefix("MI-")
            submission = Submission(
                campaign_id=campaign.id,
                supporter_id=supporter.id,
                status=SubmissionStatus.CONFIRMED,
                subject="Safe water",
                statement_id=statement.id,
                personal_message=message,
                closing="Sincerely,",
                first_name=plan.name.split()[0],
                last_name="Sample",
                city="Dearborn",
                state="MI",
                zip_code=plan.zip_code,
                districts={} if cd == "?" else {"cd": int(cd)},
                private=plan.private,
                created_at=plan.created_at,
                confirmed_at=plan.created_at,
                receipt_token=uuid.uuid4().hex,
            )
            session.add(submission)
            session.flush()
            # Through the model: the salutation is sealed under the supporter's key.
            session.add(
                Delivery(
                    submission_id=submission.id,
                    campaign_id=campaign.id,
                    target_id=target.id,
                    recipient_key=f"target:{target.id}",
                    recipient_name="Office of the President",
                    recipient_address="1600 Pennsylvania Ave NW",
                    channel=Channel.PACKET,
                    status=DeliveryStatus.PACKET,
                    salutation="Dear Mr. President,",
                    idempotency_key=uuid.uuid4().hex,
                )
            )
        session.commit()
    return plans


def _pdftotext(pdf: Path, *args: str) -> str:
    run = subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], capture_output=True, check=True, text=True
    )
    return BIDI_MARKS.sub("", run.stdout)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _picture(pdf: Path, page: int, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / name
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            pdf,
            stem,
        ],
        check=True,
    )
    picture = stem.with_suffix(".png")
    assert picture.stat().st_size > 5000, "a blank page"
    return picture


def test_packet_pdf_has_the_cover_counts_the_coalition_letter_once_and_every_letter_in_order(
    app: Flask, written: list[Written], tmp_path: Path, backend: str, monkeypatch: Any
) -> None:
    out = tmp_path / "packets"
    monkeypatch.setattr(packet_pdf, "CHUNK_LETTERS", 60)  # several parts joined
    result = app.test_cli_runner().invoke(args=["outbox", "packets", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Office of the President: {LETTERS} letter(s)" in result.output
    (pdf,) = out.glob("*.pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True)
    assert info.stderr == "", "the joined parts make one well-formed PDF"
    assert len(PdfReader(pdf, strict=True).pages) == int(
        re.findall(r"Pages:\s+(\d+)", info.stdout)[0]
    )
    pages = _pdftotext(pdf).split("\f")
    coalition_page = next(i for i, page in enumerate(pages) if "Signed by" in page)
    cover = _flat(" ".join(pages[:coalition_page]))
    cover_layout = _pdftotext(pdf, "-layout", "-l", str(coalition_page))

    assert f"Letters: {LETTERS}" in cover
    personal = sum(1 for w in written if w.words is not None)
    assert f"Personal stories: {personal}" in cover
    first, last = written[0].created_at.date(), written[-1].created_at.date()
    assert f"Written between {first.isoformat()} and {last.isoformat()}" in cover
    for label, count in [
        *Counter(w.district for w in written).items(),
        *Counter(w.zip_code for w in written).items(),
    ]:
        assert re.search(rf"{re.escape(label)}\s+{count}\b", cover_layout), (label, count)
    assert "1600 Pennsylvania Ave NW" in cover
    assert "Sample" not in cover, "the cover names no supporter, private or not"

    everything = _flat(" ".join(pages))
    assert everything.count(_flat(BODY.splitlines()[0])) == 1, "the coalition letter once"
    assert everything.count(f"Amal Relief ({COUNCIL})") == 1
    assert everything.count(COUNCIL) == 2, "listed once, and once as Amal Relief's coalition"
    letters = _flat(" ".join(pages[coalition_page:]))
    numbers = re.findall(rf"Letter (\d+) of {LETTERS}", letters)
    assert numbers == [str(n) for n in range(1, LETTERS + 1)], "every letter, in order written"
    segments = re.split(rf"Letter \d+ of {LETTERS}", letters)[1:]
    for w, segment in zip(written, segments, strict=True):
        assert f"{w.name} Dearborn, MI {w.zip_code}" in segment
        assert (w.words or "without adding words of their own") in segment
    private = [w for w in written if w.private]
    assert private and all(w.name in letters and w.name not in cover for w in private)
    assert letters.count(ARABIC) == sum(1 for w in written if w.arabic) > 0

    _picture(pdf, 1, f"packet-cover-{backend}")
    arabic_page = next(i for i, page in enumerate(pages) if ARABIC in _flat(page)) + 1
    _picture(pdf, arabic_page, f"packet-arabic-{backend}")


def test_dashboard_button_downloads_the_office_pdf_unless_it_is_too_long_for_a_request(
    app: Flask, client: FlaskClient, written: list[Written], monkeypatch: Any
) -> None:
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    listing = client.get("/dashboard/campaigns/pdf/packets").get_data(as_text=True)
    link = re.search(r'href="([^"]+format=pdf)"', listing)
    assert link, listing
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    pdf = Path(app.instance_path) / "download.pdf"
    pdf.write_bytes(response.data)
    assert f"Letters: {LETTERS}" in _flat(_pdftotext(pdf, "-l", "1"))

    monkeypatch.setattr(dashboard_views, "BROWSER_PDF_LETTERS", LETTERS - 1)
    listing = client.get("/dashboard/campaigns/pdf/packets").get_data(as_text=True)
    assert "format=pdf" not in listing
    assert "<code>flask outbox packets --campaign pdf --out DIR</code>" in listing
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 413
