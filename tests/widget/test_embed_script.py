"""embed.js as host pages load it: every line of code, none of our comment lines, cacheable."""

from __future__ import annotations

import gzip
from pathlib import Path

from flask.testing import FlaskClient

SOURCE = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js" / "embed.js"
# bench/widget_size.py's goal for the loader every partner page downloads.
GZIPPED_GOAL = 3072


def test_the_loader_keeps_every_line_of_code_and_drops_the_comment_lines(
    client: FlaskClient,
) -> None:
    served = client.get("/embed.js").text.splitlines()
    source = SOURCE.read_text(encoding="utf-8").splitlines()
    code = [line for line in source if not line.lstrip().startswith("//")]
    assert served == code
    assert len(code) < len(source)  # the source explains itself; host pages need not get that
    assert served[0].startswith("/* civic-letters embed: <script src=")  # what to paste, kept
    assert len(gzip.compress("\n".join(served).encode(), 9)) <= GZIPPED_GOAL


def test_the_loader_is_cached_an_hour_and_revalidated_by_its_etag(client: FlaskClient) -> None:
    first = client.get("/embed.js")
    assert first.status_code == 200
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.cache_control.max_age == 3600 and first.cache_control.public
    etag = first.headers["ETag"]
    again = client.get("/embed.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
