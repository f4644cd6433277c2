"""The campaign page: its letter form for this request, rendered afresh or from the page cache."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from webapp.antiabuse.timing import started_stamp
from webapp.database import db, utcnow
from webapp.i18n import ShownNumber, explicit_language, number, page_language
from webapp.letters.compose import fixed_recipients
from webapp.letters.markdown import letter_digest
from webapp.letters.reading import campaign_reading
from webapp.models import Campaign
from webapp.services.counts import TTLCounter
from webapp.services.partner_codes import written_code, written_tag
from webapp.services.recipients import RecipientPlan, lookup_chambers
from webapp.services.stats import public_letter_count
from webapp.supporter.campaign_text import placeholders, with_placeholders
from webapp.supporter.form_build import (
    build_letter_form,
    carried_code,
    find_partner,
    show_prompts,
)
from webapp.supporter.forms import LetterForm
from webapp.supporter.page_cache import FormPages, plural_form
from webapp.supporter.prompt_variant import settle_variant
from webapp.supporter.unsent_words import UnsentText


def _letter_count(campaign: Campaign) -> int:
    counter: TTLCounter = current_app.extensions["letter_counts"]
    return counter.get(campaign.id, lambda: public_letter_count(db.session(), campaign.id))


def form_for(campaign: Campaign) -> LetterForm:
    """The campaign's form; on a first visit, attribution comes from the link's query string."""
    written = request.values.get("partner")
    partner = find_partner(campaign, written)
    form = build_letter_form(campaign, partner)
    if request.method == "GET":
        form.source.data = written_tag(request.args.get("source"))
        form.partner.data = carried_code(partner, written) or ""
        form.started.data = started_stamp()
        show_prompts(form, campaign, *_visit_prompts(campaign))
    _remember_prompts(campaign, form.prompt_ticket.data)
    return form


def _visit_prompts(campaign: Campaign) -> tuple[str | None, str]:
    """A page view's story-prompt variant and ticket: a reload shows the same story prompts,
    the session remembering the variant drawn."""
    drawn = settle_variant(campaign, None)
    remembered = session.get("prompt_tickets", {}).get(campaign.slug)
    return settle_variant(campaign, remembered) if remembered else drawn


def _remember_prompts(campaign: Campaign, ticket: str | None) -> None:
    if ticket:
        tickets = session.get("prompt_tickets", {})
        if tickets.get(campaign.slug) != ticket:
            session["prompt_tickets"] = {**tickets, campaign.slug: ticket}


def get_address(campaign: Campaign, form: LetterForm) -> str | None:
    """For a step that answers a POST, the address of the form it came from, which the page's
    script makes that step's history entry as it is left (letter-form.js): Back then loads a
    page instead of Chromium's "Confirm Form Resubmission". None on a GET."""
    if request.method != "POST":
        return None
    partner = find_partner(campaign, form.partner.data)
    return _form_address(campaign, carried_code(partner, form.partner.data), form.source.data)


def posted_get_address(campaign: Campaign) -> str:
    """The same for a page that holds a letter as posted (the database busy, too many letters):
    from the posted codes as written, since the database may be the thing not answering."""
    return _form_address(
        campaign, written_code(request.form.get("partner")), written_tag(request.form.get("source"))
    )


def _form_address(campaign: Campaign, partner_code: str | None, source: str | None) -> str:
    return url_for(
        "supporter.campaign",
        slug=campaign.slug,
        partner=partner_code,
        source=source or None,  # a campaign's tag for where the link was shared
        lang=explicit_language(),
    )


def render_form(
    campaign: Campaign,
    form: LetterForm,
    status: int = 200,
    plan: RecipientPlan | None = None,
    letter_count: int | None = None,
    failed: bool = False,
    unsent: list[UnsentText] | None = None,
) -> tuple[str, int]:
    """The letter form; `failed`: sent back with no field errors (its token had expired), which
    its title says as it says field errors; `unsent`: a form sent after the campaign closed,
    what its writer wrote (the page says so even when that is nothing)."""
    language = page_language()
    lookup = list(lookup_chambers(campaign))
    page = render_template(
        "supporter/campaign.html",
        campaign=campaign,
        form=form,
        get_url=get_address(campaign, form),
        plan=plan,
        digest=letter_digest(with_placeholders(campaign, campaign.body, markdown=True)),
        letter_count=_letter_count(campaign) if letter_count is None else letter_count,
        is_open=campaign.is_open(utcnow()),
        recipients=fixed_recipients(campaign),
        has_lookup=bool(lookup),
        lookup=lookup,
        title_needed=title_needed(),
        reading=campaign_reading(campaign, language, placeholders(campaign, language)),
        failed=failed,
        unsent=unsent,
    )
    return page, status


def title_needed() -> bool:
    """Whether Congress's message system (CWC) carries letters here: it refuses one without the
    writer's title, which the title field's hint then says (page and widget)."""
    return bool(
        current_app.config.get("CWC_API_KEY") or current_app.config.get("SENATE_CWC_API_KEY")
    )


def form_page(campaign: Campaign) -> bytes:
    """The campaign page as `render_form(campaign, form_for(campaign))` makes it on a GET,
    from the form page cache (webapp/supporter/page_cache.py)."""
    written = request.args.get("partner")
    partner = find_partner(campaign, written)
    variant, ticket = _visit_prompts(campaign)
    _remember_prompts(campaign, ticket)
    csrf = bool(current_app.config.get("WTF_CSRF_ENABLED", True))
    count = _letter_count(campaign)
    values = {
        "csrf": generate_csrf() if csrf else "",
        "started": started_stamp(),
        "ticket": ticket,
        "source": written_tag(request.args.get("source")),
        # A code that names no partner: one cached page for all of them, the code filled in.
        "partner": carried_code(partner, written) or "",
        "count": number(count),
    }

    def render(value_of: Callable[[str], str]) -> str:
        form = build_letter_form(campaign, partner)
        form.source.data = value_of("source")
        form.partner.data = partner.code if partner else value_of("partner")
        form.started.data = value_of("started")
        show_prompts(form, campaign, variant, value_of("ticket"))
        if csrf:
            form.csrf_token.current_token = value_of("csrf")
        return render_form(campaign, form, letter_count=ShownNumber(count, value_of("count")))[0]

    key = (
        "campaign",
        campaign.id,
        campaign.updated_at,
        campaign.is_open(utcnow()),
        page_language(),
        explicit_language(),
        request.host_url,
        partner.code if partner else None,
        variant,
        csrf,
        plural_form(count),
    )
    pages: FormPages = current_app.extensions["form_pages"]
    return pages.page(key, render, values)


def resend_fields(posted: MultiDict[str, str]) -> list[tuple[str, str]]:
    """A refused send's fields as posted (its button left out), for a page that can post them
    again unchanged: nothing the supporter typed is lost, and nothing is re-rendered."""
    return [(name, value) for name, value in posted.items(multi=True) if name != "action"]


def ticked_a_box(posted: MultiDict[str, str]) -> bool:
    """Whether a letter's form came with a consent box ticked (the campaign's or a partner's):
    a repeat letter is told those were not recorded either."""
    return any(posted.get(name) for name in ("partner_consent", "consent_updates"))
