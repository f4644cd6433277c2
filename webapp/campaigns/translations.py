"""Reading translations in a campaign file: parsed, checked and written back per language."""

from __future__ import annotations

import re
from typing import Any

from webapp.campaigns.problems import Kind, Problem
from webapp.letters.merge import MergeFieldError, check_template, has_merge_fields

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
INTRO_LIMIT = 2000
# The campaign's reading copy: the keys a file may give, each with its length limit.
CAMPAIGN_KEYS = {
    "title": 300,
    "subject": 300,
    "intro": INTRO_LIMIT,
    "salutation": 200,
    "body": 20000,
    "consent_text": 500,
}
# Shown as written, never merged (titles head pages and emails before any letter exists):
# a merge field there would be shown raw, so it is refused.
PLAIN_KEYS = frozenset({"title", "intro", "consent_text", "name", "office"})
# A target's reading copy: its own cover, salutation and body, and a fixed office's name and
# office as supporters read them (offices still receive the English).
TARGET_KEYS = {"name": 200, "office": 200, "salutation": 200, "cover": 2000, "body": 20000}
# Only a fixed office has a name of the campaign's own to translate.
FIXED_ONLY_KEYS = ("name", "office")
# Words said around the letter on any page in a language (consent sentences, a partner's name
# and wording), not a reading copy of the letter: a copy of only these needs no letter body.
AROUND_LETTER_KEYS = frozenset({"consent_text", "partners"})


def _language_items(
    value: Any, where: str, campaign_language: str, problems: list[Problem]
) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        return []
    if not isinstance(value, dict):
        problems.append(Problem(where, Kind.LANGUAGES))
        return []
    items = []
    for language, copy in value.items():
        language = str(language)
        if not LANGUAGE_RE.match(language):
            problems.append(Problem(where, Kind.LANGUAGE_CODE, code=repr(language)))
        elif language == campaign_language:
            problems.append(Problem(f"{where}.{language}", Kind.SAME_LANGUAGE))
        elif not isinstance(copy, dict):
            problems.append(Problem(f"{where}.{language}", Kind.COPY_MAPPING))
        else:
            items.append((language, copy))
    return items


def _texts(
    copy: dict[str, Any], keys: dict[str, int], where: str, problems: list[Problem]
) -> dict[str, str]:
    """The text keys of one language's copy; merge fields are checked as in the letter."""
    texts: dict[str, str] = {}
    for key, value in copy.items():
        if key not in keys:
            continue
        if not isinstance(value, str | int | float):
            problems.append(Problem(f"{where}.{key}", Kind.TEXT))
            continue
        text = str(value).strip()
        if not text:
            continue
        if len(text) > keys[key]:
            where_key, limit = f"{where}.{key}", keys[key]
            problems.append(Problem(where_key, Kind.TOO_LONG, length=len(text), limit=limit))
        if key in PLAIN_KEYS:
            if has_merge_fields(text):
                problems.append(Problem(f"{where}.{key}", Kind.NOT_MERGED))
        else:
            try:
                check_template(text)
            except MergeFieldError as exc:
                problems.append(exc.at(f"{where}.{key}"))
        texts[key] = text
    return texts


def parse_campaign_translations(
    value: Any,
    campaign_language: str,
    signatories: set[str],
    partners: frozenset[str],
    problems: list[Problem],
) -> dict[str, dict[str, Any]]:
    """`translations: {ar: {title, intro, salutation, body, consent_text, signatories,
    partners}}`, checked. `partners` maps a partner's code to its consent sentence here, or to
    `{name, consent}` (either optional); kept as `partners` (code -> consent) and
    `partner_names` (code -> name), which `exported` writes back as the file had them."""
    result: dict[str, dict[str, Any]] = {}
    for language, copy in _language_items(value, "translations", campaign_language, problems):
        where = f"translations.{language}"
        known = {*CAMPAIGN_KEYS, "signatories", "partners"}
        for key in copy:
            if key not in known:
                keys = ", ".join(sorted(known))
                problems.append(Problem(f"{where}.{key}", Kind.UNKNOWN_KEY, keys=keys))
        texts: dict[str, Any] = _texts(copy, CAMPAIGN_KEYS, where, problems)
        if "body" not in texts and not (copy and set(copy) <= AROUND_LETTER_KEYS):
            problems.append(Problem(f"{where}.body", Kind.TRANSLATED_BODY))
        names = _signatory_names(copy.get("signatories"), signatories, where, problems)
        if names:
            texts["signatories"] = names
        consents, partner_names = _partner_copies(copy.get("partners"), partners, where, problems)
        if consents:
            texts["partners"] = consents
        if partner_names:
            texts["partner_names"] = partner_names
        result[language] = texts
    return result


# A partner's copy in one language: its consent sentence and its name, with their limits.
PARTNER_KEYS = {"consent": 500, "name": 200}


