"""Imports every dashboard route module so the blueprint is complete when registered."""

from webapp.dashboard import auth, changeover_views, editor, replies_views, views  # noqa: F401  (they add routes to bp)
from webapp.dashboard.blueprint import bp

__all__ = ["bp"]
