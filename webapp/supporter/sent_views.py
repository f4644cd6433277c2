"""From a receipt: its writer says they sent a letter to an office themselves, or takes it back."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.i18n import bdi
from webapp.security import render_error
from webapp.services.sent_myself import Said, say_sent, take_back_sent
from webapp.supporter.office_names import delivery_office
from webapp.supporter.receipt_missing import receipt_missing
from webapp.supporter.row_notes import note_row

bp = Blueprint("sent", __name__)


def _told(token: str, delivery_id: int, said: Said | None, recorded: str) -> BaseResponse:
    """Say what happened to this receipt's delivery, back to the receipt."""
    if said is None:
        receipt_missing()
    if said.delivery is None:
        # The receipt is there, only not this office: its top, which lists where the letter goes.
        flash(
            _(
                "Nothing was recorded: that office is no longer on your letter. The offices it "
                "goes to are below."
            ),
            "info",
        )
        return redirect(url_for("supporter.receipt", token=token), 303)
    if said.recorded:
        name = bdi(delivery_office(said.letter.campaign, said.delivery).name)
        note_row(delivery_id, escape(recorded) % {"name": name})
    else:  # e.g. the organisers queued it again meanwhile: say so rather than nothing
        note_row(
            delivery_id,
            _(
                "Nothing was recorded: this letter's delivery changed since the page was "
                "opened. It shows where it stands now."
            ),
        )
    return _back(token, delivery_id)


def _back(token: str, delivery_id: int) -> BaseResponse:
    """To the note in the office's row: the browser scrolls to it and, as it can take focus,
    focuses it, which is what has a screen reader read it (autofocus gives way to a
    #fragment, so the fragment must name the note itself)."""
    receipt = url_for("supporter.receipt", token=token)
    return redirect(f"{receipt}#delivery-{delivery_id}-note", 303)


@bp.post("/receipts/<token>/deliveries/<int:delivery_id>/done")
def delivery_done(token: str, delivery_id: int) -> BaseResponse:
    """The supporter sent a hand-off letter through the office's own form."""
    said = say_sent(db.session(), token, delivery_id, utcnow())
    recorded = _("Thank you: we recorded that you sent your letter to %(name)s.")
    return _told(token, delivery_id, said, recorded)


@bp.post("/receipts/<token>/deliveries/<int:delivery_id>/not-done")
def delivery_not_done(token: str, delivery_id: int) -> BaseResponse:
    """The supporter pressed "I have sent it" by mistake: the letter waits for them again."""
    said = take_back_sent(db.session(), token, delivery_id, utcnow())
    recorded = _("We recorded that your letter to %(name)s is not sent yet. It waits for you here.")
    return _told(token, delivery_id, said, recorded)


@bp.errorhandler(CSRFError)
def expired(error: CSRFError) -> BaseResponse | tuple[str, int]:
    """A receipt left open for hours while its writer used the offices' forms: back to it,
    nothing recorded, to press again. A form without a token at all is refused."""
    args = request.view_args or {}
    if error.description != "The CSRF token has expired." or "token" not in args:
        return render_error(400)
    note_row(
        int(args["delivery_id"]),
        _("For your security the page had expired. Nothing was recorded: press the button again."),
        "error",
    )
    return _back(str(args["token"]), int(args["delivery_id"]))
