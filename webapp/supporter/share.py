"""Share links for the receipt page, and mailto links that hand a letter to the supporter's mail."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    network: str
    url: str


def share_links(page_url: str, message: str, subject: str) -> list[ShareLink]:
    """Links that open each service's own share dialog; nothing is posted for the supporter."""
    text_and_url = f"{message} {page_url}"
    return [
        ShareLink(
            "email",
            "mailto:?" + urlencode({"subject": subject, "body": text_and_url}, quote_via=quote),
        ),
        ShareLink(
            "whatsapp", "https://wa.me/?" + urlencode({"text": text_and_url}, quote_via=quote)
        ),
        ShareLink(
            "x",
            "https://x.com/intent/post?"
            + urlencode({"text": message, "url": page_url}, quote_via=quote),
        ),
        ShareLink(
            "facebook",
            "https://www.facebook.com/sharer/sharer.php?"
            + urlencode({"u": page_url}, quote_via=quote),
        ),
    ]


def mailto_letter(to: str | None, subject: str, body: str) -> str:
    """A mailto: link carrying the whole letter, for sending it from one's own address."""
    recipient = quote(to or "", safe="@")
    return f"mailto:{recipient}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)
