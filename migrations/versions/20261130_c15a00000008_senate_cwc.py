"""senate cwc: active office list, supporter asks for a reply, delivery failure time, short letter and form limits

Revision ID: c15a00000008
Revises: c12a00000009
Create Date: 2026-11-30 09:10:00.000000
"""

import sqlalchemy as sa
import webapp.database
from alembic import op


revision = "c15a00000008"
down_revision = "c12a00000009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "senate_cwc_office",
        sa.Column("bioguide_id", sa.String(length=16), nullable=False),
        sa.Column("synced_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bioguide_id", name=op.f("pk_senate_cwc_office")),
    )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("response_requested", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.alter_column("response_requested", server_default=None)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_body", sa.Text(), nullable=True))
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_limit", sa.Integer(), nullable=True))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_at", webapp.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_column("form_limit")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("short_body")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("response_requested")
    op.drop_table("senate_cwc_office")
