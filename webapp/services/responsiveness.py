"""Office responsiveness from the survey answers: who got a reply, with a 95% Wilson interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import (
    REPLIED,
    Delivery,
    OfficeReply,
    ReplyAnswer,
    ReplySurvey,
    Submission,
)

Z95 = 1.959963984540054  # the normal quantile for a two-sided 95% interval
# Below this many answers an office's share is not shown: one or two answers say little.
MIN_ANSWERS = 10


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for successes out of n (None when n is 0).

    Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and does not collapse to a point when
    every answer is the same, which matters with the small counts one office gets.
    """
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class ReplyShare:
    """Who got a reply among those who expected one."""

    replied: int
    answers: int  # every answer except "I did not expect a reply"

    @property
    def enough(self) -> bool:
        return self.answers >= MIN_ANSWERS

    @property
    def share(self) -> float | None:
        return self.replied / self.answers if self.answers else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.replied, self.answers)


def share_of(counts: dict[ReplyAnswer, int]) -> ReplyShare:
    """A reply is a written answer, whether or not it answered the point. An acknowledgement
    alone and "no reply yet" count as no reply; "I did not expect a reply" is left out."""
    answers = sum(n for answer, n in counts.items() if answer is not ReplyAnswer.NOT_EXPECTED)
    return ReplyShare(sum(counts.get(a, 0) for a in REPLIED), answers)


@dataclass(frozen=True)
class OfficeReplies:
    recipient_key: str
    name: str
    office: str | None
    counts: dict[ReplyAnswer, int] = field(default_factory=dict)
    # For naming the office in the reader's language (supporter/office_names.py).
    target_id: int | None = None
    chamber: str | None = None

    @property
    def reply(self) -> ReplyShare:
        return share_of(self.counts)

    @property
    def not_expected(self) -> int:
        return self.counts.get(ReplyAnswer.NOT_EXPECTED, 0)


@dataclass(frozen=True)
class Responsiveness:
    offices: list[OfficeReplies]
    overall: ReplyShare  # every office of the campaign together
    not_expected: int


def campaign_responsiveness(
    session: Session, campaign_id: int, public: bool = False
) -> Responsiveness:
    """Per office of the campaign: the answers and the share who got a reply.

    `public` leaves out supporters who asked to be kept off public counts.
    """
    query = (
        select(OfficeReply.recipient_key, OfficeReply.answer, func.count())
        .where(OfficeReply.campaign_id == campaign_id, OfficeReply.answer.is_not(None))
        .group_by(OfficeReply.recipient_key, OfficeReply.answer)
    )
    if public:
        query = (
            query.join(ReplySurvey, ReplySurvey.id == OfficeReply.survey_id)
            .join(Submission, Submission.id == ReplySurvey.submission_id)
            .where(Submission.private.is_(False))
        )
    counts: dict[str, dict[ReplyAnswer, int]] = {}
    for key, answer, number in session.execute(query):
        if answer is not None:
            counts.setdefault(key, {})[answer] = int(number)
    names = {
        key: (name, office, target_id, chamber)
        for key, name, office, target_id, chamber in session.execute(
            select(
                Delivery.recipient_key,
                func.max(Delivery.recipient_name),
                func.max(Delivery.recipient_office),
                func.max(Delivery.target_id),
                func.max(Delivery.recipient_chamber),
            )
            .join(OfficeReply, OfficeReply.delivery_id == Delivery.id)
            .where(OfficeReply.campaign_id == campaign_id, Delivery.recipient_key.in_(list(counts)))
            .group_by(Delivery.recipient_key)
        )
    }
    offices = []
    for key, by_answer in counts.items():
        name, office, target_id, chamber = names.get(key, (key, None, None, None))
        offices.append(OfficeReplies(key, name, office, by_answer, target_id, chamber))
    offices.sort(key=lambda o: (-o.reply.answers, o.name.casefold()))
    total: dict[ReplyAnswer, int] = {}
    for by_answer in counts.values():
        for answer, number in by_answer.items():
            total[answer] = total.get(answer, 0) + number
    return Responsiveness(offices, share_of(total), total.get(ReplyAnswer.NOT_EXPECTED, 0))
