"""Every setting webapp/config.py reads is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_is_listed_in_env_example() -> None:
    source = (ROOT / "webapp" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env,\s*"([A-Z][A-Z0-9_]+)"', source))
    read |= set(re.findall(r'env\.get\("([A-Z][A-Z0-9_]+)"', source))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert len(read) > 40
    assert sorted(read - documented) == []
