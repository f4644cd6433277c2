"""deliveries indexed by office and time of failure or delivery, so the channel map reads a few entries per office

Revision ID: c19e00000026
Revises: c19d00000024
Create Date: 2026-12-06 09:00:00.000000

The channel map read every failed delivery of the campaign (100,000 rows on a day with SMTP
down) and every delivered one, to find each office's latest. Each index leaves out the rows
whose time it orders by is still empty, as c18c00000020's do.
"""

import sqlalchemy as sa
from alembic import op

revision = "c19e00000026"
# After c19c00000025 and c19d00000024, merged to main first though numbered after it.
down_revision = "c19d00000024"
branch_labels = None
depends_on = None

# (index, its columns after campaign_id and recipient_key, the column that must be set)
_INDEXES = (
    ("ix_delivery_office_last_failure", ["failed_at"], "failed_at"),
    ("ix_delivery_office_last_done", ["done_at", "status"], "done_at"),
    ("ix_delivery_office_last_sent", ["sent_at", "done_at", "status"], "sent_at"),
)


def upgrade() -> None:
    for name, columns, set_column in _INDEXES:
        where = sa.text(f"{set_column} IS NOT NULL")
        op.create_index(
            name,
            "delivery",
            ["campaign_id", "recipient_key", *columns],
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    for name, _columns, _set_column in reversed(_INDEXES):
        op.drop_index(name, table_name="delivery")
