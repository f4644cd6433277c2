"""Emails the worker sends: letters to offices, receipts and confirmation links to supporters."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData

from webapp.database import utcnow
from webapp.delivery.channels import only_by_hand
from webapp.delivery.outbox import time_left, too_late
from webapp.i18n import interface_language, isolate_in_subject
from webapp.models import Delivery, NotificationKind, Organiser, Submission, SubmissionStatus
from webapp.signing import timed_serializer

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_text(value: str, limit: int = 200) -> str:
    """Header-safe text: no CR/LF or other controls (header injection), single spaces, trimmed."""
    return re.sub(r"\s+", " ", _UNSAFE.sub(" ", value)).strip()[:limit]


def _address(display: str, email: str) -> Address:
    local, _sep, domain = email.rpartition("@")
    return Address(display_name=header_text(display), username=local, domain=domain)


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def _base(kind: str, subject: str, to: Address, key: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    _set_subject(message, header_text(subject, 250))
    message["To"] = to
    message["Date"] = format_datetime(utcnow())
    # Stable per delivery, so a resend after a crash is recognisable downstream.
    message["Message-ID"] = f"<{key}@{_domain(config['MAIL_FROM'])}>"
    message["X-Civic-Letters"] = f"{kind} {key}"
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """The Subject header, folded so that every space survives.

    The email policy's own folding (CPython 3.11) loses the space where it breaks a long
    non-ASCII subject between two encoded words: an Arabic receipt read "فيسوريا", an English
    one with its title's isolate marks lost spaces too. email.header keeps every character,
    spaces included, inside its encoded words; the value is stored folded as it made it.
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def letter_email(delivery: Delivery) -> EmailMessage:
    """The letter to an office: from our address on the supporter's behalf, replies to them."""
    submission = delivery.submission
    campaign = submission.campaign
    config = current_app.config
    supporter_name = f"{submission.first_name} {submission.last_name}"
    sender = campaign.sender_email or config["MAIL_FROM"]
    if not delivery.email:
        raise ValueError("delivery has no email address")
    message = _base(
        "letter",
        submission.subject,
        _address(delivery.recipient_name, delivery.email),
        delivery.idempotency_key,
    )
    message["From"] = _address(f"{supporter_name} via {config['SITE_NAME']}", sender)
    message["Reply-To"] = _address(supporter_name, submission.supporter.email)
    context = {"delivery": delivery, "submission": submission, "campaign": campaign}
    message.set_content(render_template("email/letter.txt", **context))
    message.add_alternative(render_template("email/letter.html", **context), subtype="html")
    return message


def public_url(path: str) -> str:
    config = current_app.config
    return str(config["PUBLIC_BASE_URL"] or config["LOCAL_BASE_URL"]).rstrip("/") + path


def signed_receipt(submission: Submission, salt: str) -> str:
    """The letter's receipt token signed for one purpose (`salt`): a link that opens only that."""
    serializer = timed_serializer(salt)
    return str(serializer.dumps(submission.receipt_token))


def read_signed_receipt(token: str, salt: str, max_age_seconds: int | None) -> str | None:
    """The receipt token inside a link signed for `salt`, or None if forged or too old."""
    serializer = timed_serializer(salt)
    try:
        value = serializer.loads(token, max_age=max_age_seconds)
    except BadData:  # forged, mangled or expired: simply not valid
        return None
    return value if isinstance(value, str) else None


def confirmation_token(submission: Submission) -> str:
    return signed_receipt(submission, "confirm-letter")


def read_confirmation_token(token: str) -> str | None:
    """The receipt token inside a confirmation link, or None if forged or mangled. The link
    has no age of its own: its letter's age and state decide (`confirm_submission`)."""
    return read_signed_receipt(token, "confirm-letter", None)


@dataclass(frozen=True)
class TimeLeft:
    """How long a confirmation link still works, as its email says it: `hours` rounded down,
    or when under an hour (`hours` 0) the `minutes`."""

    hours: int
    minutes: int


