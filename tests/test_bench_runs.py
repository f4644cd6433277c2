"""The benchmarks that start a second process on the first one's database run to the end."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory

from bench.profile_letter import own_words

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def _line(lines: list[str], start: str) -> str:
    """The first line of a bench's output that starts with `start`."""
    found = [line for line in lines if line.startswith(start)]
    assert found, (start, lines[-20:])
    return found[0]


def test_a_packet_renders_in_its_own_process_from_the_generated_letters() -> None:
    # The render process must open the letters the generating process sealed.
    lines = _run("bench.packet_pdf", "--letters", "12")
    figures = json.loads(_line(lines, "{"))
    assert figures["letters"] == 12
    assert int(figures["pages"]) >= 2


def test_the_wal_bench_reads_back_every_page_the_letters_wrote() -> None:
    lines = _run("bench.wal_pages", "--warm", "30", "--letters", "5", "--top", "40")
    found = re.match(
        r"([\d.]+) pages a letter written to the database's WAL \(([\d.]+) commits a letter\), "
        r"([\d.]+) to the rate-limit file's",
        _line(lines, ""),
    )
    assert found, lines
    pages, commits, limit_pages = (float(value) for value in found.groups())
    # One commit a letter: every frame of the window was still in the WAL when it was read.
    assert commits == 1.0
    assert pages >= 20 and limit_pages >= 1
    named = dict((line.split()[1], float(line.split()[0])) for line in lines[1:])
    assert round(sum(named.values()), 1) == pages  # every page is named, "new page" included
    assert named["submission"] > 0 and named["ix_paragraph_band_campaign_band_submission"] > 0


def test_the_export_bench_compares_both_exports_and_checks_their_bytes() -> None:
    lines = _run("bench.export_speed", "--letters", "200", "--rounds", "1", "--backends", "sqlite")
    assert any(
        line.startswith("sqlite letters: 200 rows") and "same bytes" in line for line in lines
    )
    assert any(line.startswith("sqlite deliveries: 400 rows") for line in lines), lines


def test_the_dashboard_bench_exports_from_its_own_process() -> None:
    lines = _run("bench.dashboard", "--backends", "sqlite", "--letters", "300", "--renders", "2")
    assert any(line.startswith("sqlite     CSV: 300 rows") for line in lines), lines


def test_the_channel_map_bench_times_the_full_count_and_the_page_on_both_backends() -> None:
    lines = _run(
        "bench.channel_map", "--backends", "sqlite,postgresql", "--letters", "60", "--renders", "2"
    )
    for backend in ("sqlite", "postgresql"):
        summary = _line(lines, f"{backend:10} 60 letters, ")
        assert "before, the full count alone" in summary and "now the page renders" in summary
    figures = json.loads("\n".join(lines[lines.index("{") :]))
    assert figures["sqlite"]["failed_deliveries"] > 0 and figures["postgresql"]["renders"] == 2


def test_bench_load_sends_nothing_before_every_worker_is_ready() -> None:
    from bench.process_cpu import children
    from bench.serving import start_gunicorn
    from tests.pg import free_port

    port = free_port()
    started = time.monotonic()
    process = start_gunicorn("bench.bare_app:app", port, {}, workers=3, threads=1, warm=False)
    try:
        # start_gunicorn returned once the 3 workers' pids were marked by their post_worker_init.
        assert len(children(process.pid)) == 3
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=5).text == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert time.monotonic() - started < 60
    with pytest.raises(RuntimeError, match="did not start 2 workers"):
        start_gunicorn("bench.no_such_app:app", free_port(), {}, workers=2, threads=1, warm=False)


def test_the_decay_bench_compares_an_empty_and_a_full_database_on_both_backends() -> None:
    lines = _run(
        "bench.decay",
        "--backends",
        "sqlite,postgresql",
        "--letters",
        "300",
        "--rounds",
        "2",
        "--batch",
        "10",
    )
    for backend in ("sqlite", "postgresql"):
        summary = _line(lines, f"{backend}: CPU per letter")
        assert "(2 apps a database in turn)" in summary
        assert "with 300 letters stored" in summary and "median" in summary


