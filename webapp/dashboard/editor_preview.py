"""The editor's preview: the unsaved letter as a sample supporter's offices would receive it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from jinja2 import TemplateError

from webapp.campaigns.problems import Kind, said
from webapp.civic.types import Representative
from webapp.dashboard.editor_forms import LETTER_FIELDS, CampaignForm
from webapp.letters.compose import ComposedLetter, Recipient, Signer, compose_letters
from webapp.letters.merge import MergeFieldError, check_template
from webapp.models import Campaign, Chamber, Target, TargetKind
from webapp.services.recipients import recipient_for

SAMPLE_SIGNER = Signer(
    first_name="Sample",
    last_name="Supporter",
    email="sample.supporter@example.org",
    city="Dearborn",
    state="MI",
    zip_code="48126",
)
# One made-up official per chamber, so salutations like "Dear {{ target.title }} ..." show.
SAMPLE_OFFICIALS: dict[Chamber, Representative] = {
    Chamber.US_SENATE: Representative(
        key="sample:us_senate", name="Alex Example", chamber="us_senate", title="Senator",
        state="MI", last_name="Example",
    ),
    Chamber.US_HOUSE: Representative(
        key="sample:us_house", name="Sam Example", chamber="us_house", title="Representative",
        state="MI", district="12", last_name="Example",
    ),
    Chamber.STATE_UPPER: Representative(
        key="sample:state_upper", name="Jordan Example", chamber="state_upper", title="Senator",
        state="MI", last_name="Example",
    ),
    Chamber.STATE_LOWER: Representative(
        key="sample:state_lower", name="Casey Example", chamber="state_lower",
        title="Representative", state="MI", last_name="Example",
    ),
}  # fmt: skip


@dataclass
class Preview:
    letters: list[ComposedLetter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    language: str = "en"  # what the letters are written in, for the page to mark them


def _recipients(form: CampaignForm, campaign: Campaign) -> list[Recipient]:
    recipients = [
        Recipient(
            key=f"preview:{index}",
            name=row.form.name.data or "",
            office=row.form.office.data or None,
            address=row.form.address.data or None,
            contact_url=row.form.contact_url.data or None,
            email=row.form.email.data or None,
            salutation=row.form.salutation.data or None,
            cover=row.form.cover.data or None,
            body=row.form.body.data or None,
        )
        for index, row in enumerate(form.targets)
        if not row.form.is_empty()
    ]
    chambers = form.lookup_chambers()
    if not chambers and not recipients:  # something to show the letter to
        chambers = [Chamber.US_SENATE]
    for chamber in chambers:
        # An unsaved rule per chamber carries that chamber's letter, as the saved rules will.
        letter = form[LETTER_FIELDS[chamber]].form
        rule = Target(
            kind=TargetKind.LOOKUP,
            chambers=[chamber.value],
            salutation=letter.salutation.data or None,
            cover=letter.cover.data or None,
            body=letter.body.data or None,
        )
        recipients.append(recipient_for(SAMPLE_OFFICIALS[chamber], campaign, False, rule))
    return recipients


def build_preview(form: CampaignForm, language: str) -> Preview:
    """Compose the letters from the form's (unsaved) text; nothing is written anywhere."""
    preview = Preview(language=language)
    texts = [(form[name].label.text, form[name].data or "") for name in
             ("subject", "salutation", "closing", "body")]  # fmt: skip
    # A transient campaign, never added to the session, carries the text to compose_letters.
    campaign = Campaign(
        title=form.title.data or "",
        subject=form.subject.data or "",
        salutation=form.salutation.data or "",
        closing=form.closing.data or "Sincerely,",
        body=form.body.data or "",
    )
    recipients = _recipients(form, campaign)
    for r in recipients:
        texts += [
            (_("Salutation for %(name)s", name=r.name), r.salutation or ""),
            (_("Cover paragraph for %(name)s", name=r.name), r.cover or ""),
            (_("Own letter for %(name)s", name=r.name), r.body or ""),
        ]
    for label, text in texts:
        try:
            check_template(text)
        except MergeFieldError as exc:
            preview.problems.append(f"{label}: {exc.said()}")
    if preview.problems:
        return preview
    try:
        preview.letters = compose_letters(campaign, SAMPLE_SIGNER, recipients, None, None)
    except (TemplateError, TypeError, ValueError):
        # check_template fills each text in alone; a failure only the letters together meet
        # would still be said in words, not Python's ("do_title() takes 1 positional argument").
        preview.problems.append(said(Kind.MERGE_COMPOSE, {}))
    return preview
