"""postal batches, per-campaign budget and shared address checks: mailings, the verified addresses, each letter's place in the budget

Revision ID: c16b00000014
Revises: c14b00000012
Create Date: 2026-11-30 14:00:00.000000
"""

import sqlalchemy as sa
import webapp.database
from alembic import op


revision = "c16b00000014"
down_revision = "c14b00000012"
branch_labels = None
depends_on = None

_STATUS = (
    "pending", "sending", "sent", "accepted", "needs_action", "done_by_supporter", "failed",
    "dead", "packet", "cancelled", "replaced", "held",
)
_POSTAL = ("created", "mailed", "in_transit", "delivered", "returned")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("recipient_key", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        sa.Column("sheets", sa.Integer(), nullable=False),
        sa.Column("status", _enum(_STATUS, "delivery_status"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lease_expires_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failed_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("remote_reference", sa.String(length=200), nullable=True),
        sa.Column("postal_status", _enum(_POSTAL, "postal_status"), nullable=True),
        sa.Column("postal_updated_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", webapp.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_mailing_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing")),
        sa.UniqueConstraint(
            "campaign_id",
            "recipient_key",
            "day",
            "part",
            name=op.f("uq_mailing_campaign_id_recipient_key_day_part"),
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_mailing_idempotency_key")),
    )
    op.create_index("ix_mailing_due", "mailing", ["status", "next_attempt_at"])
    op.create_index("ix_mailing_remote_reference", "mailing", ["remote_reference"])
    op.create_table(
        "postal_address_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("role", _enum(("return", "office"), "address_role"), nullable=False),
        sa.Column("recipient_key", sa.String(length=80), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("deliverable", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("checked_at", webapp.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_address_check")),
        sa.UniqueConstraint("address_key", name=op.f("uq_postal_address_check_address_key")),
    )
    op.create_index(
        op.f("ix_postal_address_check_recipient_key"), "postal_address_check", ["recipient_key"]
    )
    # Plain ADD COLUMNs only: on SQLite a table rebuild of campaign, target or delivery would
    # drop the old table and cascade (foreign keys are on) to what hangs off it.
    op.add_column("campaign", sa.Column("post_daily_limit", sa.Integer(), nullable=True))
    op.add_column("campaign", sa.Column("post_total_limit", sa.Integer(), nullable=True))
    op.add_column(
        "target", sa.Column("post_batched", sa.Boolean(), nullable=False, server_default="0")
    )
    op.add_column("delivery", sa.Column("postal_budget_day", sa.Date(), nullable=True))
    op.add_column("delivery", sa.Column("postal_sheets", sa.Integer(), nullable=True))
    op.add_column("delivery", sa.Column("mailing_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_delivery_mailing_id"), "delivery", ["mailing_id"])
    op.create_index(
        "ix_delivery_postal_budget", "delivery", ["campaign_id", "postal_budget_day"]
    )


def downgrade() -> None:
    op.drop_index("ix_delivery_postal_budget", table_name="delivery")
    op.drop_index(op.f("ix_delivery_mailing_id"), table_name="delivery")
    for table, column in (
        ("delivery", "mailing_id"),
        ("delivery", "postal_sheets"),
        ("delivery", "postal_budget_day"),
        ("target", "post_batched"),
        ("campaign", "post_total_limit"),
        ("campaign", "post_daily_limit"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index(op.f("ix_postal_address_check_recipient_key"), table_name="postal_address_check")
    op.drop_table("postal_address_check")
    op.drop_index("ix_mailing_remote_reference", table_name="mailing")
    op.drop_index("ix_mailing_due", table_name="mailing")
    op.drop_table("mailing")
