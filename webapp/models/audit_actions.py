"""What an audit entry records: the closed list of organiser and system actions."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    """The audit log's `action` column. Values are stored; rename none (old entries keep them)."""

    ACCOUNT_CREATED = "account.created"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"  # noqa: S105 - an action's name
    ACCOUNT_SESSIONS_ENDED = "account.sessions_ended"
    ACCOUNT_SIGN_IN_UNPAUSED = "account.sign_in_unpaused"
    CAMPAIGN_CREATED = "campaign.created"
    CAMPAIGN_UPDATED = "campaign.updated"
    CAMPAIGN_IMPORTED = "campaign.imported"
    CHANGEOVER_RETARGET = "changeover.retarget"
    CHANGEOVER_CANCEL = "changeover.cancel"
    EXPORT_DELIVERIES = "export.deliveries"
    EXPORT_LETTERS = "export.letters"
    EXPORT_PARTNER_SUPPORTERS = "export.partner_supporters"
    MODERATION_RELEASE = "moderation.release"
    MODERATION_DECLINE = "moderation.decline"
    MODERATION_HIDE = "moderation.hide"
    MODERATION_SHOW = "moderation.show"
    MODERATION_FLAG = "moderation.flag"
    MODERATION_UNFLAG = "moderation.unflag"
    OUTBOX_RETRY_DEAD = "outbox.retry_dead"
    OUTBOX_RETRY_SUPPORTER_EMAILS = "outbox.retry_supporter_emails"
    PACKETS_DELIVERED = "packets.delivered"
    ROSTER_CONTACTS_CHANGED = "roster.contacts_changed"
    SUPPORTER_ERASED_OWN_LETTER = "supporter.erased_own_letter"
