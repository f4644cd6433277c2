"""Markdown from organisers to safe HTML, and supporter text to escaped paragraphs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import unescape as unescape_html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

# Raw HTML in organiser Markdown is shown as text, never passed through.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ol",
    "ul",
    "li",
    "a",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "hr",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# "&" too: Markdown would otherwise decode an entity the supporter typed literally.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~&])")


@lru_cache(maxsize=1024)
def markdown_to_html(source: str) -> Markup:
    """Render organiser Markdown to sanitised HTML (links limited to http, https and mailto)."""
    html = _MD.render(source)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has just sanitised it


def escape_markdown(text: str) -> str:
    """Escape a value inserted into Markdown so it shows literally and adds no markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def text_to_html(text: str, resolve_direction: bool = False) -> Markup:
    """Supporter text as escaped paragraphs: blank lines split paragraphs, newlines break lines.

    Each paragraph takes its direction from its own first letters (`dir="auto"`), so an Arabic
    paragraph reads right to left in an English page and the other way round. PDF renderers
    ignore `dir="auto"`: `resolve_direction` writes the direction it would pick instead. A
    paragraph that opens in the Arabic script is marked with its language (Arabic, Persian,
    Urdu or Sorani: arabic_script_language), so a screen reader reading an English letter does
    not read its words out as English sounds; any other paragraph takes the language of what
    it sits in.
    """
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    parts = [
        Markup('<p dir="{}"{}>').format(
            paragraph_direction(p) if resolve_direction else "auto",
            Markup(' lang="{}"').format(lang) if (lang := arabic_script_language(p)) else "",
        )
        + Markup("<br>").join(_shown_line(line, _has_rtl(p)) for line in p.split("\n"))
        + Markup("</p>")
        for p in paragraphs
        if p.strip()
    ]
    return Markup("\n").join(parts)


# A run this long without a space (a link, a hashtag) gets break opportunities: mail apps
# ignore style sheets, and one such run made a receipt email 2,685 px wide on a 360 px phone.
_LONG_RUN = re.compile(r"\S{30,}")
# After a link's or a hashtag's punctuation; between two letters only in plain ASCII stretches,
# every `_CHUNK` characters: a break inside an Arabic word unjoins its letters in the PDFs.
_AFTER_PUNCTUATION = re.compile(r"(?<=[/.\-_?&=#+:;,~])")
_CHUNK = 20


def _pieces(run: str) -> list[str]:
    pieces: list[str] = []
    for piece in _AFTER_PUNCTUATION.split(run):
        if len(piece) > _CHUNK and piece.isascii():
            pieces += [piece[i : i + _CHUNK] for i in range(0, len(piece), _CHUNK)]
        elif piece:
            pieces.append(piece)
    return pieces


def _breakable(line: str) -> Markup:
    """One line escaped, with <wbr> inside long runs (never inside an escaped entity)."""
    parts: list[Markup] = []
    last = 0
    for run in _LONG_RUN.finditer(line):
        parts.append(escape(line[last : run.start()]))
        parts.append(Markup("<wbr>").join(escape(piece) for piece in _pieces(run.group())))
        last = run.end()
    parts.append(escape(line[last:]))
    return Markup("").join(parts)


# A phone number in a right-to-left paragraph: its digit groups, joined by "-", spaces or
# brackets, are laid out one group at a time from the right ("0100-555-313"), though it is
# written, read and dialled left to right. Such a run (a "+" and 7 digits or more, three groups
# or more, or a trunk "0" number of two: "0176 12345678") is isolated left to right there, with
# LRI ... PDI so the PDFs keep it too. Inside, an override (LRO ... PDF): Arabic-Indic digits
# keep their groups right to left in a left-to-right isolate. A bracket is part of it only with
# its pair, and a number in a link ("wa.me/+963…", "?n=") is left whole for copying.
_D = "[0-9\u0660-\u0669\u06f0-\u06f9]"
_INTERNATIONAL = rf"\+{_D}(?:[ \-.()]*{_D}){{6,}}"
_GROUPED = rf"(?:\({_D}{{2,4}}\)|{_D}{{2,4}})(?:[ \-.]{_D}{{2,4}}){{2,}}"
_TRUNK = rf"[0\u0660\u06f0]{_D}{{1,4}}[ \-.]{_D}{{5,8}}"
_PHONE = re.compile(rf"(?<![\w+/=])(?:{_INTERNATIONAL}|{_GROUPED}|{_TRUNK})(?!\w)")


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in {"R", "AL"} for char in text)


def _shown_line(line: str, rtl: bool) -> Markup:
    """One line of supporter text as HTML; in a paragraph with right-to-left letters, its phone
    numbers isolated left to right."""
    if not rtl:
        return _breakable(line)
    parts: list[Markup] = []
    last = 0
    for phone in _PHONE.finditer(line):
        parts.append(_breakable(line[last : phone.start()]))
        parts.append(Markup("\u2066\u202d%s\u202c\u2069") % phone.group())
        last = phone.end()
    parts.append(_breakable(line[last:]))
    return Markup("").join(parts)


