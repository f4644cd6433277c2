"""submission.unknown_partner_code: the partner code a letter came with when it named no partner

Revision ID: c19b00000022
Revises: c19a00000021
Create Date: 2026-12-05 23:50:00.000000

A mistyped snippet (`data-partner="syrian-forun"`) credited nobody and left no trace; letters
now keep the code as written so the dashboard can list it. Earlier letters have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "c19b00000022"
down_revision = "c19a00000021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unknown_partner_code", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # In place, as the earlier migrations drop columns (SQLite 3.35+ and PostgreSQL): a batch
    # rebuild of the submission table would drop and recreate what refers to it.
    op.execute("ALTER TABLE submission DROP COLUMN unknown_partner_code")
