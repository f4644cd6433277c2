"""The editor's story prompts: a campaign's `prompts` as plain lines, and back.

    [family]
    Do you have family in Syria?
    ar: هل لديك أهل في سوريا؟

A line in brackets starts a variant; a question in another language than the letter's starts
with its code and a colon. Questions before any bracket form the variant `default`.
"""

from __future__ import annotations

import re
from typing import Any

from webapp.campaigns.prompts import DEFAULT_VARIANT

_VARIANT_LINE = re.compile(r"^\[(?P<name>[^\]]*)\]$")
_LANGUAGE_PREFIX = re.compile(r"^(?P<code>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?):\s*(?P<text>.+)$")


def prompts_text(prompts: dict[str, Any] | None, language: str) -> str:
    """The stored prompts as the editor's lines."""
    blocks = []
    for name, per_language in (prompts or {}).items():
        lines = [f"[{name}]"]
        for code, questions in per_language.items():
            prefix = "" if code == language else f"{code}: "
            lines += [f"{prefix}{question}" for question in questions]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def prompts_from_text(text: str | None, language: str) -> dict[str, dict[str, list[str]]]:
    """The editor's lines as the campaign file's `prompts` (checked later, with the file)."""
    result: dict[str, dict[str, list[str]]] = {}
    current = DEFAULT_VARIANT
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _VARIANT_LINE.match(line)
        if heading:
            current = heading["name"].strip()
            result.setdefault(current, {})
            continue
        prefixed = _LANGUAGE_PREFIX.match(line)
        code, question = (prefixed["code"], prefixed["text"]) if prefixed else (language, line)
        result.setdefault(current, {}).setdefault(code, []).append(question.strip())
    return result
