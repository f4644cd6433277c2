"""The emails about one letter are chosen by NotificationKind; any other kind is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.emails import supporter_email
from webapp.models import NotificationKind, Submission, SubmissionStatus

LETTER_EMAILS = {
    NotificationKind.RECEIPT: "Your letter: ",
    NotificationKind.CONFIRMATION: "Please confirm your letter: ",
    NotificationKind.RECEIPT_LINK: "The link to your receipt: ",
}


def test_each_letter_email_has_its_subject_and_other_kinds_are_refused(
    app: Flask, default_campaign: str
) -> None:
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        submission.status = SubmissionStatus.UNCONFIRMED  # a confirmation email needs one
        for kind, subject in LETTER_EMAILS.items():
            assert supporter_email(submission, kind, "k")["Subject"].startswith(subject)
        for kind in set(NotificationKind) - set(LETTER_EMAILS):
            with pytest.raises(ValueError, match=kind.value):
                supporter_email(submission, kind, "k")
