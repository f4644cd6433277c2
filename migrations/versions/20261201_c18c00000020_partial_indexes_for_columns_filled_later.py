"""partial indexes: partner, mailing, postal reference and day, organiser only where set

Revision ID: c18c00000020
Revises: c18b00000019
Create Date: 2026-12-01 21:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "c18c00000020"
down_revision = "c18b00000019"
branch_labels = None
depends_on = None

# (index, table, columns, the column that must be set for a row to be in it)
_INDEXES = (
    ("ix_submission_partner_id", "submission", ["partner_id"], "partner_id"),
    ("ix_delivery_remote_reference", "delivery", ["remote_reference"], "remote_reference"),
    ("ix_delivery_mailing_id", "delivery", ["mailing_id"], "mailing_id"),
    (
        "ix_delivery_postal_budget",
        "delivery",
        ["campaign_id", "postal_budget_day"],
        "postal_budget_day",
    ),
    ("ix_notification_organiser_id", "notification", ["organiser_id"], "organiser_id"),
)


def upgrade() -> None:
    for name, table, columns, set_column in _INDEXES:
        where = sa.text(f"{set_column} IS NOT NULL")
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, table, columns, _set_column in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
