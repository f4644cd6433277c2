"""Which language to mark text with on a page, from the letters it is written in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from markupsafe import Markup

from webapp.i18n import RTL_LANGUAGES, bdi, page_language
from webapp.text_input import is_latin_text


def latin_lang(value: Any) -> str | None:
    """ "en" for a name in Latin letters (Elissa Slotkin) on a page in another language: the
    roster's names are English spellings, which an Arabic voice misreads. A name in the page's
    own script (رئيس الولايات المتحدة), or any name on an English page, needs no mark."""
    text = "" if value is None else str(value)
    if page_language() == "en" or not any(ch.isalpha() for ch in text):
        return None
    return "en" if is_latin_text(text) else None


def name_bdi(value: Any) -> Markup:
    """A name isolated from the sentence around it (bdi), marked lang="en" where latin_lang
    says so."""
    return bdi_lang(value, latin_lang(value))


def bdi_lang(value: Any, lang: str | None) -> Markup:
    """A value isolated and marked `lang` as decided apart from it: a cached page renders a
    marker in the value's place, which name_bdi would judge instead of the value."""
    if lang is None:
        return bdi(value)
    return Markup('<bdi lang="{}">{}</bdi>').format(lang, value)


def letter_text_lang(text: str | None, language: str) -> str | None:
    """The lang of a box holding a letter written in `language` (English), or None to leave it
    unmarked. A box can carry one language only, and the supporter's own words in it may be in
    Arabic ("Dear President Biden, عائلتي من حمص. I support…"): an English voice reads Arabic
    letters as nothing at all, while the page's voice, Arabic for an Arabic reader, reads the
    English around them, accented but whole. So a box with letters outside the Latin script
    takes the page's language; one all in Latin letters keeps the letter's."""
    if language.split("-")[0] in RTL_LANGUAGES or is_latin_text(text):
        return language
    return None


def register_text_lang(bp: Blueprint) -> None:
    bp.add_app_template_filter(name_bdi)
    bp.add_app_template_filter(bdi_lang)
    bp.add_app_template_global(letter_text_lang)