def test_the_decay_bench_serves_each_database_from_two_apps_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As gunicorn's two workers: each commit resets the other connection's SQLite page cache,
    a cost one app alone never meets."""
    import bench.decay as decay
    from bench.support import bench_apps

    with ExitStack() as stack:
        _backend, app = next(stack.enter_context(bench_apps(["sqlite"], decay.SETTINGS)))
        pair = decay.workers_of(stack, app, 2)
        assert pair[0] is app and pair[1] is not app
        for setting in ("SQLALCHEMY_DATABASE_URI", "INSTANCE_PATH"):
            assert pair[1].config[setting] == app.config[setting]
        sent: list[tuple[object, int]] = []
        monkeypatch.setattr(
            decay, "_letter", lambda client, n: sent.append((client.application, n))
        )
        decay.cpu_per_letter(pair, 10, 4)
        assert sent == [(pair[0], 10), (pair[1], 11), (pair[0], 12), (pair[1], 13)]


def test_the_schema_bench_runs_against_the_revision_it_is_given() -> None:
    """The bench compares schemas that store the same columns (an index-only migration, as
    c18c00000020 against c18b00000019 was). The newest migration adds a column every letter
    writes, so no older revision can take today's letters: it runs against the newest, taken
    down to itself, through every step of the comparison."""
    revision = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert revision is not None
    lines = _run(
        "bench.schema_ab",
        "--revision",
        revision,
        "--backends",
        "sqlite,postgresql",
        "--rounds",
        "2",
        "--batch",
        "10",
    )
    for backend in ("sqlite", "postgresql"):
        summary = _line(lines, f"{backend}: CPU per letter")
        assert "newest schema" in summary and f"at {revision}" in summary, summary


def test_the_claim_bench_times_the_outbox_claim_on_both_backends() -> None:
    lines = _run(
        "bench.claim_time",
        "--letters",
        "300",
        "--waiting",
        "40",
        "--claims",
        "2",
        "--explain",
    )
    for backend in ("sqlite", "postgresql"):
        summary = _line(lines, f"{backend}: 300 letters")
        assert "40 deliveries waiting: a claim of 40 took" in summary, summary


def test_the_outbox_bench_sends_every_letter_and_counts_its_statements() -> None:
    lines = _run("bench.outbox_send", "--letters", "40")
    for backend in ("sqlite", "postgresql"):
        summary = _line(lines, f"{backend}: 40 emails at ")
        assert "ms of the worker's CPU each" in summary, summary
        kinds = lines[lines.index(summary) + 1 :][:3]
        assert any(line.split()[1:] == ["UPDATE", "delivery", "SET"] for line in kinds), kinds


def test_the_statements_bench_reads_the_servers_own_timings_for_a_letter() -> None:
    lines = _run("bench.pg_statements", "--letters", "10", "--top", "40")
    summary = _line(lines, "CPU per letter")
    assert "PostgreSQL server" in summary and "(10 letters, GET + POST)" in summary
    statements = lines[lines.index(summary) + 2 :]
    # pg_stat_statements saw the letter's own writes, each once per letter.
    for table in ("submission", "supporter", "notification"):
        row = next(line for line in statements if f"INSERT INTO {table} " in line)
        assert row.split()[0] == "1.00", row


def test_the_letter_profile_runs_on_postgresql_through_its_driver() -> None:
    lines = _run(
        "bench.profile_letter", "--backend", "postgresql", "--letters", "5", "--top", "400"
    )
    assert lines[0].endswith(" ms wall") and " on postgresql, " in lines[0], lines[0]
    # Letters with a long paragraph of the supporter's own were sent too (each letter checks
    # for the "sent" page), and their cost is printed beside the bench letter's.
    for label in ("150-word", "5,000-character"):
        assert any(line.endswith(f"with a {label} paragraph of own words") for line in lines)
    # So were letters through the preview a browser takes (each preview answered 200).
    assert any(line.endswith("with a browser's preview (3 requests)") for line in lines)
    # The profiled letters went to PostgreSQL (the rate limits stay in their SQLite file).
    assert any("psycopg/cursor.py" in line and "(execute)" in line for line in lines)


def test_the_gc_bench_runs_letters_with_the_heap_as_it_is_then_frozen() -> None:
    lines = _run("bench.gc_pauses", "--letters", "20", "--warm", "5")
    as_is, frozen = _line(lines, "heap as it is: "), _line(lines, "heap frozen: ")
    assert " 0 frozen; " in as_is, as_is
    tracked = [int(line.split(": ")[1].split(" objects")[0]) for line in (as_is, frozen)]
    held = int(frozen.split("tracked, ")[1].split(" frozen")[0])
    # The warmed app moved out of the collector's sight, and stayed out through the letters.
    assert held > 10_000 and tracked[1] < tracked[0] - held // 2, (as_is, frozen)
    assert "full collections, longest " in frozen and " p99.9 " in frozen, frozen
    assert all("; one full collection timed after: " in line for line in (as_is, frozen))


def test_the_instruction_count_covers_the_letters_and_not_the_start_up() -> None:
    # With paragraphs of the letters' own (--words), each letter drawn and recorded as new.
    lines = _run("bench.letter_instructions", "--letters", "2", "--warm", "3", "--words", "40")
    assert "with a paragraph of 40 words (cut at 5,000 characters) on sqlite" in _line(lines, ""), (
        lines
    )
    per_letter = float(_line(lines, "").split(" million instructions per letter")[0])
    # Starting the app runs about fifteen billion instructions and a letter about twenty million:
    # counting from the start, or not at all, would land far outside this range (the bench
    # itself checks that counting was switched off again before the process ended).
    assert 5 < per_letter < 60, lines


def test_the_blocks_bench_times_every_block_of_a_letter_once_per_letter() -> None:
    from bench.letter_blocks import BEGIN, BODY, CHECKPOINTS, END, report

    lines = report(20)
    assert lines[0].endswith("ms of CPU per letter without timers (median)")
    once = ("form validated", "letter recorded", "risk assessed", "thank-you page")
    for label in once:
        row = next(line for line in lines if line.endswith(label))
        assert "1.00/letter" in row, row
    # Every block a letter passes through was reached (a renamed function would show no runs);
    # the transaction's parts have no count, and 20 letters may need no checkpoint.
    driver = next(i for i, line in enumerate(lines) if "the database driver executing" in line)
    blocks = lines[2:driver]
    assert len(blocks) >= 30
    for line in blocks:
        if not line.endswith((BEGIN, BODY, END, CHECKPOINTS)):
            assert "/letter" in line, line
    limits = next(line for line in blocks if line.endswith("(address and sender: three counters)"))
    assert "1.00/letter" in limits, limits  # counted once, before the send's view runs
    assert "4.00/letter" in next(line for line in lines if line.endswith("consents written"))
    # The driver's own time is listed by kind of statement: the letter row is written once.
    assert any(line.endswith("INSERT INTO submission") and "1.00/letter" in line for line in lines)


def test_the_threads_bench_compares_one_thread_with_many_with_and_without_slots() -> None:
    lines = _run("bench.threads_cpu", "--batch", "8", "--rounds", "2", "--threads", "2")
    assert len([line for line in lines if line.startswith("round ")]) == 2
    for name in ("1 thread", "2 threads, no slots", "2 threads, 1 slot"):
        summary = _line(lines, f"{name}: median ")
        assert "ms of CPU a letter" in summary and "times one thread's" in summary
    assert _line(lines, "1 thread: median ").split("(rounds: ")[1] == "1.00, 1.00)"


def test_each_letter_of_the_profile_writes_a_paragraph_of_its_own() -> None:
    words = [f"w{i}" for i in range(600)]  # about the default campaign's vocabulary
    paragraphs = [own_words(n, words, 900) for n in range(20)]
    assert all(len(p.split()) == 900 for p in paragraphs)
    # Three-word runs, as the similarity sketch reads them.
    runs = [{tuple(p.split()[i : i + 3]) for i in range(898)} for p in paragraphs]
    shared = max(len(a & b) / len(a) for a, b in itertools.combinations(runs, 2))
    assert shared < 0.05, shared


def test_the_outage_bench_serves_letters_while_the_limit_store_hangs() -> None:
    # A second's warm-up: gunicorn's workers have warmed up before they serve (bench.serving).
    lines = _run("bench.store_outage", "--seconds", "3", "--rounds", "1", "--warm-seconds", "1")

    def letters_per_s(line: str) -> float:
        return float(line.split(": ")[1].split(" ")[0])

    aside = _line(lines, "round 1, store hangs, checked aside: ")
    every = _line(lines, "store hangs, every letter asks: ")
    assert "5xx 0" in aside and "5xx 0" in every
    # Checked aside, letters do not wait for the store; asking it, each waits its 1 s timeout.
    assert letters_per_s(aside) > 10 * max(letters_per_s(every), 1.0), (aside, every)
    asked = _line(lines, "connections that reached the hanging store: ")
    counts = [int(word) for word in asked.split(": ")[1].split() if word.isdigit()]
    every_asked, aside_asked = counts[0], counts[1]
    assert every_asked >= 8 and aside_asked <= every_asked / 4, asked
    _line(lines, "letters/s with the store hanging and checked aside, against it answering: ")
    assert _line(lines, "acknowledged ").endswith("of them not in the database: 0")


def test_the_store_turns_start_a_server_on_the_loaded_ones_limit_store() -> None:
    lines = _run(
        "bench.limit_store_turns",
        *("--load-seconds", "3", "--rounds", "1", "--turn", "2", "--warm-seconds", "1"),
    )
    copied = _line(lines, "the store server starts with ")
    assert int(copied.split()[5]) > 0, copied  # the loaded server's counters, not an empty file
    for ratio in ("loaded/new", "store/new", "loaded/store"):
        median = float(_line(lines, f"{ratio}: median ").split()[2].rstrip(","))
        assert median > 0, ratio  # every server took letters in its turns
    for name in ("loaded", "new", "store"):
        assert "letters/s [" in _line(lines, f"{name}: letters/s")


def test_the_long_process_bench_reads_each_block_of_letters() -> None:
    lines = _run("bench.long_process", "--letters", "60", "--block", "20")
    blocks = [line for line in lines if " letters: " in line and "ms of CPU a letter" in line]
    assert [line.split()[0] for line in blocks] == ["20", "40", "60"], lines
    assert "(1.000 of the first block)" in blocks[0]
