"""bench.load's CPU accounting: each worker's share, the database server's and wrk's CPU."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bench.load_report import CpuMeter
from bench.process_cpu import Tree, cpu_seconds, postgres_processes, shares, spent
from tests.pg import PostgresCluster

# A stand-in for gunicorn: a parent with three children that start up, wait for a file, then
# burn 0.4, 0.8 and 0.3 s of CPU. The first two stay alive, as workers do, until the test stops
# them; the third ends and its parent waits for it, as gunicorn does for a worker it replaces.
# The third also burns 0.3 s before the meter's first reading, which must not be counted.
PARENT = textwrap.dedent(
    """
    import subprocess, sys
    child = '''
    import os, sys, time
    end = time.process_time() + float(sys.argv[4])
    while time.process_time() < end:
        pass
    print("waiting", flush=True)
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.01)
    end = time.process_time() + float(sys.argv[2])
    while time.process_time() < end:
        pass
    print("burnt", flush=True)
    if sys.argv[3] == "stay":
        time.sleep(120)
    '''
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", child, sys.argv[1], cpu, then, before],
            stdout=subprocess.PIPE,
        )
        for cpu, then, before in (("0.4", "stay", "0"), ("0.8", "stay", "0"), ("0.3", "end", "0.3"))
    ]
    for worker in workers:
        worker.stdout.readline()
    print("started", flush=True)
    for worker in workers:
        worker.stdout.readline()
    workers[2].wait()
    print("ready", flush=True)
    sys.stdin.read()
    """
)


@pytest.fixture
def parent(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    go = tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(go)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "started\n"  # both children waiting for the file
        yield process, go
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_the_meter_splits_the_cpu_between_the_workers_and_counts_one_that_ended(
    parent: tuple[subprocess.Popen[str], Path],
) -> None:
    process, go = parent
    meter = CpuMeter(process.pid, None)
    assert len(meter.app.before) == 4  # the parent and its three children
    started = time.monotonic()
    go.touch()
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    seconds = time.monotonic() - started
    figures = meter.read(letters=100, seconds=seconds)

    # 0.4 + 0.8 + 0.3 s of CPU over 100 letters is 15 ms a letter; a clock tick is 10 ms.
    assert 14.5 <= figures["app_cpu_ms_per_letter"] <= 16.5, figures
    larger, smaller = figures["worker_cpu_shares"]  # the two alive
    assert larger == pytest.approx(2 / 3, abs=0.06) and smaller == pytest.approx(1 / 3, abs=0.06)
    assert figures["workers_ended"] == 1
    assert figures["database_server_cpu_ms_per_letter"] == 0
    # The test process waited for no child while the meter ran: nothing stands in for wrk.
    assert figures["wrk_cpu_ms_per_letter"] == 0
    used = figures["app_cpu_ms_per_letter"] * 100 / 1000
    assert figures["cores_busy"] == pytest.approx(used / seconds, abs=0.02)


def test_a_postgresql_backend_that_ended_during_the_run_is_counted(
    postgres_cluster: PostgresCluster,
) -> None:
    tree = Tree(postgres_processes(postgres_cluster.port)[0])
    dsn = f"host=127.0.0.1 port={postgres_cluster.port} user=app dbname=postgres"
    with psycopg.connect(dsn) as connection:
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()
        assert backend is not None
        connection.execute("SET max_parallel_workers_per_gather = 0")  # this backend alone
        connection.execute("SELECT count(*) FROM generate_series(1, 4000000)").fetchone()
        used = cpu_seconds([backend[0]])[backend[0]]  # its whole life: it began after the tree
    deadline = time.monotonic() + 10
    while True:  # the postmaster reaps the backend soon after the client leaves
        alive, ended = tree.read()
        if backend[0] not in alive or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert used > 0.1
    # At least: other children of the postmaster (autovacuum workers) may end meanwhile too.
    assert ended >= used - 0.02, (used, ended)


def test_wrk_is_counted_once_it_has_been_waited_for(
    parent: tuple[subprocess.Popen[str], Path],
) -> None:
    meter = CpuMeter(parent[0].pid, None)
    burn = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    figures = meter.read(letters=50, seconds=1.0)
    assert 10.0 <= figures["wrk_cpu_ms_per_letter"] <= 13.0, figures  # 0.5 s + start, / 50


def test_a_process_born_meanwhile_counts_from_zero_and_one_gone_is_left_out() -> None:
    assert spent({1: 5.0, 2: 3.0}, {1: 6.5, 3: 0.25}) == {1: 1.5, 3: 0.25}
    assert shares({1: 1.0, 2: 3.0}) == [0.75, 0.25]
    assert shares({1: 0.0, 2: 0.0}) == [0.0, 0.0]
    assert cpu_seconds([os.getpid()])[os.getpid()] > 0
    assert cpu_seconds([2**22 + 1]) == {}  # above any pid this kernel hands out
