"""From a receipt: its writer downloads everything the letter holds about them, or deletes it."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.i18n import page_language
from webapp.security import handler_page, kept_private
from webapp.services.own_data import erase_own_data, own_data, own_data_copy
from webapp.supporter.receipt_missing import receipt_missing

bp = Blueprint("own_data", __name__)


class EraseForm(FlaskForm):
    """The deletion's single button: nothing to fill in, CSRF-protected."""


def _confirm_page(token: str, status: int = 200) -> Response:
    summary = own_data(db.session(), token, page_language())
    if summary is None:
        receipt_missing()
    page = render_template(
        "supporter/erase_own_data.html", token=token, summary=summary, form=EraseForm()
    )
    return kept_private(Response(page, status))


@bp.get("/receipts/<token>/my-data.json")
def own_data_download(token: str) -> Response:
    """Everything this receipt's letter holds about its writer, as a JSON file."""
    data = own_data_copy(db.session(), token)
    if data is None:
        receipt_missing()
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-letters-data.json"'
    return kept_private(response)


@bp.get("/receipts/<token>/delete")
def erase_confirm(token: str) -> Response:
    """What deleting would remove, and the button."""
    return _confirm_page(token)


@bp.post("/receipts/<token>/delete")
def erase(token: str) -> BaseResponse:
    """Delete this receipt's letter, then say so on a page of its own (the receipt is gone)."""
    # CSRFProtect has checked the form's token before this runs (see `expired`).
    if not erase_own_data(db.session(), token, utcnow()):
        receipt_missing()
    return redirect(url_for(".erased"), code=303)


@bp.get("/deleted")
def erased() -> str:
    """The deletion is done."""
    return render_template("supporter/erased_own_data.html")


@bp.errorhandler(CSRFError)
def expired(error: CSRFError) -> ResponseReturnValue:
    """A confirmation page left open past the form's lifetime: ask once more, nothing lost."""
    token = str((request.view_args or {}).get("token", ""))
    flash(
        _("For your security the page had expired. Nothing was deleted: press the button again."),
        "error",
    )
    return handler_page(lambda: _confirm_page(token, 400))
