"""Template helpers for supporter pages: status labels, share links, dates and supporter text."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from webapp.civic.countries import country_name
from webapp.civic.states import seat_code
from webapp.civic.types import MatchKind, Provenance, Residence
from webapp.dashboard.charts import bar_chart
from webapp.delivery.channels import Handling, handling_of
from webapp.delivery.handoff import Version as HandoffVersion
from webapp.delivery.letter_copies import letter_copies
from webapp.i18n import bdi, joined_list
from webapp.letters.markdown import text_to_html
from webapp.letters.own_words import own_chars, own_words_share, share_percent
from webapp.models import (
    Campaign,
    Changeover,
    Delivery,
    DeliveryStatus,
    SubmissionStatus,
)
from webapp.moments import Precision, moment_html, moment_text
from webapp.services.delivery_counts import (
    BY_SUPPORTERS_HAND,
    SENT_FOR_SUPPORTER,
    delivery_summary,
)
from webapp.services.link_emails import LinkEmail
from webapp.services.own_words import OwnWords, body_chars
from webapp.supporter.campaign_text import (
    campaign_lead,
    shown_title,
    title_language,
    with_placeholders,
)
from webapp.supporter.forms import LetterForm
from webapp.supporter.office_names import PARTY_LABELS
from webapp.supporter.send_words import resend_label, send_counts, send_label
from webapp.supporter.share import mailto_letter, share_links
from webapp.supporter.state_names import state_name

STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Queued: waiting to be sent"),
    DeliveryStatus.SENDING: _l("Sending now"),
    DeliveryStatus.SENT: _l("Sent"),
    # CWC took it into the office's correspondence system; nobody there has read it yet.
    DeliveryStatus.ACCEPTED: _l("Delivered to the office's correspondence system"),
    DeliveryStatus.NEEDS_ACTION: _l("Needs your action"),
    DeliveryStatus.DONE_BY_SUPPORTER: _l("Sent by you"),
    DeliveryStatus.FAILED: _l("Not sent yet: retrying"),
    DeliveryStatus.DEAD: _l("Could not be delivered"),
    DeliveryStatus.PACKET: _l("To be delivered by hand by the organisers"),
    DeliveryStatus.CANCELLED: _l("Not sent: the letter was never confirmed"),
    DeliveryStatus.REPLACED: _l("Not sent: the member left office; sent to the seat's new member"),
    DeliveryStatus.HELD: _l("Not sent: the member left office; held for the organisers"),
}
# Why a letter to a member who left office waits for the organisers, as its sender reads it.
HELD_REASONS = {
    Changeover.HELD_NOT_EXACT: _l(
        "your district was found from your ZIP code, not your street address, so the "
        "organisers check who represents you now."
    ),
    Changeover.HELD_REDISTRICTED: _l(
        "your state's districts were redrawn for the new Congress, so the organisers check who "
        "represents you now."
    ),
    Changeover.HELD_LETTER_CHANGED: _l(
        "the campaign's letter has changed since you wrote, so the organisers check it before "
        "it goes to the seat's new member."
    ),
}
UNCONFIRMED_LABEL = _l("Waiting for you to confirm by email")
DECLINED_LABEL = _l("Not sent: the organisers declined the letter")
SHARE_LABELS = {
    "email": _l("Share by email"),
    "whatsapp": _l("Share on WhatsApp"),
    "x": _l("Share on X"),
    "facebook": _l("Share on Facebook"),
}

HANDLING_LABELS = {
    Handling.AUTOMATIC: _l("Delivered automatically"),
    Handling.BY_SUPPORTER: _l("You will paste it into their website (we guide you)"),
    Handling.BY_ORGANISERS: _l("Delivered by the organisers in a batch"),
}


MATCH_DESCRIPTIONS = {
    MatchKind.EXACT: _l("Officials matched from your street address (US Census geocoder)."),
    MatchKind.ZIP: _l("Officials matched from your ZIP code."),
    MatchKind.CHOSEN: _l("Representative for the district you chose."),
    MatchKind.STATE: _l("Officials matched from your state."),
    MatchKind.NONE: "",
}


def district_label(chamber: str | None, state: str | None, district: str | None) -> Markup:
    """'Michigan, district 12', 'Wyoming, at large', 'Michigan' (senators), for people to read;
    the state's name in the page's language is isolated, so it keeps its place in a sentence
    of either direction. A no-break space keeps "district" with its number (a phone's narrow
    table cell broke "Florida, district / 4"), as the Arabic sentences do."""
    name = bdi(state_name(state))
    values = {"state": name, "district": escape(district)}
    if chamber == "us_house":
        if district in (None, "0"):
            return escape(_("%(state)s, at large")) % values
        return escape(_("%(state)s, district\N{NO-BREAK SPACE}%(district)s")) % values
    if chamber == "state_upper":
        return escape(_("%(state)s State Senate, district\N{NO-BREAK SPACE}%(district)s")) % values
    if chamber == "state_lower":
        return escape(_("%(state)s State House, district\N{NO-BREAK SPACE}%(district)s")) % values
    return name


def party_label(party: str) -> Markup:
    """A party in the page's language; one we have no words for stays as the data has it."""
    label = PARTY_LABELS.get(party)
    return escape(str(label)) if label is not None else bdi(party)


