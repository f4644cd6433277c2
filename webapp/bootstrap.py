"""First-start set-up for `make run`: secret key, database schema and default campaign."""

from __future__ import annotations

from webapp.config import prepare_instance
from webapp.config_values import report_config_errors_briefly


def main() -> None:
    report_config_errors_briefly()
    prepare_instance()

    from webapp import create_app
    from webapp.cli import setup_database

    # Not checked at creation: the schema may be behind until setup_database migrates it,
    # which then checks the master key against the supporters stored.
    app = create_app(check=False)
    with app.app_context():
        setup_database()


if __name__ == "__main__":
    main()
