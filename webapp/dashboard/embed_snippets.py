"""The snippets a partner pastes into its site: the one line, a plain frame and a link, each
in the campaign's language and in Arabic."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from webapp.models import Campaign

# The widget's second language: the one the project's supporters read most after English.
SECOND_LANGUAGE = "ar"
_LABELS = {
    ("script", False): _l("One line (recommended)"),
    ("script", True): _l("One line, the widget in Arabic (right to left)"),
    ("iframe", False): _l("Plain frame, for sites that remove scripts"),
    ("iframe", True): _l("Plain frame, the widget in Arabic"),
    ("link", False): _l("Link for visitors without JavaScript"),
    ("link", True): _l("Link for visitors without JavaScript, to the page in Arabic"),
}


@dataclass(frozen=True)
class Snippet:
    sid: str  # unique within one partner's snippets, for ids
    label: str
    text: str


def embed_snippets(campaign: Campaign, code: str, base: str) -> list[Snippet]:
    """One partner's snippets, in the campaign's language first, then each in Arabic."""
    slug, partner = escape(campaign.slug), escape(code)
    texts: dict[tuple[str, bool], str] = {}
    for arabic in (False, True):
        # A title in Arabic only when the campaign has one; else its own, marked as such.
        title = campaign.reading_title(SECOND_LANGUAGE) if arabic else None
        title_lang = escape(SECOND_LANGUAGE if title else campaign.language)
        shown = escape(title or campaign.title)
        query = escape(urlencode({"partner": code} | ({"lang": SECOND_LANGUAGE} if arabic else {})))
        data_lang = f' data-lang="{SECOND_LANGUAGE}"' if arabic else ""
        # The link after the script is the way on where the widget cannot load: embed.js
        # unreachable leaves it shown; embed.js hides it while its frame holds the widget.
        texts["script", arabic] = (
            f'<script src="{base}/embed.js" data-campaign="{slug}" '
            f'data-partner="{partner}"{data_lang} async></script>'
            f'<a href="{base}/campaigns/{slug}?{query}" lang="{title_lang}">{shown}</a>'
        )
        texts["iframe", arabic] = (
            f'<iframe src="{base}/widget/{slug}?{query}" title="{shown}" lang="{title_lang}" '
            'width="100%" height="1400" frameborder="0"></iframe>'
        )
        texts["link", arabic] = (
            f'<noscript><a href="{base}/campaigns/{slug}?{query}" '
            f'lang="{title_lang}">{shown}</a></noscript>'
        )
    # Each kind, then its Arabic twin: the recommended line first.
    return [
        Snippet(kind + ("-ar" if arabic else ""), str(_LABELS[kind, arabic]), texts[kind, arabic])
        for kind in ("script", "iframe", "link")
        for arabic in (False, True)
    ]
