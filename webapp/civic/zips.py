"""The ZIP table: parse the zccd.csv format and replace the stored ZIP -> district rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from webapp.civic.states import BY_CODE, house_districts
from webapp.civic.sync import mark_synced
from webapp.database import write_transaction
from webapp.models import ZipDistrict

ZIP_DATASET = "zip-districts"
ZIP_HEADER = ["state_fips", "state_abbr", "zcta", "cd"]
_ZIP_RE = re.compile(r"[0-9]{5}")
_CD_RE = re.compile(r"[0-9]{1,2}")
_DISTRICTS = {state: frozenset(house_districts(state)) for state in BY_CODE}


def parse_zip_districts(data: bytes) -> list[tuple[str, str, int]]:
    """Parse zccd.csv into (zip, state, district) rows; any bad row raises naming its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text ({exc})") from exc
    # Only trailing newlines are dropped; a blank line inside the file is an error below.
    reader = csv.reader(io.StringIO(text.rstrip("\r\n")))
    header = next(reader, None)
    if header != ZIP_HEADER:
        raise ValueError(f"line 1: expected the header {','.join(ZIP_HEADER)}, got {header!r}")
    rows: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str, int]] = set()
    for cells in reader:
        line = reader.line_num
        if len(cells) != len(ZIP_HEADER):
            raise ValueError(f"line {line}: expected 4 columns, got {len(cells)}: {cells!r}")
        fips, state, zcta, cd = cells
        if state not in BY_CODE or BY_CODE[state].fips != fips:
            raise ValueError(f"line {line}: state {state!r} does not match FIPS code {fips!r}")
        if not _ZIP_RE.fullmatch(zcta):
            raise ValueError(f"line {line}: ZIP {zcta!r} is not five digits")
        if not _CD_RE.fullmatch(cd) or int(cd) not in _DISTRICTS[state]:
            raise ValueError(f"line {line}: {state} has no congressional district {cd!r}")
        row = (zcta, state, int(cd))
        if row in seen:
            raise ValueError(f"line {line}: duplicate row {zcta},{state},{cd}")
        seen.add(row)
        rows.append(row)
    if not rows:
        raise ValueError("no rows after the header")
    return rows


def sync_zip_districts(
    session: Session,
    rows: Sequence[tuple[str, str, int]],
    source: str,
    snapshot_date: str | None,
    now: datetime,
    congress: int,
) -> int:
    """Replace the whole ZIP table in one transaction; readers see the old or the new table.

    `congress` is the Congress whose districts the table describes: a lookup uses the table only
    where its districts are those of the seated Congress.
    """
    if not rows:
        raise ValueError("refusing to empty the ZIP table: no rows given")
    with write_transaction(session):
        session.execute(delete(ZipDistrict))
        session.execute(
            insert(ZipDistrict),
            [{"zip_code": zcta, "state": state, "district": cd} for zcta, state, cd in rows],
        )
        mark_synced(session, ZIP_DATASET, source, snapshot_date, len(rows), now, congress)
    return len(rows)
