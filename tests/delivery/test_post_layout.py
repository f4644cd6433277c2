"""A posted letter as printed: the addresses in the envelope's windows, the Latin-script name."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import LETTERS, PostalStub
from tests.delivery.postal_world import app_config, president_campaign
from tests.supporter.helpers import post_letter
from webapp.delivery.worker import Worker

POINTS = 72  # a PDF point is 1/72 inch
# Lob's standard #10 double-window envelope (4.125 x 9.5 in; help.lob.com, "Letter
# envelopes"): window 1 (return) 0.875 x 3.25 in, 0.625 in from the left, 2.375 in from the
# bottom; window 2 (recipient) 1 x 4 in, 0.625 in from the left, 1 in from the bottom. With
# the tri-folded sheet's top panel against the envelope's top edge, on the page (in inches
# from the top-left corner) as (x0, y0, x1, y1):
RETURN_WINDOW = (0.625, 4.125 - 2.375 - 0.875, 0.625 + 3.25, 4.125 - 2.375)
RECIPIENT_WINDOW = (0.625, 4.125 - 1 - 1, 0.625 + 4, 4.125 - 1)
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
ARABIC_NAME = {"first_name": "رانيا", "last_name": "حداد"}
LATIN_NAME = {"latin_first_name": "Rania", "latin_last_name": "Haddad"}
WORDS = {"personal_message": "عائلتي من حلب.", "personal_english": "My family is from Aleppo."}

__all__ = ["app_config"]  # the fixture, used by name


def _first_page_words(pdf: Path) -> list[tuple[tuple[float, ...], str]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [(tuple(float(n) / POINTS for n in m.groups()[:4]), m[5]) for m in WORD.finditer(xml)]


def _inside(box: tuple[float, ...], window: tuple[float, ...]) -> bool:
    return (
        window[0] <= box[0] and window[1] <= box[1] and box[2] <= window[2] and box[3] <= window[3]
    )


def _overlaps(box: tuple[float, ...], window: tuple[float, ...]) -> bool:
    return box[0] < window[2] and window[0] < box[2] and box[1] < window[3] and window[1] < box[3]


def test_the_printed_letter_shows_both_addresses_in_the_envelope_windows(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    from weasyprint import HTML

    slug = president_campaign(app, tmp_path)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    response = post_letter(client, slug, **ARABIC_NAME, **LATIN_NAME, **WORDS)
    assert response.status_code == 303, response.text
    assert Worker(app).run(once=True).sent == 1
    html = json.loads(postal.server.last(LETTERS).body)["file"]  # what the service printed
    pdf = tmp_path / "letter.pdf"
    HTML(string=html).write_pdf(pdf)
    words = _first_page_words(pdf)
    text = " ".join(word for _box, word in words)

    recipient = [box for box, word in words if word in {"Pennsylvania", "20500", "President"}]
    assert len(recipient) == 3 and all(_inside(b, RECIPIENT_WINDOW) for b in recipient), words
    sender = [box for box, word in words if word in {"Syrian", "Coalition", "Civic", "Plaza"}]
    assert len(sender) == 4 and all(_inside(b, RETURN_WINDOW) for b in sender), words
    addresses = {"Pennsylvania", "Avenue", "NW", "Washington", "DC", "20500", "The", "President"}
    addresses |= {"White", "House", "Syrian", "Coalition", "1", "Civic", "Plaza", "Dearborn"}
    addresses |= {"MI", "48126", "1600"}
    stray = [w for box, w in words if w not in addresses and _overlaps(box, RECIPIENT_WINDOW)]
    assert stray == [], "nothing but the address shows through the window"
    assert "Rania Haddad" in text and "My family is from Aleppo." in text
    assert "رانيا" not in html and "حداد" not in html, "offices get the Latin-script name"
