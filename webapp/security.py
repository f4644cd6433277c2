"""Security headers on every response, and error pages in the site's style."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.database import db
from webapp.db_faults import DATABASE_ERRORS, database_unavailable
from webapp.quiet_request import has_header
from webapp.request_guards import Refused
from webapp.unproxied import this_g, this_request

log = logging.getLogger(__name__)

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
    "frame-ancestors {ancestors}"
)

# What each error page says; the status code alone tells a supporter nothing.
_ERRORS = {
    400: (
        _l("Something was wrong with that request"),
        _l("Please go back, check the form and try again. Nothing was recorded."),
    ),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (
        _l("Page not found"),
        _l(
            "We could not find that page. The campaign may have ended or the link may be "
            "incomplete."
        ),
    ),
    405: (_l("Not allowed"), _l("That page cannot be used this way.")),
    413: (
        _l("That was too much text"),
        _l(
            "Your letter was larger than we can accept. Please go back and shorten it; "
            "your text is still in the form."
        ),
    ),
    429: (
        _l("Too many tries"),
        _l("Please wait a little and try again. Nothing you entered was recorded twice."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Sorry: it is our fault, not yours. Please try again in a moment."),
    ),
    503: (
        _l("Not available for a moment"),
        _l("Part of the site is not answering. Please go back and try again in a moment."),
    ),
}


def allow_framing(ancestors: str) -> None:
    """Let the current response be framed by `ancestors` (widget routes only)."""
    this_g().frame_ancestors = ancestors


def _security_headers(response: Response) -> Response:
    ancestors = this_g().get("frame_ancestors", "'none'")
    response.headers["Content-Security-Policy"] = _CSP.format(ancestors=ancestors)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not has_header(response.headers, "Referrer-Policy"):  # setdefault, without its raise
        response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if ancestors == "'none'":
        response.headers["X-Frame-Options"] = "DENY"
    return response


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = _ERRORS.get(code, _ERRORS[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default
    ), code


def _handle_http(exc: HTTPException) -> Response | HTTPException:
    if request.path.startswith("/api/"):
        body = jsonify({"error": str(exc.description or exc.name), "status": exc.code})
        return with_error_headers(exc, make_response(body, exc.code or 500))
    if exc.code is None or exc.code not in _ERRORS:
        return exc
    page = render_error(exc.code, str(exc.description) if isinstance(exc, Refused) else None)
    return with_error_headers(exc, make_response(page))


def kept_private(response: Response) -> Response:
    """A page whose URL is its only key (a receipt, a survey, a letter's data): out of caches
    and out of every Referer, ours included (a proxy's log keeps them). The origin alone is
    still sent: over HTTPS Flask-WTF refuses a form posted with no Referer, which with
    "no-referrer" was every form on these pages."""
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


def retry_minutes(exc: HTTPException) -> int:
    """Whole minutes until a refused request may be tried again (at least one), from the
    Retry-After our limiter gives its 429."""
    seconds = getattr(exc, "retry_after", None)
    if not isinstance(seconds, int | float):
        return 1
    return max(1, math.ceil(seconds / 60))


def with_error_headers(exc: HTTPException, response: Response) -> Response:
    """Keep what the error says in its headers (Retry-After on a 429, Allow on a 405)."""
    replaced: set[str] = set()
    for name, value in exc.get_headers():
        if name.lower() == "content-type":
            continue
        if name.lower() not in replaced:
            response.headers.pop(name, None)
            replaced.add(name.lower())
        response.headers.add(name, value)
    return response


def _handle_unexpected(exc: Exception) -> tuple[str, int]:
    # The route pattern, not the path: a receipt or reset path is itself a secret.
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    log.exception("unhandled error on %s %s", request.method, rule)
    return render_error(500)


# Seconds a refused request is asked to wait when the database is busy or out of reach.
BUSY_RETRY_SECONDS = 60


def forget_failed_transaction() -> None:
    """Before a page about a database error is drawn: end the request's failed transaction
    (PostgreSQL refuses every statement in it) and let the page take no one as signed in, so
    drawing it asks the database nothing (the organiser's row was read through it)."""
    try:
        db.session.rollback()
    except DATABASE_ERRORS:
        db.session().invalidate()
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]


def database_busy(exc: Exception, page: Callable[[], tuple[str, int]] | None = None) -> Response:
    """A request the database could not serve for a moment: logged without the statement,
    answered 503 with Retry-After (`page`: one that keeps what was posted; else the error
    page). Any other database error is a fault of ours: a 500 with its trace."""
    forget_failed_transaction()
    if not database_unavailable(exc):
        return make_response(_handle_unexpected(exc))
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    cause = type(getattr(exc, "orig", None) or exc).__name__
    log.warning("database busy or out of reach on %s %s (%s)", request.method, rule, cause)
    if page is None and request.path.startswith("/api/"):
        response = make_response(jsonify({"error": "database busy", "status": 503}), 503)
    else:
        try:
            response = make_response(page() if page else render_error(503))
        except DATABASE_ERRORS:  # a page that still asked the database: its words, plainly
            text = str(_ERRORS[503][1])
            response = make_response(text, 503, {"Content-Type": "text/plain; charset=utf-8"})
    response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def handler_page(
    draw: Callable[[], ResponseReturnValue],
    busy: Callable[[Exception], ResponseReturnValue] | None = None,
) -> ResponseReturnValue:
    """An error handler's page, with what drawing it raises answered as a view's would be (a
    404, a busy database: `busy`, else database_busy): Flask turns anything raised inside an
    error handler into a 500, so an expired form for a deleted receipt was a server error."""
    try:
        return draw()
    except HTTPException as exc:
        return _handle_http(exc)
    except DATABASE_ERRORS as exc:
        return busy(exc) if busy is not None else database_busy(exc)


def _refuse_nul_bytes() -> None:
    """No address or query value of ours contains NUL; PostgreSQL cannot even compare one."""
    request = this_request()
    if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
        abort(400)


def init_security(app: Flask) -> None:
    app.before_request(_refuse_nul_bytes)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, lambda e: render_error(500))
    app.register_error_handler(Exception, _handle_unexpected)
    for error in DATABASE_ERRORS:
        app.register_error_handler(error, database_busy)
