"""Alembic environment: runs migrations against the app's own engine and model metadata."""

from alembic import context
from flask import current_app

from webapp.database import db


def run_migrations_online() -> None:
    with db.engine.connect() as connection:
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
