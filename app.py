"""Entry point for `flask` and gunicorn: `gunicorn app:app`."""

from webapp import create_app

app = create_app()
