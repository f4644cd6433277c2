"""Story prompts in a campaign file: short questions beside the supporter's own paragraph.

    prompts:
      family:                     # a variant: its name, then its questions per language
        en: ["Do you have family in Syria?", ...]
        ar: ["هل لديك عائلة في سوريا؟", ...]
      hopes:
        en: [...]

A plain list of questions is one variant, named `default`, in the campaign's language. Two or
more variants make an experiment: each new supporter is shown one at random.
"""

from __future__ import annotations

import re
from typing import Any

from webapp.campaigns.problems import Kind, Problem
from webapp.campaigns.translations import LANGUAGE_RE

VARIANT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
QUESTION_LIMIT = 200
QUESTIONS_MAX = 5
VARIANTS_MAX = 6
DEFAULT_VARIANT = "default"

Prompts = dict[str, dict[str, list[str]]]


def parse_prompts(value: Any, language: str, problems: list[Problem]) -> Prompts:
    """The file's `prompts`, checked; every problem names its key."""
    if value is None:
        return {}
    if isinstance(value, list):
        value = {DEFAULT_VARIANT: {language: value}}
    if not isinstance(value, dict):
        problems.append(Problem("prompts", Kind.PROMPTS))
        return {}
    if len(value) > VARIANTS_MAX:
        problems.append(Problem("prompts", Kind.VARIANTS_MAX, limit=VARIANTS_MAX))
    result: Prompts = {}
    for name, per_language in value.items():
        name = str(name)
        where = f"prompts.{name}"
        if not VARIANT_RE.match(name):
            problems.append(Problem(where, Kind.VARIANT_NAME))
            continue
        if isinstance(per_language, list):
            per_language = {language: per_language}
        if not isinstance(per_language, dict):
            problems.append(Problem(where, Kind.VARIANT_LANGUAGES))
            continue
        questions = _languages(per_language, where, problems)
        if language not in questions:
            problems.append(Problem(f"{where}.{language}", Kind.LETTER_QUESTIONS))
        result[name] = questions
    return result


def _languages(value: dict[Any, Any], where: str, problems: list[Problem]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for code, items in value.items():
        code = str(code)
        if not LANGUAGE_RE.match(code):
            problems.append(Problem(where, Kind.QUESTION_LANGUAGE, code=repr(code)))
            continue
        if not isinstance(items, list) or not items:
            problems.append(Problem(f"{where}.{code}", Kind.QUESTIONS))
            continue
        if len(items) > QUESTIONS_MAX:
            problems.append(Problem(f"{where}.{code}", Kind.QUESTIONS_MAX, limit=QUESTIONS_MAX))
        texts = []
        for item in items:
            if not isinstance(item, str) or not item.strip():
                problems.append(Problem(f"{where}.{code}", Kind.QUESTION_TEXT))
                continue
            text = " ".join(item.split())
            if len(text) > QUESTION_LIMIT:
                long = Problem(
                    f"{where}.{code}", Kind.QUESTION_LONG, length=len(text), limit=QUESTION_LIMIT
                )
                problems.append(long)
            texts.append(text)
        result[code] = texts
    return result


def variant_names(prompts: Prompts | None) -> list[str]:
    """The campaign's variants in the order the file lists them."""
    return list((prompts or {}).keys())


def questions_for(
    prompts: Prompts | None, variant: str | None, language: str, campaign_language: str
) -> list[str]:
    """The variant's questions in the reader's language, else in the letter's own."""
    per_language = (prompts or {}).get(variant or "") or {}
    return list(per_language.get(language) or per_language.get(campaign_language) or [])
