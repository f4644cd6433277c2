"""Imports every dashboard route module so the blueprint is complete when registered."""

from webapp.dashboard import (  # noqa: F401  (they add routes to bp)
    auth,
    changeover_views,
    civic_text,
    delivery_views,
    editor,
    embed_views,
    failure_words,
    held_reasons,
    held_views,
    paragraph_views,
    places,
    replies_views,
    status_names,
    views,
    writer_lines,
)
from webapp.dashboard.blueprint import bp

__all__ = ["bp"]
