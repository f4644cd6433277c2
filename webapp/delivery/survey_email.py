"""The survey email "did they reply?": one-click answers per office and a one-click unsubscribe."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import Policy
from urllib.parse import urlencode

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.delivery.emails import public_url, read_signed_receipt, signed_receipt, to_supporter
from webapp.i18n import interface_language, isolate_in_subject
from webapp.models import NotificationKind, ReplyAnswer, ReplySurvey, Submission

# Its own purpose: a survey link opens the survey, never the receipt with the letter in it, so
# a forwarded survey email shows nobody the supporter's words or address. Answers may be changed
# at any time, so the link does not expire; erasing the supporter makes it lead nowhere.
SURVEY_SALT = "reply-survey"

# In the order the email and the page offer them.
ANSWER_LABELS = {
    ReplyAnswer.REPLIED_ANSWERED: _l("They replied and answered my point"),
    ReplyAnswer.REPLIED_NOT_ANSWERED: _l("They replied without answering it"),
    ReplyAnswer.ACKNOWLEDGEMENT: _l("Only an acknowledgement"),
    ReplyAnswer.NOT_EXPECTED: _l("I did not expect a reply"),
    ReplyAnswer.NO_REPLY: _l("No reply yet"),
}


class OneLineHeader(str):
    """A header value written exactly as given, on one line (RFC 5322 allows 998 characters).

    The email policy refolds a value longer than 78 characters and, finding no space to break
    at, turns a long URL into RFC 2047 encoded words; no mail program decodes those in
    List-Unsubscribe, whose value must be the URL in angle brackets with nothing inserted
    (RFC 2369), so the one-click unsubscribe button never showed."""

    def __new__(cls, name: str, value: str) -> OneLineHeader:
        if not value.isascii() or "\r" in value or "\n" in value or len(name) + len(value) > 996:
            raise ValueError(f"{name} does not fit one ASCII header line")
        header = super().__new__(cls, value)
        header.name = name
        return header

    name: str

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def survey_token(submission: Submission) -> str:
    return signed_receipt(submission, SURVEY_SALT)


def read_survey_token(token: str) -> str | None:
    """The receipt token inside a survey link, or None if forged."""
    return read_signed_receipt(token, SURVEY_SALT, None)


def survey_links(submission: Submission) -> tuple[str, str, str]:
    """The survey page, one office's answer page (append the delivery id), and unsubscribe."""
    token = survey_token(submission)
    lang = interface_language(submission.language)
    query = f"?{urlencode({'lang': lang})}"
    base = public_url(f"/replies/{token}")
    return base + query, base + "/", public_url(f"/replies/{token}/stop") + query


def survey_email(
    submission: Submission, survey: ReplySurvey, kind: NotificationKind, key: str
) -> EmailMessage:
    """The survey (or its reminder) in the supporter's language, listing each office asked."""
    campaign = submission.campaign
    lang = interface_language(submission.language)
    page_url, office_url, stop_url = survey_links(submission)
    offices = [
        (
            office.delivery,
            [
                (
                    label,
                    f"{office_url}{office.delivery_id}?"
                    + urlencode({"answer": answer.value, "lang": lang}),
                )
                for answer, label in ANSWER_LABELS.items()
            ],
        )
        for office in survey.offices
    ]
    title = isolate_in_subject(campaign.title_in(lang), lang)  # as the other emails do
    with force_locale(lang):
        if kind is NotificationKind.REPLY_REMINDER:
            subject = _("A reminder: did the offices reply? %(title)s", title=title)
        else:
            subject = _("Did the offices reply to your letter? %(title)s", title=title)
        context = {
            "submission": submission,
            "campaign": campaign,
            "offices": offices,
            "page_url": page_url,
            "stop_url": stop_url,
            "reminder": kind is NotificationKind.REPLY_REMINDER,
        }
        text = render_template("email/reply_survey.txt", **context)
        html = render_template("email/reply_survey.html", **context)
    message = to_supporter(submission, kind, key, subject, text, html)
    # RFC 8058: mail programs offer "unsubscribe" and POST this body to the address, one click.
    message["List-Unsubscribe"] = OneLineHeader("List-Unsubscribe", f"<{stop_url}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
