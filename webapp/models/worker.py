"""Each outbox worker's heartbeat: the dashboard's only way to know that letters are being sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import Base


class WorkerHeartbeat(Base):
    """One row per worker name (`--worker-id`, or host:pid:thread), refreshed about every 30 s."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    # None until its first round ends: a worker stuck in its first round shows as never done.
    round_at: Mapped[datetime | None]
    # Set when the worker is told to stop (SIGTERM, Ctrl-C) and has finished its row; cleared by
    # its next beat. Its recent seen_at alone read "active" for three minutes after a restart.
    stopped_at: Mapped[datetime | None]
