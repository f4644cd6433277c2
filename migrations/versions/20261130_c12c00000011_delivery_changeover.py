"""delivery changeover: letters to a member who left office are re-targeted or held

Revision ID: c12c00000011
Revises: c15a00000008
Create Date: 2026-11-30 10:50:00
"""

import sqlalchemy as sa
from alembic import op


revision = 'c12c00000011'
down_revision = 'c15a00000008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('departed_on', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('changeover', sa.Enum('retargeted', 'already_writing', 'held_not_exact', 'held_redistricted', 'held_no_successor', 'held_letter_changed', 'cancelled', name='changeover', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_delivery_replaced_by_id_delivery'), 'delivery', ['replaced_by_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_replaced_by_id_delivery'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('changeover')
        batch_op.drop_column('departed_on')
