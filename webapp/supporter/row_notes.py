"""A receipt's word about one office, drawn in that office's row, where the page lands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import flash, session
from markupsafe import Markup, escape

# Beside Flask's "_flashes", and one-shot like them. It holds a delivery id, never the receipt's
# token: the session cookie is signed, not sealed.
_KEY = "_receipt_row_note"


@dataclass(frozen=True)
class RowNote:
    delivery_id: int
    text: Markup
    category: str  # as a flash's: "info" or "error"


def note_row(delivery_id: int, text: str, category: str = "info") -> None:
    """Say something about this office on the next receipt page. A button in an office's row
    brings the page back at that row (#delivery-N): a flash at the top would be off a phone's
    screen, unseen without JavaScript."""
    session[_KEY] = {"delivery": delivery_id, "text": escape(text), "category": category}


def take_row_note(delivery_ids: Iterable[int]) -> RowNote | None:
    """The note for one of these rows, once. A note for an office no longer on the receipt is
    flashed at the top instead, not lost."""
    # The session restores the Markup it was given; escape() passes that through as it is.
    stored = session.pop(_KEY, None)
    if not isinstance(stored, dict):
        return None
    note = RowNote(int(stored["delivery"]), escape(stored["text"]), str(stored["category"]))
    if note.delivery_id in set(delivery_ids):
        return note
    flash(note.text, note.category)
    return None
