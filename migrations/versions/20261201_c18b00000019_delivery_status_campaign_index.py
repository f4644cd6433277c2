"""deliveries indexed by status then campaign, so a dashboard's held-letter checks read no other rows

Revision ID: c18b00000019
Revises: c18a00000018
Create Date: 2026-12-01 00:20:00.000000
"""

from alembic import op

revision = "c18b00000019"
down_revision = "c18a00000018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_delivery_status_campaign", "delivery", ["status", "campaign_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_delivery_status_campaign", table_name="delivery")
