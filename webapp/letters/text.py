"""The plain-text shape of a letter, shared by the preview, the receipt and every channel."""

from __future__ import annotations

from collections.abc import Sequence


def signature_lines(first: str, last: str, city: str, state: str, zip_code: str) -> list[str]:
    """The supporter's signature: their name, then where they live."""
    place = f"{city}, {state} {zip_code}".strip(", ")
    return [f"{first} {last}".strip(), place]


def assemble_letter(
    salutation: str,
    body: str,
    personal_message: str | None,
    closing: str,
    signature: Sequence[str],
    cover: str | None = None,
) -> str:
    """Join the parts of a letter with blank lines between them, as it is sent.

    An office's cover paragraph comes between the salutation and the body.
    """
    parts = [salutation.strip(), (cover or "").strip(), body.strip()]
    if personal_message and personal_message.strip():
        parts.append(personal_message.strip())
    parts.append("\n".join([closing.strip(), *[line for line in signature if line]]))
    return "\n\n".join(p for p in parts if p) + "\n"
