"""Markdown from organisers to safe HTML, and supporter text to escaped paragraphs."""

from __future__ import annotations

import re
from functools import lru_cache

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


def text_to_html(text: str) -> Markup:
    """Supporter text as escaped paragraphs: blank lines split paragraphs, newlines break lines."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    parts = [
        Markup("<p>") + Markup("<br>").join(escape(line) for line in p.split("\n")) + Markup("</p>")
        for p in paragraphs
        if p.strip()
    ]
    return Markup("\n").join(parts)
