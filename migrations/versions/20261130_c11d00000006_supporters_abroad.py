"""supporters abroad: country, residence and voting city; US address optional

Revision ID: c11d00000006
Revises: 72a220968cc7
Create Date: 2026-11-30 08:10:00
"""

import sqlalchemy as sa
from alembic import op


revision = 'c11d00000006'
down_revision = '72a220968cc7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=False, server_default='US'))
        batch_op.add_column(sa.Column('residence', sa.Enum('us', 'voting_address', 'abroad', name='residence', native_enum=False, length=32), nullable=False, server_default='us'))
        batch_op.add_column(sa.Column('voting_city', sa.String(length=100), nullable=True))
        batch_op.alter_column('state', existing_type=sa.String(length=2), nullable=True)
        batch_op.alter_column('zip_code', existing_type=sa.String(length=10), nullable=True)
    # The defaults only filled existing rows (all written from the US); the app sets them.
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.alter_column('country', server_default=None)
        batch_op.alter_column('residence', server_default=None)
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.drop_column('country')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.alter_column('zip_code', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('state', existing_type=sa.String(length=2), nullable=False)
        batch_op.drop_column('voting_city')
        batch_op.drop_column('residence')
        batch_op.drop_column('country')
