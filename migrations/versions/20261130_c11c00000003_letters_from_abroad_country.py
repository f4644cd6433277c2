"""letters from abroad: submission country, state and ZIP optional

Revision ID: c11c00000003
Revises: c11a00000001
Create Date: 2026-11-30 07:30:00.000000
"""

from collections import Counter

import sqlalchemy as sa
from alembic import op


revision = 'c11c00000003'
down_revision = 'c11a00000001'
branch_labels = None
depends_on = None

# Every letter counted so far came from the US: its country tallies are its state tallies.
_FROM_STATE = {
    'state': 'country',
    'public_state': 'public_country',
    'partner_state': 'partner_country',
}

_tally = sa.table(
    'submission_tally',
    sa.column('campaign_id', sa.Integer()),
    sa.column('dimension', sa.String()),
    sa.column('bucket', sa.String()),
    sa.column('count', sa.Integer()),
)


def _has_country(connection: sa.engine.Connection) -> bool:
    return 'country' in {c['name'] for c in sa.inspect(connection).get_columns('submission')}


def upgrade() -> None:
    # The supporters-abroad migration (c11d00000006) may already have added the column and
    # made state and ZIP optional: then only the server default is ours to set.
    present = _has_country(op.get_bind())
    with op.batch_alter_table('submission', schema=None) as batch_op:
        if present:
            batch_op.alter_column(
                'country',
                existing_type=sa.String(length=2),
                existing_nullable=False,
                server_default='US',
            )
        else:
            batch_op.add_column(
                sa.Column('country', sa.String(length=2), nullable=False, server_default='US')
            )
        batch_op.alter_column('state', existing_type=sa.String(length=2), nullable=True)
        batch_op.alter_column('zip_code', existing_type=sa.String(length=10), nullable=True)

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_tally.c.campaign_id, _tally.c.dimension, _tally.c.bucket, _tally.c.count).where(
            _tally.c.dimension.in_(list(_FROM_STATE))
        )
    )
    counts: Counter[tuple[int, str, str]] = Counter()
    for campaign_id, dimension, bucket, count in rows:
        # Partner buckets are "<partner id>|<state>"; the others are the state itself.
        partner, bar, _state = bucket.rpartition('|')
        counts[(campaign_id, _FROM_STATE[dimension], f'{partner}{bar}US')] += count
    if counts:
        op.bulk_insert(
            _tally,
            [
                {'campaign_id': c, 'dimension': d, 'bucket': b, 'count': n}
                for (c, d, b), n in sorted(counts.items())
            ],
        )


def downgrade() -> None:
    op.execute(_tally.delete().where(_tally.c.dimension.in_(list(_FROM_STATE.values()))))
    columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('submission')}
    if 'residence' in columns:
        # Chained after c11d00000006, which owns the column: give back only the default.
        with op.batch_alter_table('submission', schema=None) as batch_op:
            batch_op.alter_column(
                'country',
                existing_type=sa.String(length=2),
                existing_nullable=False,
                server_default=None,
            )
        return
    # Fails while letters from abroad exist: they have no state or ZIP code to go back to.
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.alter_column('zip_code', existing_type=sa.String(length=10), nullable=False)
        batch_op.alter_column('state', existing_type=sa.String(length=2), nullable=False)
        batch_op.drop_column('country')
