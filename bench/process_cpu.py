"""CPU seconds of other processes, read from /proc: gunicorn's workers, PostgreSQL's server."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The direct children of `pid` (of its main thread, which is the one gunicorn forks from)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def postgres_processes(port: int) -> list[int]:
    """The postmaster listening on `port` and its children (backends, checkpointer, WAL writer)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if command[0].endswith(b"postgres") and f"-p {port}".encode() in b" ".join(command):
                return [int(entry.name), *children(int(entry.name))]
    raise RuntimeError(f"no PostgreSQL server on port {port}")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User plus system CPU seconds each process has used so far (a process gone is left out)."""
    used = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            used[pid] = (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
    return used


def reaped_seconds(pid: int) -> float:
    """CPU seconds of the children `pid` has waited for after they ended (cutime, cstime)."""
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[13]) + int(fields[14])) / TICKS_PER_SECOND


def spent(before: Mapping[int, float], after: Mapping[int, float]) -> dict[int, float]:
    """CPU seconds each process used between two readings; one born meanwhile counts from zero.
    A process that ended meanwhile is missing from `after` (see `Tree` for where its time went)."""
    return {pid: seconds - before.get(pid, 0.0) for pid, seconds in after.items()}


class Tree:
    """A parent and its children, read now and again later: the CPU all of them used between
    the two readings, including children that ended meanwhile (the parent waited for them, so
    their time moved to its reaped total: a replaced gunicorn worker, a PostgreSQL backend or
    autovacuum worker that exited)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.before = cpu_seconds([root, *children(root)])
        self.reaped_before = reaped_seconds(root)

    def read(self) -> tuple[dict[int, float], float]:
        """CPU seconds since the first reading of each process alive now, and of those ended."""
        after = cpu_seconds([self.root, *children(self.root)])
        gone = sum(seconds for pid, seconds in self.before.items() if pid not in after)
        ended = reaped_seconds(self.root) - self.reaped_before - gone
        return spent(self.before, after), max(0.0, ended)


def shares(used: Mapping[int, float]) -> list[float]:
    """Each process's share of the CPU they used together, largest first: four gunicorn workers
    that split the work evenly give about [0.25, 0.25, 0.25, 0.25]."""
    total = sum(used.values())
    if total <= 0:
        return [0.0 for _ in used]
    return sorted((round(seconds / total, 3) for seconds in used.values()), reverse=True)
