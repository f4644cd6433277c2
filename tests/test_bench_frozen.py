"""bench.profile_letter counts letters on a frozen heap, as each served worker has.

bench.letter_instructions's freeze is checked with the rest of its child, in test_bench_preview.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext

import pytest

import bench.profile_letter as profile_letter
from tests.test_bench_preview import _App


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
