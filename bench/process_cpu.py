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


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User plus system CPU seconds each process has used so far (a process gone is left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND  # utime, stime
    return used


def spent(before: Mapping[int, float], after: Mapping[int, float]) -> dict[int, float]:
    """CPU seconds each process used between two readings; one born meanwhile counts from zero.
    A process that ended meanwhile is missing from `after`, and its time with it."""
    return {pid: seconds - before.get(pid, 0.0) for pid, seconds in after.items()}


def shares(used: Mapping[int, float]) -> list[float]:
    """Each process's share of the CPU they used together, largest first: four gunicorn workers
    that split the work evenly give about [0.25, 0.25, 0.25, 0.25]."""
    total = sum(used.values())
    if total <= 0:
        return [0.0 for _ in used]
    return sorted((round(seconds / total, 3) for seconds in used.values()), reverse=True)