def _partner_copies(
    value: Any, partners: frozenset[str], where: str, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, str]]:
    """A language's wording of each partner's consent sentence and its name, each keyed by the
    partner's code. A plain string is the consent sentence (files written before names)."""
    if value is None:
        return {}, {}
    if not isinstance(value, dict):
        problems.append(Problem(f"{where}.partners", Kind.PARTNER_COPIES))
        return {}, {}
    found: dict[str, dict[str, str]] = {"consent": {}, "name": {}}
    for code, copy in value.items():
        if str(code) not in partners:
            problems.append(Problem(f"{where}.partners", Kind.PARTNER_UNLISTED, code=repr(code)))
            continue
        if not isinstance(copy, dict):
            if not isinstance(copy, str) or not copy.strip():
                problems.append(
                    Problem(f"{where}.partners", Kind.PARTNER_SENTENCE, code=repr(code))
                )
                continue
            copy = {"consent": copy}
        for key in copy:
            if key not in PARTNER_KEYS:
                problems.append(
                    Problem(f"{where}.partners", Kind.PARTNER_KEY, code=repr(code), key=repr(key))
                )
        if not any(copy.get(key) for key in PARTNER_KEYS):
            problems.append(Problem(f"{where}.partners", Kind.PARTNER_EMPTY, code=repr(code)))
            continue
        for key, limit in PARTNER_KEYS.items():
            text = copy.get(key)
            consent = key == "consent"
            if text is None:
                continue
            if not isinstance(text, str) or not text.strip():
                kind = Kind.PARTNER_SENTENCE if consent else Kind.PARTNER_NAME_TEXT
                problems.append(Problem(f"{where}.partners", kind, code=repr(code)))
            elif len(text.strip()) > limit:
                kind = Kind.PARTNER_SENTENCE_LONG if consent else Kind.PARTNER_NAME_LONG
                problems.append(Problem(f"{where}.partners", kind, code=repr(code), limit=limit))
            elif key == "name" and has_merge_fields(text):
                problems.append(
                    Problem(f"{where}.partners", Kind.PARTNER_NAME_MERGED, code=repr(code))
                )
            else:
                found[key][str(code)] = text.strip()
    return found["consent"], found["name"]


def _signatory_names(
    value: Any, signatories: set[str], where: str, problems: list[Problem]
) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(f"{where}.signatories", Kind.SIGNATORY_NAMES))
        return {}
    names: dict[str, str] = {}
    for name, translated in value.items():
        if str(name) not in signatories:
            problems.append(
                Problem(f"{where}.signatories", Kind.SIGNATORY_UNLISTED, name=repr(name))
            )
        elif not isinstance(translated, str) or not translated.strip():
            problems.append(
                Problem(f"{where}.signatories", Kind.SIGNATORY_NAME_TEXT, name=repr(name))
            )
        elif len(translated) > 200:
            problems.append(
                Problem(
                    f"{where}.signatories", Kind.SIGNATORY_NAME_LONG, name=repr(name), limit=200
                )
            )
        else:
            names[str(name)] = translated.strip()
    return names


def parse_target_translations(
    value: Any, where: str, campaign_language: str, problems: list[Problem]
) -> dict[str, dict[str, str]]:
    """A target's `translations: {ar: {name, office, cover, salutation, body}}`, checked."""
    result: dict[str, dict[str, str]] = {}
    items = _language_items(value, f"{where}translations", campaign_language, problems)
    for language, copy in items:
        inner = f"{where}translations.{language}"
        for key in copy:
            if key not in TARGET_KEYS:
                keys = ", ".join(TARGET_KEYS)
                problems.append(Problem(f"{inner}.{key}", Kind.UNKNOWN_KEY, keys=keys))
        texts = _texts(copy, TARGET_KEYS, inner, problems)
        if texts:
            result[language] = texts
    return result


def exported(translations: dict[str, Any] | None) -> dict[str, Any]:
    """Translations as a campaign file writes them: languages and keys in a stable order."""
    out: dict[str, Any] = {}
    for language in sorted(translations or {}):
        copy = file_copy(translations[language] if translations else {})
        keys = (*CAMPAIGN_KEYS, *TARGET_KEYS, "signatories", "partners")
        ordered = {k: copy[k] for k in keys if k in copy}
        if ordered:
            out[language] = ordered
    return out


def file_copy(copy: dict[str, Any]) -> dict[str, Any]:
    """One language's stored copy as a file gives it: a partner with a name here becomes
    `{name, consent}`, one with only a consent sentence stays a string (as older files)."""
    names: dict[str, str] = copy.get("partner_names") or {}
    consents: dict[str, str] = copy.get("partners") or {}
    out = {k: v for k, v in copy.items() if k not in ("partners", "partner_names")}
    partners: dict[str, Any] = {}
    for code in [*consents, *(code for code in names if code not in consents)]:
        if code not in names:
            partners[code] = consents[code]
        else:
            partners[code] = {"name": names[code]} | (
                {"consent": consents[code]} if code in consents else {}
            )
    return {**out, "partners": partners} if partners else out
