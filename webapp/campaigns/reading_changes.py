"""Reading copies a save leaves behind: text changed in the campaign's language while its
translation stayed as it was, so readers of that language still see the old wording."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.sections import TargetSpec
from webapp.models import Campaign, Target, TargetKind

# The campaign's texts that have a reading copy under the same key. The consent sentences have
# their own check (dashboard/editor_reading.stale_consents); "intro" exists only translated.
CAMPAIGN_TEXTS = ("title", "subject", "salutation", "body")
# A target's: a fixed office's name and office, and any target's own letter.
TARGET_TEXTS = ("name", "office", "salutation", "cover", "body")
# What a fixed office renamed in the editor keeps, to know it by.
_KEPT = ("address", "email", "contact_url")


@dataclass(frozen=True)
class LeftBehind:
    """One translated text whose original changed while it did not."""

    language: str
    key: str
    target: int | None = None  # its index in the saved file's targets; None: the campaign's


def left_behind(before: Campaign | None, spec: CampaignFile) -> list[LeftBehind]:
    """Each text `spec` changes from `before` whose translation it keeps unchanged, by language,
    the campaign's texts first, then each target's in order. A new campaign has none."""
    if before is None:
        return []
    found: list[LeftBehind] = []
    old_copies = before.translations or {}
    for language, copy in spec.translations.items():
        old = _copy(old_copies, language)
        found += [
            LeftBehind(language, key)
            for key in CAMPAIGN_TEXTS
            if _behind(getattr(before, key), getattr(spec, key), old.get(key), copy.get(key))
        ]
    for index, (stored, saved) in _paired(before.targets, spec.targets):
        for language, copy in saved.translations.items():
            old = _copy(stored.translations or {}, language)
            found += [
                LeftBehind(language, key, index)
                for key in TARGET_TEXTS
                if _behind(getattr(stored, key), getattr(saved, key), old.get(key), copy.get(key))
            ]
    return found


def _copy(translations: Mapping[str, Any], language: str) -> Mapping[str, Any]:
    copy = translations.get(language)
    return copy if isinstance(copy, Mapping) else {}


def _behind(old: Any, new: Any, old_copy: Any, new_copy: Any) -> bool:
    """The original changed; the translation is there and unchanged. (A translation missing
    before or after is a gap, not old wording.)"""
    old, new, old_copy, new_copy = map(_plain, (old, new, old_copy, new_copy))
    return old != new and bool(new_copy) and old_copy == new_copy


def _plain(value: Any) -> Any:
    """Text as the editor saves it (NFC, LF line ends, trimmed), so the line ends of a file
    written on Windows, or an edge space, are not a new wording; empty as None."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
        value = value.strip()
    return value or None


def _paired(
    stored: Sequence[Target], saved: Sequence[TargetSpec]
) -> Iterator[tuple[int, tuple[Target, TargetSpec]]]:
    """Each saved target with the stored one it replaces: the same fixed office by name, or
    lookup rule by chambers, as an import keeps them; then a renamed fixed office by what it
    kept (its name in another language, its address, email or contact page), the closest
    first; failing that, the next one of its kind in order."""
    left = list(stored)
    matched: dict[int, Target] = {}

    def match(index: int, target: Target) -> None:
        matched[index] = target
        left.remove(target)

    for index, spec in enumerate(saved):
        same = next((t for t in left if _key(t) == _key(spec)), None)
        if same is not None:
            match(index, same)
    alike = sorted(
        ((_likeness(t, spec), -index, -position, index, t)
         for index, spec in enumerate(saved) if index not in matched
         for position, t in enumerate(left) if t.kind is spec.kind is TargetKind.CUSTOM),
        key=lambda c: c[:3],
        reverse=True,
    )  # fmt: skip
    for likeness, _i, _p, index, target in alike:
        if any(likeness) and index not in matched and target in left:
            match(index, target)
    for index, spec in enumerate(saved):
        if index not in matched:
            same = next((t for t in left if t.kind is spec.kind), None)
            if same is not None:
                match(index, same)
    for index in sorted(matched):
        yield index, (matched[index], saved[index])


def _likeness(stored: Target, saved: TargetSpec) -> tuple[int, int]:
    """How many names in other languages, then other details, the two share (a name in
    another language tells offices apart better: a new row may copy another's address)."""
    names = sum(
        _same(copy.get("name"), _copy(stored.translations or {}, language).get("name"))
        for language, copy in saved.translations.items()
    )
    kept = sum(_same(getattr(saved, key), getattr(stored, key)) for key in _KEPT)
    return names, kept


def _same(new: Any, old: Any) -> bool:
    """Both given, and the same text."""
    return _plain(new) is not None and _plain(new) == _plain(old)


def _key(target: Target | TargetSpec) -> tuple[str, ...]:
    if target.kind is TargetKind.CUSTOM:
        return (target.kind.value, target.name or "")
    return (target.kind.value, *map(str, target.chambers))
