"""reply survey: one survey per letter, one answer per office; supporters who want no follow-ups

Revision ID: c17a00000016
Revises: c16b00000014
Create Date: 2026-11-30 14:00:00.000000
"""

import sqlalchemy as sa
import webapp.database
from alembic import op


revision = "c17a00000016"
down_revision = "c16b00000014"
branch_labels = None
depends_on = None

_ANSWERS = (
    "replied_answered",
    "replied_not_answered",
    "acknowledgement",
    "not_expected",
    "no_reply",
)


def upgrade() -> None:
    op.create_table(
        "reply_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_reply_survey_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_reply_survey_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_survey")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_reply_survey_submission_id")),
    )
    with op.batch_alter_table("reply_survey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_survey_campaign_id"), ["campaign_id"], unique=False)
    op.create_table(
        "office_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("recipient_key", sa.String(length=80), nullable=False),
        sa.Column("asked_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(*_ANSWERS, name="reply_answer", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("answered_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_office_reply_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_office_reply_delivery_id_delivery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["reply_survey.id"],
            name=op.f("fk_office_reply_survey_id_reply_survey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_reply")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_office_reply_delivery_id")),
    )
    with op.batch_alter_table("office_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_reply_survey_id"), ["survey_id"], unique=False)
        batch_op.create_index(
            "ix_office_reply_campaign_office", ["campaign_id", "recipient_key"], unique=False
        )
    # A plain ADD COLUMN: SQLite would rebuild the table for more, and dropping the supporter
    # table would cascade to every letter.
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_contact_at", webapp.database.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    op.execute("ALTER TABLE supporter DROP COLUMN no_contact_at")
    op.drop_table("office_reply")
    op.drop_table("reply_survey")
