"""The erasing checkpoint (TRUNCATE) gets through while another checkpoint is running."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from webapp.database import checkpoint_wal, db
from webapp.wal_checkpoints import checkpointer

# SQLite's lock bytes in the -shm file start at byte 120 (os_unix.c, UNIX_SHM_BASE); the
# checkpoint lock is the second (WAL_CKPT_LOCK). A checkpoint in another process holds it.
CHECKPOINT_LOCK_BYTE = 121
HOLDER = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, int(sys.argv[2]))
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
    """
)


def _database(app: Flask) -> Path:
    return Path(str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database))


def _written(app: Flask) -> None:
    """A WAL with something in it, and the -shm file that goes with it."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS scratch (v TEXT)"))
        db.session.execute(text("INSERT INTO scratch VALUES ('x')"))
        db.session.commit()


def test_a_checkpoint_running_in_another_process_is_waited_out(app: Flask, backend: str) -> None:
    """SQLite refuses a checkpoint at once, busy handler or not, while another process runs
    one: the erasing checkpoint used to report failure then, leaving erased pages in the WAL."""
    if backend != "sqlite":
        pytest.skip("SQLite's checkpoints")
    _written(app)
    shm = Path(f"{_database(app)}-shm")
    assert shm.exists()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(shm), str(CHECKPOINT_LOCK_BYTE), "1.0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with app.app_context():
            assert checkpoint_wal(db.session())
        waited = time.monotonic() - started
        # It met the held lock (so the test tests something) and got through once it was let go,
        # not after busy_timeout.
        assert 0.5 < waited < 5, waited
    finally:
        holder.wait(timeout=10)
    assert Path(f"{_database(app)}-wal").stat().st_size == 0  # truncated


def test_this_processs_own_checkpoint_is_waited_for(app: Flask, backend: str) -> None:
    """Writers ask the background thread for a PASSIVE checkpoint every few turns; one asked
    for just before an erase does not make the erase's checkpoint fail."""
    if backend != "sqlite":
        pytest.skip("SQLite's checkpoints")
    for _ in range(5):
        _written(app)
        with app.app_context():
            checkpointer.ask(db.engine)
            assert checkpoint_wal(db.session())
