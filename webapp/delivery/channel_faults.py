"""What a worker knows of each channel's health: faults that stop a channel, not a letter."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.fault_victims import revived
from webapp.delivery.leases import Claimable, Leased
from webapp.delivery.outcomes import RetryPolicy
from webapp.models import DUE_STATUSES, Channel, Delivery, DeliveryStatus, Mailing

log = logging.getLogger(__name__)


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
    # The fault's words as kept on the row (its last_error): which fault it last met.
    said: str = field(default="", compare=False)


@dataclass
class ChannelFaults:
    """Kept in memory: a restarted worker tries each channel once more, and one failed login
    or unanswered request is all it costs to learn the fault is still there."""

    policy: RetryPolicy
    streaks: dict[Channel, int] = field(default_factory=dict)  # faults since the last success
    # The row whose send last met a 5xx, alone so far: it used an attempt on it.
    unsure: dict[Channel, Pause] = field(default_factory=dict)
    pauses: dict[Channel, Pause] = field(default_factory=dict)
    halts: int = 0
    halted_until: datetime | None = None

    @property
    def paused(self) -> set[Channel]:
        return set(self.pauses)

    def ok(self, channel: Channel) -> None:
        self.streaks.pop(channel, None)
        self.unsure.pop(channel, None)
        self.halts = 0

    def fault(self, session: Session, channel: Channel, certain: bool, met: Pause) -> bool:
        """Count a fault of `channel` the row `met` met; whether the channel is down now. A 5xx
        may be that letter's own doing, and stopping the channel for it would hold every
        letter behind one: it uses the letter's attempt (the caller records it so), and the
        channel stops only when a different letter meets one too. The same letter meeting it
        round after round is its own trouble: it ends dead like any letter's own failure.
        Once the channel is known down, the earlier letter gets back the attempt it used."""
        earlier = self.unsure.get(channel)
        if not certain and (earlier is None or earlier == met):
            self.unsure[channel] = met
            return False
        self.unsure.pop(channel, None)
        if earlier is not None and earlier != met:
            give_back_attempt(session, earlier)
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

    def halt(self, now: datetime, cause: Exception) -> datetime:
        """Stop every channel for a while (the master key opens no letter): until when."""
        self.halts += 1
        self.halted_until = now + self.policy.delay(self.halts)
        log.error(
            "outbox stopped until %s: %s. The master key (DATA_ENCRYPTION_KEY or its file) does "
            "not open the letters' data: restore it and restart the worker. No letter was "
            "marked failed",
            self.halted_until.isoformat(timespec="seconds"),
            cause,
        )
        return self.halted_until

    def halted(self, now: datetime) -> bool:
        return self.halted_until is not None and now < self.halted_until

    @property
    def halting(self) -> bool:
        """Halted, or trying again after a halt and not yet past it: a retry's round beats
        before it meets the key again, and must not read as a worker sending."""
        return self.halted_until is not None

    def unhalt(self) -> None:
        """A round went by without the key failing: the worker is sending again."""
        self.halted_until = None


def give_back_attempt(session: Session, row: Pause) -> None:
    """The attempt a row used on a 5xx, given back once the 5xx proved the channel's: it goes
    when the channel does. One that used its last on it died of the channel, not of itself:
    it waits again (`revived`)."""
    model = row.model
    with write_transaction(session):
        session.execute(
            update(model)
            .where(
                model.id == row.row_id,
                model.status == DeliveryStatus.FAILED,
                model.attempts > 0,
            )
            .values(attempts=model.attempts - 1)
        )
        revived(session, row)
