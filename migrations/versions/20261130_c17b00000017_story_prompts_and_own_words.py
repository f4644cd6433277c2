"""story prompts: prompt variants per campaign, the variant and own-words length per letter, paragraph similarity bands

Revision ID: c17b00000017
Revises: c17a00000016
Create Date: 2026-11-30 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "c17b00000017"
down_revision = "c17a00000016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only plain ADD COLUMNs on existing tables: a SQLite batch rebuild would drop the old
    # campaign or submission table and cascade (foreign keys are on) to what hangs off it.
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompts", sa.JSON(), nullable=True))
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompt_variant", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("own_words_chars", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_submission_campaign_variant",
            ["campaign_id", "prompt_variant", "own_words_chars"],
            unique=False,
        )
    op.create_table(
        "paragraph_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_paragraph_band_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_paragraph_band_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paragraph_band")),
    )
    with op.batch_alter_table("paragraph_band", schema=None) as batch_op:
        batch_op.create_index(
            "ix_paragraph_band_campaign_band", ["campaign_id", "band"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_paragraph_band_submission_id"), ["submission_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("paragraph_band")
    op.drop_index("ix_submission_campaign_variant", table_name="submission")
    # In place (SQLite 3.35+ and PostgreSQL): a batch rebuild would cascade, as above.
    for table, column in (
        ("submission", "own_words_chars"),
        ("submission", "prompt_variant"),
        ("campaign", "prompts"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
