"""Under `make serve`'s settings each gunicorn worker listens on its own socket, so the kernel
spreads new connections between the workers instead of one worker taking them all."""

from __future__ import annotations

import http.client
import os
import runpy
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.gunicorn import app_env, gunicorn

ROOT = Path(__file__).resolve().parent.parent
LISTEN = "0A"  # the TCP state in /proc/net/tcp


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """One backend is enough: this is about sockets, not SQL."""
    return str(request.param)


def _sockets(port: int, state: str | None = None, remote_port: int | None = None) -> set[str]:
    """Inodes of the IPv4 TCP sockets whose local port is `port` (and state, remote port)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, status, inode = fields[1], fields[2], fields[3], fields[9]
        if int(local.split(":")[1], 16) != port:
            continue
        if state is not None and status != state:
            continue
        if remote_port is not None and int(remote.split(":")[1], 16) != remote_port:
            continue
        found.add(inode)
    return found


def _holder(inode: str, pids: list[int]) -> int:
    """Which of `pids` holds the socket `inode` open."""
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds socket {inode}")


def _workers(port: int) -> list[int]:
    """The gunicorn workers: the processes holding a listening socket on `port`."""
    listening = _sockets(port, LISTEN)
    return sorted({_holder(inode, _all_pids()) for inode in listening})


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


@pytest.mark.slow
def test_each_worker_listens_and_kept_alive_connections_land_on_both(
    app_config: dict[str, Any],
) -> None:
    with gunicorn(app_env(app_config), workers=2) as url:
        port = urlsplit(url).port
        assert port is not None
        # One listening socket per worker (gunicorn's reuse_port): not one shared by both.
        assert len(_sockets(port, LISTEN)) == 2
        workers = _workers(port)
        assert len(workers) == 2

        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=20) for _ in range(16)]
        try:
            for connection in connections:
                connection.request("GET", "/privacy")
                assert connection.getresponse().read()
            holders: Counter[int] = Counter()
            for connection in connections:
                client_port = connection.sock.getsockname()[1]
                (inode,) = _sockets(port, "01", client_port)  # ESTABLISHED, server side
                holders[_holder(inode, workers)] += 1
        finally:
            for connection in connections:
                connection.close()
    # The kernel picks a socket by a hash of each connection's addresses and ports: sixteen
    # all on one worker would happen about once in 30,000 runs.
    assert set(holders) == set(workers), holders


def _starting(binds: list[str], monkeypatch: pytest.MonkeyPatch, **environ: str) -> bool:
    """reuse_port after gunicorn.conf.py's on_starting, for these addresses and environment."""
    from gunicorn.config import Config  # type: ignore[import-untyped]

    for name in ("LISTEN_FDS", "GUNICORN_FD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    config = Config()
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config.set("reuse_port", settings["reuse_port"])
    config.set("bind", binds)
    settings["on_starting"](SimpleNamespace(cfg=config))
    return bool(config.reuse_port)


def test_one_socket_per_worker_only_where_gunicorn_binds_tcp_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _starting(["127.0.0.1:5000"], monkeypatch)
    assert _starting(["127.0.0.1:5000", "[::1]:5000"], monkeypatch)
    # Every worker would remove the path and bind it again: only the last would get requests.
    assert not _starting(["unix:/run/civic-letters.sock"], monkeypatch)
    assert not _starting(["127.0.0.1:5000", "unix:/run/civic-letters.sock"], monkeypatch)
    assert not _starting(["fd://3"], monkeypatch)
    # Sockets handed over by systemd, or by the gunicorn that re-executed this one.
    assert not _starting(["127.0.0.1:5000"], monkeypatch, LISTEN_FDS="1")
    assert not _starting(["127.0.0.1:5000"], monkeypatch, GUNICORN_FD="3")
