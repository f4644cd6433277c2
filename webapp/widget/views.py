"""Widget routes: the embed loader and the framed letter, sign-up and counter pages (no session)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    render_template,
    request,
)
from werkzeug.exceptions import HTTPException

from webapp.antiabuse.limits import (
    letter_email_limit,
    letter_ip_limit,
    not_sending,
    sender_email_key,
)
from webapp.antiabuse.timing import started_stamp
from webapp.campaigns.services import campaign_by_slug
from webapp.campaigns.snapshots import campaign_snapshot
from webapp.database import db
from webapp.extensions import csrf, limiter
from webapp.i18n import explicit_language, page_language
from webapp.models import Campaign, CampaignStatus
from webapp.security import allow_framing, render_error, retry_minutes, with_error_headers
from webapp.services.counts import PublicStatsCache
from webapp.services.partner_codes import written_tag
from webapp.services.stats import public_stats
from webapp.supporter.campaign_page import resend_fields
from webapp.supporter.flow import Step, handle_letter
from webapp.supporter.form_build import (
    carried_code,
    find_partner,
    show_prompts,
)
from webapp.supporter.kept_letter import keep_letters_when_busy
from webapp.supporter.page_cache import FormPages
from webapp.supporter.prompt_variant import settle_variant
from webapp.text_input import is_latin_text
from webapp.unproxied import this_app, this_request
from webapp.widget.embed_script import embed_script_response
from webapp.widget.frame import (
    FRAME_SLOTS,
    frame_context,
    get_address,
    letter_copies,
    letter_form,
)
from webapp.widget.frame_title import frame_title
from webapp.widget.security import (
    check_token,
    embedding_allowed,
    frame_ancestors,
    issue_token,
    origin_of,
    refused_origin,
    same_origin_post,
)
from webapp.widget.thanks import closed_mid_letter, thanks_page

bp = Blueprint("widget", __name__)
# Widget forms carry their own signed token: a session cookie would be blocked in a frame.
csrf.exempt(bp)
bp.add_app_template_global(frame_title)


@bp.get("/embed.js")
def embed_js() -> Response:
    return embed_script_response()


def _campaign(slug: str) -> Campaign:
    campaign = campaign_snapshot(slug)
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        abort(404)
    allow_framing(frame_ancestors(campaign))
    return campaign


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


@bp.get("/widget/<slug>")
def widget(slug: str) -> tuple[str | bytes, int]:
    campaign = _campaign(slug)
    request = this_request()  # read a dozen times below: once through the proxy
    parent = origin_of(request.args.get("parent"))
    partner = find_partner(campaign, request.args.get("partner"))
    ctx = frame_context(campaign, parent, partner)
    if not embedding_allowed(campaign, parent):
        # The refusal itself may show anywhere (it holds no form): otherwise the visitor sees
        # the browser's "refused to connect", and the site's owner no word on how to fix it.
        allow_framing("*")
        refused = refused_origin(campaign, parent)
        # No address at all: a page that withholds its Referer, with no parent= either.
        unknown = not (origin_of(request.referrer) or parent)
        ctx["frame_kind"] = "blocked"  # its frame named for the refusal it shows, not a form
        return _page("widget/blocked.html", 403, refused_site=refused, site_unknown=unknown, **ctx)
    if ctx["mode"] == "counter":
        cache: PublicStatsCache = this_app().extensions["public_stats"]
        stats = cache.get(campaign.id, lambda: public_stats(db.session(), campaign))
        return _page("widget/counter.html", stats=stats, **ctx)
    variant, ticket = settle_variant(campaign, None)
    first_name = (request.args.get("first_name") or "")[:100]
    # The marker for the name keeps its script: a name in Arabic letters adds the Latin fields.
    name_slot = "first_name" if is_latin_text(first_name) else "first_name_\u0628"
    values = {
        "token": issue_token(campaign, parent),
        "started": started_stamp(),
        "ticket": ticket,
        "source": written_tag(request.args.get("source")),
        name_slot: first_name,
        "email": (request.args.get("email") or "")[:254],
        "zip": (request.args.get("zip") or "")[:10],
        **{slot: ctx[slot] for slot in FRAME_SLOTS},
        # A code that names no partner: one cached page for all of them, the code filled in.
        "partner": carried_code(partner, request.args.get("partner")) or "",
    }
    template = "widget/signup.html" if ctx["mode"] == "signup" else "widget/letter.html"

    def render(value_of: Callable[[str], str]) -> str:
        form = letter_form(campaign, partner, formdata=None)
        form.partner.data = partner.code if partner else value_of("partner")
        form.source.data = value_of("source")
        form.first_name.data = value_of(name_slot)
        form.email.data = value_of("email")
        form.zip_code.data = value_of("zip")
        form.started.data = value_of("started")
        show_prompts(form, campaign, variant, value_of("ticket"))
        if "body" in form:
            form.body.data = campaign.body
        return render_template(
            template,
            form=form,
            token=value_of("token"),
            **letter_copies(campaign),
            **{**ctx, **{slot: value_of(slot) for slot in FRAME_SLOTS}},
        )

    key = (
        "widget",
        template,
        campaign.id,
        campaign.updated_at,
        ctx["is_open"],
        page_language(),
        explicit_language(),
        request.host_url,
        partner.code if partner else None,
        variant,
        name_slot,
    )
    pages: FormPages = this_app().extensions["form_pages"]
    return pages.page(key, render, values), 200


@bp.post("/widget/<slug>")
@limiter.limit(letter_ip_limit, exempt_when=not_sending, fail_open=True)
@limiter.limit(letter_email_limit, key=sender_email_key, exempt_when=not_sending, fail_open=True)
def widget_post(slug: str) -> tuple[str | bytes, int]:
    campaign = _campaign(slug)
    form_values = this_request().form
    form_state, parent = check_token(form_values.get("form_token"), campaign)
    partner = find_partner(campaign, form_values.get("partner"))
    ctx = frame_context(campaign, parent, partner)
    if not same_origin_post() or form_state == "bad":
        return _page("widget/expired.html", 400, **ctx)
    if not ctx["is_open"]:
        # Closed while the form was open: say so, and that nothing was sent (not "wrong site").
        return closed_mid_letter(campaign, ctx)
    form = letter_form(campaign, partner)
    action = form_values.get("action", "preview")

    def form_page(template: str, status: int = 200, **extra: Any) -> tuple[str, int]:
        # A fresh token for the next step: the thank-you step has none.
        token = issue_token(campaign, parent)
        # Only the letter step shows the letter (the preview shows each office's own).
        copies = letter_copies(campaign) if template == "widget/letter.html" else {}
        get_url = get_address(campaign, ctx, partner, form.source.data)
        return _page(
            template, status, form=form, token=token, get_url=get_url, **copies, **ctx, **extra
        )

    moving = action in ("continue", "language")
    if moving or form_state == "expired":
        # From the sign-up step, the language switch, or an old form: show the letter form
        # with everything kept (not yet checked: the supporter has not seen most of its fields).
        # Moving on sends nothing, so an old token there needs no word: the page has a new one.
        expired = form_state == "expired" and not moving
        return form_page("widget/letter.html", 422 if expired else 200, expired=expired)
    outcome = handle_letter(campaign, form, action, form.validate(), partner)
    if outcome.step is Step.FORM:
        return form_page("widget/letter.html", outcome.status, plan=outcome.plan)
    if outcome.step is Step.PREVIEW:
        return form_page("widget/preview.html", outcome=outcome.letter)
    result = outcome.letter.result if outcome.letter else None
    repeat = outcome.step is Step.REPEAT
    letter = None if repeat or result is None else result.letter
    return thanks_page(campaign, letter, repeat, ctx), 200


@bp.errorhandler(429)
def too_many(error: HTTPException) -> Response:
    """Rate limited inside a frame: the letter kept as posted, to send again in a minute (the
    frame keeps its origin and size; other pages refuse to be framed)."""
    slug = (request.view_args or {}).get("slug")
    campaign = campaign_by_slug(db.session(), slug) if slug else None
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        page = render_error(429)
    else:
        fields = resend_fields(request.form)
        page = _render_kept(campaign, 429, fields=fields, minutes=retry_minutes(error))
    return with_error_headers(error, make_response(page))


def _kept_letter(campaign: Campaign, fields: list[tuple[str, str]], step: str) -> tuple[str, int]:
    """The database busy on a letter inside a frame: kept as posted, the frame as it was."""
    return _render_kept(campaign, 503, fields=fields, step=step, busy=True)


def _render_kept(campaign: Campaign, status: int, **extra: Any) -> tuple[str, int]:
    """The frame's page holding a letter as posted (too many letters, the database busy): the
    frame as it was, and Back from what follows to the frame's first address, not this POST."""
    allow_framing(frame_ancestors(campaign))
    _state, parent = check_token(request.form.get("form_token"), campaign)
    partner = find_partner(campaign, request.form.get("partner"))
    context = frame_context(campaign, parent, partner)
    get_url = get_address(campaign, context, partner, written_tag(request.form.get("source")))
    return _page("widget/too_many.html", status, get_url=get_url, **extra, **context)


keep_letters_when_busy(bp, "widget.widget_post", _kept_letter)
