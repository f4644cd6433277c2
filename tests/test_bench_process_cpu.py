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

import pytest

from bench.load_report import CpuMeter
from bench.process_cpu import children, cpu_seconds, shares, spent

# A stand-in for gunicorn: a parent with two children that start up, wait for a file, then burn
# 0.4 and 0.8 s of CPU and stay alive, as workers do, until the test stops them.
PARENT = textwrap.dedent(
    """
    import subprocess, sys
    child = '''
    import os, sys, time
    print("waiting", flush=True)
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.01)
    end = time.process_time() + float(sys.argv[2])
    while time.process_time() < end:
        pass
    print("burnt", flush=True)
    time.sleep(120)
    '''
    workers = [
        subprocess.Popen([sys.executable, "-c", child, sys.argv[1], cpu], stdout=subprocess.PIPE)
        for cpu in ("0.4", "0.8")
    ]
    for worker in workers:
        worker.stdout.readline()
    print("started", flush=True)
    for worker in workers:
        worker.stdout.readline()
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


def test_the_meter_splits_the_cpu_between_the_workers(
    parent: tuple[subprocess.Popen[str], Path],
) -> None:
    process, go = parent
    meter = CpuMeter(process.pid, None)
    assert sorted(meter.workers) == sorted(children(process.pid))
    started = time.monotonic()
    go.touch()
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    figures = meter.read(letters=100, seconds=time.monotonic() - started)

    # 1.2 s of CPU over 100 letters is 12 ms a letter; a clock tick is 10 ms.
    assert 11.5 <= figures["app_cpu_ms_per_letter"] <= 13.0, figures
    larger, smaller = figures["worker_cpu_shares"]
    assert larger == pytest.approx(2 / 3, abs=0.06) and smaller == pytest.approx(1 / 3, abs=0.06)
    assert figures["database_server_cpu_ms_per_letter"] == 0
    # The test process waited for no child while the meter ran: nothing stands in for wrk.
    assert figures["wrk_cpu_ms_per_letter"] == 0
    assert 0.3 <= figures["cores_busy"] <= 2.0, figures


def test_wrk_is_counted_once_it_has_been_waited_for(
    parent: tuple[subprocess.Popen[str], Path],
) -> None:
    process, _go = parent
    meter = CpuMeter(process.pid, None)
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
