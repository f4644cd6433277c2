"""What a load balancer's health check is told: can this process reach its database, and is a
worker sending the letters it records."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from webapp.db_faults import DATABASE_ERRORS, database_unavailable, missing_table
from webapp.services.worker_status import WorkerState, worker_status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: bool  # the database answered a read
    worker: WorkerState | None  # None when the database could not be asked

    @property
    def serving(self) -> bool:
        """Whether this process can take letters. A stopped worker does not stop it: letters
        wait in the outbox, and the dashboard and `flask outbox status` say so."""
        return self.database


def health(session: Session) -> Health:
    """One read of the workers' heartbeats, which reaches the database as a letter would."""
    try:
        status = worker_status(session)
    except (*DATABASE_ERRORS, DBAPIError) as exc:
        session.rollback()
        if not (database_unavailable(exc) or missing_table(exc)):
            raise  # a statement of ours is wrong: a 500 with its trace, as anywhere else
        # The driver's words may hold a host name, never a supporter's data; the type is enough.
        log.warning("health check: the database did not answer (%s)", type(exc).__name__)
        return Health(database=False, worker=None)
    session.rollback()  # a read, done: no transaction left open between checks
    return Health(database=True, worker=status.state)
