"""An address proven by a click on a link emailed to it: the letter's details become theirs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from webapp.models import Submission, Supporter

# What a letter says about its writer that the supporter row keeps too (one name and address
# per email address, shown in their data export).
_DETAILS = ("first_name", "last_name", "street", "city", "state", "zip_code", "country", "language")


def lock_writer(session: Session, letter: Submission) -> None:
    """Lock the letter's supporter, before the letter itself: retention updates a supporter,
    then their letters, and a click that locked the letter first deadlocked with it on
    PostgreSQL. FOR NO KEY UPDATE there, so new letters (which only refer to the row) need not
    wait on it; nothing on SQLite, whose writers take turns."""
    if lock_supporter(session, letter.supporter_id) is None:
        raise NoResultFound("the letter's supporter is gone")


def lock_supporter(session: Session, supporter_id: int) -> Supporter | None:
    """The supporter, re-read and locked as `lock_writer` locks it (None: erased)."""
    return session.get(
        Supporter,
        supporter_id,
        with_for_update={"key_share": True},
        populate_existing=True,
    )


def prove_address(session: Session, letter: Submission, now: datetime) -> None:
    """The writer of `letter` clicked a link emailed to its address (inside the caller's write
    transaction, after `lock_writer`, before `letter.email_verified` is set): the address is
    proven, and the letter's name, address and language become the supporter's, unless they
    wrote a later letter whose link was clicked already.

    Until then a letter from an already proven address left the supporter row as it was
    (`letter_rows._unless_proven`): anyone may write with someone else's address.
    """
    if letter.email_verified:
        return
    # Locked by the caller (`lock_writer`), so of two of their letters clicked at once the
    # later one's details stay.
    supporter = session.get_one(Supporter, letter.supporter_id)
    if supporter.proven_at is None:
        supporter.proven_at = now
    later = session.scalar(
        select(Submission.id)
        .where(
            Submission.supporter_id == supporter.id,
            Submission.email_verified.is_(True),
            Submission.created_at > letter.created_at,
        )
        .limit(1)
    )
    if later is not None:
        return
    for name in _DETAILS:
        setattr(supporter, name, getattr(letter, name))
    supporter.updated_at = now


def forget_letter_details(session: Session, supporter: Supporter) -> None:
    """One of the supporter's letters was deleted (inside the caller's write transaction, after
    the delete's flush): their row takes the details it would hold had that letter never been
    written, so nothing it said about them stays behind. That is the latest clicked letter's;
    with none left, the address is no longer proven (only deleted letters proved it) and it
    is the latest letter's, as each letter from an unproven address overwrote the row.

    Never more than the row holds: a street it no longer has (retention cleared it) stays
    gone. Not stored, so approximated: each click's time by its letter's confirmation (for a
    letter an organiser released, the release), and the email's spelling stays as it is.
    """
    remaining = session.scalars(
        select(Submission)
        .where(Submission.supporter_id == supporter.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    ).all()
    if not remaining:
        return
    clicked = [letter for letter in remaining if letter.email_verified]
    if not clicked:
        supporter.proven_at = None
    elif supporter.proven_at is not None:
        # Proven since the first click left: the deleted letter's may have been it.
        first = min(letter.confirmed_at or letter.created_at for letter in clicked)
        supporter.proven_at = max(supporter.proven_at, first)
    source = clicked[0] if clicked else remaining[0]
    for name in _DETAILS:
        if name == "street" and supporter.street is None:
            continue
        setattr(supporter, name, getattr(source, name))
    # When the row last took a letter's details: its click, or its writing. Retention clears
    # the row's street that long after, as it would have without the deleted letter.
    changed = source.created_at
    if clicked and source.confirmed_at is not None:
        changed = max(changed, source.confirmed_at)
    supporter.updated_at = changed
