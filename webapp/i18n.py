"""Interface language: choosing it per request, carrying it in links, direction and isolation."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from flask import Flask, has_request_context, redirect, request
from flask_babel import format_decimal, get_locale, get_translations
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from webapp.request_guards import body_unreadable
from webapp.unproxied import this_app, this_locale, this_request

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
# Each language named in itself, for the switch shown on every supporter page.
LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}


def _supported() -> list[str]:
    return list(this_app().config["SUPPORTED_LOCALES"])


# Where a request keeps its chosen language once read: it is asked for by the language hook,
# by every url_for and by the form page caches' keys, and it cannot change within a request.
_CHOSEN = "civic_letters.explicit_language"


def explicit_language() -> str | None:
    """The language the supporter chose (a link's ?lang= or a form's lang field), if any."""
    environ = this_request().environ
    if _CHOSEN in environ:
        chosen: str | None = environ[_CHOSEN]
        return chosen
    chosen = environ[_CHOSEN] = _read_explicit_language()
    return chosen


def _read_explicit_language() -> str | None:
    supported = _supported()
    request = this_request()
    wanted = request.args.get("lang")
    if wanted not in supported and request.method == "POST" and not body_unreadable():
        try:
            wanted = request.form.get("lang")
        except HTTPException:  # a body over the size limit: its error page comes next
            return None
    return wanted if wanted in supported else None


def select_locale() -> str | None:
    """Flask-Babel's locale selector: the organiser pages stay in the default language."""
    if not has_request_context():
        return None  # commands and workers use the default locale (emails force their own)
    request = this_request()
    if request.blueprint == "dashboard":
        return str(this_app().config["BABEL_DEFAULT_LOCALE"])
    return first_offered(request.accept_languages, _supported())


def first_offered(accepted: LanguageAccept, supported: list[str]) -> str | None:
    """The browser's most preferred language that we offer, a regional tag by its language
    ("ar-SY" is Arabic). Werkzeug's best_match tries exact tags first, so "ar-SY,en;q=0.5"
    (a Syrian phone's) got English pages. None: the default."""
    for tag, quality in accepted:  # in the browser's order of preference
        language = tag.replace("_", "-").split("-")[0].lower()
        if quality > 0 and language in supported:
            return language
    return None


def _prefer_chosen_language() -> Response | None:
    """`/ar/campaigns/x` is `/campaigns/x?lang=ar`; a chosen language outranks the browser's.

    Everything that reads the request's languages (the locale, the language a letter is
    recorded with, hence its emails) then follows the supporter's own choice.
    """
    request = this_request()
    first, _sep, rest = request.path.lstrip("/").partition("/")
    if first in _supported() and request.method in ("GET", "HEAD"):
        query = {**request.args.to_dict(), "lang": first}
        return redirect(f"/{rest}?{urlencode(query)}", code=302)
    chosen = explicit_language()
    if chosen is not None:
        # A cached property on the request: set once, before anything reads it.
        request.accept_languages = LanguageAccept([(chosen, 1)])
    return None


def _carry_language(endpoint: str, values: dict[str, Any]) -> None:
    """Links and form actions keep a language chosen by link or switch (no cookie needed)."""
    if endpoint == "static" or "lang" in values or not has_request_context():
        return
    chosen = explicit_language()
    if chosen is not None:
        values["lang"] = chosen


def page_language() -> str:
    locale = this_locale()
    return locale.language if locale else "en"


# Quotation marks by language: Arabic typography quotes with guillemets, as the catalogue's
# sentences do («أبقوني على اطّلاع»); a catalogue entry of marks alone would hold no Arabic letter.
_QUOTES = {"ar": ("«", "»")}


def quoted(text: str) -> str:
    """`text` between the page language's quotation marks: “Opens at”, «موعد الفتح»."""
    start, end = _QUOTES.get(page_language(), ("“", "”"))
    return f"{start}{text}{end}"


def switch_language_url(code: str) -> str:
    """This page's address in another language (GET pages; forms use the switch buttons)."""
    query = {**request.args.to_dict(), "lang": code}
    return f"{request.path}?{urlencode(query)}"


def bdi(value: Any) -> Markup:
    """User data (a name, an address, an email) isolated from the sentence around it."""
    return Markup("<bdi>%s</bdi>") % escape("" if value is None else value)


def isolate(value: Any) -> str:
    """The same isolation in plain text (emails): first-strong isolate ... pop isolate."""
    return "\u2068%s\u2069" % ("" if value is None else value)


# Bidi classes that can move text: right-to-left letters, Arabic-Indic digits, and every
# explicit embedding, override and isolate control, which an unclosed one carries past the value.
_MAY_MOVE = frozenset(
    {"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI", "LRE", "LRO", "LRI", "PDF", "PDI"}
)


def isolate_in_subject(value: str, language: str) -> str:
    """A title isolated for an email subject only where direction can change it: in a
    right-to-left subject, or when it holds right-to-left letters, Arabic-Indic digits or a
    bidi control. Mail clients show a subject bare in their lists, and some draw the isolate
    marks of "Your letter: Syria" as boxes, where they change nothing."""
    if language.split("-")[0] in RTL_LANGUAGES or any(
        unicodedata.bidirectional(char) in _MAY_MOVE for char in value
    ):
        return isolate(value)
    return value


