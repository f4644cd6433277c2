"""The audit log's "Details" in words: each key an entry keeps, named in the page's language."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.dashboard.status_names import CAMPAIGN_STATUS_LABELS
from webapp.i18n import language_name
from webapp.models import Audience
from webapp.supporter.office_names import CHAMBER_LABELS

# Keys that name a row by its id, counts and lists an action keeps, and a campaign edit's keys:
# its fields' names in the campaign file (services.CAMPAIGN_FIELDS and campaign_changes'
# snapshot), at the top of an entry and inside its offices, signatories, partners and
# translations. They showed as the file spells them ("post_daily_limit") on Arabic pages.
FIELD_LABELS: dict[str, LazyString] = {
    "submission_id": _l("letter"),
    "delivery_id": _l("delivery"),
    # A campaign edit that corrected a fixed office (services/office_corrections.py).
    "letters_following_correction": _l("waiting letters that go to the corrected office details"),
    "letters_keeping_old_details": _l("waiting letters that keep the old office details"),
    # A roster sync that changed members' contact details (services/member_corrections.py).
    "members_with_new_contact_details": _l("members whose contact details changed"),
    "contact_details": _l("members' contact details, before and after"),
    # A held letter released or declined, letters tried again, a packet delivered.
    "reasons": _l("why it was held"),
    "office": _l("office"),
    "letters": _l("letters"),
    "emails": _l("emails to supporters"),
    # A campaign edit: the campaign's fields.
    "slug": _l("web address name (slug)"),
    "title": _l("title"),
    "subject": _l("subject line"),
    "salutation": _l("salutation"),
    "body": _l("the letter"),
    "closing": _l("closing"),
    "body_editable": _l("supporters may rewrite the letter"),
    "status": _l("status"),
    "goal": _l("goal (letters)"),
    "post_daily_limit": _l("letters posted a day, at most"),
    "post_total_limit": _l("letters posted in all, at most"),
    "starts_at": _l("opens at"),
    "ends_at": _l("closes at"),
    "require_confirmation": _l("letters held until the supporter confirms"),
    "sender_name": _l("sender name"),
    "sender_email": _l("sender email address"),
    "consent_text": _l("wording of the “keep me informed” checkbox"),
    "media_contact": _l("media contact"),
    "language": _l("language of the letter"),
    "topics": _l("policy areas"),
    "short_body": _l("short letter for web forms"),
    "allowed_origins": _l("sites allowed to embed the letter form"),
    "targets": _l("offices written to"),
    "translations": _l("translations"),
    "prompts": _l("story prompts"),
    "signatories": _l("signatory organisations"),
    "partners": _l("partners"),
    # Inside an office, a signatory, a partner or a translation.
    "name": _l("name"),
    "address": _l("postal address"),
    "contact_url": _l("contact page"),
    "email": _l("email address"),
    "lookup": _l("officials looked up by the supporter's address"),
    "optional": _l("supporters may untick them"),
    "audience": _l("who may write"),
    "cover": _l("cover paragraph"),
    "member_of": _l("member of"),
    "url": _l("web address"),
    "code": _l("partner code"),
    "intro": _l("introduction"),
    "partner_names": _l("partners' names"),
    "consent": _l("consent wording"),
}


# A campaign edit's values the file spells as codes, said as the editor's choices say them.
_AUDIENCES = {
    Audience.EVERYONE.value: _l("Everyone, wherever they live"),
    Audience.CONSTITUENTS.value: _l("Only the people it represents"),
}
_CODES: dict[str, dict[str, LazyString]] = {
    "status": {status.value: label for status, label in CAMPAIGN_STATUS_LABELS.items()},
    "audience": _AUDIENCES,
    "lookup": CHAMBER_LABELS,
}


def field_value(key: str, value: str) -> str:
    """A campaign edit's value of the field `key` in words: a status, an office's audience, a
    chamber looked up, the letter's language (they showed as the file spells them, "live",
    "us_house", on Arabic pages); any other value as stored."""
    if key == "language":
        return language_name(value)
    word = _CODES.get(key, {}).get(value)
    return value if word is None else str(word)


def field_label(key: str) -> str:
    """A detail's key in words; one this version does not know (a member's name, a language
    code, a story prompt's variant), as stored."""
    label = FIELD_LABELS.get(key)
    return key if label is None else str(label)


# A campaign edit's tables whose keys are data, not fields: a copy's languages, the story
# prompts' variants and each variant's languages, a translation's partners by their codes.
# Their keys are said as data ("family", "Arabic"), never as a field that shares the spelling:
# a variant called "office" is not the office. Each gives the key its values are shown under.
_VARIANT = "prompts.variant"
DATA_TABLES: dict[str, tuple[Callable[[str], str], str | None]] = {
    "translations": (language_name, "translation"),
    "prompts": (str, _VARIANT),
    _VARIANT: (language_name, None),
    "partners": (str, None),
}


def table_key(table: str | None, listed: bool, key: str) -> tuple[str, str | None]:
    """A key of the table shown under `table` (an item of a list when `listed`) in words, and
    the key its value is shown under."""
    data = None if listed or table is None else DATA_TABLES.get(table)
    if data is not None:
        name, inner = data
        return name(key), inner
    return field_label(key), None if table is None else key