def name_list(names: list[str]) -> Markup:
    """'A, B and C' as the page's language joins a list, each name isolated."""
    return joined_list([bdi(name) for name in names])


def match_description(provenance: Provenance) -> str:
    return str(MATCH_DESCRIPTIONS.get(provenance.match, ""))


def changeover_label(delivery: Delivery) -> str | None:
    """What became of a letter whose member left office before it went out (None: nothing)."""
    if delivery.changeover is None or delivery.departed_on is None:
        return None
    name, reason = delivery.recipient_name, delivery.changeover
    when = format_date(date.fromisoformat(delivery.departed_on), "long")
    if reason is Changeover.HELD_NO_SUCCESSOR:
        return str(
            _l(
                "Not sent yet: the term of %(name)s ended on %(date)s. Your letter waits until "
                "the member who holds the seat now is known, then goes to them.",
                name=name,
                date=when,
            )
        )
    left = str(_l("Not sent: %(name)s left office on %(date)s.", name=name, date=when))
    new = delivery.replaced_by.recipient_name if delivery.replaced_by is not None else ""
    if reason is Changeover.RETARGETED:
        then = _l("Your letter goes to %(name)s instead.", name=new)
    elif reason is Changeover.ALREADY_WRITING:
        then = _l("Your letter already goes to %(name)s, who holds the seat now.", name=new)
    elif reason is Changeover.CANCELLED:
        then = _l("The organisers decided not to send it to anyone else.")
    else:
        then = _l("Held for the organisers: %(reason)s", reason=HELD_REASONS[reason])
    return f"{left} {then}"


def delivery_status_label(delivery: Delivery, html: bool = False) -> str:
    """What the supporter is told about one office; never 'sent' before it really was.

    With `html`, its time is a <time> the page shows in the reader's own zone (Markup)."""
    changed = changeover_label(delivery)
    if changed is not None:
        return changed
    if delivery.submission.status is SubmissionStatus.UNCONFIRMED:
        return str(UNCONFIRMED_LABEL)
    if delivery.submission.status is SubmissionStatus.DECLINED:
        return str(DECLINED_LABEL)
    label = new_letter_label(delivery.status, confirmed=True)
    if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED) and delivery.sent_at:
        if html:
            return Markup("%s (%s)") % (label, moment_html(delivery.sent_at))
        return f"{label} ({moment_text(delivery.sent_at)})"
    if delivery.status is DeliveryStatus.FAILED and delivery.next_attempt_at:
        if html:
            when = moment_html(delivery.next_attempt_at, Precision.MINUTES)
            return escape(_("Not sent yet: trying again at %(when)s")) % {"when": when}
        when_text = moment_text(delivery.next_attempt_at, Precision.MINUTES)
        return str(_("Not sent yet: trying again at %(when)s", when=when_text))
    return label


