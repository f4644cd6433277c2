"""outbox: a unique lease token per claiming worker

Revision ID: c13a00000004
Revises: c13b00000005
Create Date: 2026-11-26 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = 'c13a00000004'
down_revision = 'c13b00000005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('delivery', 'notification'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))


def downgrade() -> None:
    for table in ('notification', 'delivery'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('lease_token')
