"""A supporter's data on request (erase everything), timed retention, master key rotation."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from webapp.civic.cache import address_cache_key, geocoder_kinds
from webapp.database import checkpoint_wal, utcnow, write_transaction
from webapp.models import (
    Delivery,
    DeliveryStatus,
    LetterText,
    LookupCache,
    Submission,
    Supporter,
)
from webapp.sealing import keyring, reseal
from webapp.services.delivery_tallies import refresh_if_cheap
from webapp.services.own_words import forget_sketches
from webapp.services.proven_address import forget_letter_details, lock_supporter
from webapp.services.supporter_export import find_supporter

# A delivery in one of these states has left our hands: its letter's personal text may go.
# A hand-off waiting for its writer is in theirs: their receipt offered it to paste for the
# whole retention period, and without it their words would be kept for as long as they never
# pressed "I have sent it" (the receipt then says the words were removed).
LEFT_OUR_HANDS = (
    DeliveryStatus.SENT,
    DeliveryStatus.ACCEPTED,
    DeliveryStatus.DONE_BY_SUPPORTER,
    DeliveryStatus.DEAD,
    DeliveryStatus.CANCELLED,
    DeliveryStatus.REPLACED,
    DeliveryStatus.NEEDS_ACTION,
)


def erase_supporter(session: Session, email: str) -> int | None:
    """Delete the supporter with this address and everything of theirs (see `erase_rows`).
    Returns how many letters were erased, None when no supporter has the address."""
    with write_transaction(session):
        supporter = find_supporter(session, email)
        campaigns: set[int] = set()
        letters = None
        if supporter is not None:
            campaigns = set(
                session.scalars(
                    select(Submission.campaign_id).where(Submission.supporter_id == supporter.id)
                )
            )
            letters = erase_rows(session, supporter)
    checkpoint_wal(session)
    # Each campaign's counts by status drop the erased letters now, not at the worker's next
    # recount a minute later, beside lists of letters read live (as after a release).
    for campaign_id in sorted(campaigns):
        refresh_if_cheap(session, campaign_id, utcnow(), max_age=timedelta(0))
    return letters


def erase_rows(session: Session, supporter: Supporter) -> int:
    """Delete the supporter, their letters, deliveries, consents, receipts and cached lookups,
    inside the caller's write transaction; the caller checkpoints the WAL after it commits.

    Their data key goes with their row, so sealed copies left in dead rows cannot be opened;
    on SQLite the freed space is zeroed (secure_delete). Dashboard tallies (plain numbers,
    nothing personal) keep counting them. Returns how many letters were erased.
    """
    submissions = list(
        session.scalars(select(Submission).where(Submission.supporter_id == supporter.id))
    )
    own = (supporter.street, supporter.city, supporter.state, supporter.zip_code)
    # Cascades to submissions, deliveries, consents, emails and the texts they own.
    _erase(session, submissions, supporter, extra_address=own)
    return len(submissions)


def erase_letter_rows(session: Session, submission: Submission) -> None:
    """Delete one letter with its deliveries, consents, emails, sketches and the cached lookup
    of its address, inside the caller's write transaction, after `lock_writer`. The supporter's
    row (and their other letters) stay: one letter's receipt proves nothing about the others.
    The row loses what that letter put in it (`forget_letter_details`), and everything of
    theirs is sealed under a new data key, so the letter's copies in dead rows cannot be
    opened (PostgreSQL keeps them until vacuumed; SQLite zeroes them)."""
    supporter = submission.supporter
    _erase(session, [submission], submission)
    forget_letter_details(session, supporter)
    _renew_key(session, supporter)


def _erase(
    session: Session,
    submissions: list[Submission],
    doomed: Supporter | Submission,
    extra_address: tuple[str | None, ...] | None = None,
) -> None:
    texts = {s.statement_id for s in submissions}
    texts |= {
        text_id
        for s in submissions
        for d in s.deliveries
        for text_id in (d.body_id, d.cover_id)
        if text_id
    }
    addresses: set[tuple[str | None, ...]] = {
        (s.street, s.city, s.state, s.zip_code) for s in submissions
    }
    if extra_address is not None:
        addresses.add(extra_address)
    keys = [
        address_cache_key(kind, street, city, state, zip_code)
        for street, city, state, zip_code in addresses
        if street
        for kind in geocoder_kinds(session)
    ]
    session.delete(doomed)
    session.flush()
    if keys:
        session.execute(delete(LookupCache).where(LookupCache.key.in_(keys)))
    # Statement texts are shared between letters; only those nobody else uses go.
    for text_id in texts:
        used = session.scalar(
            select(Submission.id).where(Submission.statement_id == text_id).limit(1)
        ) or session.scalar(
            select(Delivery.id)
            .where((Delivery.body_id == text_id) | (Delivery.cover_id == text_id))
            .limit(1)
        )
        if used is None:
            session.execute(delete(LetterText).where(LetterText.id == text_id))


def _owned_rows(session: Session, supporter: Supporter) -> list[object]:
    """The supporter and every row sealed under their data key, read again (the caller locked
    the supporter: what another writer changed before is what gets sealed)."""
    fresh = {"populate_existing": True}
    submissions = list(
        session.scalars(
            select(Submission)
            .where(Submission.supporter_id == supporter.id)
            .execution_options(**fresh)
        )
    )
    texts = session.scalars(
        select(LetterText).where(LetterText.owner_id == supporter.id).execution_options(**fresh)
    )
    deliveries = [d for s in submissions for d in s.deliveries]
    return [supporter, *submissions, *deliveries, *texts]


def _renew_key(session: Session, supporter: Supporter) -> None:
    """Seal everything of theirs under a new data key, so what was removed cannot be read from
    copies under the old one (PostgreSQL keeps dead rows); their last-letter time stays.

    Their supporter row is locked first, as every writer of their sealed rows locks it (a
    changeover adding a delivery, a click, a deletion): one that committed before is read
    here, one after waits and finds the new key.
    """
    lock_supporter(session, supporter.id)
    reseal(supporter, _owned_rows(session, supporter))
    flag_modified(supporter, "updated_at")


def _by_id(supporter: Supporter) -> int:
    return supporter.id


def purge_personal_text(session: Session, now: datetime, days: int, batch: int = 200) -> int:
    """Remove personal paragraphs, rewrites and street addresses from letters written `days`
    ago or more, once every delivery has left our hands (`LEFT_OUR_HANDS`), and the street
    of supporters whose row has not changed for that long.

    Letters keep their counts, districts and who they went to; only the personal text goes.
    The supporters concerned get a new data key, and the SQLite WAL is checkpointed.
    """
    if days <= 0:
        return 0
    cutoff = now - timedelta(days=days)
    unfinished = select(Delivery.submission_id).where(Delivery.status.not_in(LEFT_OUR_HANDS))
    total = changed = 0
    while True:
        with write_transaction(session):
            due = list(
                session.scalars(
                    select(Submission)
                    .where(
                        Submission.purged_at.is_(None),
                        Submission.created_at < cutoff,
                        Submission.id.not_in(unfinished),
                    )
                    .order_by(Submission.id)
                    .limit(batch)
                )
            )
            stale = list(
                session.scalars(
                    select(Supporter)
                    .where(Supporter.updated_at < cutoff, Supporter.street.is_not(None))
                    .limit(batch)
                )
            )
            selected = len(due)
            # In id order, so two rounds never wait on each other's writers.
            for supporter in sorted({s.supporter for s in due} | set(stale), key=_by_id):
                _renew_key(session, supporter)
            # Asked again now their writers are locked: a changeover may have sent one of these
            # letters on meanwhile (a new delivery on its way), and its words stay with it.
            ids = [submission.id for submission in due]
            still_due = set(
                session.scalars(
                    select(Submission.id).where(
                        Submission.id.in_(ids), Submission.id.not_in(unfinished)
                    )
                )
            )
            due = [submission for submission in due if submission.id in still_due]
            for submission in due:
                submission.personal_message = None
                submission.personal_english = None
                submission.edited_body = None
                submission.street = None
                submission.ip_hash = None
                submission.subnet_hash = None
                submission.personal_hash = None  # the paragraph's fingerprint goes with it
                submission.purged_at = now
            forget_sketches(session, [submission.id for submission in due])
            for supporter in stale:
                supporter.street = None
        total += len(due)
        changed += len(due) + len(stale)
        if selected < batch and len(stale) < batch:
            break
    if changed:  # the worker calls this every round: idle rounds leave the WAL alone
        checkpoint_wal(session)
    return total


def rotate_master_key(session: Session, batch: int = 500) -> int:
    """Re-wrap every data key not yet under the current DATA_ENCRYPTION_KEY, and re-key each
    email hash; run with the old key in DATA_ENCRYPTION_PREVIOUS_KEY. Returns how many.
    """
    ring = keyring()
    done = 0
    last_id = 0
    while True:
        with write_transaction(session):
            rows = list(
                session.scalars(
                    select(Supporter)
                    .where(Supporter.id > last_id)
                    .order_by(Supporter.id)
                    .limit(batch)
                )
            )
            for supporter in rows:
                if ring.wrapped_by_current(supporter.wrapped_key):
                    continue
                supporter.wrapped_key = ring.wrap(ring.unwrap(supporter.wrapped_key))
                supporter.email_key = ring.email_key(supporter.email)
                flag_modified(supporter, "updated_at")
                done += 1
        if len(rows) < batch:
            break
        last_id = rows[-1].id
    checkpoint_wal(session)
    return done
