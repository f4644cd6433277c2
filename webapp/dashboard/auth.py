"""Sign in and out, and reset a forgotten password by emailed link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from webapp.dashboard.blueprint import bp, me
from webapp.dashboard.forms import LoginForm, NewPasswordForm, ResetRequestForm
from webapp.database import db, utcnow
from webapp.delivery.emails import read_password_reset_token
from webapp.extensions import limiter, login_manager
from webapp.models import Organiser
from webapp.security import kept_private, render_error, retry_minutes, with_error_headers
from webapp.services.organisers import (
    AccountError,
    authenticate,
    end_sessions,
    organiser_for_session,
    request_password_reset,
    set_password,
)

_PUBLIC = {"dashboard.login", "dashboard.reset_request", "dashboard.reset"}


def _load_organiser(user_id: str) -> Organiser | None:
    return organiser_for_session(db.session(), user_id)


login_manager.user_loader(_load_organiser)


def _sign_in_message(_default: str) -> str:
    """What the sign-in page says when a page needed it: a session that ended (signed out
    elsewhere, a new password, `organisers end-sessions`) is told so, with the editor's kept
    changes, not a bare "Please log in"."""
    if session.get("_user_id"):
        return str(
            _(
                "Your session has ended: please sign in again. Changes you had not saved in "
                "the campaign editor are kept in this browser tab."
            )
        )
    return str(_("Please sign in to see this page."))


login_manager.localize_callback = _sign_in_message


def _login_key() -> str:
    return (request.form.get("email") or "").strip().casefold() or "-"


def _login_failure_limit() -> str:
    return str(current_app.config["LOGIN_FAILURE_RATE_LIMIT"])


def _signed_in(response: Response) -> bool:
    """A sign-in that redirected into the dashboard succeeded: it clears the failures counted
    against its address, so an organiser signing in on a phone and a laptop all day is never
    paused, while guesses at the same moment are each counted before any is checked."""
    return 300 <= response.status_code < 400


def _safe_next(target: str | None) -> str:
    """Only redirect inside the dashboard after sign-in (no open redirect, no CR/LF in headers)."""
    if (
        target
        and target.startswith("/dashboard")
        and target.isprintable()
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("dashboard.home")


def public_endpoint(endpoint: str | None) -> bool:
    return endpoint in _PUBLIC


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: str(current_app.config["LOGIN_RATE_LIMIT"]), methods=["POST"])
@limiter.limit(_login_failure_limit, methods=["POST"], key=_login_key, reset_when=_signed_in)
def login() -> str | Response:
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        organiser = authenticate(db.session(), form.email.data, form.password.data, utcnow())
        if organiser is not None:
            login_user(organiser)
            return redirect(_safe_next(form.next.data))
        form.password.errors = [_("That email and password do not match an account.")]
    return render_template("dashboard/login.html", form=form)


@bp.errorhandler(429)
def sign_in_paused(error: HTTPException) -> Response:
    """Too many sign-in attempts, from this connection or with this email address: say so and
    when to try again, in the same words whether or not the address has an account."""
    if request.endpoint != "dashboard.login":
        return with_error_headers(error, make_response(render_error(429)))
    page = render_template("dashboard/login_paused.html", minutes=retry_minutes(error))
    return with_error_headers(error, make_response(page, 429))


@bp.post("/logout")
def logout() -> Response:
    """Sign out this browser and every other one, so a copied cookie stops working too."""
    end_sessions(db.session(), me(), utcnow(), by=me())
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("dashboard.login"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(db.session(), form.email.data, utcnow())
        flash(
            _("If that address has an account, a link to choose a new password is on its way."),
            "info",
        )
        return redirect(url_for("dashboard.login"))
    return render_template("dashboard/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response:
    found = read_password_reset_token(token)
    organiser = db.session.get(Organiser, found[0]) if found else None
    if organiser is None or found is None or organiser.password_hash[-16:] != found[1]:
        flash(_("This link is not valid any more. Ask for a new one."), "error")
        return redirect(url_for("dashboard.reset_request"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(db.session(), organiser, form.password.data, utcnow())
        except AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            flash(_("Your password is changed. Please sign in."), "info")
            return redirect(url_for("dashboard.login"))
    page = render_template("dashboard/reset.html", form=form, site=current_app.config["SITE_NAME"])
    # The token is the page's only key: out of caches and of the Referer of its own requests.
    return kept_private(make_response(page))
