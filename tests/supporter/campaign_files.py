"""Small campaign files written and imported by tests, and a count of everything recorded."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from webapp.campaigns.services import import_campaign_path
from webapp.database import db
from webapp.models import Consent, Delivery, LetterText, Submission, Supporter

EDITABLE_BODY = "Our children need safe water at school.\n\nPlease fund lead pipe replacement.\n"

# A locked letter that merges supporter values into every piece of organiser text.
MERGED_BODY = (
    "Neighbours in {{ supporter.city }} ask {{ target.name }} to act.\n\n"
    "Signed for the record: {{ supporter.full_name }}\n"
)


def write_campaign(
    app: Flask,
    folder: Path,
    slug: str,
    *,
    title: str = "Safe water for every school",
    body: str = EDITABLE_BODY,
    body_editable: bool = True,
    status: str = "live",
    subject: str = "Safe water in {{ supporter.city }}",
    salutation: str = "Dear {{ target.name }},",
    closing: str = "Sincerely,",
    extra: str = "",
    targets: tuple[str, ...] = ("Water Board",),
    target_salutation: str | None = None,
) -> str:
    """Write a campaign file to custom `targets` (one unless told, each greeted by
    `target_salutation` if given) under `folder`, import it and return its slug."""
    own = f"    salutation: {_quoted(target_salutation)}\n" if target_salutation else ""
    path = folder / f"{slug}.md"
    path.write_text(
        "---\n"
        f"slug: {slug}\n"
        f"title: {_quoted(title)}\n"
        f"subject: {_quoted(subject)}\n"
        f"salutation: {_quoted(salutation)}\n"
        f"closing: {_quoted(closing)}\n"
        f"body_editable: {'true' if body_editable else 'false'}\n"
        f"status: {status}\n"
        f"{extra}"
        "targets:\n"
        + "".join(f"  - kind: custom\n    name: {_quoted(name)}\n{own}" for name in targets)
        + "---\n"
        f"{body}",
        encoding="utf-8",
    )
    with app.app_context():
        return import_campaign_path(db.session(), path).slug


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_counts(app: Flask) -> dict[str, int]:
    """How many rows each recorded table holds."""
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Supporter, Submission, Delivery, Consent, LetterText)
        }


NOTHING_RECORDED = {"Supporter": 0, "Submission": 0, "Delivery": 0, "Consent": 0, "LetterText": 0}
