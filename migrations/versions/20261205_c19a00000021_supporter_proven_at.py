"""supporter.proven_at: when a link emailed to the address was first clicked

Revision ID: c19a00000021
Revises: c18c00000020
Create Date: 2026-12-05 01:00:00.000000

Filled from the letters whose writer clicked their link (`email_verified`): the earliest such
letter's confirmation time. A letter an organiser released before its writer clicked was
confirmed at the release, so its time stands for the click's, which was not kept.
"""

import sqlalchemy as sa
from alembic import op

import webapp.database

revision = "c19a00000021"
down_revision = "c18c00000020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proven_at", webapp.database.UTCDateTime(timezone=True), nullable=True)
        )
    supporter = sa.table("supporter", sa.column("id"), sa.column("proven_at"))
    submission = sa.table(
        "submission",
        sa.column("supporter_id"),
        sa.column("email_verified"),
        sa.column("confirmed_at"),
        sa.column("created_at"),
    )
    earliest = (
        sa.select(sa.func.min(sa.func.coalesce(submission.c.confirmed_at, submission.c.created_at)))
        .where(
            submission.c.supporter_id == supporter.c.id,
            submission.c.email_verified == sa.true(),
        )
        .scalar_subquery()
    )
    op.execute(sa.update(supporter).values(proven_at=earliest))


def downgrade() -> None:
    # In place, as the earlier migrations drop columns (SQLite 3.35+ and PostgreSQL): a batch
    # rebuild of the supporter table would drop and recreate what refers to it.
    op.execute("ALTER TABLE supporter DROP COLUMN proven_at")
