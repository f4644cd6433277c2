"""Posted letters as the service prints them: one letter, or a day's batch behind a cover page."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flask import render_template
from markupsafe import Markup

from webapp.delivery.post import PostalAddress
from webapp.models import Delivery

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "post_letter.css"
COVER_PAGES = 1  # a batch's cover is one page, its letters each start on a fresh page


@cache
def _style() -> Markup:
    """The posted letter's stylesheet, inside the page: the service renders it on its own."""
    css = STYLESHEET.read_text(encoding="utf-8")
    return Markup("<style>\n") + Markup(css) + Markup("</style>")  # noqa: S704 - our own file


def address_lines(address: PostalAddress, office: str | None = None) -> list[str]:
    """The block printed in an envelope window: name, office, street lines, city line."""
    lines = [address.name, *([office] if office and office != address.name else [])]
    lines += [address.line1, *([address.line2] if address.line2 else [])]
    return [*lines, f"{address.city} {address.state} {address.zip_code}"]


def _windows(row: Delivery, office: PostalAddress, sender: PostalAddress) -> dict[str, Any]:
    return {
        "to_lines": address_lines(office, row.recipient_office),
        "from_lines": address_lines(sender),
        "letter_style": _style(),
    }


def letter_html(row: Delivery, office: PostalAddress, sender: PostalAddress) -> str:
    """One supporter's letter, with both addresses placed for the envelope's windows."""
    return render_template(
        "delivery/post_letter.html",
        letters=[row],
        **_windows(row, office, sender),
    )


def batch_html(
    rows: Sequence[Delivery], office: PostalAddress, sender: PostalAddress, day: date
) -> str:
    """A day's letters to one office in one envelope: a cover page in the windows, then each
    letter on a fresh page, in the order they were written."""
    return render_template(
        "delivery/post_letter.html",
        letters=list(rows),
        cover={"day": day, "count": len(rows)},
        **_windows(rows[0], office, sender),
    )


def batched_pages(row: Delivery) -> int:
    """Pages one letter takes inside a batch, where it starts at the top of a fresh page."""
    return page_count(bare_html(row))


def bare_html(row: Delivery) -> str:
    """One letter alone as it sits in a batch (SealingError if its words do not open)."""
    return render_template(
        "delivery/post_letter.html", letters=[row], bare=True, letter_style=_style()
    )


def page_count(html: str) -> int:
    """Pages the letter takes, laid out with WeasyPrint from the same HTML and stylesheet."""
    from weasyprint import HTML

    return len(HTML(string=html).render().pages)


def sheets(pages: int) -> int:
    """Sheets of paper for this many pages: the service prints both sides."""
    return max(1, math.ceil(pages / 2))


def pack(pages: Sequence[tuple[int, int]], max_sheets: int) -> list[list[int]]:
    """Split (delivery id, pages) in order into mailings of at most `max_sheets` sheets each,
    cover included. A letter longer than the limit on its own still goes, alone."""
    parts: list[list[int]] = []
    current: list[int] = []
    used = COVER_PAGES
    for row_id, count in pages:
        if current and sheets(used + count) > max_sheets:
            parts.append(current)
            current, used = [], COVER_PAGES
        current.append(row_id)
        used += count
    return [*parts, current] if current else parts
