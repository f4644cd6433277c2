"""Organiser accounts: creation, password checks and resets, and the audit log."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.database import write_transaction
from webapp.models import AuditAction, AuditEntry, Notification, NotificationKind, Organiser, Role
from webapp.request_slots import waiting

MIN_PASSWORD_LENGTH = 12
# Compared against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A clear, specific reason an account could not be created or changed."""


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"use at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or len(set(password)) < 5:
        raise AccountError("choose a less repetitive password without leading/trailing spaces")


def find_organiser(session: Session, email: str) -> Organiser | None:
    return session.scalar(select(Organiser).where(Organiser.email == email.strip().casefold()))


def create_organiser(
    session: Session,
    email: str,
    password: str,
    role: Role,
    partner_code: str | None,
    now: datetime,
    name: str | None = None,
) -> Organiser:
    email = email.strip().casefold()
    if "@" not in email:
        raise AccountError("give an email address")
    if role is Role.PARTNER and not partner_code:
        raise AccountError("a partner account needs --partner CODE")
    if role is Role.ADMIN and partner_code:
        raise AccountError("an admin account sees every partner; leave out --partner")
    check_password_strength(password)
    with write_transaction(session):
        if find_organiser(session, email) is not None:
            raise AccountError(f"an account for {email} already exists")
        organiser = Organiser(
            email=email,
            name=name,
            role=role,
            partner_code=partner_code,
            password_hash=generate_password_hash(password),
            created_at=now,
        )
        session.add(organiser)
        session.flush()
        session.add(
            AuditEntry(
                organiser_id=organiser.id,
                action=AuditAction.ACCOUNT_CREATED,
                details={"email": email, "role": role.value, "partner_code": partner_code},
                created_at=now,
            )
        )
    return organiser


def _password_matches(stored: str, password: str) -> bool:
    # scrypt runs for tens of milliseconds without the GIL: other requests may use the slot.
    with waiting():
        return check_password_hash(stored, password)


def authenticate(session: Session, email: str, password: str, now: datetime) -> Organiser | None:
    organiser = find_organiser(session, email)
    if organiser is None or not organiser.active:
        _password_matches(_DUMMY_HASH, password)
        return None
    if not _password_matches(organiser.password_hash, password):
        return None
    with write_transaction(session):
        organiser.last_login_at = now
    return organiser


def organiser_for_session(session: Session, user_id: str) -> Organiser | None:
    """The account a session's user id ("id:version") names, if that session is still valid.

    A session is valid while its version is the account's current one, so raising the version
    (`end_sessions`) signs out every browser at once, including copied cookies.
    """
    raw_id, _sep, raw_version = user_id.partition(":")
    if not (user_id.isascii() and raw_id.isdigit() and raw_version.isdigit()):
        return None
    organiser = session.get(Organiser, int(raw_id))
    if organiser is None or not organiser.active:
        return None
    return organiser if organiser.session_version == int(raw_version) else None


def end_sessions(
    session: Session, organiser: Organiser, now: datetime, by: Organiser | None = None
) -> None:
    """Sign the account out everywhere; audited when someone else (an admin, a command) does it."""
    with write_transaction(session):
        organiser.session_version += 1
        if by is None or by.id != organiser.id:
            audit(
                session,
                by.id if by is not None else None,
                AuditAction.ACCOUNT_SESSIONS_ENDED,
                now,
                email=organiser.email,
                by="admin" if by is not None else "command line",
            )


def set_password(session: Session, organiser: Organiser, password: str, now: datetime) -> None:
    """Change the password and end every session opened with the old one."""
    check_password_strength(password)
    with write_transaction(session):
        organiser.password_hash = generate_password_hash(password)
        organiser.session_version += 1
        session.add(
            AuditEntry(
                organiser_id=organiser.id,
                action=AuditAction.ACCOUNT_PASSWORD_CHANGED,
                details={},
                created_at=now,
            )
        )


def request_password_reset(session: Session, email: str, now: datetime) -> None:
    """Queue a reset email if the account exists; say nothing either way (no enumeration)."""
    organiser = find_organiser(session, email)
    if organiser is None or not organiser.active:
        return
    with write_transaction(session):
        session.add(
            Notification(
                organiser_id=organiser.id,
                kind=NotificationKind.PASSWORD_RESET,
                created_at=now,
                updated_at=now,
            )
        )


def audit(
    session: Session,
    organiser_id: int | None,
    action: AuditAction,
    now: datetime,
    campaign_id: int | None = None,
    **details: Any,
) -> None:
    """Add an audit entry inside the caller's transaction."""
    session.add(
        AuditEntry(
            organiser_id=organiser_id,
            campaign_id=campaign_id,
            action=action,
            details=details,
            created_at=now,
        )
    )
