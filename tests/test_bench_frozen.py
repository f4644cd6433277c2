"""The in-process letter benches count letters on a frozen heap, as each served worker has."""

from __future__ import annotations

import io
import sys
from contextlib import nullcontext

import pytest

import bench.letter_instructions as letter_instructions
import bench.profile_letter as profile_letter


class _App:
    def test_client(self) -> object:
        return object()


def test_the_instruction_count_freezes_the_heap_between_warm_up_and_counted_letters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[object] = []
    monkeypatch.setattr(letter_instructions, "letter_app", lambda backend: nullcontext(_App()))
    monkeypatch.setattr(
        letter_instructions, "_letter", lambda client, n, message, preview=False: events.append(n)
    )
    monkeypatch.setattr(letter_instructions, "freeze_heap", lambda: events.append("frozen"))
    monkeypatch.setattr(sys, "stdin", io.StringIO("go\nstop\n"))
    command = letter_instructions.child_command(2, 3, "sqlite", 0)
    monkeypatch.setattr(sys, "argv", ["letter_instructions", *command[3:]])
    letter_instructions.main()
    assert capsys.readouterr().out == "ready\ndone\n"
    assert events == [0, 1, 2, "frozen", 3, 4]


def test_the_profile_freezes_the_heap_after_its_warm_up_letters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[object] = []
    monkeypatch.setattr(profile_letter, "letter_app", lambda backend: nullcontext(_App()))
    monkeypatch.setattr(profile_letter, "_letter", lambda client, n, **options: events.append(n))
    monkeypatch.setattr(profile_letter, "freeze_heap", lambda: events.append("frozen"))
    monkeypatch.setattr(profile_letter, "campaign_words", lambda app: ["Syria", "now"])
    monkeypatch.setattr(sys, "argv", ["profile_letter", "--letters", "2", "--top", "1"])
    profile_letter.main()
    assert "ms of CPU per letter (GET + POST)" in capsys.readouterr().out
    assert events[:52] == [*range(50), "frozen", 50]
    assert events.count("frozen") == 1
