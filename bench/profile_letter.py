"""Where one letter's CPU time goes: the widget form GET and send POST in-process, with cProfile.

Run: .venv/bin/python -m bench.profile_letter [--letters 300] [--top 40] [--save FILE]
    [--backend sqlite|postgresql]
Prints the milliseconds per letter without a profiler (no HTTP, no other load: the ceiling one
core can reach), the same with both pages gzipped as a browser asks for them, the same with the
preview POST a browser's letter also takes (the form's only button is "Preview my letter"; the
first figure, the issue's yardstick, leaves it out), the same with a 150-word paragraph of the
supporter's own and with one at the form's limit (5,000 characters; the bench's letter has seven
words, and the paragraph's similarity sketch grows with its length), then the profile sorted by
cumulative and by own time. SQLite unless told (PostgreSQL: a throwaway cluster, whose own CPU
is not counted; bench.pg_statements reads it),
default limits and risk checks, each letter from its own client address, the heap frozen after
the warm-up as a served worker's is.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from bench.support import letter_app
from tests.widget.helpers import OWN_ORIGIN, form_token, post_widget
from webapp.campaigns.services import campaign_by_slug
from webapp.database import db
from webapp.warmup import freeze_heap

SLUG = "syria-five-steps"
MESSAGE = "My family is in Idlib. Please act."


def _text(response: TestResponse) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def own_words(n: int, words: list[str], count: int) -> str:
    """Letter n's paragraph: `count` words drawn from `words` in an order of its own, so two
    letters' paragraphs share few three-word runs, as supporters' paragraphs do."""
    return " ".join(random.Random(n).choices(words, k=count))


def _letter(
    client: FlaskClient,
    n: int,
    compressed: bool = False,
    message: str = MESSAGE,
    preview: bool = False,
) -> None:
    """One letter: the form GET and the send POST; with `preview`, the preview POST between
    them that a browser takes (the form's only button is "Preview my letter"), its token sent."""
    address = {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
    if compressed:
        address["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    page = client.get(f"/widget/{SLUG}?wid=w1&parent={OWN_ORIGIN}", environ_base=address)
    fields = {
        "form_token": form_token(_text(page)),
        "mode": "letter",
        "wid": "w1",
        "first_name": f"L{n}",
        "last_name": "Test",
        "email": f"p{n}@example.org",
        "street": "",
        "city": "Dearborn",
        "state": "MI",
        "zip_code": "48033",
        "personal_message": message,
    }
    if preview:
        shown = post_widget(client, SLUG, {**fields, "action": "preview"}, **address)
        assert shown.status_code == 200, shown.status_code
        fields["form_token"] = form_token(_text(shown))
    response = post_widget(client, SLUG, {**fields, "action": "send"}, **address)
    # A new letter each time: a repeat from the same address skips the recording ("repeat").
    assert '<meta name="civic-letters-sent" content="sent" data-letter="' in _text(response), (
        response.status_code
    )


def _cpu_ms(
    client: FlaskClient,
    first: int,
    count: int,
    paragraph: Callable[[int], str] | None = None,
    **options: bool,
) -> float:
    """This process's CPU milliseconds per letter for letters `first` to `first + count`, each
    with `paragraph(n)` for its own words (the seven-word one without) and `options`."""
    cpu = time.process_time()
    for n in range(first, first + count):
        _letter(client, n, message=paragraph(n) if paragraph else MESSAGE, **options)
    return (time.process_time() - cpu) * 1000 / count


def campaign_words(app: Flask) -> list[str]:
    """The default campaign's words, the pool own_words draws paragraphs from."""
    with app.app_context():
        campaign = campaign_by_slug(db.session(), SLUG)
        assert campaign is not None
        return campaign.body.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--save", type=Path, help="also keep the profile here (for pstats)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with letter_app(args.backend) as app:
        client = app.test_client()
        for n in range(50):  # warm caches and pools
            _letter(client, n)
        freeze_heap()  # as each gunicorn worker does before it accepts (gunicorn.conf.py)
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(50, 50 + args.letters):
            _letter(client, n)
        per_letter = (time.process_time() - cpu) * 1000 / args.letters
        wall = (time.perf_counter() - started) * 1000 / args.letters
        print(
            f"{per_letter:.2f} ms of CPU per letter (GET + POST) on {args.backend}, "
            f"{wall:.2f} ms wall"
        )
        # Browsers ask for gzip: the same path with both pages compressed, as they would be.
        per_letter = _cpu_ms(client, 50_000, args.letters, compressed=True)
        print(f"{per_letter:.2f} ms of CPU per letter with both pages gzipped (Accept-Encoding)")
        # The benches' letter skips the preview no browser can skip: its cost, shown apart so
        # the first figure stays the yardstick (GET + send).
        per_letter = _cpu_ms(client, 60_000, args.letters, preview=True)
        print(f"{per_letter:.2f} ms of CPU per letter with a browser's preview (3 requests)")
        words = campaign_words(app)
        lengths = (("a 150-word", 150, 0, 70_000), ("a 5,000-character", 900, 5000, 80_000))
        for label, count, limit, first in lengths:

            def paragraph(n: int, count: int = count, limit: int = limit) -> str:
                message = own_words(n, words, count)
                return message[:limit] if limit else message

            per_letter = _cpu_ms(client, first, args.letters, paragraph)
            print(f"{per_letter:.2f} ms of CPU per letter with {label} paragraph of own words")
        profile = cProfile.Profile()
        profile.enable()
        for n in range(100_000, 100_000 + args.letters):
            _letter(client, n)
        profile.disable()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "letters.prof"
            profile.dump_stats(path)
            if args.save:
                profile.dump_stats(args.save)
            stats = pstats.Stats(str(path))
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top // 2)


if __name__ == "__main__":
    main()
