"""The replies-by-office CSV: answers, reply shares and their intervals, per office."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from webapp.dashboard.csv_stream import csv_lines
from webapp.models import ReplyAnswer
from webapp.services.responsiveness import Responsiveness

REPLIES_COLUMNS = (
    "office",
    "office_title",
    "recipient_key",
    "answers",
    "replied",
    "reply_share",
    "ci95_low",
    "ci95_high",
    *(answer.value for answer in ReplyAnswer),
)
TOO_FEW = "too few answers"


def replies_csv(replies: Responsiveness) -> Iterator[str]:
    """Per office: the answers by kind, the share who got a reply and its 95% Wilson interval
    (shares as fractions with four decimals; "too few answers" under MIN_ANSWERS)."""

    def values() -> Iterator[list[Any]]:
        for office in replies.offices:
            share = office.reply
            low, high = share.interval or (None, None)
            figures = (
                [f"{share.share:.4f}", f"{low:.4f}", f"{high:.4f}"]
                if share.enough and share.share is not None and low is not None
                else [TOO_FEW, "", ""]
            )
            yield [
                office.name,
                office.office,
                office.recipient_key,
                share.answers,
                share.replied,
                *figures,
                *(office.counts.get(answer, 0) for answer in ReplyAnswer),
            ]

    return csv_lines(REPLIES_COLUMNS, values())
