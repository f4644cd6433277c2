"""An office's packet as one PDF: a cover with counts, the coalition letter, then every letter."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload

from webapp.civic.countries import country_name
from webapp.civic.states import seat_code
from webapp.delivery.packets import Packet
from webapp.delivery.pdf_join import PdfJoiner
from webapp.letters.markdown import text_to_html
from webapp.letters.text import signature_of
from webapp.models import Campaign, Delivery, DeliveryStatus, LetterText, Signatory, Submission

# Letters laid out per WeasyPrint document: its layout tree lives only while one chunk renders,
# and each chunk's pages go to the output file at once (pdf_join), so memory stays flat however
# many letters an office has.
CHUNK_LETTERS = 400
# About 30 ms a letter: larger packets would outlast a web request; they come from the command.
BROWSER_PDF_LETTERS = 500
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "packet.css"
# WeasyPrint logs every page it lays out at INFO: thousands of lines per packet. It is imported
# only when a packet is rendered: web workers that never render one do not load it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class Cover:
    """What the first page says about the letters: counts only, never a supporter's name."""

    letters: int = 0
    personal: int = 0
    first: date | None = None
    last: date | None = None
    by_district: Counter[str] = field(default_factory=Counter)
    by_zip: Counter[str] = field(default_factory=Counter)
    by_country: Counter[str] = field(default_factory=Counter)  # letters from abroad
    campaign_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class CoalitionLetter:
    campaign_title: str
    salutation: str
    cover: Markup | None
    body: Markup
    signatories: list[tuple[str, str | None]]


@dataclass(frozen=True)
class LetterBlock:
    number: int
    signature: list[str]
    own_words: Markup | None


def _where(packet: Packet, campaign_id: int | None) -> list[ColumnElement[bool]]:
    conditions = [
        Delivery.status == DeliveryStatus.PACKET,
        Delivery.recipient_key == packet.recipient_key,
    ]
    if campaign_id is not None:
        conditions.append(Submission.campaign_id == campaign_id)
    return conditions


def district_of(state: str | None, districts: dict[str, Any] | None) -> str | None:
    """'MI-12' ('VT-AL' at large), 'MI-?' when unknown, None for a letter from abroad."""
    if not state:
        return None
    cd = (districts or {}).get("cd")
    return seat_code(f"{state}-{cd}") if cd is not None else f"{state}-?"


def cover_counts(session: Session, packet: Packet, campaign_id: int | None) -> Cover:
    """One streamed pass over the office's letters, holding only the counters."""
    cover = Cover()
    # Whole rows: ZIP codes and paragraphs are sealed and open through the model.
    rows = session.scalars(
        select(Submission)
        .join(Delivery, Delivery.submission_id == Submission.id)
        .options(joinedload(Submission.supporter))
        .where(*_where(packet, campaign_id))
        .execution_options(yield_per=1000)
    )
    for row in rows:
        cover.letters += 1
        cover.campaign_ids.add(row.campaign_id)
        if (row.personal_message or "").strip() or row.edited_body is not None:
            cover.personal += 1
        day = row.created_at.date()
        cover.first = day if cover.first is None else min(cover.first, day)
        cover.last = day if cover.last is None else max(cover.last, day)
        district = district_of(row.state, row.districts)
        if district is not None:
            cover.by_district[district] += 1
        if row.zip_code:
            cover.by_zip[row.zip_code] += 1
        if not row.state and row.country and row.country != "US":
            cover.by_country[country_name(row.country)] += 1
    return cover


def coalition_letters(
    session: Session, packet: Packet, campaign_id: int | None
) -> list[CoalitionLetter]:
    """Each organisation text the office's letters carry, once, in the order first written."""
    text_id = func.coalesce(Delivery.body_id, Submission.statement_id)
    groups = session.execute(
        select(func.min(Delivery.id).label("first_id"))
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(*_where(packet, campaign_id))
        .group_by(Submission.campaign_id, text_id)
        .order_by(func.min(Delivery.id))
    ).all()
    letters = []
    for group in groups:
        first = session.get_one(Delivery, group.first_id)
        campaign = session.get_one(Campaign, first.submission.campaign_id)
        body = first.body or session.get_one(LetterText, first.submission.statement_id)
        signatories = session.scalars(
            select(Signatory)
            .where(Signatory.campaign_id == campaign.id)
            .order_by(Signatory.position)
        )
        letters.append(
            CoalitionLetter(
                campaign_title=campaign.title,
                salutation=first.salutation,
                cover=text_to_html(first.cover_text, True) if first.cover_text else None,
                body=text_to_html(body.body, True),
                signatories=[(s.name, s.member_of) for s in signatories],
            )
        )
    return letters


def letter_chunks(
    session: Session, packet: Packet, campaign_id: int | None, size: int = CHUNK_LETTERS
) -> Iterator[list[LetterBlock]]:
    """Every letter in the order written, `size` at a time (keyset pages, columns only)."""
    last_id, number = 0, 0
    while True:
        # Whole submissions (with the supporter, whose key opens the sealed fields).
        rows = session.execute(
            select(Delivery.id, Delivery.body_id, Submission)
            .join(Submission, Submission.id == Delivery.submission_id)
            .options(joinedload(Submission.supporter))
            .where(*_where(packet, campaign_id), Delivery.id > last_id)
            .order_by(Delivery.id)
            .limit(size)
        ).all()
        if not rows:
            return
        blocks = []
        for row in rows:
            number += 1
            submission = row.Submission
            words = _own_words(row.body_id, submission)
            blocks.append(LetterBlock(number, signature_of(submission), words))
        yield blocks
        last_id = rows[-1].id


def _own_words(body_id: int | None, submission: Submission) -> Markup | None:
    """The supporter's rewrite of the letter (when the office got it) and their paragraph."""
    parts = []
    if body_id is None and submission.edited_body is not None:
        parts.append(submission.edited_body)
    if submission.personal_message and submission.personal_message.strip():
        parts.append(submission.personal_message)
    return text_to_html("\n\n".join(parts), True) if parts else None


def _campaign_titles(session: Session, ids: Sequence[int]) -> list[str]:
    return list(session.scalars(select(Campaign.title).where(Campaign.id.in_(ids))))


def write_packet_pdf(
    session: Session,
    packet: Packet,
    out: IO[bytes],
    campaign_id: int | None = None,
    chunk_size: int | None = None,
) -> int:
    """Render the office's packet into `out`; returns the number of letters in it."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    cover = cover_counts(session, packet, campaign_id)
    fonts = FontConfiguration()
    style = CSS(filename=str(STYLESHEET), font_config=fonts)
    writer = PdfJoiner(out)
    first = render_template(
        "delivery/packet_pdf.html",
        packet=packet,
        cover=cover,
        titles=_campaign_titles(session, sorted(cover.campaign_ids)),
        coalition=coalition_letters(session, packet, campaign_id),
        letters=[],
    )
    writer.add(_pdf(first, style, fonts))
    for blocks in letter_chunks(session, packet, campaign_id, chunk_size or CHUNK_LETTERS):
        html = render_template(
            "delivery/packet_pdf.html", packet=packet, cover=cover, letters=blocks
        )
        writer.add(_pdf(html, style, fonts))
    writer.finish()
    return cover.letters


def _pdf(html: str, style: Any, fonts: Any) -> bytes:
    from weasyprint import HTML

    # Without a target, write_pdf returns the document's bytes.
    return bytes(HTML(string=html).write_pdf(stylesheets=[style], font_config=fonts))
