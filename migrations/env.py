"""Alembic environment: runs migrations against the app's own engine and model metadata."""

from alembic import context
from flask import current_app
from sqlalchemy.engine import Connection

from webapp.database import db


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # On the driver's connection: the pragma is ignored inside a transaction, and an execute
    # through SQLAlchemy would begin one.
    connection.connection.dbapi_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
    )


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by dropping it: with foreign keys on, that drop would
            # delete (ON DELETE CASCADE) or refuse on every row that references it.
            _sqlite_foreign_keys(connection, False)
        try:
            _run(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)


def _run(connection: Connection) -> None:
    options = {
        **current_app.extensions["migrate"].configure_args,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        "render_as_batch": connection.dialect.name == "sqlite",
        "compare_type": True,
        "user_module_prefix": "webapp.database.",
    }
    context.configure(connection=connection, target_metadata=db.metadata, **options)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