def time_left_to_confirm(submission: Submission, now: datetime) -> TimeLeft | None:
    """The time its writer still has to confirm the letter, as an email rendered `now` states
    it; None when there is none to state: a held letter has no deadline, and a letter
    confirmed, ended or past its window has nothing left to promise."""
    hours = int(current_app.config["CONFIRMATION_EXPIRY_HOURS"])
    waiting = submission.status is SubmissionStatus.UNCONFIRMED
    left = time_left(submission, now, hours) if waiting else None
    if left is None or left < timedelta(0):
        return None
    # Whole minutes rounded up, so an email written a moment after its letter still states
    # the whole window; hours below that rounded down, so it never promises more.
    minutes = max(1, math.ceil(left / timedelta(minutes=1)))
    return TimeLeft(hours=minutes // 60, minutes=minutes)


def _confirming(submission: Submission, kind: NotificationKind, now: datetime) -> dict[str, object]:
    """What the emails say about confirming the letter, counted as they are written, not from
    the setting: one may go out late (retried while SMTP was down) or again (a receipt link)."""
    hours = int(current_app.config["CONFIRMATION_EXPIRY_HOURS"])
    waiting = submission.status is SubmissionStatus.UNCONFIRMED
    if waiting and too_late(submission, now, hours):
        if kind is NotificationKind.CONFIRMATION:  # the worker expires it instead (`_wanted`)
            raise ValueError("the letter is past its confirmation window")
        waiting = False
    return {
        "awaiting_click": waiting,
        "time_left": time_left_to_confirm(submission, now),
        # Its offices all take it through their own web forms: the link itself sends nothing.
        "only_by_hand": only_by_hand(submission.deliveries),
    }


def supporter_email(
    submission: Submission, kind: NotificationKind, key: str, now: datetime | None = None
) -> EmailMessage:
    """A receipt (with a copy of each letter), a confirmation or receipt link, in their language,
    as it stands `now` (the worker's clock; by default the current time)."""
    campaign = submission.campaign
    confirming = _confirming(submission, kind, now or utcnow())
    # Isolated as in the body where it matters: an English title ("5 steps ...") in an Arabic
    # subject would otherwise lose its leading number to the right-to-left sentence around it.
    language = interface_language(submission.language)
    title = isolate_in_subject(campaign.title_in(language), language)
    with force_locale(language):
        if kind is NotificationKind.CONFIRMATION:
            subject = _("Please confirm your letter: %(title)s", title=title)
        elif kind is NotificationKind.RECEIPT_LINK:
            subject = _("The link to your receipt: %(title)s", title=title)
        elif kind is NotificationKind.RECEIPT:
            subject = _("Your letter: %(title)s", title=title)
        else:
            raise ValueError(f"{kind.value} is not an email about one letter")
        context = {
            "submission": submission,
            "campaign": campaign,
            # The pages open in the email's language, whatever the browser reading it prefers
            # (a laptop in Berlin set to German would otherwise show the receipt in English).
            "receipt_url": public_url(f"/receipts/{submission.receipt_token}?lang={language}"),
            "confirm_url": public_url(f"/confirm/{confirmation_token(submission)}?lang={language}"),
            **confirming,
        }
        text = render_template(f"email/{kind.value}.txt", **context)
        html = render_template(f"email/{kind.value}.html", **context)
    return to_supporter(submission, kind, key, subject, text, html)


def to_supporter(
    submission: Submission, kind: NotificationKind, key: str, subject: str, text: str, html: str
) -> EmailMessage:
    """An email to the letter's writer from the campaign's sender, in plain text and HTML."""
    campaign = submission.campaign
    config = current_app.config
    to = _address(submission.own_full_name, submission.supporter.email)
    message = _base(kind.value, subject, to, key)
    message["From"] = _address(
        campaign.sender_name or config["SITE_NAME"], campaign.sender_email or config["MAIL_FROM"]
    )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # The language both parts are written in (RFC 3282): the HTML part's lang is not seen by
    # a mail program choosing a voice or offering to translate the plain-text one. Set last:
    # set_content and add_alternative clear or move every Content- header already set.
    message["Content-Language"] = interface_language(submission.language)
    return message


# How long a reset link works: the email says so and the link is read with it.
RESET_HOURS = 2


def password_reset_token(organiser: Organiser) -> str:
    """Signed with the current password hash, so a used or outdated link stops working."""
    serializer = timed_serializer("password-reset")
    return str(serializer.dumps([organiser.id, organiser.password_hash[-16:]]))


def read_password_reset_token(token: str) -> tuple[int, str] | None:
    serializer = timed_serializer("password-reset")
    try:
        value = serializer.loads(token, max_age=RESET_HOURS * 3600)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int)):
        return None
    return int(value[0]), str(value[1])


def password_reset_email(organiser: Organiser, key: str) -> EmailMessage:
    config = current_app.config
    link = public_url(f"/dashboard/reset/{password_reset_token(organiser)}")
    message = _base(
        "password-reset",
        _("Reset your %(site)s password", site=config["SITE_NAME"]),
        _address(organiser.name or organiser.email, organiser.email),
        key,
    )
    message["From"] = _address(config["SITE_NAME"], config["MAIL_FROM"])
    message.set_content(render_template("email/password_reset.txt", link=link, hours=RESET_HOURS))
    return message
