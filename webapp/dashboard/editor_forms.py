"""The campaign editor's forms: every campaign-file key as a field, rows for targets, partners."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget

from webapp.dashboard.forms import NulSafe, OrganiserForm
from webapp.delivery.topics import LOC_TOPICS
from webapp.models import Audience, CampaignStatus, Chamber
from webapp.text_input import ascii_digits

# A campaign file is a few kilobytes; the request limit (REQUEST_MAX_BYTES) caps it anyway.
FILE_LIMIT_BYTES = 60 * 1024
EMPTY_ROWS = 3
LOOKUP_FIELDS: dict[Chamber, str] = {
    Chamber.US_SENATE: "lookup_us_senate",
    Chamber.US_HOUSE: "lookup_us_house",
    Chamber.STATE_UPPER: "lookup_state_upper",
    Chamber.STATE_LOWER: "lookup_state_lower",
}
LETTER_FIELDS: dict[Chamber, str] = {c: f"letter_{c.value}" for c in Chamber}
LETTER_PARTS = ("salutation", "cover", "body")
# The editor edits the reading copy in the interface's other language; reading copies in other
# languages that a campaign file carries are kept as the file set them.
READING_LANGUAGE = "ar"
STATE_CHAMBERS = (Chamber.STATE_UPPER, Chamber.STATE_LOWER)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean_line(value: Any) -> Any:
    """One-line text: NFC, control characters removed, trimmed."""
    if not isinstance(value, str):
        return value
    return _CONTROL_RE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_block(value: Any) -> Any:
    """Multi-line text: NFC with browser CRLFs folded, so an unchanged letter compares equal."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", value.replace("\t", "    ")).strip("\n")


def _line(label: Any, **kwargs: Any) -> StringField:
    return StringField(label, filters=[clean_line], **kwargs)


def _number(label: Any, **kwargs: Any) -> StringField:
    """A number or a date: digits typed in any script count as 0-9."""
    return StringField(label, filters=[ascii_digits, clean_line], **kwargs)


class OwnLetterForm(NulSafe, Form):
    """An office's own letter: each part optional, the campaign's text is used where empty."""

    salutation = _line(_l("Salutation for this office (optional)"))
    cover = TextAreaField(_l("Cover paragraph above the letter (optional)"), filters=[clean_block])
    body = TextAreaField(
        _l("Its own letter, replacing the organisation's (optional)"), filters=[clean_block]
    )
    reading_cover = TextAreaField(
        _l("Cover paragraph in Arabic, for supporters to read (optional)"), filters=[clean_block]
    )

    def parts(self) -> dict[str, str]:
        return {name: self[name].data for name in LETTER_PARTS if self[name].data}


class TargetRowForm(OwnLetterForm):
    """One fixed office; an empty row is ignored, so emptying a row removes the target."""

    name = _line(_l("Name"))
    office = _line(_l("Office"))
    reading_name = _line(_l("Name in Arabic, for supporters to read (optional)"))
    reading_office = _line(_l("Office in Arabic, for supporters to read (optional)"))
    address = _line(_l("Postal address"))
    contact_url = _line(_l("Contact page (web address)"))
    email = _line(_l("Email address"))
    audience = SelectField(
        _l("Who may write to this office"),
        choices=[
            SelectChoice(Audience.EVERYONE.value, _l("Everyone, wherever they live")),
            SelectChoice(Audience.CONSTITUENTS.value, _l("Only the people it represents")),
        ],
        default=Audience.EVERYONE.value,
        validate_choice=False,  # an unknown value is reported by the file checks
    )
    post = SelectField(
        _l("Letters on paper (when the postal service is set up)"),
        choices=[
            SelectChoice("", _l("No: by its other channel")),
            SelectChoice("per_letter", _l("Yes: one mailing for each letter")),
            SelectChoice("batched", _l("Yes: one mailing a day holding that day's letters")),
        ],
        default="",
        validate_choice=False,  # an unknown value is reported by the file checks
    )

    def is_empty(self) -> bool:
        # The audience always has a value; a row without any text is still empty.
        return not any(f.data for f in self if f.name not in (self.audience.name, self.post.name))


class PartnerRowForm(NulSafe, Form):
    code = _line(_l("Partner code (in its embed line and links)"))
    name = _line(_l("Organisation name"))
    consent_text = _line(_l("Wording of the partner's consent checkbox"))
    reading_consent = _line(_l("The same wording in Arabic"))
    reading_name = _line(_l("Organisation name in Arabic"))

    def is_empty(self) -> bool:
        return not any(f.data for f in self)


