"""The audit log's "What" column in words: each audit action's label for organisers."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.models import AuditAction

ACTION_LABELS: dict[AuditAction, LazyString] = {
    AuditAction.ACCOUNT_CREATED: _l("Account created"),
    AuditAction.ACCOUNT_PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.ACCOUNT_SESSIONS_ENDED: _l("Signed out everywhere"),
    AuditAction.ACCOUNT_SIGN_IN_UNPAUSED: _l("Sign-in allowed again"),
    AuditAction.CAMPAIGN_CREATED: _l("Campaign created"),
    AuditAction.CAMPAIGN_UPDATED: _l("Campaign edited"),
    AuditAction.CAMPAIGN_IMPORTED: _l("Campaign file imported"),
    AuditAction.CHANGEOVER_RETARGET: _l("Letter redirected to the office's new member"),
    AuditAction.CHANGEOVER_CANCEL: _l("Letter to a departed member cancelled"),
    AuditAction.EXPORT_DELIVERIES: _l("Deliveries exported (CSV)"),
    AuditAction.EXPORT_LETTERS: _l("Letters exported (CSV)"),
    AuditAction.EXPORT_PARTNER_SUPPORTERS: _l("Partner's supporters exported (CSV)"),
    AuditAction.MODERATION_RELEASE: _l("Held letter released"),
    AuditAction.MODERATION_DECLINE: _l("Held letter declined"),
    AuditAction.MODERATION_HIDE: _l("Personal paragraph hidden"),
    AuditAction.MODERATION_SHOW: _l("Personal paragraph shown again"),
    AuditAction.MODERATION_FLAG: _l("Personal paragraph flagged"),
    AuditAction.MODERATION_UNFLAG: _l("Flag removed from a personal paragraph"),
    AuditAction.OUTBOX_RETRY_DEAD: _l("Undelivered letters tried again"),
    AuditAction.OUTBOX_RETRY_SUPPORTER_EMAILS: _l("Undelivered emails to supporters tried again"),
    AuditAction.PACKETS_DELIVERED: _l("Packet marked delivered"),
    AuditAction.ROSTER_CONTACTS_CHANGED: _l(
        "Waiting letters given their members' new contact details (roster sync)"
    ),
    AuditAction.SUPPORTER_ERASED_OWN_LETTER: _l("A supporter deleted their letter"),
}


def action_label(action: str) -> str:
    """The words for a stored action; an action this version does not know, as stored."""
    try:
        return str(ACTION_LABELS[AuditAction(action)])
    except ValueError:
        return action
