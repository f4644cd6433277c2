"""Office packets: letters for offices with no channel, per office as HTML, PDF and a safe CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, page_token, signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.packet_pdf import cover_counts
from webapp.delivery.packets import CSV_COLUMNS, packets
from webapp.models import AuditEntry, Channel, Delivery, DeliveryStatus, Submission

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    targets = [
        office("Archive Office", office="Records", address="1 Records Lane, Springfield"),
        office("Mayor", address="City Hall"),
        office("Water Board", email=OFFICE_EMAIL),
    ]
    return write_delivery_campaign(app, tmp_path, "packets", targets)


def _write_letters(app: Flask, client: FlaskClient, slug: str) -> None:
    for n, email in enumerate(("rasha@example.org", "omar@example.org", "lina@example.org")):
        response = post_letter(client, slug, email=email, personal_message=f"{SCRIPT} {n}")
        assert response.status_code == 303


def _packet_rows(app: Flask) -> dict[str, list[Delivery]]:
    with app.app_context():
        # In id order, as the packets list them: without it PostgreSQL returns rows in the order
        # it finds them, which an update of a row can change (a clean run failed on it).
        rows = db.session.scalars(
            select(Delivery).where(Delivery.channel == Channel.PACKET).order_by(Delivery.id)
        )
        grouped: dict[str, list[Delivery]] = {}
        for delivery in rows:
            grouped.setdefault(delivery.recipient_key, []).append(delivery)
        db.session.expunge_all()
        return grouped


def _packets(app: Flask, out: Path, *extra: str) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "packets", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _read_csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "a BOM, for Arabic in spreadsheets"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_letters_without_a_channel_are_grouped_per_office_as_html_pdf_and_csv(
    app: Flask, client: FlaskClient, slug: str, tmp_path: Path
) -> None:
    _write_letters(app, client, slug)
    grouped = _packet_rows(app)
    assert len(grouped) == 2
    assert {d.status for rows in grouped.values() for d in rows} == {DeliveryStatus.PACKET}
    out = tmp_path / "packets"
    output = _packets(app, out)
    assert "Archive Office: 3 letter(s)" in output and "Mayor: 3 letter(s)" in output
    stems = {key.replace(":", "-") for key in grouped}
    assert {p.name for p in out.iterdir()} == {
        f"{s}.{ext}" for s in stems for ext in ("html", "csv", "pdf")
    }
    with app.app_context():
        for key, rows in grouped.items():
            stem = key.replace(":", "-")
            page = (out / f"{stem}.html").read_text(encoding="utf-8")
            table = _read_csv(out / f"{stem}.csv")
            assert tuple(table[0]) == CSV_COLUMNS and len(table) == 1 + len(rows)
            for delivery, line in zip(rows, table[1:], strict=True):
                fresh = db.session.get(Delivery, delivery.id)
                assert fresh is not None
                record = dict(zip(CSV_COLUMNS, line, strict=True))
                assert record["delivery_id"] == fresh.idempotency_key
                assert record["office"] == fresh.recipient_name
                assert record["letter"] == fresh.final_text
                assert (record["first_name"], record["city"]) == ("Rasha", "Dearborn")
                assert fresh.recipient_name in page and SCRIPT not in page
                assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    archive = next(p for p in out.glob("*.html") if "Archive Office" in p.read_text())
    assert "Records" in archive.read_text() and "1 Records Lane, Springfield" in archive.read_text()
    assert not list(out.glob("*water*"))
    assert {d.status for rows in _packet_rows(app).values() for d in rows} == {
        DeliveryStatus.PACKET
    }


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    app: Flask, client: FlaskClient, slug: str, tmp_path: Path
) -> None:
    response = post_letter(client, slug, email="rasha@example.org")
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.first_name = '=HYPERLINK("https://evil.example","x")'
        submission.last_name = "+SUM(A1:A9)"
        submission.city = "-2+3"
        submission.state = "@A"
        submission.zip_code = "\t48126"
        for delivery in submission.deliveries:
            delivery.salutation = "@Dear office,"
            delivery.recipient_address = "\r1 Records Lane"
            delivery.recipient_name = "Board=Plain"  # '=' inside a cell is harmless
        db.session.commit()
    out = tmp_path / "packets"
    _packets(app, out)
    tables = [_read_csv(path) for path in sorted(out.glob("*.csv"))]
    assert len(tables) == 2
    for table in tables:
        record = dict(zip(CSV_COLUMNS, table[1], strict=True))
        assert record["first_name"] == '\'=HYPERLINK("https://evil.example","x")'
        assert record["last_name"] == "'+SUM(A1:A9)"
        assert record["city"] == "'-2+3"
        assert record["state"] == "'@A"
        assert record["zip"] == "'\t48126"
        assert record["office_address"] == "'\r1 Records Lane"
        assert record["letter"].startswith("'@Dear office,\n\n")
        assert record["office"] == "Board=Plain"
        for cell in (c for row in table for c in row):
            assert not cell.startswith(FORMULA_STARTS), cell


def test_mark_sent_records_the_written_letters_as_delivered_by_hand(
    app: Flask, client: FlaskClient, slug: str, tmp_path: Path
) -> None:
    _write_letters(app, client, slug)
    output = _packets(app, tmp_path / "first", "--mark-sent")
    assert "marked 6 as delivered" in output
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery)))
        by_channel = {(d.channel, d.status) for d in rows}
        assert by_channel == {
            (Channel.PACKET, DeliveryStatus.SENT),
            (Channel.EMAIL, DeliveryStatus.PENDING),
        }
        assert all(d.sent_at is not None for d in rows if d.channel is Channel.PACKET)
    second = tmp_path / "second"
    assert "letter(s)" not in _packets(app, second, "--mark-sent")
    assert not list(second.iterdir())


def test_an_organiser_records_a_packet_delivered_from_the_page_and_only_what_it_listed(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    """The packets page marks one office's packet delivered: the letters the page listed when
    it was printed, not a letter that joined the packet since; the audit log says who did."""
    _write_letters(app, client, slug)
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{slug}/packets").text
    assert "flask outbox packets" not in page and "`" not in page
    forms = re.findall(
        r'name="key" value="([^"]+)"><input type="hidden" name="ids" value="([^"]+)"', page
    )
    assert len(forms) == 2  # the archive and the mayor; the water board takes email
    key, ids = forms[0]
    assert "I delivered these <bdi>3</bdi> letters" in page
    post_letter(app.test_client(), slug, email="late@example.org")  # joins after printing
    token = page_token(admin, f"/dashboard/campaigns/{slug}/packets")
    done = admin.post(
        f"/dashboard/campaigns/{slug}/packet-delivered",
        data={"csrf_token": token, "key": key, "ids": ids},
    )
    assert done.status_code == 303
    shown = admin.get(done.headers["Location"]).text
    assert "<bdi>3</bdi> letters recorded as delivered by hand." in shown
    rows = _packet_rows(app)[key]
    assert sorted(d.status.value for d in rows) == ["packet", "sent", "sent", "sent"]
    again = admin.post(
        f"/dashboard/campaigns/{slug}/packet-delivered",
        data={"csrf_token": token, "key": key, "ids": ids},
    )
    assert "already recorded as delivered" in admin.get(again.headers["Location"]).text
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "packets.delivered")
        ).one()
        assert (entry.action, entry.details) == ("packets.delivered", {"office": key, "letters": 3})
    # Another campaign's office key, or letters not in this packet, mark nothing.
    other_ids = ",".join(str(d.id) for d in _packet_rows(app)[forms[1][0]])
    admin.post(
        f"/dashboard/campaigns/{slug}/packet-delivered",
        data={"csrf_token": token, "key": key, "ids": other_ids},
    )
    assert {d.status.value for d in _packet_rows(app)[forms[1][0]]} == {"packet"}


def test_a_packet_counts_letters_from_abroad_and_downloads_under_its_office_s_name(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    """The cover's tables count every letter: those from abroad by country (they have no
    district or ZIP); the CSV says the country; the files are named after the office."""
    _write_letters(app, client, slug)
    abroad = {"country": "DE", "abroad_city": "Berlin", "street": None, "state": None}
    response = post_letter(
        app.test_client(), slug, email="berlin@example.org", zip_code=None, **abroad
    )
    assert response.status_code == 303, response.text
    with app.app_context():
        [mayor] = [p for p in packets(db.session()) if p.name == "Mayor"]
        cover = cover_counts(db.session(), mayor, None)
        assert cover.letters == 4 and dict(cover.by_country) == {"Germany": 1}
        assert sum(cover.by_district.values()) + sum(cover.by_country.values()) == 4
        key = mayor.recipient_key
    admin = signed_in(app, ADMIN)
    download = admin.get(f"/dashboard/campaigns/{slug}/packets/{key}?format=csv")
    expected = f"{slug}-mayor-{key.replace(':', '-')}.csv"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{expected}"'
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert sorted(r[CSV_COLUMNS.index("country")] for r in rows[1:]) == ["DE", "US", "US", "US"]
