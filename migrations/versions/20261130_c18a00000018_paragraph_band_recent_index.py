"""paragraph bands indexed with their letter, so the similarity check reads only recent letters

Revision ID: c18a00000018
Revises: c17b00000017
Create Date: 2026-11-30 16:30:00.000000
"""

from alembic import op

revision = "c18a00000018"
down_revision = "c17b00000017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: no batch table rebuild is needed for an index on SQLite.
    op.create_index(
        "ix_paragraph_band_campaign_band_submission",
        "paragraph_band",
        ["campaign_id", "band", "submission_id"],
        unique=False,
    )
    op.drop_index("ix_paragraph_band_campaign_band", table_name="paragraph_band")


def downgrade() -> None:
    op.create_index(
        "ix_paragraph_band_campaign_band", "paragraph_band", ["campaign_id", "band"], unique=False
    )
    op.drop_index("ix_paragraph_band_campaign_band_submission", table_name="paragraph_band")
