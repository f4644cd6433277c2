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
    snippets = []
    for arabic in (False, True):
        suffix = "-ar" if arabic else ""
        lang = SECOND_LANGUAGE if arabic else None
        # A title in Arabic only when the campaign has one; else its own, marked as such.
        title = campaign.reading_title(SECOND_LANGUAGE) if arabic else None
        title_lang = SECOND_LANGUAGE if title else campaign.language
        shown = escape(title or campaign.title)
        query = escape(urlencode({"partner": code} | ({"lang": lang} if lang else {})))
        data_lang = f' data-lang="{SECOND_LANGUAGE}"' if arabic else ""
        texts = {
            "script": f'<script src="{base}/embed.js" data-campaign="{slug}" '
            f'data-partner="{partner}"{data_lang} async></script>',
            "iframe": f'<iframe src="{base}/widget/{slug}?{query}" title="{shown}" '
            f'lang="{escape(title_lang)}" '
            'width="100%" height="1400" frameborder="0"></iframe>',
            "link": f'<noscript><a href="{base}/campaigns/{slug}?{query}" '
            f'lang="{escape(title_lang)}">{shown}</a></noscript>',
        }
        snippets += [
            Snippet(kind + suffix, str(_LABELS[kind, arabic]), text) for kind, text in texts.items()
        ]
    # The recommended line and its Arabic twin first, as before.
    order = ["script", "script-ar", "iframe", "iframe-ar", "link", "link-ar"]
    return sorted(snippets, key=lambda s: order.index(s.sid))
