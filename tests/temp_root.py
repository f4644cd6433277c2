"""The test run's temporary files on tmpfs (/dev/shm) when it is there, writable and roomy."""

from __future__ import annotations

import os
import tempfile

import pytest

# pytest makes its folder there private to the user (pytest-of-USER, mode 700, owner checked) and
# tempfile's folders are made with mkdtemp: no name another user could guess and plant.
TMPFS = "/dev/shm"  # noqa: S108
# Chromium keeps its shared memory there too, and a container's /dev/shm is often 64 MB: only a
# roomy one is used. A run holds up to about 0.6 GB there (each worker's PostgreSQL cluster, WAL
# included, has been seen at 265 MB; a passed test's folder is removed when it ends).
ROOM_NEEDED = 4 * 1024**3


def tmpfs_root(path: str = TMPFS) -> str | None:
    """`path` if it is a writable folder with ROOM_NEEDED free, else None."""
    if not os.path.isdir(path) or not os.access(path, os.W_OK | os.X_OK):
        return None
    stats = os.statvfs(path)
    return path if stats.f_bavail * stats.f_frsize >= ROOM_NEEDED else None


def pytest_configure(config: pytest.Config) -> None:
    """Every SQLite test's database is a file under tmp_path, and SQLite syncs it (WAL switch,
    checkpoints, secure_delete's rewrites) about ten times a test: on the disk each fdatasync
    waits for it, on tmpfs it returns at once. SQLite runs the same code with the same pragmas
    on either; no test reads whether data reached a disk. TMPDIR, set before pytest or xdist
    starts anything, also reaches the workers, the PostgreSQL clusters (tests/pg.py) and the
    servers tests start. A TMPDIR or --basetemp the caller chose is kept."""
    if "workerinput" in config.__dict__ or config.option.basetemp or "TMPDIR" in os.environ:
        return
    root = tmpfs_root()
    if root is None:
        return
    os.environ["TMPDIR"] = root
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
