"""Partner codes as a link or snippet writes them: which ones a letter may keep unmatched."""

from __future__ import annotations

import re

# A code's own characters, as partner codes and the form's hidden field have them: anything
# else (free text, any length) is not kept, so the column never holds what a visitor typed.
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
CODE_RE = re.compile(CODE_PATTERN)
# The tally bucket of letters under a code that names no partner: a code has no "?".
UNKNOWN_BUCKET = "?"


def written_code(code: str | None) -> str | None:
    """`code` when it looks like a partner code, else None."""
    return code if code and CODE_RE.fullmatch(code) else None


def written_tag(value: str | None) -> str:
    """A link's `source` tag as the form carries it: its first 64 characters when they look
    like a code, else nothing (the form would refuse it in a field the supporter cannot see)."""
    return written_code((value or "")[:64]) or ""


def unknown_bucket(code: str) -> str:
    return UNKNOWN_BUCKET + code


def unknown_code_of(bucket: str) -> str | None:
    """The code in an unknown code's tally bucket; None for a partner's id or "none"."""
    return bucket[len(UNKNOWN_BUCKET) :] if bucket.startswith(UNKNOWN_BUCKET) else None
