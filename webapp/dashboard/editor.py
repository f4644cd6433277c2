"""The campaign editor: create and edit campaigns, preview the letter, import and export files."""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from webapp.campaigns.fileformat import CampaignFile, CampaignFileError
from webapp.campaigns.services import export_campaign, read_campaign_file, stored_problems
from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.campaign_changes import CampaignExists, save_campaign
from webapp.dashboard.editor_convert import (
    RESERVED_SLUGS,
    Draft,
    build_draft,
    chamber_ticked,
    fill_form,
)
from webapp.dashboard.editor_forms import STATE_CHAMBERS, CampaignForm, ImportForm
from webapp.dashboard.editor_preview import Preview, build_preview
from webapp.dashboard.editor_problems import (
    SummaryItem,
    add_error,
    apply_problems,
    error_summary,
    keyed,
)
from webapp.dashboard.editor_reading import consent_warnings
from webapp.dashboard.editor_saved import flash_corrections
from webapp.dashboard.reading_warnings import reading_warnings
from webapp.database import db, utcnow
from webapp.delivery.channels import reach_from_config
from webapp.letters.merge import ALLOWED_FILTERS, MERGE_FIELDS
from webapp.models import AuditAction, Campaign, CampaignStatus, Target, TargetKind
from webapp.security import handler_page, render_error

_EDITOR_ENDPOINTS = {"dashboard.new_campaign", "dashboard.edit_campaign"}
# The order docs/campaign-files.md lists them in; a field added later is listed at the end.
_FIELD_ORDER = {
    "supporter": ("first_name", "last_name", "full_name", "city", "state", "zip"),
    "target": ("name", "office", "title", "last_name"),
}


def _merge_fields() -> list[tuple[str, list[str]]]:
    listed = []
    for group, fields in MERGE_FIELDS.items():
        order = _FIELD_ORDER.get(group, ())
        known = [f for f in order if f in fields]
        listed.append((group, known + sorted(fields - set(order))))
    return listed


def _mixed_lookups(lookups: list[Target]) -> bool:
    """Whether saving would change the stored lookup rules beyond what the form shows.

    The form keeps rules apart by their letter, but has one "may untick" box for all.
    """
    chambers = [c for t in lookups for c in t.chambers]
    return len({t.optional for t in lookups}) > 1 or len(chambers) != len(set(chambers))


