"""`flask civic sync-zips`: the ZIP -> district table replaced whole, or not at all."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.civic.zips import parse_zip_districts, sync_zip_districts
from webapp.database import db, utcnow
from webapp.models import CivicDataset, ZipDistrict

ZCCD = Path(__file__).resolve().parents[3] / "shared" / "data" / "zip-districts" / "zccd.csv"
HEADER = "state_fips,state_abbr,zcta,cd\n"


def sync_zips(app: Flask, source: Path | str, snapshot: str = "2024-11-12") -> Result:
    args = ["civic", "sync-zips", "--from", str(source), "--snapshot-date", snapshot]
    return app.test_cli_runner().invoke(args=args)


def table_facts(app: Flask) -> tuple[int, int, int]:
    """(rows, distinct ZIPs, ZIPs with more than one row)."""
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(ZipDistrict))
        per_zip = (
            select(ZipDistrict.zip_code, func.count().label("n"))
            .group_by(ZipDistrict.zip_code)
            .subquery()
        )
        zips = db.session.scalar(select(func.count()).select_from(per_zip))
        spanning = db.session.scalar(
            select(func.count()).select_from(per_zip).where(per_zip.c.n > 1)
        )
        return int(rows or 0), int(zips or 0), int(spanning or 0)


def zip_dataset(app: Flask) -> CivicDataset:
    with app.app_context():
        found = db.session.get(CivicDataset, "zip-districts")
        assert found is not None
        return found


def test_sync_zips_loads_every_row_in_a_few_seconds(app: Flask) -> None:
    started = time.perf_counter()
    result = sync_zips(app, ZCCD)
    elapsed = time.perf_counter() - started

    assert result.exit_code == 0, result.output
    assert "loaded 42,033 ZIP rows: 33,774 ZIPs, 7,299 in more than one district" in result.output
    assert elapsed < 10, f"ZIP sync took {elapsed:.1f}s"
    assert table_facts(app) == (42_033, 33_774, 7_299)
    with app.app_context():
        puerto_rico = db.session.scalars(
            select(ZipDistrict).where(ZipDistrict.zip_code == "00601")
        ).all()
        assert [(z.state, z.district) for z in puerto_rico] == [("PR", 0)]
        spans = db.session.execute(
            select(ZipDistrict.state, ZipDistrict.district)
            .where(ZipDistrict.zip_code == "30165")
            .order_by(ZipDistrict.state, ZipDistrict.district)
        ).all()
        assert [tuple(row) for row in spans] == [("AL", 3), ("GA", 14)]
    loaded = zip_dataset(app)
    assert (loaded.record_count, loaded.snapshot_date, loaded.source, loaded.last_error) == (
        42_033,
        "2024-11-12",
        str(ZCCD),
        None,
    )


def test_sync_zips_twice_gives_the_same_table(app: Flask) -> None:
    assert sync_zips(app, ZCCD).exit_code == 0
    first = zip_dataset(app).synced_at

    again = sync_zips(app, ZCCD)

    assert again.exit_code == 0, again.output
    assert table_facts(app) == (42_033, 33_774, 7_299)
    second = zip_dataset(app)
    assert second.record_count == 42_033
    assert first is not None and second.synced_at is not None and second.synced_at >= first


def test_malformed_csv_is_rejected_with_its_line_and_the_old_table_is_kept(
    app: Flask, tmp_path: Path
) -> None:
    assert sync_zips(app, ZCCD).exit_code == 0
    broken = tmp_path / "zccd.csv"
    # A spreadsheet round trip typically drops the leading zero of a ZIP.
    broken.write_text(HEADER + "01,AL,35004,3\n72,PR,601,0\n", encoding="utf-8")

    result = sync_zips(app, broken)

    assert result.exit_code == 1
    assert f"could not load the ZIP table from {broken}: line 3: ZIP '601'" in result.output
    assert table_facts(app) == (42_033, 33_774, 7_299)
    kept = zip_dataset(app)
    assert kept.record_count == 42_033
    assert kept.source == str(ZCCD)
    assert kept.last_error is not None and "line 3" in kept.last_error

    status = app.test_cli_runner().invoke(args=["civic", "status"])
    assert "zip-districts: 42,033 records, snapshot 2024-11-12" in status.output
    assert "line 3" in status.output


def test_a_failing_insert_rolls_back_and_keeps_the_old_table(app: Flask) -> None:
    assert sync_zips(app, ZCCD).exit_code == 0
    duplicate = [("35004", "AL", 3), ("35004", "AL", 3)]

    with app.app_context(), pytest.raises(IntegrityError):
        sync_zip_districts(db.session(), duplicate, "test", None, utcnow(), 119)

    assert table_facts(app) == (42_033, 33_774, 7_299)


def test_parse_keeps_leading_zeros_and_reads_every_row() -> None:
    rows = parse_zip_districts(ZCCD.read_bytes())
    assert len(rows) == 42_033
    assert ("00601", "PR", 0) in rows
    assert rows[:3] == [("30165", "AL", 3), ("35004", "AL", 3), ("35005", "AL", 6)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("zip,state,cd\n35004,AL,3\n", "line 1: expected the header state_fips,state_abbr,zcta,cd"),
        ("", "line 1: expected the header"),
        (HEADER, "no rows after the header"),
        (HEADER + "01,AL,35004\n", "line 2: expected 4 columns"),
        (HEADER + "01,AL,35004,3\n\n01,AL,35005,6\n", "line 3: expected 4 columns, got 0"),
        (HEADER + "06,AL,35004,3\n", "line 2: state 'AL' does not match FIPS code '06'"),
        (HEADER + "01,XX,35004,3\n", "line 2: state 'XX'"),
        (HEADER + "01,AL,3500A,3\n", "line 2: ZIP '3500A' is not five digits"),
        (HEADER + "01,AL,35004,8\n", "line 2: AL has no congressional district '8'"),
        (HEADER + "02,AK,99501,1\n", "line 2: AK has no congressional district '1'"),
        (HEADER + "01,AL,35004,\n", "line 2: AL has no congressional district ''"),
        (HEADER + "01,AL,35004,3\n01,AL,35004,3\n", "line 3: duplicate row 35004,AL,3"),
    ],
)
def test_bad_rows_are_rejected_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_zip_districts(text.encode())


def test_windows_line_endings_and_a_byte_order_mark_are_accepted() -> None:
    data = ("\ufeff" + HEADER + "01,AL,35004,3\n02,AK,99501,0\n").replace("\n", "\r\n")
    assert parse_zip_districts(data.encode()) == [("35004", "AL", 3), ("99501", "AK", 0)]
