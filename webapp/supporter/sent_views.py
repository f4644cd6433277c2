"""From a receipt: its writer says they sent a letter to an office themselves, or takes it back."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.security import render_error
from webapp.services.sent_myself import Said, say_sent, take_back_sent
from webapp.supporter.receipt_missing import receipt_missing
from webapp.supporter.row_notes import RowSaid, back_to_row

bp = Blueprint("sent", __name__)


def _told(token: str, delivery_id: int, said: Said | None, done: RowSaid) -> BaseResponse:
    """Back to the receipt, at this office's row, saying what happened to its delivery."""
    if said is None:
        receipt_missing()
    if said.delivery is None:
        # The receipt is there, only not this office: its top, which lists where the letter goes.
        flash(
            _(
                "Nothing was recorded: that office is not on your letter. The offices it goes "
                "to are below."
            ),
            "info",
        )
        return redirect(url_for("supporter.receipt", token=token), 303)
    # Not recorded: e.g. the organisers queued it again meanwhile; say so rather than nothing.
    if said.recorded:
        return redirect(back_to_row(token, delivery_id, done), 303)
    found = said.delivery.status
    return redirect(back_to_row(token, delivery_id, RowSaid.CHANGED, at=found), 303)


@bp.post("/receipts/<token>/deliveries/<int:delivery_id>/done")
def delivery_done(token: str, delivery_id: int) -> BaseResponse:
    """The supporter sent a hand-off letter through the office's own form."""
    said = say_sent(db.session(), token, delivery_id, utcnow())
    return _told(token, delivery_id, said, RowSaid.SENT)


@bp.post("/receipts/<token>/deliveries/<int:delivery_id>/not-done")
def delivery_not_done(token: str, delivery_id: int) -> BaseResponse:
    """The supporter pressed "I have sent it" by mistake: the letter waits for them again."""
    said = take_back_sent(db.session(), token, delivery_id, utcnow())
    return _told(token, delivery_id, said, RowSaid.NOT_SENT)


@bp.errorhandler(CSRFError)
def expired(error: CSRFError) -> BaseResponse | tuple[str, int]:
    """A receipt left open for hours while its writer used the offices' forms: back to it,
    nothing recorded, to press again. A form without a token at all is refused."""
    args = request.view_args or {}
    if error.description != "The CSRF token has expired." or "token" not in args:
        return render_error(400)
    # The receipt drawn there shows the note only in that office's row, if it is its own, and
    # only while the button pressed is there to press again.
    did = RowSaid.NOT_SENT if request.endpoint == "sent.delivery_not_done" else RowSaid.SENT
    token, delivery_id = str(args["token"]), int(args["delivery_id"])
    return redirect(back_to_row(token, delivery_id, RowSaid.EXPIRED, did=did), 303)
