"""Office packets: every letter for an office with no channel, printable and as CSV, by hand."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from webapp.database import write_transaction
from webapp.models import AuditAction, Delivery, DeliveryStatus, Submission
from webapp.services.organisers import audit

CSV_COLUMNS = (
    "office",
    "office_address",
    "delivery_id",
    "date",
    "first_name",
    "last_name",
    "city",
    "state",
    "zip",
    "country",
    "letter",
)


@dataclass
class Packet:
    recipient_key: str
    name: str
    office: str | None
    address: str | None
    deliveries: list[Delivery] = field(default_factory=list)

    def download_name(self, campaign_slug: str, extension: str) -> str:
        """A file name that says whose packet it is ("…-the-mayor-target-4.pdf"); the key
        keeps two offices of the same name apart."""
        ascii_name = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
        key = re.sub(r"[^A-Za-z0-9]+", "-", self.recipient_key)
        return "-".join(part for part in (campaign_slug, words, key) if part) + f".{extension}"


def neutralise_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ tab or CR as formulas; make them text."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def packets(session: Session, campaign_id: int | None = None) -> list[Packet]:
    """Letters waiting for hand delivery, grouped by office."""
    query = (
        select(Delivery)
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(Delivery.status == DeliveryStatus.PACKET)
        .options(selectinload(Delivery.submission))
        .order_by(Delivery.recipient_key, Delivery.id)
    )
    if campaign_id is not None:
        query = query.where(Submission.campaign_id == campaign_id)
    grouped: dict[str, Packet] = {}
    by_key: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in session.scalars(query):
        by_key[delivery.recipient_key].append(delivery)
        grouped.setdefault(
            delivery.recipient_key,
            Packet(
                delivery.recipient_key,
                delivery.recipient_name,
                delivery.recipient_office,
                delivery.recipient_address,
            ),
        )
    for key, packet in grouped.items():
        packet.deliveries = by_key[key]
    return list(grouped.values())


def packet_csv(packet: Packet) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # the byte-order mark that lets spreadsheets read Arabic names
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for d in packet.deliveries:
        s = d.submission
        row = [
            packet.name,
            packet.address or "",
            d.idempotency_key,
            s.created_at.date().isoformat(),
            s.first_name,
            s.last_name,
            s.city,
            s.state or "",
            s.zip_code or "",
            s.country or "",
            d.final_text,
        ]
        writer.writerow([neutralise_cell(str(cell)) for cell in row])
    return out.getvalue()


def mark_packet_sent(session: Session, delivery_ids: list[int], now: datetime) -> int:
    """Organisers delivered these by hand."""
    with write_transaction(session):
        return _mark_sent(session, delivery_ids, now)


def _mark_sent(session: Session, delivery_ids: list[int], now: datetime) -> int:
    result = session.execute(
        update(Delivery)
        .where(Delivery.id.in_(delivery_ids), Delivery.status == DeliveryStatus.PACKET)
        .values(status=DeliveryStatus.SENT, sent_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_office_packet_delivered(
    session: Session,
    campaign_id: int,
    key: str,
    delivery_ids: list[int],
    organiser_id: int,
    now: datetime,
) -> int:
    """An organiser delivered one office's packet by hand: the letters it held when they
    printed it (`delivery_ids`, as the page listed them), not any that joined it since.
    Recorded in the campaign's audit log. Returns how many were marked."""
    with write_transaction(session):
        wanted = session.scalars(
            select(Delivery.id).where(
                Delivery.id.in_(delivery_ids),
                Delivery.campaign_id == campaign_id,
                Delivery.recipient_key == key,
            )
        ).all()
        marked = _mark_sent(session, list(wanted), now)
        if marked:
            audit(
                session,
                organiser_id,
                AuditAction.PACKETS_DELIVERED,
                now,
                campaign_id,
                office=key,
                letters=marked,
            )
    return marked
