"""reading copies and writing in Arabic: campaign and target translations, the supporter's name in their own script, their English version of a paragraph

Revision ID: c14b00000012
Revises: c13e00000010
Create Date: 2026-11-30 10:50:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "c14b00000012"
down_revision = "c13e00000010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only plain ADD COLUMNs: SQLite rebuilds a table for anything more (an expression as a
    # default, removing a default), and dropping the old campaign or submission table would
    # cascade (foreign keys are on) to its targets, deliveries and tallies.
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))
    with op.batch_alter_table("submission", schema=None) as batch_op:
        # Personal data: sealed under the supporter's key like the paragraph (webapp/sealing.py).
        batch_op.add_column(sa.Column("personal_english", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("include_original", sa.Boolean(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("native_first_name", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("native_last_name", sa.LargeBinary(), nullable=True))


_ADDED = (
    ("submission", "native_last_name"),
    ("submission", "native_first_name"),
    ("submission", "include_original"),
    ("submission", "personal_english"),
    ("target", "translations"),
    ("campaign", "translations"),
)


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+ and PostgreSQL): a batch rebuild on
    # SQLite would drop the old tables and cascade to targets, deliveries and tallies.
    for table, column in _ADDED:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
