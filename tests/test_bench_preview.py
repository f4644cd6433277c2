"""The benches' --preview: each letter takes the preview POST a browser takes before its send."""

from __future__ import annotations

import io
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest

import bench.letter_instructions as letter_instructions
from bench.load import _report
from bench.load_report import stored_names
from bench.serving import (
    LUA,
    WRK_THREADS,
    Served,
    acknowledged,
    app_env,
    parse_result,
    prepare_database,
    run_wrk,
    serve_letters,
)
from tests.load_results import load_result
from tests.pg import PostgresCluster


def test_a_paced_letter_takes_three_requests_with_the_preview_and_two_without() -> None:
    two = Served(1, {"ORIGIN": "http://x", "PREVIEW": "0"})
    three = Served(1, {"ORIGIN": "http://x", "PREVIEW": "1"})
    assert float(two.paced_rate(200)) * WRK_THREADS == 400
    assert float(three.paced_rate(200)) * WRK_THREADS == 600
    assert not Served(1, {"ORIGIN": "http://x"}).preview and three.preview


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_letters_through_the_preview_under_gunicorn_are_all_stored(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("bench_preview")
    else:
        url = f"sqlite:///{tmp_path / 'load.db'}"
    prepare_database(url, tmp_path)
    env = app_env(url, tmp_path)
    with serve_letters("app:app", env, 1, 2, tmp_path / "acks", preview=True) as served:
        result = parse_result(run_wrk(served.url, 4, 8, LUA, served.lua_env))
    recorded, previews = int(result["recorded"]), int(result["previews"])
    assert recorded > 0 and result["errors5xx"] == result["non2xx"] == 0, result
    # A preview for every send (wrk's stop may cut one off on either side: a thread's send can
    # go out before its preview's answer, the token being any fresh one), and each letter took
    # three requests: a GET, the preview, the send.
    assert abs(previews - recorded) <= 8, result
    assert 3 * recorded <= result["requests"] <= 3 * recorded + 3 * 8 + 2 * WRK_THREADS, result
    acks = acknowledged(tmp_path / "acks")
    assert len(acks) == recorded
    assert acks <= stored_names(url, tmp_path)  # acknowledged = stored: none lost


def test_the_load_report_says_when_letters_took_the_preview(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _report(load_result(preview=True, previews=1_203))
    out = capsys.readouterr().out
    assert (
        "100 letters through the preview (GET, preview POST, send POST: 3 requests a letter; "
        "1,203 previews answered), letters/s counting sent letters, not requests, at 250.0 "
        "letters/s" in out
    ), out
    _report(load_result(preview=False, previews=0))
    assert "100 letters at 250.0 letters/s" in capsys.readouterr().out


class _App:
    def test_client(self) -> object:
        return object()


@pytest.mark.parametrize("preview", [True, False])
def test_the_instruction_count_sends_each_letter_through_the_preview_when_asked(
    preview: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The parent hands the flag to the child it runs under valgrind ...
    command = letter_instructions.child_command(2, 3, "sqlite", 0, preview)
    assert ("--preview" in command) is preview
    # ... and the child sends every letter, warm-up included, with the preview or without,
    # freezing the heap between the warm-up and the counted letters as a served worker does.
    letters: list[object] = []

    def letter(client: object, n: int, message: str, preview: bool = False) -> None:
        letters.append((n, preview))

    monkeypatch.setattr(letter_instructions, "letter_app", lambda backend: nullcontext(_App()))
    monkeypatch.setattr(letter_instructions, "_letter", letter)
    monkeypatch.setattr(letter_instructions, "freeze_heap", lambda: letters.append("frozen"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("go\nstop\n"))
    monkeypatch.setattr(sys, "argv", ["letter_instructions", *command[3:]])
    letter_instructions.main()
    assert capsys.readouterr().out == "ready\ndone\n"
    assert letters == [
        (0, preview),
        (1, preview),
        (2, preview),
        "frozen",
        (3, preview),
        (4, preview),
    ]
    # The parent's line names the requests counted.
    counted: list[tuple[object, ...]] = []

    def count(*args: object) -> int:
        counted.append(args)
        return 40_000_000 * 2

    monkeypatch.setattr(letter_instructions, "count", count)
    flags = ["--preview"] if preview else []
    monkeypatch.setattr(sys, "argv", ["letter_instructions", "--letters", "2", *flags])
    letter_instructions.main()
    assert counted == [(2, 30, "sqlite", 0, preview, 0)]
    requests = "GET, preview POST, send POST" if preview else "GET + POST"
    assert capsys.readouterr().out.startswith(f"40.00 million instructions per letter ({requests})")


def test_the_instruction_count_can_start_from_a_full_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # --stored reaches the child, whose app then holds that many letters before the warm-up
    # (bench.decay's full app), and the parent's line says how many.
    command = letter_instructions.child_command(1, 1, "sqlite", 0, stored=50_000)
    assert command[command.index("--stored") + 1] == "50000"
    made: list[tuple[str, int]] = []

    def full_app(_stack: object, backend: str, stored: int) -> _App:
        made.append((backend, stored))
        return _App()

    monkeypatch.setattr(letter_instructions, "app_with_letters", full_app)
    monkeypatch.setattr(letter_instructions, "_letter", lambda *args, **kwargs: None)
    monkeypatch.setattr(letter_instructions, "freeze_heap", lambda: None)
    monkeypatch.setattr(sys, "stdin", io.StringIO("go\nstop\n"))
    monkeypatch.setattr(sys, "argv", ["letter_instructions", *command[3:]])
    letter_instructions.main()
    assert made == [("sqlite", 50_000)]
    assert capsys.readouterr().out == "ready\ndone\n"
    monkeypatch.setattr(letter_instructions, "count", lambda *args: 30_000_000)
    monkeypatch.setattr(sys, "argv", ["letter_instructions", "--letters", "2", "--stored", "9"])
    letter_instructions.main()
    assert "9 letters stored before" in capsys.readouterr().out
