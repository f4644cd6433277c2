"""What one outbox row sends: the message built for its channel and the call that sends it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.orm import object_session as session_of

from webapp.delivery.cwc import CwcClient
from webapp.delivery.cwc_http import Fault, fault_of, settings_fault
from webapp.delivery.cwc_message import build_message
from webapp.delivery.emails import letter_email, password_reset_email, supporter_email
from webapp.delivery.failure_reasons import http_reason
from webapp.delivery.mailing import Postal
from webapp.delivery.smtp import ChannelDown, Mailer, SendError
from webapp.delivery.survey_email import survey_email
from webapp.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    NotificationKind,
)
from webapp.services.reply_survey import SURVEY_KINDS, survey_for

# A prepared send: run it to deliver the row; it returns the outcome or raises SendError.
Send = Callable[[], tuple[DeliveryStatus, str | None]]


def prepare_send(
    row: Delivery | Notification,
    mailer: Mailer | None,
    cwc_clients: Mapping[Channel, CwcClient],
    postal: Postal | None,
    clock: Callable[[], datetime],
) -> tuple[float, Send]:
    """Build what `row` sends (no network yet): the channel's time limit and the send."""
    if isinstance(row, Notification) or row.channel is Channel.EMAIL:
        if mailer is None:
            raise SendError("SMTP is not configured", reason=FailureReason.RELAY_SETTINGS)
        return mailer.settings.timeout, mail_send(row, mailer, clock())
    client = cwc_clients.get(row.channel) if row.channel else None
    if client is not None:
        system = client.settings.system
        try:
            xml = build_message(row, client.settings, clock())
        except ValueError as exc:
            said = f"cannot build the {system} message: {exc}"
            raise SendError(said, True, FailureReason.FIELDS_REFUSED) from exc

        def post() -> tuple[DeliveryStatus, str | None]:
            result = client.send(xml)
            if result.accepted:
                return DeliveryStatus.ACCEPTED, result.detail or None
            fault = fault_of(result.status)
            code = f" (HTTP {result.status})" if result.status else ""
            prefix = "SENATE_CWC_" if row.channel is Channel.SENATE_CWC else "CWC_"
            mend = settings_fault(system, result.status, f"{prefix}API_KEY", f"{prefix}URL")
            why = http_reason(result.status, mend is not None, FailureReason.FIELDS_REFUSED)
            if fault is Fault.LETTER:
                refused = f"{system} refused the message: {result.detail}"
                raise SendError(refused, result.permanent, why)
            said = f"{mend} ({system} said: {result.detail})" if mend else None
            raise ChannelDown(
                said or f"{system} unavailable{code}: {result.detail}",
                certain=fault is Fault.CHANNEL,
                reason=why,
            )

        return client.time_limit, post
    if row.channel is Channel.POST and postal is not None:
        return postal.client.time_limit, postal.prepare(row)
    raise SendError(f"no sender for channel {row.channel}", permanent=True)


def mail_send(row: Delivery | Notification, mailer: Mailer, now: datetime) -> Send:
    reference: str | None = None
    if isinstance(row, Delivery):
        message = letter_email(row)
        reference = str(message["Message-ID"])
    elif row.kind is NotificationKind.PASSWORD_RESET and row.organiser is not None:
        message = password_reset_email(row.organiser, row.idempotency_key)
    elif row.kind in SURVEY_KINDS and row.submission is not None:
        session = session_of(row)
        survey = survey_for(session, row.submission) if session is not None else None
        if survey is None:
            raise SendError("the survey of this letter is gone", permanent=True)
        message = survey_email(row.submission, survey, row.kind, row.idempotency_key)
    elif row.submission is not None:
        message = supporter_email(row.submission, row.kind, row.idempotency_key, now)
    else:
        raise SendError("notification has nobody to send to", permanent=True)

    def send() -> tuple[DeliveryStatus, str | None]:
        mailer.send(message)
        return DeliveryStatus.SENT, reference

    return send
