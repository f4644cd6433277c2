"""roster_change.previous_*: a member's seat before a seat change, kept as data

Revision ID: c19d00000024
Revises: c19c00000025
Create Date: 2026-12-06 08:40:00.000000

Pages showed each change as the sync wrote it, an English line ("seat changed: Jane Doe (US
Senate, OH -> US House, OH-3)"), on Arabic pages too; they now word it from the row's data in
the reader's language, and a seat change needs the seat it left. Rows written before keep the
old seat only in that line: it is read back from there, in the one shape the sync wrote.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "c19d00000024"
down_revision = "c19c00000025"
branch_labels = None
depends_on = None

CHAMBERS = {"US Senate": "us_senate", "US House": "us_house"}
# "(US Senate, OH -> ...)", "(US House, OH-3 -> ...)", "(US House, WY at large -> ...)"
BEFORE = re.compile(
    r"\((?P<chamber>[^(),]+), (?P<state>[A-Z]{2})(?:-(?P<district>\w+)| at large)? -> "
)
COLUMNS = ("previous_chamber", "previous_state", "previous_district")


def upgrade() -> None:
    with op.batch_alter_table("roster_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_chamber", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("previous_state", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("previous_district", sa.String(length=8), nullable=True))
    change = sa.table("roster_change", *(sa.column(c) for c in ("id", "kind", "detail", *COLUMNS)))
    connection = op.get_bind()
    moved = connection.execute(
        sa.select(change.c.id, change.c.detail).where(change.c.kind == "seat_changed")
    ).all()
    for row_id, detail in moved:
        found = BEFORE.search(detail or "")
        if found is None:
            continue  # not the sync's shape: the page says only the seat it moved to
        at_large = found["district"] is None and " at large -> " in found[0]
        connection.execute(
            sa.update(change)
            .where(change.c.id == row_id)
            .values(
                previous_chamber=CHAMBERS.get(found["chamber"], found["chamber"]),
                previous_state=found["state"],
                previous_district="0" if at_large else found["district"],
            )
        )


def downgrade() -> None:
    # In place, as the earlier migrations drop columns (SQLite 3.35+ and PostgreSQL).
    for column in COLUMNS:
        op.execute(f"ALTER TABLE roster_change DROP COLUMN {column}")
