"""Batched post's letters whose sealed data does not open: set aside, the envelope goes on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.outcomes import RetryPolicy
from webapp.delivery.post_render import bare_html, batched_pages
from webapp.delivery.unreadable import key_opens_others, rotation_wait, set_aside
from webapp.models import Delivery, Mailing
from webapp.sealing import SealingError

log = logging.getLogger(__name__)
T = TypeVar("T")


def readable_pages(
    session: Session, rows: Sequence[Delivery], now: datetime, policy: RetryPolicy
) -> dict[int, int]:
    """The pages of each letter that opens, by id. Those that do not are set aside, as one
    claimed row that does not open is: one supporter's data must not hold back the day's
    mailing, nor (raised to the worker) every channel's letters. SealingError when the master
    key opens no other supporter's data either: then it is the key's fault, and all wait."""
    pages, unreadable = _opened(session, rows, batched_pages)
    if unreadable:
        _set_aside(session, None, unreadable, now, policy)
    return pages


def readable_members(
    session: Session,
    mailing: Mailing,
    members: Sequence[Delivery],
    now: datetime,
    policy: RetryPolicy,
) -> list[Delivery]:
    """The envelope's letters that still open (one may have stopped opening since it was made:
    a key rotation, a damaged row); the others leave it, set aside. SealingError as for
    `readable_pages`."""
    opened, unreadable = _opened(session, members, bare_html)
    if unreadable:
        _set_aside(session, mailing.id, unreadable, now, policy)
    return [row for row in members if row.id in opened]


def _opened(
    session: Session, rows: Sequence[Delivery], open_one: Callable[[Delivery], T]
) -> tuple[dict[int, T], list[Delivery]]:
    """What `open_one` makes of each row that opens, by id, and the rows that do not; raises
    the SealingError when the master key opens no other supporter's data either."""
    opened: dict[int, T] = {}
    unreadable: list[Delivery] = []
    for row in rows:
        try:
            opened[row.id] = open_one(row)
        except SealingError:
            if not key_opens_others(session, row):
                raise
            unreadable.append(row)
    return opened, unreadable


def _set_aside(
    session: Session,
    mailing_id: int | None,
    rows: list[Delivery],
    now: datetime,
    policy: RetryPolicy,
) -> None:
    ids = [row.id for row in rows]  # read before the commit
    # Core statements alone: the envelope's other letters stay loaded for its send.
    with write_transaction(session, keep_loaded=True):
        set_aside(session, rows, now, now + rotation_wait(policy))
        if mailing_id is not None:
            session.execute(
                update(Mailing)
                .where(Mailing.id == mailing_id)
                .values(letters=Mailing.letters - len(ids), updated_at=now)
                .execution_options(synchronize_session=False)
            )
    # Ids only: which supporter's data it is stays out of the log.
    log.warning("posted letter(s) %s set aside: their data does not open", ids)