_CONTROLS = frozenset({"RLE", "RLO", "RLI", "FSI", "LRE", "LRO", "LRI", "PDF", "PDI"})


def isolate_in_title(value: Any) -> str:
    """A page's <title> part (a campaign's title), isolated only where the page's direction
    can reorder it: on a right-to-left page, one holding left-to-right letters ("5 steps…"
    after "خطأ: " read "steps… 5"); on a left-to-right page, one that could move as a subject
    can. Tab strips and screen readers may show the marks as boxes where they change nothing."""
    text = "" if value is None else value
    moving = {"L"} | _CONTROLS if page_language() in RTL_LANGUAGES else _MAY_MOVE
    if not any(unicodedata.bidirectional(c) in moving for c in str(text)):
        return str(text) if not isinstance(text, Markup) else text
    # Markup (an already escaped "Edit: %(title)s") stays escaped once: str() lost its safety.
    return Markup("\u2068%s\u2069") % text


def isolate_in_text(value: Any) -> str:
    """The `isolate` filter of plain-text emails: isolated as in a subject, by the language the
    email is written in. Plain-text clients show the marks as the subject's lists do, so
    "Hello Rana," in an English email carries none, and "Hello رنا," does."""
    return isolate_in_subject("" if value is None else str(value), str(get_locale() or "en"))


def interface_language(tag: str | None) -> str:
    """A recorded language tag ('ar-EG', 'en_US') as one of the interface languages."""
    language = (tag or "").replace("_", "-").split("-")[0].lower()
    supported = _supported()
    return language if language in supported else str(this_app().config["BABEL_DEFAULT_LOCALE"])


def language_name(code: str) -> str:
    """A language's name in the page's language ('العربية' on an Arabic page, 'Arabic' on
    an English one)."""
    try:
        name = Locale.parse(code).get_display_name(page_language())
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def language_dir(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


class ShownNumber(int):
    """A number that writes itself as `shown` (the form page cache's marker, filled in later with
    the number as `number` writes it): plural forms still follow the number."""

    shown: str

    def __new__(cls, value: int, shown: str) -> ShownNumber:
        number = super().__new__(cls, value)
        number.shown = shown
        return number

    def __str__(self) -> str:
        return self.shown


def number(value: int | float) -> str:
    """A number as the page's language writes it (grouping, digits)."""
    if isinstance(value, ShownNumber):
        return str(value)
    return str(format_decimal(value))


def joined_list(parts: list[Markup]) -> Markup:
    """'A, B and C' as the page's language joins a list, of parts already made safe."""
    # The language's own pattern around numbered slots, then each slot filled with its part.
    slots = [f"\x00{i}\x00" for i in range(len(parts))]
    pattern = format_list(slots, locale=str(get_locale() or "en"))
    pieces = re.split(r"\x00(\d+)\x00", pattern)
    return Markup("").join(
        parts[int(piece)] if i % 2 else escape(piece) for i, piece in enumerate(pieces)
    )


def counted(singular: str, plural: str, n: int) -> Markup:
    """ngettext for HTML: the page language's plural form, its %(num)s written as that language
    writes numbers and isolated, so it keeps its place in a right-to-left sentence."""
    pattern = get_translations().ngettext(singular, plural, n)
    return escape(pattern) % {"num": bdi(number(n))}


@functools.cache
def _samples(language: str) -> dict[str, int]:
    rule = Locale.parse(language).plural_form
    samples: dict[str, int] = {}
    for n in range(1000):  # every CLDR category of every language has a member below 1,000
        samples.setdefault(str(rule(n)), n)
    return samples


def plural_samples() -> dict[str, int]:
    """The page language's plural categories (CLDR: zero, one, two, few, many, other), each with
    its smallest number: a sentence rendered with each is the one a script picks for any count
    with `Intl.PluralRules`, which uses the same categories."""
    return _samples(str(get_locale()))


def init_i18n(app: Flask) -> None:
    app.before_request(_prefer_chosen_language)
    app.url_defaults(_carry_language)
    app.add_template_filter(bdi)
    app.add_template_filter(isolate_in_text, name="isolate")
    app.add_template_filter(isolate_in_title, name="title_isolate")
    app.add_template_filter(number)
    app.add_template_global(switch_language_url)
    app.add_template_global(page_language)
    app.add_template_global(language_name)
    app.add_template_global(language_dir)
    app.add_template_global(plural_samples)

    @app.context_processor
    def _page_direction() -> dict[str, Any]:
        language = page_language()
        rtl = language in RTL_LANGUAGES
        return {
            "page_lang": language,
            "page_dir": "rtl" if rtl else "ltr",
            # A plain-text email's line that opens with an isolated value (an office's name)
            # has no strong letter outside it, and a mail program sets it left to right: a
            # right-to-left mark before it gives it the email's direction.
            "line_start": "\u200f" if rtl else "",
            "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in _supported()],
        }
