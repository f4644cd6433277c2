"""A partner's code for its site and its link to share, in the campaign's language and Arabic."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from webapp.models import Campaign

# The widget's second language: the one the project's supporters read most after English.
SECOND_LANGUAGE = "ar"
# The plain frame cannot resize itself, so one height must serve every screen. Measured in
# Chromium with the shipped campaign and a partner's consent box (December 2026), at 320-360 px
# wide the empty form is 1970-2040 px tall in English, 2140-2200 in Arabic; filled, with a
# split ZIP's note, 2310-2400 (Arabic 2430-2490); the step listing every error 2420-2680, and
# that step once the ZIP is typed (its note and offices added) 2810-2920 at 360 px, 3050 at 320.
# The widget's title field (ecb78d5) adds about 110 px: that last step's Preview button then
# ends at 2907 px (English) and 3034 (Arabic) at 360 px, 3039 and 3077 at 320, the page about
# 40 px below it; at 1280 px it ends at 1574-2366. Phones are where most supporters write, and
# a Preview button cut off in a box that scrolls on its own loses letters: 3200 holds every step
# before Preview at 320 px and up in both languages. The price is empty space below on wide
# screens and after Preview (~1100) and the thanks (~650): a scroll, not a letter. The embed
# page says so.
PLAIN_FRAME_HEIGHT = 3200
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


def _query(code: str, arabic: bool) -> str:
    return urlencode({"partner": code} | ({"lang": SECOND_LANGUAGE} if arabic else {}))


def credited_url(campaign: Campaign, code: str, base: str, arabic: bool = False) -> str:
    """The campaign page that credits the partner `code`: letters and consents written there
    count as the partner's, as through its widget."""
    return f"{base}/campaigns/{campaign.slug}?{_query(code, arabic)}"


def embed_snippets(campaign: Campaign, code: str, base: str) -> list[Snippet]:
    """One partner's snippets, in the campaign's language first, then each in Arabic."""
    slug, partner = escape(campaign.slug), escape(code)
    texts: dict[tuple[str, bool], str] = {}
    for arabic in (False, True):
        # A title in Arabic only when the campaign has one; else its own, marked as such.
        title = campaign.reading_title(SECOND_LANGUAGE) if arabic else None
        title_lang = escape(SECOND_LANGUAGE if title else campaign.language)
        shown = escape(title or campaign.title)
        query = escape(_query(code, arabic))
        data_lang = f' data-lang="{SECOND_LANGUAGE}"' if arabic else ""
        # The link after the script is the way on where the widget cannot load: embed.js
        # unreachable leaves it shown; embed.js hides it while its frame holds the widget.
        texts["script", arabic] = (
            f'<script src="{base}/embed.js" data-campaign="{slug}" '
            f'data-partner="{partner}"{data_lang} async></script>'
            f'<a href="{base}/campaigns/{slug}?{query}" lang="{title_lang}">{shown}</a>'
        )
        # referrerpolicy="origin": the frame's own request then names the site (scheme and
        # host, never the page) even where the page says no-referrer or same-origin, as locked-
        # down sites do; a restricted campaign checks that name (webapp/widget/security.py), so
        # without it such a site was refused. A site not allowed still names itself: refused.
        texts["iframe", arabic] = (
            f'<iframe src="{base}/widget/{slug}?{query}" title="{shown}" lang="{title_lang}" '
            f'width="100%" height="{PLAIN_FRAME_HEIGHT}" frameborder="0" '
            'referrerpolicy="origin"></iframe>'
        )
        texts["link", arabic] = (
            f'<noscript><a href="{escape(credited_url(campaign, code, base, arabic))}" '
            f'lang="{title_lang}">{shown}</a></noscript>'
        )
    # Each kind, then its Arabic twin: the recommended line first.
    return [
        Snippet(kind + ("-ar" if arabic else ""), str(_LABELS[kind, arabic]), texts[kind, arabic])
        for kind in ("script", "iframe", "link")
        for arabic in (False, True)
    ]
