"""reading copies and writing in Arabic: campaign and target translations, the supporter's name in their own script, their English version of a paragraph

Revision ID: c14b00000012
Revises: c15a00000008
Create Date: 2026-11-30 10:50:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = "c14b00000012"
down_revision = "c15a00000008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing rows need a value for the new NOT NULL columns; the app sets them itself after.
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_english", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("include_original", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("native_first_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("native_last_name", sa.String(length=100), nullable=True))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.alter_column("translations", server_default=None)
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.alter_column("translations", server_default=None)
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.alter_column("include_original", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("native_last_name")
        batch_op.drop_column("native_first_name")
        batch_op.drop_column("include_original")
        batch_op.drop_column("personal_english")
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_column("translations")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("translations")
