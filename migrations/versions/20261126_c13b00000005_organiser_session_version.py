"""organiser session version (revocable sessions)

Revision ID: c13b00000005
Revises: c11c00000003
Create Date: 2026-11-26 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = 'c13b00000005'
down_revision = 'c11c00000003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), nullable=False, server_default='1')
        )

    # The default only filled existing rows; the application sets the column itself.
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.alter_column('session_version', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('organiser', schema=None) as batch_op:
        batch_op.drop_column('session_version')
