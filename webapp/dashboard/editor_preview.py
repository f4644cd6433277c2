"""The editor's preview: the unsaved letter as a sample supporter's offices would receive it."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from jinja2 import TemplateError

from webapp.dashboard.editor_forms import CampaignForm
from webapp.letters.compose import ComposedLetter, Recipient, Signer, compose_letters
from webapp.letters.merge import MergeFieldError, check_template
from webapp.models import Campaign, Chamber

SAMPLE_SIGNER = Signer(
    first_name="Sample",
    last_name="Supporter",
    email="sample.supporter@example.org",
    city="Dearborn",
    state="MI",
    zip_code="48126",
)
# One made-up official per chamber, so salutations like "Dear {{ target.title }} ..." show.
SAMPLE_OFFICIALS: dict[Chamber, Recipient] = {
    Chamber.US_SENATE: Recipient(
        key="sample:us_senate", name="Alex Example", office="United States Senate",
        title="Senator", last_name="Example", chamber="us_senate", state="MI",
    ),
    Chamber.US_HOUSE: Recipient(
        key="sample:us_house", name="Sam Example", office="US House of Representatives",
        title="Representative", last_name="Example", chamber="us_house", state="MI",
        district="12",
    ),
    Chamber.STATE_UPPER: Recipient(
        key="sample:state_upper", name="Jordan Example", office="Michigan Senate",
        title="Senator", last_name="Example", chamber="state_upper", state="MI",
    ),
    Chamber.STATE_LOWER: Recipient(
        key="sample:state_lower", name="Casey Example", office="Michigan House",
        title="Representative", last_name="Example", chamber="state_lower", state="MI",
    ),
}  # fmt: skip


@dataclass
class Preview:
    letters: list[ComposedLetter] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _recipients(form: CampaignForm) -> list[Recipient]:
    recipients = [
        Recipient(
            key=f"preview:{index}",
            name=row.form.name.data or "",
            office=row.form.office.data or None,
            address=row.form.address.data or None,
            contact_url=row.form.contact_url.data or None,
            email=row.form.email.data or None,
            salutation=row.form.salutation.data or None,
        )
        for index, row in enumerate(form.targets)
        if not row.form.is_empty()
    ]
    recipients += [SAMPLE_OFFICIALS[c] for c in form.lookup_chambers()]
    return recipients or [SAMPLE_OFFICIALS[Chamber.US_SENATE]]


def build_preview(form: CampaignForm) -> Preview:
    """Compose the letters from the form's (unsaved) text; nothing is written anywhere."""
    preview = Preview()
    texts = [(form[name].label.text, form[name].data or "") for name in
             ("subject", "salutation", "closing", "body")]  # fmt: skip
    recipients = _recipients(form)
    texts += [(_("Salutation for %(name)s", name=r.name), r.salutation or "") for r in recipients]
    for label, text in texts:
        try:
            check_template(text)
        except MergeFieldError as exc:
            preview.problems.append(f"{label}: {exc}")
    if preview.problems:
        return preview
    # A transient campaign, never added to the session, carries the text to compose_letters.
    campaign = Campaign(
        title=form.title.data or "",
        subject=form.subject.data or "",
        salutation=form.salutation.data or "",
        closing=form.closing.data or "Sincerely,",
        body=form.body.data or "",
    )
    try:
        preview.letters = compose_letters(campaign, SAMPLE_SIGNER, recipients, None, None)
    except (TemplateError, TypeError, ValueError) as exc:
        # A filter given wrong arguments, e.g. {{ supporter.city | title(3) }}, fails only here.
        preview.problems.append(str(exc))
    return preview
