"""postal delivery: tracking status on deliveries, organisers ask for post per target

Revision ID: c16a00000013
Revises: c12c00000011
Create Date: 2026-11-30 11:00:00.000000
"""

import sqlalchemy as sa
import webapp.database
from alembic import op


revision = "c16a00000013"
down_revision = "c12c00000011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "postal_status",
                sa.Enum(
                    "created",
                    "mailed",
                    "in_transit",
                    "delivered",
                    "returned",
                    name="postal_status",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("postal_updated_at", webapp.database.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_delivery_remote_reference", ["remote_reference"], unique=False)
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.alter_column("post", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_column("post")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_remote_reference")
        batch_op.drop_column("postal_updated_at")
        batch_op.drop_column("postal_status")