def new_letter_label(status: DeliveryStatus, confirmed: bool) -> str:
    """One office's status on a letter just recorded: nothing is sent or retried yet."""
    return str(STATUS_LABELS[status] if confirmed else UNCONFIRMED_LABEL)


def handling_label(handling: Handling) -> str:
    return str(HANDLING_LABELS[handling])


def delivery_handling(delivery: Delivery) -> str:
    """Who takes a recorded letter to its office, as the Send button said (empty: not known)."""
    return handling_label(handling_of(delivery.channel)) if delivery.channel else ""


def share_message(residence: Residence, campaign: Campaign) -> str:
    """What a share link says; from abroad it asks someone in the US to write to their own."""
    if residence is Residence.ABROAD:
        return str(
            _l(
                'I wrote to the President from abroad: "%(title)s". You live in the US, so your '
                "own senators and representative will read a letter from you. Will you write too?",
                title=shown_title(campaign),
            )
        )
    title = shown_title(campaign)
    return str(_l('I just wrote a letter: "%(title)s". Will you write too?', title=title))


def share_label(network: str) -> str:
    return str(SHARE_LABELS.get(network, network))


def supporter_text(text: str | None) -> Markup:
    return text_to_html(text or "")


def typed_own_words(campaign: Campaign, form: LetterForm) -> OwnWords:
    """The meter for what the form holds now (the preview adds the "common" check)."""
    edited = form.edited_body(campaign.body) if "body" in form else None
    own = own_chars(form.personal_message.data)
    share = own_words_share(own, body_chars(campaign, edited))
    return OwnWords(chars=own, percent=share_percent(share), common=False)


def letter_chars(campaign: Campaign) -> int:
    return body_chars(campaign, None)


def register_template_helpers(bp: Blueprint) -> None:
    bp.add_app_template_global(typed_own_words)
    bp.add_app_template_global(letter_chars)
    bp.add_app_template_global(shown_title)
    bp.add_app_template_global(campaign_lead)
    bp.add_app_template_global(title_language)
    bp.add_app_template_global(with_placeholders)
    bp.add_app_template_global(delivery_summary)
    bp.add_app_template_global(bar_chart)
    bp.add_app_template_global(delivery_status_label)
    bp.add_app_template_global(new_letter_label)
    bp.add_app_template_global(changeover_label)
    bp.add_app_template_global(district_label)
    bp.add_app_template_global(party_label)
    bp.add_app_template_filter(name_list)
    bp.add_app_template_global(match_description)
    bp.add_app_template_global(share_label)
    bp.add_app_template_global(handling_label)
    bp.add_app_template_global(delivery_handling)
    bp.add_app_template_global(share_message)
    bp.add_app_template_global(country_name)
    bp.add_app_template_global(send_label)
    bp.add_app_template_global(resend_label)
    bp.add_app_template_global(send_counts)
    # Templates compare against enums, never their values as strings (house rule).
    for vocabulary in (Handling, DeliveryStatus, SubmissionStatus, Residence, LinkEmail):
        bp.add_app_template_global(vocabulary, vocabulary.__name__)
    bp.add_app_template_global(HandoffVersion, "HandoffVersion")
    bp.add_app_template_global(BY_SUPPORTERS_HAND.__contains__, "by_supporters_hand")
    bp.add_app_template_global(SENT_FOR_SUPPORTER.__contains__, "sent_for_supporter")
    bp.add_app_template_global(share_links)
    bp.add_app_template_global(mailto_letter)
    bp.add_app_template_global(letter_copies)
    bp.add_app_template_filter(moment_html, "moment")
    bp.add_app_template_filter(supporter_text)
    bp.add_app_template_filter(seat_code)