class CampaignForm(OrganiserForm):
    """Everything in a campaign file. The checks themselves live in `parse_campaign_file`."""

    slug = _line(_l("Web address name (slug)"))
    title = _line(_l("Title"))
    subject = _line(_l("Subject line"))
    salutation = _line(_l("Salutation"))
    closing = _line(_l("Closing"), default="Sincerely,")
    body = TextAreaField(_l("The letter"), filters=[clean_block])
    body_editable = RadioField(
        _l("Can supporters rewrite the letter?"),
        choices=[
            SelectChoice("locked", _l("Locked: supporters may add their own paragraph below it")),
            SelectChoice("editable", _l("Editable: supporters may rewrite the whole letter")),
        ],
        default="locked",
    )
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(CampaignStatus.DRAFT.value, _l("Draft: hidden from the public")),
            SelectChoice(CampaignStatus.LIVE.value, _l("Live: open for letters")),
            SelectChoice(CampaignStatus.CLOSED.value, _l("Closed: shown, but no new letters")),
        ],
        default=CampaignStatus.DRAFT.value,
        validate_choice=False,  # an unknown status is reported by the file checks
    )
    goal = _number(_l("Goal (number of letters, optional)"))
    starts_at = _number(_l("Opens at (UTC, optional)"), widget=DateTimeLocalInput())
    ends_at = _number(_l("Closes at (UTC, optional)"), widget=DateTimeLocalInput())
    require_confirmation = BooleanField(_l("Hold letters until the supporter confirms by email"))
    allowed_origins = TextAreaField(
        _l("Sites allowed to embed the letter form"), filters=[clean_block]
    )
    topics = SelectMultipleField(
        _l("Policy areas (for House offices)"),
        choices=[SelectChoice(t, t) for t in LOC_TOPICS],
        validate_choice=False,  # an unknown topic is reported by the file checks
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    sender_name = _line(_l("Sender name"))
    sender_email = EmailField(_l("Sender email address"), filters=[clean_line])
    consent_text = _line(_l("Wording of the “keep me informed” checkbox"))
    media_contact = _line(_l("Media contact (shown to organisers only)"))
    targets = FieldList(FormField(TargetRowForm), min_entries=0)
    lookup_us_senate = BooleanField(_l("US Senate: the supporter's two senators"))
    lookup_us_house = BooleanField(_l("US House: the supporter's representative"))
    lookup_state_upper = BooleanField(_l("State senate (upper chamber)"))
    lookup_state_lower = BooleanField(_l("State house or assembly (lower chamber)"))
    lookup_optional = BooleanField(_l("Supporters may untick these officials"))
    # The letter per chamber; chambers with the same letter are saved as one lookup rule.
    letter_us_senate = FormField(OwnLetterForm, _l("Letter to senators"))
    letter_us_house = FormField(OwnLetterForm, _l("Letter to representatives"))
    letter_state_upper = FormField(OwnLetterForm, _l("Letter to state senators"))
    letter_state_lower = FormField(OwnLetterForm, _l("Letter to state representatives"))
    signatories = TextAreaField(_l("Signatory organisations"), filters=[clean_block])
    # The reading copy in Arabic (campaign file `translations: {ar: ...}`): shown to supporters
    # beside the English letter, never sent.
    reading_title = _line(_l("Title in Arabic"))
    reading_subject = _line(_l("Subject line in Arabic"))
    reading_intro = TextAreaField(_l("Introduction in Arabic"), filters=[clean_block])
    reading_salutation = _line(_l("Salutation in Arabic"))
    reading_body = TextAreaField(_l("The letter in Arabic"), filters=[clean_block])
    reading_consent = _line(_l("Wording of the “keep me informed” checkbox in Arabic"))
    reading_signatories = TextAreaField(
        _l("Signatory organisations' names in Arabic"), filters=[clean_block]
    )
    # Story prompts beside the supporter's paragraph (campaign file `prompts`), as lines.
    prompts = TextAreaField(_l("Story prompts"), filters=[clean_block])
    partners = FieldList(FormField(PartnerRowForm), min_entries=0)

    def lookup_chambers(self) -> list[Chamber]:
        """The ticked chambers, in the canonical order."""
        return [c for c, name in LOOKUP_FIELDS.items() if self[name].data]

    def pad_rows(self) -> None:
        """Leave a few empty rows to add targets and partners without JavaScript."""
        for rows in (self.targets, self.partners):
            empty = sum(1 for row in rows if row.form.is_empty())
            for _ in range(max(0, EMPTY_ROWS - empty)):
                rows.append_entry()


class ImportForm(OrganiserForm):
    campaign_file = FileField(
        _l("Campaign file"),
        validators=[
            FileRequired(_l("Choose a campaign file to upload.")),
            FileSize(
                max_size=FILE_LIMIT_BYTES,
                message=_l("The file is too large: a campaign file is at most 60 KB."),
            ),
        ],
    )
