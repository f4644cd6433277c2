"""What a worker knows of each channel's health: faults that stop a channel, not a letter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.delivery.leases import Claimable, Leased
from webapp.delivery.outcomes import RetryPolicy
from webapp.models import DUE_STATUSES, Channel, Delivery, Mailing


def channel_of(row: Leased) -> Channel:
    """The channel a row goes by: supporter emails by SMTP, mailings by post."""
    if isinstance(row, Delivery) and row.channel is not None:
        return row.channel
    return Channel.POST if isinstance(row, Mailing) else Channel.EMAIL


@dataclass(frozen=True)
class Pause:
    """A stopped channel waits for the row that stopped it: once that row is due again (its
    wait ran out, or `flask outbox retry` made it due now), the channel is tried again."""

    model: Claimable
    row_id: int


@dataclass
class ChannelFaults:
    """Kept in memory: a restarted worker tries each channel once more, and one failed login
    or unanswered request is all it costs to learn the fault is still there."""

    policy: RetryPolicy
    streaks: dict[Channel, int] = field(default_factory=dict)  # faults since the last success
    unsure: set[Channel] = field(default_factory=set)  # the last send met a 5xx, alone so far
    pauses: dict[Channel, Pause] = field(default_factory=dict)
    halts: int = 0
    halted_until: datetime | None = None

    @property
    def paused(self) -> set[Channel]:
        return set(self.pauses)

    def ok(self, channel: Channel) -> None:
        self.streaks.pop(channel, None)
        self.unsure.discard(channel)
        self.halts = 0

    def fault(self, channel: Channel, certain: bool) -> bool:
        """Count a fault of `channel`; whether it is down now. A 5xx one letter met may be
        that letter's own doing, and stopping the channel for it would hold every letter
        behind one: the channel stops when a second letter in a row meets one too."""
        if not certain and channel not in self.unsure:
            self.unsure.add(channel)
            return False
        self.unsure.discard(channel)
        self.streaks[channel] = self.streaks.get(channel, 0) + 1
        return True

    def delay(self, channel: Channel) -> timedelta:
        """How long the channel's rows wait now: the backoff's steps, one per fault in a row,
        up to its cap."""
        return self.policy.delay(max(1, self.streaks.get(channel, 0)))

    def pause(self, channel: Channel, model: Claimable, row_id: int) -> None:
        """Stop `channel` until the row `row_id` (the one that met the fault) is due again."""
        self.pauses[channel] = Pause(model, row_id)

    def refresh(self, session: Session, now: datetime) -> None:
        """Take up again each stopped channel whose stopping row is due again or gone."""
        for channel, pause in list(self.pauses.items()):
            model = pause.model
            found = session.execute(
                select(model.status, model.next_attempt_at).where(model.id == pause.row_id)
            ).first()
            if found is None or found[0] not in DUE_STATUSES or found[1] is None or found[1] <= now:
                del self.pauses[channel]

    def halt(self, now: datetime) -> datetime:
        """Stop every channel for a while (the master key opens no letter): until when."""
        self.halts += 1
        self.halted_until = now + self.policy.delay(self.halts)
        return self.halted_until

    def halted(self, now: datetime) -> bool:
        return self.halted_until is not None and now < self.halted_until
