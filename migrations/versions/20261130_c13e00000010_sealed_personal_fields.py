"""personal fields sealed under a data key per supporter; email matched by keyed hash

Revision ID: c13e00000010
Revises: c16a00000013
Create Date: 2026-11-30 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from webapp.sealing import keyring, seal, unseal


revision = 'c13e00000010'
down_revision = 'c16a00000013'
branch_labels = None
depends_on = None

# (column, nullable, type before) for every field now sealed, per table.
SEALED = {
    'supporter': [
        ('email', False, sa.String(length=254)),
        ('first_name', False, sa.String(length=100)),
        ('last_name', False, sa.String(length=100)),
        ('street', True, sa.String(length=200)),
        ('city', True, sa.String(length=100)),
        ('zip_code', True, sa.String(length=10)),
    ],
    'submission': [
        ('subject', False, sa.String(length=300)),
        ('personal_message', True, sa.Text()),
        ('edited_body', True, sa.Text()),
        ('closing', False, sa.String(length=200)),
        ('prefix', True, sa.String(length=16)),
        ('first_name', False, sa.String(length=100)),
        ('last_name', False, sa.String(length=100)),
        ('street', True, sa.String(length=200)),
        ('city', False, sa.String(length=100)),
        ('zip_code', True, sa.String(length=10)),
        ('voting_city', True, sa.String(length=100)),
    ],
    'delivery': [('salutation', False, sa.String(length=200))],
}
# The letter text body changes type but stays plain: texts written so far are shared.
BODY = ('body', False, sa.Text())


def _retype(table: str, columns: list[tuple[str, bool, sa.types.TypeEngine]], sealed: bool) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, nullable, before in columns:
            batch_op.alter_column(
                name,
                existing_type=before if sealed else sa.LargeBinary(),
                type_=sa.LargeBinary() if sealed else before,
                existing_nullable=nullable,
                postgresql_using=(
                    f"convert_to({name}, 'UTF8')" if sealed else f"convert_from({name}, 'UTF8')"
                ),
            )


def _text(value: object) -> str:
    # SQLite keeps a retyped column's old values as TEXT; PostgreSQL converted them to bytea.
    return value if isinstance(value, str) else bytes(value).decode()


def _rewrite(connection: sa.engine.Connection, table: str, row_id: int, values: dict) -> None:
    assignments = ', '.join(f'{name} = :{name}' for name in values)
    connection.execute(
        sa.text(f'UPDATE {table} SET {assignments} WHERE id = :row_id'),
        {**values, 'row_id': row_id},
    )


def _convert(
    connection: sa.engine.Connection, cipher: AESGCM, supporter_id: int, sealing: bool
) -> None:
    """Seal (or open, going down) every field of one supporter's rows."""

    def change(table: str, name: str, value: object) -> object:
        if value is None:
            return None
        field = f'{table}.{name}'.encode()
        if sealing:
            return seal(cipher, _text(value), field)
        return unseal(cipher, bytes(value), field)

    def convert_rows(table: str, where: str, params: dict) -> list[int]:
        names = [c[0] for c in SEALED[table]]
        rows = connection.execute(
            sa.text(f"SELECT id, {', '.join(names)} FROM {table} WHERE {where}"), params
        ).all()
        for row in rows:
            values = {n: change(table, n, row._mapping[n]) for n in names}
            _rewrite(connection, table, row.id, values)
        return [row.id for row in rows]

    convert_rows('supporter', 'id = :id', {'id': supporter_id})
    for submission_id in convert_rows('submission', 'supporter_id = :id', {'id': supporter_id}):
        convert_rows('delivery', 'submission_id = :id', {'id': submission_id})


def upgrade() -> None:
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wrapped_key', sa.LargeBinary(), nullable=True))
    for table, columns in SEALED.items():
        _retype(table, columns, sealed=True)
    _retype('letter_text', [BODY], sealed=True)
    with op.batch_alter_table('letter_text', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_letter_text_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_letter_text_owner_id_supporter'),
            'supporter',
            ['owner_id'],
            ['id'],
            ondelete='CASCADE',
        )

    connection = op.get_bind()
    ring = keyring()
    rows = connection.execute(sa.text('SELECT id, email FROM supporter ORDER BY id')).all()
    for supporter_id, email in rows:
        data_key = AESGCM.generate_key(bit_length=256)
        _convert(connection, AESGCM(data_key), supporter_id, sealing=True)
        connection.execute(
            sa.text('UPDATE supporter SET wrapped_key = :w, email_key = :k WHERE id = :id'),
            {'w': ring.wrap(data_key), 'k': ring.email_key(_text(email)), 'id': supporter_id},
        )
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.alter_column('wrapped_key', existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    connection = op.get_bind()
    ring = keyring()
    rows = connection.execute(sa.text('SELECT id, wrapped_key FROM supporter ORDER BY id')).all()
    for supporter_id, wrapped in rows:
        cipher = AESGCM(ring.unwrap(bytes(wrapped)))
        _convert(connection, cipher, supporter_id, sealing=False)
    # Letter texts a supporter owned were sealed: open them, and they become shared texts.
    owned = connection.execute(
        sa.text('SELECT letter_text.id, letter_text.body, supporter.wrapped_key FROM letter_text '
                'JOIN supporter ON supporter.id = letter_text.owner_id')
    ).all()
    for text_id, body, wrapped in owned:
        cipher = AESGCM(ring.unwrap(bytes(wrapped)))
        plain = unseal(cipher, bytes(body), b'letter_text.body').encode()
        _rewrite(connection, 'letter_text', text_id, {'body': plain})
    with op.batch_alter_table('letter_text', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letter_text_owner_id_supporter'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_letter_text_owner_id'))
        batch_op.drop_column('owner_id')
    _retype('letter_text', [BODY], sealed=False)
    for table, columns in SEALED.items():
        _retype(table, columns, sealed=False)
    # The plain address was stored as given; its case-folded form was the match key.
    connection.execute(sa.text('UPDATE supporter SET email_key = lower(trim(email))'))
    with op.batch_alter_table('supporter', schema=None) as batch_op:
        batch_op.drop_column('wrapped_key')