def _first_strong(text: str) -> str | None:
    """The bidi class (L, R or AL) of the first strong letter, the one dir=auto goes by."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"L", "R", "AL"}:
            return kind
    return None


# Arabic's own yeh, kaf and alef maksura: an Arabic keyboard types them, a Persian one types
# keheh and Farsi yeh instead. With one, Persian-looking letters are Arabic's (Iraqi and Gulf
# Arabic write چ and گ; names borrow پ).
_ARABIC_KEYBOARD = frozenset("\u064a\u0643\u0649")  # ي ك ى
# Letters that Arabic does not use, by the language whose keyboard types them. Urdu and Sorani
# Kurdish are checked before Persian: their keyboards also type Persian's keheh and yeh.
_SCRIPT_LANGUAGES = (
    ("ur", frozenset("\u0679\u0688\u0691\u06ba\u06c1\u06d2")),  # ٹ ڈ ڑ ں ہ ے
    ("ckb", frozenset("\u0695\u06b5\u06c6\u06ce\u06d5")),  # ڕ ڵ ۆ ێ ە
    ("fa", frozenset("\u067e\u0686\u0698\u06a9\u06af\u06cc")),  # پ چ ژ ک گ ی
)


def arabic_script_language(text: str) -> str | None:
    """The language of a paragraph that opens in the Arabic script, for its `lang`: Urdu,
    Sorani Kurdish or Persian when it has a letter only their keyboards type and none only an
    Arabic keyboard types, else Arabic; None for a paragraph opening in another script.

    A screen reader picks its voice from `lang`: Persian read with an Arabic voice is read
    wrongly, so a Persian-speaking Syrian's paragraph is not simply marked Arabic.
    """
    if _first_strong(text) != "AL":
        return None
    letters = set(text)
    found = next((code for code, own in _SCRIPT_LANGUAGES if letters & own), "ar")
    # Persian's letters alone are weak evidence (Arabic dialects write چ and گ); Urdu's and
    # Sorani's are never Arabic's, even typed on an Arabic keyboard.
    return "ar" if found == "fa" and letters & _ARABIC_KEYBOARD else found


def paragraph_direction(text: str) -> str:
    """'rtl' or 'ltr' from the first strong letter, as the Unicode bidi rules and dir=auto do."""
    return "rtl" if _first_strong(text) in {"R", "AL"} else "ltr"


@dataclass(frozen=True)
class LetterDigest:
    """A letter cut in reading order so a phone shows its opening and its asks first, and the
    paragraphs between them behind "Read the whole letter"."""

    lead: str  # the opening sentence, as plain text
    opening: Markup  # the first paragraph
    middle: Markup | None  # everything between the opening and the asks
    asks: Markup | None  # the first numbered list, with the paragraph introducing it
    rest: Markup | None  # whatever follows the list


# Not after a lone letter ("S. 1234", "Gary C. Peters", "H.R. 5", "U.S."), a title ("Dr."), nor
# before a number: a bill's name cut there led a campaign's page with "we ask you to support S."
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Za-z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)"
    r"(?<=[.!?؟])\s+(?!\d)"
)
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:li|p|h[1-6]|blockquote)>")


def _html_or_none(source: str) -> Markup | None:
    return markdown_to_html(source) if source.strip() else None


@lru_cache(maxsize=64)
def letter_digest(source: str) -> LetterDigest:
    """Cut by the organiser's own block structure, so nothing is rewritten or repeated."""
    tokens = _MD.parse(source)
    lines = source.splitlines()
    top = [t for t in tokens if t.level == 0 and t.map and t.nesting != -1]
    if not top or top[0].map is None:
        return LetterDigest("", markdown_to_html(source), None, None, None)
    opening_end = top[0].map[1]
    asks_start = asks_end = None
    for index, token in enumerate(top):
        if token.type == "ordered_list_open" and token.map and index > 0:
            asks_start, asks_end = token.map
            previous = top[index - 1]
            if previous.type == "paragraph_open" and previous.map and index > 1:
                asks_start = previous.map[0]
            break
    opening = "\n".join(lines[:opening_end])
    if asks_start is None or asks_end is None:
        middle, asks, rest = "\n".join(lines[opening_end:]), "", ""
    else:
        middle = "\n".join(lines[opening_end:asks_start])
        asks = "\n".join(lines[asks_start:asks_end])
        rest = "\n".join(lines[asks_end:])
    opening_html = markdown_to_html(opening)
    # The lead is read as text: from the rendered paragraph, so Markdown's marks and escapes
    # ("**", "\\[") are not shown with it.
    lead_html = str(opening_html)
    if top[0].type in ("bullet_list_open", "ordered_list_open"):
        # A letter that opens with a list leads with its first item (without any list inside
        # it): the items have no sentence end between them, so read as text they would run on.
        first_item = lead_html.split("<li>", 1)[-1]
        lead_html = re.split(r"</li>|<[ou]l\b", first_item, maxsplit=1)[0]
    spaced = _BLOCK_END.sub(" ", lead_html)  # list items and lines stay apart
    text = re.sub(r"\s+", " ", unescape_html(_TAG.sub("", spaced))).strip()
    return LetterDigest(
        lead=_SENTENCE_END.split(text, maxsplit=1)[0] if text else "",
        opening=opening_html,
        middle=_html_or_none(middle),
        asks=_html_or_none(asks),
        rest=_html_or_none(rest),
    )
