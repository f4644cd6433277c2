"""civic dataset congress and details (the seated Congress comes from the data)

Revision ID: c12a00000009
Revises: c13a00000004
Create Date: 2026-11-30 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = 'c12a00000009'
down_revision = 'c13a00000004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('civic_dataset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('congress', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))

    # Everything loaded before this release describes the 119th Congress (the default ZIP table
    # and the members serving until 2027-01-03); without it every ZIP-only lookup would ask for
    # a street address until the next sync.
    op.execute("UPDATE civic_dataset SET congress = 119")


def downgrade() -> None:
    with op.batch_alter_table('civic_dataset', schema=None) as batch_op:
        batch_op.drop_column('details')
        batch_op.drop_column('congress')