def _render_editor(
    form: CampaignForm,
    campaign: Campaign | None,
    general: list[SummaryItem] | None = None,
    preview: Preview | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form.pad_rows()
    lookups = [t for t in campaign.targets if t.kind is TargetKind.LOOKUP] if campaign else []
    page = render_template(
        "dashboard/editor.html",
        form=form,
        campaign=campaign,
        summary=error_summary(form, general or []),
        preview=preview,
        merge_fields=_merge_fields(),
        merge_filters=sorted(ALLOWED_FILTERS),
        state_warning=chamber_ticked(form, STATE_CHAMBERS)
        and not current_app.config["OPENSTATES_API_KEY"],
        smtp_warning=bool(form.require_confirmation.data) and not current_app.config["SMTP_URL"],
        mixed_lookups=_mixed_lookups(lookups),
        is_live=campaign is not None and campaign.status is CampaignStatus.LIVE,
        draft_key=draft_key,
    )
    return page, status


def draft_key(save_url: str) -> str:
    """What the editor's unsaved changes are kept under in the browser: the form and the
    organiser, so another account in the same tab is never offered them."""
    return f"{save_url}|{me().id}"


def _checked_file(
    form: CampaignForm, campaign: Campaign | None
) -> tuple[CampaignFile | None, Draft]:
    """The form as a checked campaign file, or None with every problem put on the form."""
    draft = build_draft(form, campaign)
    spec: CampaignFile | None = None
    try:
        spec = read_campaign_file(draft.text, origin=_("the editor"))
    except CampaignFileError as exc:
        apply_problems(form, draft, exc.problems)
    if campaign is None and form.slug.data:
        if form.slug.data in RESERVED_SLUGS:
            add_error(form.slug, _("This name is used by the dashboard itself; choose another."))
        elif db.session.scalar(select(Campaign.id).where(Campaign.slug == form.slug.data)):
            add_error(form.slug, _("A campaign with this name already exists; choose another."))
    if error_summary(form, draft.general):
        return None, draft
    return spec, draft


def _save(form: CampaignForm, campaign: Campaign | None) -> tuple[str, int] | BaseResponse:
    spec, draft = _checked_file(form, campaign)
    if spec is None:
        return _render_editor(form, campaign, draft.general, status=422)
    action = AuditAction.CAMPAIGN_CREATED if campaign is None else AuditAction.CAMPAIGN_UPDATED
    # Before the save, which changes the stored campaign in place.
    warnings = reading_warnings(campaign, spec) + consent_warnings(campaign, spec)
    reach = reach_from_config(current_app.config)
    try:
        result = save_campaign(
            db.session(), spec, me().id, action, utcnow(), campaign is None, reach
        )
    except CampaignExists:
        add_error(form.slug, _("A campaign with this name already exists; choose another."))
        return _render_editor(form, campaign, draft.general, status=422)
    message = _("Saved.")
    if campaign is not None and spec.status is CampaignStatus.LIVE:
        message = _("Saved. Letters already written keep their text; new ones use this version.")
    flash(message, "info")
    flash_corrections(result)
    flash_consent_warnings(warnings, spec.slug)
    # The page the save leads to tells the browser to drop the changes it kept.
    saved_from = url_for("dashboard.edit_campaign", slug=spec.slug) if campaign else None
    session["editor_draft_saved"] = draft_key(saved_from or url_for("dashboard.new_campaign"))
    return redirect(url_for("dashboard.campaign", slug=spec.slug))


def flash_consent_warnings(warnings: list[tuple[str, str | None]], slug: str) -> None:
    """Show each warning after the save, with a link to the field that fixes it."""
    for message, element in warnings:
        shown = escape(message)
        if element is not None:
            url = url_for("dashboard.edit_campaign", slug=slug, _anchor=element)
            link = Markup('<a href="{}">{}</a>').format(url, _("Edit the Arabic wording"))
            shown = Markup("{} {}").format(shown, link)
        flash(shown, "warning")


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_required
def new_campaign() -> tuple[str, int] | BaseResponse:
    form = CampaignForm()
    if form.validate_on_submit():
        return _save(form, None)
    return _render_editor(form, None)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_campaign(slug: str) -> tuple[str, int] | BaseResponse:
    campaign, _partner = campaign_for_me(slug)
    form = CampaignForm()
    if form.validate_on_submit():
        return _save(form, campaign)
    if request.method == "GET":
        fill_form(form, campaign)
        if stored_problems(campaign):
            # Saved before a check was added: each problem on its field as the page opens, as
            # the campaign page's notice says, not only once a save is refused.
            return _render_editor(form, campaign, _checked_file(form, campaign)[1].general)
    return _render_editor(form, campaign)


@bp.post("/campaigns/new/preview", defaults={"slug": None})
@bp.post("/campaigns/<slug>/preview")
@admin_required
def preview_campaign(slug: str | None) -> tuple[str, int]:
    """The letter from the submitted, unsaved form; a fragment for the live preview script."""
    campaign = campaign_for_me(slug)[0] if slug else None
    form = CampaignForm()
    form.validate()
    preview = build_preview(form, campaign.language if campaign else Preview.language)
    _spec, draft = _checked_file(form, campaign)
    if request.headers.get("X-Requested-With") == "fetch":
        fragment = render_template(
            "dashboard/_editor_preview.html",
            preview=preview,
            fix_list=error_summary(form, draft.general),
        )
        return fragment, 200
    return _render_editor(form, campaign, draft.general, preview=preview)


@bp.get("/campaigns/<slug>/file")
@admin_required
def campaign_file(slug: str) -> Response:
    campaign, _partner = campaign_for_me(slug)
    response = Response(export_campaign(campaign), mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="{campaign.slug}.md"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _import_conflicts(spec: CampaignFile) -> list[str]:
    """What the database refuses that the file alone cannot show."""
    if spec.slug in RESERVED_SLUGS:
        return [_("slug: this name is used by the dashboard itself; choose another")]
    owner = db.session.scalar(select(Campaign.slug).where(Campaign.external_id == spec.external_id))
    if spec.external_id and owner is not None and owner != spec.slug:
        # A copy of another campaign's file: delivery systems would mix the two campaigns.
        return [
            _(
                "external_id: campaign %(other)s already uses it; remove the line to get a new one",
                other=owner,
            )
        ]
    return []


@bp.route("/campaigns/import", methods=["GET", "POST"])
@admin_required
def import_campaign_file() -> tuple[str, int] | BaseResponse:
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.campaign_file.data
        try:
            text = upload.read().decode("utf-8")
            spec = read_campaign_file(text, origin=upload.filename or _("the file"))
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")]
        except CampaignFileError as exc:
            problems = [keyed(problem) for problem in exc.problems]
        else:
            problems = _import_conflicts(spec)
            if not problems:
                stored = db.session.scalar(select(Campaign).where(Campaign.slug == spec.slug))
                warnings = reading_warnings(stored, spec) + consent_warnings(stored, spec)
                reach = reach_from_config(current_app.config)
                result = save_campaign(
                    db.session(),
                    spec,
                    me().id,
                    AuditAction.CAMPAIGN_IMPORTED,
                    utcnow(),
                    reach=reach,
                )
                flash(_("Campaign created.") if result.created else _("Campaign updated."), "info")
                flash_corrections(result)
                flash_consent_warnings(warnings, spec.slug)
                return redirect(url_for("dashboard.campaign", slug=spec.slug))
    status = 422 if problems or form.errors else 200
    return render_template("dashboard/import.html", form=form, problems=problems), status


@bp.errorhandler(CSRFError)
def _editor_form_expired(error: CSRFError) -> ResponseReturnValue:
    """An expired editor form is shown again with everything typed, not an error page."""
    return handler_page(_expired_editor)


def _expired_editor() -> tuple[str, int]:
    slug = (request.view_args or {}).get("slug")
    if request.endpoint not in _EDITOR_ENDPOINTS or not me().is_authenticated or not me().is_admin:
        return render_error(400)
    campaign = campaign_for_me(slug)[0] if slug else None
    form = CampaignForm()
    flash(_("The form had expired. Nothing was saved: check it and press Save again."), "error")
    return _render_editor(form, campaign, status=400)
