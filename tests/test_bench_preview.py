"""The benches' --preview: each letter takes the preview POST a browser takes before its send."""

from __future__ import annotations

import io
import sys
from contextlib import nullcontext

import pytest

import bench.letter_instructions as letter_instructions


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
    # ... and the child sends every letter, warm-up included, with the preview or without.
    letters: list[tuple[int, bool]] = []

    def letter(client: object, n: int, message: str, preview: bool = False) -> None:
        letters.append((n, preview))

    monkeypatch.setattr(letter_instructions, "letter_app", lambda backend: nullcontext(_App()))
    monkeypatch.setattr(letter_instructions, "_letter", letter)
    monkeypatch.setattr(sys, "stdin", io.StringIO("go\nstop\n"))
    monkeypatch.setattr(sys, "argv", ["letter_instructions", *command[3:]])
    letter_instructions.main()
    assert capsys.readouterr().out == "ready\ndone\n"
    assert letters == [(n, preview) for n in range(5)]
    # The parent's line names the requests counted.
    counted: list[tuple[object, ...]] = []

    def count(*args: object) -> int:
        counted.append(args)
        return 40_000_000 * 2

    monkeypatch.setattr(letter_instructions, "count", count)
    flags = ["--preview"] if preview else []
    monkeypatch.setattr(sys, "argv", ["letter_instructions", "--letters", "2", *flags])
    letter_instructions.main()
    assert counted == [(2, 30, "sqlite", 0, preview)]
    requests = "GET, preview POST, send POST" if preview else "GET + POST"
    assert capsys.readouterr().out.startswith(f"40.00 million instructions per letter ({requests})")
