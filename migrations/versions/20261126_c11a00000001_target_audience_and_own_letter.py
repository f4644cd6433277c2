"""target audience and own letter (cover, body); delivery cover

Revision ID: c11a00000001
Revises: c11d00000006
Create Date: 2026-11-26 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = 'c11a00000001'
down_revision = 'c11d00000006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Enum('constituents', 'everyone', name='target_audience', native_enum=False, length=32), nullable=False, server_default='constituents'))
        batch_op.add_column(sa.Column('cover', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))

    # Existing fixed offices (e.g. the President) hear from everyone; lookups stay constituents.
    op.execute("UPDATE target SET audience = 'everyone' WHERE kind = 'custom'")

    # The default only filled existing rows; the application sets the column itself.
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.alter_column('audience', server_default=None)

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cover_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_delivery_cover_id_letter_text'), 'letter_text', ['cover_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_cover_id_letter_text'), type_='foreignkey')
        batch_op.drop_column('cover_id')

    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('body')
        batch_op.drop_column('cover')
        batch_op.drop_column('audience')
